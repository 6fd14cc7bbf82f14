//! Moderation: what a member may report (only what they can read) and who works on a queue.

use entraide_domain::event::Place as EventPlace;
use entraide_domain::group::Reader;
use entraide_domain::ids::{CommentId, EventId, GroupId, MemberId, MessageId, PostId, ResourceId};
use entraide_domain::moderation::{Queue, TargetKind, can_moderate_queue};
use entraide_domain::resource::VersionStatus;
use entraide_persistence::{
    DbConnection, blocks, comments, groups, members, messages, posts, resources,
};
use uuid::Uuid;

use crate::access::events::readable_event;
use crate::access::resources::{load as load_resource, sees_work};
use crate::error::ApiError;
use crate::extractors::AuthMember;

/// Who is answerable for a reported target, where it lives, and what it says now.
pub(crate) struct Reported {
    pub author: MemberId,
    pub group: Option<GroupId>,
    pub text: Option<String>,
}

/// The target if `reporter` may read it (404 otherwise, whether or not it exists: a report
/// must not tell what is there), with its author and group.
pub(crate) fn reportable(
    conn: &mut DbConnection,
    reporter: &AuthMember,
    kind: TargetKind,
    id: Uuid,
) -> Result<Reported, ApiError> {
    let reader: Reader = reporter.reader();
    match kind {
        TargetKind::Post => {
            let post = posts::find_readable(conn, reader, PostId::from_uuid(id))?
                .filter(|p| !p.deleted)
                .ok_or(ApiError::NotFound)?;
            Ok(Reported {
                author: post.author_id,
                group: post.group_id,
                text: Some(post.body.source().to_owned()),
            })
        }
        TargetKind::Comment => {
            let comment = comments::find_readable(conn, reader, CommentId::from_uuid(id))?
                .filter(|c| !c.deleted)
                .ok_or(ApiError::NotFound)?;
            let post =
                posts::find_readable(conn, reader, comment.post_id)?.ok_or(ApiError::NotFound)?;
            Ok(Reported {
                author: comment.author_id,
                group: post.group_id,
                text: Some(comment.body.source().to_owned()),
            })
        }
        TargetKind::Event => {
            let event = readable_event(conn, reader, EventId::from_uuid(id))?;
            Ok(Reported {
                author: event.organizer_id,
                group: match event.place {
                    EventPlace::Group(group) => Some(group),
                    _ => None,
                },
                text: Some(event.title.as_str().to_owned()),
            })
        }
        TargetKind::Resource => {
            let resource = load_resource(conn, ResourceId::from_uuid(id))?;
            let work = sees_work(conn, &resource, Some(reporter.id))?;
            let versions = resources::versions(conn, resource.id)?;
            let shown = versions.iter().find(|v| {
                work || matches!(v.status, VersionStatus::Published | VersionStatus::Archived)
            });
            let Some(shown) = shown else {
                return Err(ApiError::NotFound);
            };
            Ok(Reported {
                author: resource.author_id,
                group: None,
                text: Some(shown.content.title.as_str().to_owned()),
            })
        }
        TargetKind::Message => {
            // A participant reports a message of their conversation; no text is copied into
            // the report (messages are only ever stored encrypted).
            let message = messages::find_readable(conn, reporter.id, MessageId::from_uuid(id))?
                .ok_or(ApiError::NotFound)?;
            Ok(Reported {
                author: message.author_id,
                group: None,
                text: None,
            })
        }
        TargetKind::Member => {
            let member = MemberId::from_uuid(id);
            if blocks::blocked_either_way(conn, reporter.id, member)? {
                return Err(ApiError::NotFound);
            }
            let profile = members::find_profile(conn, member)?.ok_or(ApiError::NotFound)?;
            Ok(Reported {
                author: member,
                group: None,
                text: Some(profile.pseudonym.as_str().to_owned()),
            })
        }
    }
}

/// A post hidden by moderators, for those who moderate where it lives (platform moderators,
/// and its group's owners and moderators): they read it by id, for an appeal. `None` for
/// anything else (the caller answers 404).
pub(crate) fn hidden_post_for_moderator(
    conn: &mut DbConnection,
    actor: &AuthMember,
    id: entraide_domain::ids::PostId,
) -> Result<Option<entraide_domain::post::Post>, ApiError> {
    let Some(post) = posts::find_any(conn, id)?.filter(|p| p.hidden && !p.deleted) else {
        return Ok(None);
    };
    let queue = match post.group_id {
        Some(group) => Queue::Group(group),
        None => Queue::Platform,
    };
    let membership = match post.group_id {
        Some(group) => groups::membership(conn, group, actor.id)?,
        None => None,
    };
    Ok(can_moderate_queue(actor.role, queue, membership)
        .is_ok()
        .then_some(post))
}

/// 403 unless `actor` works on `queue` (platform moderators on every queue, a group's owners
/// and moderators on theirs); a group queue of a group that does not exist is 404.
pub(crate) fn require_moderator(
    conn: &mut DbConnection,
    actor: &AuthMember,
    queue: Queue,
) -> Result<(), ApiError> {
    let membership = match queue {
        Queue::Group(group) => {
            groups::find(conn, group)?.ok_or(ApiError::NotFound)?;
            groups::membership(conn, group, actor.id)?
        }
        Queue::Platform => None,
    };
    Ok(can_moderate_queue(actor.role, queue, membership)?)
}

/// The queue a `?group_id=` names: that group's, or the platform's when absent.
pub(crate) fn queue_of(query: &entraide_openapi::moderation::QueueQuery) -> Queue {
    query
        .group_id
        .map_or(Queue::Platform, |g| Queue::Group(GroupId::from_uuid(g)))
}
