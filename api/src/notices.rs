//! Who is notified of what: called by the write paths inside their transaction, so an
//! acknowledged write and its notifications cannot diverge. Each returns the members who got a
//! notification, for the handler to wake their streams after the commit.
//!
//! `persistence::notifications::notify` holds the rules every notice passes (not to oneself,
//! not of a kind turned off, not across a block, not about what the recipient may not read).

use chrono::{DateTime, Utc};
use entraide_domain::ids::{GroupId, MemberId};
use entraide_domain::notification::{Notice, NotificationKind, Outcome, Subject, mentions};
use entraide_domain::post::{Comment, Post};
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
