//! Who is notified of what: called by the write paths inside their transaction, so an
//! acknowledged write and its notifications cannot diverge. Each returns the members who got a
//! notification, for the handler to wake their streams after the commit.
//!
//! `persistence::notifications::notify` holds the rules every notice passes (not to oneself,
//! not of a kind turned off, not across a block, not about what the recipient may not read).

use chrono::{DateTime, Utc};
use entraide_domain::event::Event;
use entraide_domain::ids::{GroupId, MemberId, ModerationActionId, ReportId};
use entraide_domain::moderation::Decision;
use entraide_domain::notification::{
    Notice, NotificationKind, Outcome, Subject, event_change, mentions,
};
use entraide_domain::post::{Comment, Post};
use entraide_domain::resource::Resource;
use entraide_persistence::events::answered_members;
use entraide_persistence::notifications::{group_staff, members_by_pseudonym_keys, notify};
use entraide_persistence::reactions::Target;
use entraide_persistence::{DbConnection, PersistenceError};

/// The members written to, deduplicated.
pub(crate) type Woken = Vec<MemberId>;

fn send(
    conn: &mut DbConnection,
    woken: &mut Woken,
    notice: Notice,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let recipient = notice.recipient;
    if notify(conn, &notice, now)?.is_some() && !woken.contains(&recipient) {
        woken.push(recipient);
    }
    Ok(())
}

/// Members mentioned in `text`, except `already` (who got a more specific notice).
fn mentioned(
    conn: &mut DbConnection,
    text: &str,
    already: &[MemberId],
) -> Result<Vec<MemberId>, PersistenceError> {
    Ok(members_by_pseudonym_keys(conn, &mentions(text))?
        .into_iter()
        .filter(|m| !already.contains(m))
        .collect())
}

/// A new post: its mentions (only members who may read the post are notified).
pub(crate) fn post_created(
    conn: &mut DbConnection,
    post: &Post,
    now: DateTime<Utc>,
) -> Result<Woken, PersistenceError> {
    let mut woken = Woken::new();
    for member in mentioned(conn, post.body.source(), &[])? {
        let notice = Notice {
            recipient: member,
            kind: NotificationKind::Mention,
            actor: Some(post.author_id),
            subject: Subject {
                post: Some(post.id),
                ..Subject::default()
            },
            outcome: None,
        };
        send(conn, &mut woken, notice, now)?;
    }
    Ok(woken)
}

/// A new comment: the parent comment's author (`reply`), the post's author (`comment`, unless
/// they got the reply), then those it mentions.
pub(crate) fn comment_created(
    conn: &mut DbConnection,
    post: &Post,
    parent: Option<&Comment>,
    comment: &Comment,
    now: DateTime<Utc>,
) -> Result<Woken, PersistenceError> {
    let mut woken = Woken::new();
    let subject = Subject {
        post: Some(post.id),
        comment: Some(comment.id),
        ..Subject::default()
    };
    let mut told = Vec::new();
    if let Some(parent) = parent {
        told.push(parent.author_id);
        let notice = Notice {
            recipient: parent.author_id,
            kind: NotificationKind::Reply,
            actor: Some(comment.author_id),
            subject,
            outcome: None,
        };
        send(conn, &mut woken, notice, now)?;
    }
    if !told.contains(&post.author_id) {
        told.push(post.author_id);
        let notice = Notice {
            recipient: post.author_id,
            kind: NotificationKind::Comment,
            actor: Some(comment.author_id),
            subject,
            outcome: None,
        };
        send(conn, &mut woken, notice, now)?;
    }
    for member in mentioned(conn, comment.body.source(), &told)? {
        let notice = Notice {
            recipient: member,
            kind: NotificationKind::Mention,
            actor: Some(comment.author_id),
            subject,
            outcome: None,
        };
        send(conn, &mut woken, notice, now)?;
    }
    Ok(woken)
}

/// A new reaction (not a repeated one): the author of what was reacted to, gathered per post
/// or comment.
pub(crate) fn reaction_added(
    conn: &mut DbConnection,
    post: &Post,
    target: Target,
    target_author: MemberId,
    actor: MemberId,
    now: DateTime<Utc>,
) -> Result<Woken, PersistenceError> {
    let mut woken = Woken::new();
    let subject = Subject {
        post: Some(post.id),
        comment: match target {
            Target::Post(_) => None,
            Target::Comment(id) => Some(id),
        },
        ..Subject::default()
    };
    let notice = Notice {
        recipient: target_author,
        kind: NotificationKind::Reaction,
        actor: Some(actor),
        subject,
        outcome: None,
    };
    send(conn, &mut woken, notice, now)?;
    Ok(woken)
}

/// A request to join a private group: its owners and moderators.
pub(crate) fn join_requested(
    conn: &mut DbConnection,
    group: GroupId,
    requester: MemberId,
    now: DateTime<Utc>,
) -> Result<Woken, PersistenceError> {
    let mut woken = Woken::new();
    for staff in group_staff(conn, group)? {
        let notice = Notice {
            recipient: staff,
            kind: NotificationKind::JoinRequest,
            actor: Some(requester),
            subject: Subject {
                group: Some(group),
                ..Subject::default()
            },
            outcome: None,
        };
        send(conn, &mut woken, notice, now)?;
    }
    Ok(woken)
}

