//! What moderators see of reports and of the log: the reported content as it is now (hidden
//! content included), with authors and groups loaded once per page.

use std::collections::{BTreeSet, HashMap};

use entraide_domain::ids::{
    CommentId, EventId, GroupId, MemberId, MessageId, ModerationActionId, PostId, ResourceId,
};
use entraide_domain::moderation::TargetKind;
use entraide_domain::resource::VersionStatus;
use entraide_openapi::moderation::{
    ModerationLogEntry, ModerationNotice, QueuedReport, ReportedTarget,
};
use entraide_openapi::posts::GroupRef;
use entraide_persistence::appeals::{self, Appeal};
use entraide_persistence::moderation::{LogEntry, Report};
use entraide_persistence::{
    DbConnection, comments, events, groups, members, messages, posts, resources,
};

use crate::convert::moderation::{
    decision_to_wire, notice, reason_to_wire, target_to_wire, target_uuid,
};
use crate::error::ApiError;
use crate::security::message_keys::MessageKeys;
use crate::views::members::authors;

/// Decisions as the member they are about reads them, with their appeals (one query).
pub(crate) fn notices(
    conn: &mut DbConnection,
    entries: Vec<LogEntry>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<ModerationNotice>, ApiError> {
    let ids: Vec<ModerationActionId> = entries.iter().map(|e| e.id).collect();
    let mut appeals: HashMap<ModerationActionId, Appeal> = appeals::of_actions(conn, &ids)?
        .into_iter()
        .map(|appeal| (appeal.action, appeal))
        .collect();
    entries
        .into_iter()
        .map(|entry| {
            let appeal = appeals.remove(&entry.id);
            notice(entry, appeal, now)
        })
        .collect()
}

/// How much of a reported text moderators see in a queue.
const EXCERPT_CHARS: usize = 500;

fn excerpt(text: &str) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    Some(text.chars().take(EXCERPT_CHARS).collect())
}

/// The text, hidden and deleted state of a target as it is now.
struct Snapshot {
    excerpt: Option<String>,
    hidden: bool,
    deleted: bool,
}

fn snapshot(
    conn: &mut DbConnection,
    keys: &MessageKeys,
    kind: TargetKind,
    raw: &str,
) -> Result<Snapshot, ApiError> {
    let id = target_uuid(raw)?;
    let gone = Snapshot {
        excerpt: None,
        hidden: false,
        deleted: true,
    };
    Ok(match kind {
        TargetKind::Post => match posts::find_any(conn, PostId::from_uuid(id))? {
            Some(post) => Snapshot {
                excerpt: excerpt(post.body.source()),
                hidden: post.hidden,
                deleted: post.deleted,
            },
            None => gone,
        },
        TargetKind::Comment => match comments::find_any(conn, CommentId::from_uuid(id))? {
            Some(comment) => Snapshot {
                excerpt: excerpt(comment.body.source()),
                hidden: comment.hidden,
                deleted: comment.deleted,
            },
            None => gone,
        },
        TargetKind::Event => match events::find(conn, EventId::from_uuid(id))? {
            Some(event) => Snapshot {
                excerpt: excerpt(event.title.as_str()),
                hidden: false,
                deleted: false,
            },
            None => gone,
        },
        TargetKind::Resource => {
            let versions = resources::versions(conn, ResourceId::from_uuid(id))?;
            let shown = versions
                .iter()
                .find(|v| matches!(v.status, VersionStatus::Published))
                .or_else(|| versions.first());
            match shown {
                Some(version) => Snapshot {
                    excerpt: excerpt(version.content.title.as_str()),
                    hidden: false,
                    deleted: false,
                },
                None => gone,
            }
        }
        TargetKind::Message => match messages::find_any(conn, MessageId::from_uuid(id))? {
            // The reported message, decrypted for its moderators: that one only.
            Some(message) => {
                // A message sealed under a retired key must not take the whole queue down:
                // its report shows no text, and the server says why.
                let text = keys
                    .open(message.conversation_id, message.id, &message.sealed)
                    .inspect_err(|e| {
                        tracing::error!(message = %id, "a reported message cannot be opened: {e}");
                    })
                    .ok();
                Snapshot {
                    excerpt: text.and_then(|t| excerpt(t.as_str())),
                    hidden: false,
                    deleted: false,
                }
            }
            None => gone,
        },
        TargetKind::Member => match members::find_profile(conn, MemberId::from_uuid(id))? {
            Some(profile) => Snapshot {
                excerpt: excerpt(profile.pseudonym.as_str()),
                hidden: false,
                deleted: false,
            },
            None => gone,
        },
    })
}

fn group_refs(
    conn: &mut DbConnection,
    ids: impl Iterator<Item = GroupId>,
) -> Result<HashMap<GroupId, GroupRef>, ApiError> {
    let mut refs = HashMap::new();
    for id in ids.collect::<BTreeSet<_>>() {
        if let Some(group) = groups::find(conn, id)? {
            refs.insert(
                id,
                GroupRef {
                    id: id.as_uuid(),
                    name: group.name.as_str().to_owned(),
                },
            );
        }
    }
    Ok(refs)
}

/// A page of a queue as moderators see it. One lookup per report for the content (a queue page
/// is at most 100 reports and is read by moderators, not on a member's hot path).
pub(crate) fn queue_items(
    conn: &mut DbConnection,
    keys: &MessageKeys,
    reports: Vec<Report>,
) -> Result<Vec<QueuedReport>, ApiError> {
    let authors = authors(conn, reports.iter().filter_map(|r| r.target_author))?;
    let groups = group_refs(conn, reports.iter().filter_map(|r| r.group))?;
    reports
        .into_iter()
        .map(|report| {
            let snapshot = snapshot(conn, keys, report.target_kind, &report.target_id)?;
            Ok(QueuedReport {
                id: report.id.as_uuid(),
                target: ReportedTarget {
                    kind: target_to_wire(report.target_kind),
                    id: target_uuid(&report.target_id)?,
                    author: report.target_author.and_then(|a| authors.get(&a).cloned()),
                    group: report.group.and_then(|g| groups.get(&g).cloned()),
                    excerpt: snapshot.excerpt,
                    reported_excerpt: report.excerpt,
                    hidden: snapshot.hidden,
                    deleted: snapshot.deleted,
                },
                reason: reason_to_wire(report.reason),
                urgent: report.urgent,
                note: report.note,
                created_at: report.created_at,
            })
        })
        .collect()
}

/// A page of the moderation log with its members and groups.
pub(crate) fn log_entries(
    conn: &mut DbConnection,
    entries: Vec<LogEntry>,
) -> Result<Vec<ModerationLogEntry>, ApiError> {
    let people = authors(
        conn,
        entries
            .iter()
            .flat_map(|e| [e.moderator, e.target_author])
            .flatten(),
    )?;
    let groups = group_refs(conn, entries.iter().filter_map(|e| e.group))?;
    entries
        .into_iter()
        .map(|entry| {
            Ok(ModerationLogEntry {
                id: entry.id.as_uuid(),
                report_id: entry.report.map(|r| r.as_uuid()),
                moderator: entry.moderator.and_then(|m| people.get(&m).cloned()),
                target_kind: target_to_wire(entry.target_kind),
                target_id: target_uuid(&entry.target_id)?,
                target_author: entry.target_author.and_then(|a| people.get(&a).cloned()),
                group: entry.group.and_then(|g| groups.get(&g).cloned()),
                action: decision_to_wire(entry.decision),
                reason: entry.reason,
                at: entry.at,
                until: entry.until,
            })
        })
        .collect()
}