/// A join request decided: the requester, in the group's name (no moderator named).
pub(crate) fn join_decided(
    conn: &mut DbConnection,
    group: GroupId,
    requester: MemberId,
    approved: bool,
    now: DateTime<Utc>,
) -> Result<Woken, PersistenceError> {
    let mut woken = Woken::new();
    let notice = Notice {
        recipient: requester,
        kind: NotificationKind::JoinDecision,
        actor: None,
        subject: Subject {
            group: Some(group),
            ..Subject::default()
        },
        outcome: Some(if approved {
            Outcome::Approved
        } else {
            Outcome::Refused
        }),
    };
    send(conn, &mut woken, notice, now)?;
    Ok(woken)
}

/// An event's time, place or status changed (see `domain::notification::event_change`): every
/// member who answered it (going, interested, waiting list) and may still read it, but the
/// member who changed it. No actor: the event names its organiser.
pub(crate) fn event_changed(
    conn: &mut DbConnection,
    before: &Event,
    after: &Event,
    editor: MemberId,
    now: DateTime<Utc>,
) -> Result<Woken, PersistenceError> {
    let mut woken = Woken::new();
    let Some(outcome) = event_change(before, after) else {
        return Ok(woken);
    };
    for member in answered_members(conn, after.id)? {
        if member == editor {
            continue;
        }
        let notice = Notice {
            recipient: member,
            kind: NotificationKind::EventChanged,
            actor: None,
            subject: Subject {
                event: Some(after.id),
                ..Subject::default()
            },
            outcome: Some(outcome),
        };
        send(conn, &mut woken, notice, now)?;
    }
    Ok(woken)
}

/// A resource validated by its committee: its author and the members who wrote its versions.
/// No actor: the committee decides, no reviewer is named.
pub(crate) fn resource_validated(
    conn: &mut DbConnection,
    resource: &Resource,
    now: DateTime<Utc>,
) -> Result<Woken, PersistenceError> {
    let mut woken = Woken::new();
    for member in entraide_persistence::resources::contributors(conn, resource)? {
        let notice = Notice {
            recipient: member,
            kind: NotificationKind::ResourceValidated,
            actor: None,
            subject: Subject {
                other: Some(resource.id.as_uuid()),
                ..Subject::default()
            },
            outcome: None,
        };
        send(conn, &mut woken, notice, now)?;
    }
    Ok(woken)
}

/// A report decided (call before `moderation::decide`, with the reports it answers): each
/// reporter learns their report was decided (`report_decided`, naming their own report only);
/// the author of what was reported learns what concerns them — `content_moderated` for a hidden
/// or removed post or comment, `sanctioned` for a warning, suspension or ban — naming the
/// decision (which they read at `GET /members/me/moderation`), never the report, the reporter
/// nor the moderator. A dismissal tells the author nothing.
pub(crate) fn report_decided(
    conn: &mut DbConnection,
    reporters: &[(ReportId, MemberId)],
    target_author: Option<MemberId>,
    decision: Decision,
    action: ModerationActionId,
    now: DateTime<Utc>,
) -> Result<Woken, PersistenceError> {
    let mut woken = Woken::new();
    for (report, reporter) in reporters {
        if Some(*reporter) == target_author {
            continue;
        }
        let notice = Notice {
            recipient: *reporter,
            kind: NotificationKind::ReportDecided,
            actor: None,
            subject: Subject {
                other: Some(report.as_uuid()),
                ..Subject::default()
            },
            outcome: None,
        };
        send(conn, &mut woken, notice, now)?;
    }
    let kind = match decision {
        Decision::Hide | Decision::Remove => Some(NotificationKind::ContentModerated),
        Decision::Warn | Decision::Suspend | Decision::Ban => Some(NotificationKind::Sanctioned),
        Decision::Dismiss | Decision::Reinstate | Decision::Restore => None,
    };
    if let (Some(kind), Some(author)) = (kind, target_author) {
        let notice = Notice {
            recipient: author,
            kind,
            actor: None,
            subject: Subject {
                other: Some(action.as_uuid()),
                ..Subject::default()
            },
            outcome: None,
        };
        send(conn, &mut woken, notice, now)?;
    }
    Ok(woken)
}

/// A scheduled notice (reminder, questionnaire due), claimed once per member, subject and
/// moment: written only by the pass that claims it.
pub(crate) fn scheduled(
    conn: &mut DbConnection,
    notice: Notice,
    subject: uuid::Uuid,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    if !entraide_persistence::scheduled_notices::claim(
        conn,
        notice.recipient,
        notice.kind,
        subject,
        due_at,
        now,
    )? {
        return Ok(false);
    }
    Ok(notify(conn, &notice, now)?.is_some())
}
