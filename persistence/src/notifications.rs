//! Notifications: written by the write paths in their own transaction (so an acknowledged write
//! and its notification cannot diverge), read back through the read policy ([`visible`]).
//!
//! A row holds references only. [`notify`] writes nothing to oneself, nothing of a kind the
//! recipient turned off, nothing between members who block one another, and nothing about a
//! post or comment the recipient may not read. Reactions are gathered: one unread row per post
//! (or comment) counts them and names the latest actor.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use entraide_domain::group::{GroupRole, MembershipStatus, Reader};
use entraide_domain::ids::{CommentId, EventId, GroupId, MemberId, PostId};
use entraide_domain::notification::{
    Channel, DigestFrequency, Notice, Notification, NotificationKind, Outcome, Subject,
    should_notify,
};
use uuid::Uuid;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{
    group_memberships, members, notification_digests, notification_settings, notifications,
};

/// How many unread notifications are considered for the unread count: a badge shows "99+"
/// long before this.
pub const UNREAD_SCAN_LIMIT: i64 = 1000;

#[derive(Queryable, Selectable)]
#[diesel(table_name = notifications)]
struct NotificationRow {
    id: String,
    member_id: String,
    kind: String,
    actor_id: Option<String>,
    post_id: Option<String>,
    comment_id: Option<String>,
    group_id: Option<String>,
    event_id: Option<String>,
    subject_id: Option<String>,
    outcome: Option<String>,
    occurrences: i64,
    created_at: NaiveDateTime,
    read_at: Option<NaiveDateTime>,
}

impl NotificationRow {
    fn into_domain(self) -> Result<Notification, PersistenceError> {
        let Self {
            id,
            member_id,
            kind,
            actor_id,
            post_id,
            comment_id,
            group_id,
            event_id,
            subject_id,
            outcome,
            occurrences,
            created_at,
            read_at,
        } = self;
        Ok(Notification {
            id: parse_id(&id)?,
            recipient: parse_id(&member_id)?,
            kind: parse_enum(&kind, NotificationKind::parse)?,
            actor: actor_id.as_deref().map(parse_id).transpose()?,
            subject: Subject {
                post: post_id.as_deref().map(parse_id).transpose()?,
                comment: comment_id.as_deref().map(parse_id).transpose()?,
                group: group_id.as_deref().map(parse_id).transpose()?,
                event: event_id.as_deref().map(parse_id).transpose()?,
                other: subject_id.as_deref().map(parse_id).transpose()?,
            },
            outcome: outcome
                .as_deref()
                .map(|o| parse_enum(o, Outcome::parse))
                .transpose()?,
            count: occurrences,
            created_at: from_db_time(created_at),
            read_at: read_at.map(from_db_time),
        })
    }
}

/// The member's channel for a kind (`in_app` when they never chose).
pub fn channel(
    conn: &mut DbConnection,
    member: MemberId,
    kind: NotificationKind,
) -> Result<Channel, PersistenceError> {
    notification_settings::table
        .find((member.to_string(), kind.as_str()))
        .select(notification_settings::channel)
        .first::<String>(conn)
        .optional()?
        .map_or(Ok(Channel::default()), |c| parse_enum(&c, Channel::parse))
}

/// The member's channel for every kind, in [`NotificationKind::ALL`] order.
pub fn settings(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<(NotificationKind, Channel)>, PersistenceError> {
    let chosen: Vec<(String, String)> = notification_settings::table
        .filter(notification_settings::member_id.eq(member.to_string()))
        .select((notification_settings::kind, notification_settings::channel))
        .load(conn)?;
    NotificationKind::ALL
        .iter()
        .map(|kind| {
            let channel = chosen
                .iter()
                .find(|(k, _)| k == kind.as_str())
                .map_or(Ok(Channel::default()), |(_, c)| {
                    parse_enum(c, Channel::parse)
                })?;
            Ok((*kind, channel))
        })
        .collect()
}

/// Sets the member's channel for a kind (an upsert both databases accept).
pub fn set_channel(
    conn: &mut DbConnection,
    member: MemberId,
    kind: NotificationKind,
    channel: Channel,
) -> Result<(), PersistenceError> {
    diesel::sql_query(
        "INSERT INTO notification_settings (member_id, kind, channel) VALUES ($1, $2, $3) \
         ON CONFLICT (member_id, kind) DO UPDATE SET channel = excluded.channel",
    )
    .bind::<Text, _>(member.to_string())
    .bind::<Text, _>(kind.as_str())
    .bind::<Text, _>(channel.as_str())
    .execute(conn)?;
    Ok(())
}

/// The member as a reader of group content (their kind as stored now), `None` if they are gone.
pub fn reader_of(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<Reader>, PersistenceError> {
    Ok(crate::members::summaries(conn, &[member])?
        .into_iter()
        .next()
        .map(|(id, _, kind, _)| Reader::Member { id, kind }))
}

/// Writes a notice if it may be written (see the module); the id written, or `None`. Call it
/// inside the transaction of the write it reports.
pub fn notify(
    conn: &mut DbConnection,
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, PersistenceError> {
    let Notice {
        recipient,
        kind,
        actor,
        subject,
        outcome,
    } = notice;
    let channel = channel(conn, *recipient, *kind)?;
    if !should_notify(*recipient, *actor, channel) {
        return Ok(None);
    }
    if let Some(actor) = actor
        && crate::blocks::blocked_either_way(conn, *recipient, *actor)?
    {
        return Ok(None);
    }
    let Some(reader) = reader_of(conn, *recipient)? else {
        return Ok(None);
    };
    if !subject_readable(conn, reader, subject)? {
        return Ok(None);
    }
    let id = Uuid::now_v7();
    if *kind == NotificationKind::Reaction {
        // One unread row per post or comment: it moves to the top with the latest actor.
        // Two reactions at once on PostgreSQL must not both insert one.
        crate::dialect::lock_key(
            conn,
            &format!(
                "notification-reaction:{recipient}:{:?}:{:?}",
                subject.post, subject.comment
            ),
        )?;
        let mut query = notifications::table
            .filter(notifications::member_id.eq(recipient.to_string()))
            .filter(notifications::kind.eq(kind.as_str()))
            .filter(notifications::read_at.is_null())
            .select(notifications::id)
            .into_boxed();
        query = match subject.comment {
            Some(comment) => query.filter(notifications::comment_id.eq(comment.to_string())),
            None => query.filter(notifications::comment_id.is_null()),
        };
        query = match subject.post {
            Some(post) => query.filter(notifications::post_id.eq(post.to_string())),
            None => query.filter(notifications::post_id.is_null()),
        };
        if let Some(existing) = query.first::<String>(conn).optional()? {
            diesel::update(notifications::table.find(existing))
                .set((
                    notifications::id.eq(id.to_string()),
                    notifications::actor_id.eq(actor.map(|a| a.to_string())),
                    notifications::occurrences.eq(notifications::occurrences + 1),
                    notifications::created_at.eq(to_db_time(now)),
                ))
                .execute(conn)?;
            return Ok(Some(id));
        }
    }
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(id.to_string()),
            notifications::member_id.eq(recipient.to_string()),
            notifications::kind.eq(kind.as_str()),
            notifications::actor_id.eq(actor.map(|a| a.to_string())),
            notifications::post_id.eq(subject.post.map(|p| p.to_string())),
            notifications::comment_id.eq(subject.comment.map(|c| c.to_string())),
            notifications::group_id.eq(subject.group.map(|g| g.to_string())),
            notifications::event_id.eq(subject.event.map(|e| e.to_string())),
            notifications::subject_id.eq(subject.other.map(|o| o.to_string())),
            notifications::outcome.eq(outcome.map(Outcome::as_str)),
            notifications::occurrences.eq(1_i64),
            notifications::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(Some(id))
}

/// May `reader` read the post, comment and event the subject names (live ones only)?
fn subject_readable(
    conn: &mut DbConnection,
    reader: Reader,
    subject: &Subject,
) -> Result<bool, PersistenceError> {
    if let Some(post) = subject.post
        && crate::posts::find_readable(conn, reader, post)?.is_none_or(|p| p.deleted)
    {
        return Ok(false);
    }
    if let Some(comment) = subject.comment
        && crate::comments::find_readable_many(conn, reader, &[comment])?.is_empty()
    {
        return Ok(false);
    }
    if let Some(event) = subject.event
        && crate::events::find_readable_many(conn, reader, &[event])?.is_empty()
    {
        return Ok(false);
    }
    Ok(true)
}

/// Members whose pseudonym key is one of `keys`.
pub fn members_by_pseudonym_keys(
    conn: &mut DbConnection,
    keys: &[String],
) -> Result<Vec<MemberId>, PersistenceError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    members::table
        .filter(members::pseudonym_key.eq_any(keys))
        .select(members::id)
        .load::<String>(conn)?
        .iter()
        .map(|id| parse_id(id))
        .collect()
}

/// The active owners and moderators of a group.
pub fn group_staff(
    conn: &mut DbConnection,
    group: GroupId,
) -> Result<Vec<MemberId>, PersistenceError> {
    group_memberships::table
        .filter(group_memberships::group_id.eq(group.to_string()))
        .filter(group_memberships::status.eq(MembershipStatus::Active.as_str()))
        .filter(
            group_memberships::role
                .eq_any([GroupRole::Owner.as_str(), GroupRole::Moderator.as_str()]),
        )
        .select(group_memberships::member_id)
        .load::<String>(conn)?
        .iter()
        .map(|id| parse_id(id))
        .collect()
}

/// A page of the member's notifications as stored, newest first, after the cursor id; the
/// caller passes them through [`visible`].
pub fn page(
    conn: &mut DbConnection,
    member: MemberId,
    unread_only: bool,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Notification>, PersistenceError> {
    let mut query = notifications::table
        .filter(notifications::member_id.eq(member.to_string()))
        .select(NotificationRow::as_select())
        .order(notifications::id.desc())
        .limit(limit)
        .into_boxed();
    if unread_only {
        query = query.filter(notifications::read_at.is_null());
    }
    if let Some(before) = before {
        query = query.filter(notifications::id.lt(before.to_string()));
    }
    query
        .load::<NotificationRow>(conn)?
        .into_iter()
        .map(NotificationRow::into_domain)
        .collect()
}

/// The id of the member's newest notification (read or not), if any.
pub fn newest_id(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<Uuid>, PersistenceError> {
    notifications::table
        .filter(notifications::member_id.eq(member.to_string()))
        .select(notifications::id)
        .order(notifications::id.desc())
        .first::<String>(conn)
        .optional()?
        .map(|id| parse_id(&id))
        .transpose()
}

/// The member's notifications as stored with an id after `after`, oldest first, at most
/// `limit`; the caller passes them through [`visible`].
pub fn after(
    conn: &mut DbConnection,
    member: MemberId,
    after: Uuid,
    limit: i64,
) -> Result<Vec<Notification>, PersistenceError> {
    notifications::table
        .filter(notifications::member_id.eq(member.to_string()))
        .filter(notifications::id.gt(after.to_string()))
        .select(NotificationRow::as_select())
        .order(notifications::id.asc())
        .limit(limit)
        .load::<NotificationRow>(conn)?
        .into_iter()
        .map(NotificationRow::into_domain)
        .collect()
}

/// Notifications by id, the member's own only.
pub fn find_many(
    conn: &mut DbConnection,
    member: MemberId,
    ids: &[Uuid],
) -> Result<Vec<Notification>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    notifications::table
        .filter(notifications::member_id.eq(member.to_string()))
        .filter(notifications::id.eq_any(keys))
        .select(NotificationRow::as_select())
        .order(notifications::id.desc())
        .load::<NotificationRow>(conn)?
        .into_iter()
        .map(NotificationRow::into_domain)
        .collect()
}

/// Of `items`, those `reader` may see now: the actor neither blocks nor is blocked by the
/// reader; the post, comment and event named are readable by them (the read filters of posts,
/// comments and events: group access, wall visibility, blocks, hidden content) and not deleted;
/// a join request only while the reader still moderates the group; a questionnaire due only
/// while its study is open and the reader still consents to it. Order is kept. A fixed
/// number of queries per batch.
pub fn visible(
    conn: &mut DbConnection,
    reader: Reader,
    items: Vec<Notification>,
) -> Result<Vec<Notification>, PersistenceError> {
    let Some(me) = reader.member_id() else {
        return Ok(Vec::new());
    };
    if items.is_empty() {
        return Ok(items);
    }
    let mut actors: Vec<MemberId> = items.iter().filter_map(|n| n.actor).collect();
    actors.sort_unstable();
    actors.dedup();
    let blocked = blocked_among(conn, me, &actors)?;
    let posts: Vec<PostId> = items.iter().filter_map(|n| n.subject.post).collect();
    let readable_posts: Vec<PostId> = crate::posts::find_readable_many(conn, reader, &posts)?
        .into_iter()
        .filter(|p| !p.deleted)
        .map(|p| p.id)
        .collect();
    let comments: Vec<CommentId> = items.iter().filter_map(|n| n.subject.comment).collect();
    let readable_comments: Vec<CommentId> =
        crate::comments::find_readable_many(conn, reader, &comments)?
            .into_iter()
            .map(|c| c.id)
            .collect();
    let events: Vec<EventId> = items.iter().filter_map(|n| n.subject.event).collect();
    let readable_events: Vec<EventId> = crate::events::find_readable_many(conn, reader, &events)?
        .into_iter()
        .map(|e| e.id)
        .collect();
    // A questionnaire is shown while the member still consents to its study.
    let questionnaires: Vec<Uuid> = items
        .iter()
        .filter(|n| n.kind == NotificationKind::QuestionnaireDue)
        .filter_map(|n| n.subject.other)
        .collect();
    let consented = crate::scheduled_notices::consented_questionnaires(conn, me, &questionnaires)?;
    let moderated: Vec<GroupId> = if items
        .iter()
        .any(|n| n.kind == NotificationKind::JoinRequest)
    {
        moderated_groups(conn, me)?
    } else {
        Vec::new()
    };
    Ok(items
        .into_iter()
        .filter(|n| {
            n.recipient == me
                && n.actor.is_none_or(|a| !blocked.contains(&a))
                && n.subject.post.is_none_or(|p| readable_posts.contains(&p))
                && n.subject
                    .comment
                    .is_none_or(|c| readable_comments.contains(&c))
                && n.subject.event.is_none_or(|e| readable_events.contains(&e))
                && (n.kind != NotificationKind::JoinRequest
                    || n.subject.group.is_some_and(|g| moderated.contains(&g)))
                && (n.kind != NotificationKind::QuestionnaireDue
                    || n.subject.other.is_some_and(|q| consented.contains(&q)))
        })
        .collect())
}

/// Of `others`, those `me` blocked or who blocked `me`.
fn blocked_among(
    conn: &mut DbConnection,
    me: MemberId,
    others: &[MemberId],
) -> Result<Vec<MemberId>, PersistenceError> {
    use crate::schema::blocks;
    if others.is_empty() {
        return Ok(Vec::new());
    }
    let me = me.to_string();
    let keys: Vec<String> = others.iter().map(ToString::to_string).collect();
    let mut found: Vec<String> = blocks::table
        .filter(blocks::blocker_id.eq(&me))
        .filter(blocks::blocked_id.eq_any(&keys))
        .select(blocks::blocked_id)
        .load(conn)?;
    found.extend(
        blocks::table
            .filter(blocks::blocked_id.eq(&me))
            .filter(blocks::blocker_id.eq_any(&keys))
            .select(blocks::blocker_id)
            .load::<String>(conn)?,
    );
    found.iter().map(|id| parse_id(id)).collect()
}

/// The groups `member` moderates now (active owner or moderator).
fn moderated_groups(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<GroupId>, PersistenceError> {
    group_memberships::table
        .filter(group_memberships::member_id.eq(member.to_string()))
        .filter(group_memberships::status.eq(MembershipStatus::Active.as_str()))
        .filter(
            group_memberships::role
                .eq_any([GroupRole::Owner.as_str(), GroupRole::Moderator.as_str()]),
        )
        .select(group_memberships::group_id)
        .load::<String>(conn)?
        .iter()
        .map(|id| parse_id(id))
        .collect()
}

/// The member's unread notifications as stored (newest first, at most
/// [`UNREAD_SCAN_LIMIT`]); pass them through [`visible`] before counting.
pub fn unread(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<Notification>, PersistenceError> {
    page(conn, member, true, None, UNREAD_SCAN_LIMIT)
}

/// Marks the member's notifications read: those of `ids` (others' ids are ignored), or all.
pub fn mark_read(
    conn: &mut DbConnection,
    member: MemberId,
    ids: Option<&[Uuid]>,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    let mine = notifications::table
        .filter(notifications::member_id.eq(member.to_string()))
        .filter(notifications::read_at.is_null());
    let at = Some(to_db_time(now));
    Ok(match ids {
        None => diesel::update(mine)
            .set(notifications::read_at.eq(at))
            .execute(conn)?,
        Some(ids) => {
            let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
            diesel::update(mine.filter(notifications::id.eq_any(keys)))
                .set(notifications::read_at.eq(at))
                .execute(conn)?
        }
    })
}

/// Every notification of the member, oldest first (for their data export).
pub fn all_of(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<Notification>, PersistenceError> {
    notifications::table
        .filter(notifications::member_id.eq(member.to_string()))
        .select(NotificationRow::as_select())
        .order(notifications::id.asc())
        .load::<NotificationRow>(conn)?
        .into_iter()
        .map(NotificationRow::into_domain)
        .collect()
}

/// The member's digest frequency (`never` when they never chose).
pub fn digest_frequency(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<DigestFrequency, PersistenceError> {
    notification_digests::table
        .find(member.to_string())
        .select(notification_digests::frequency)
        .first::<String>(conn)
        .optional()?
        .map_or(Ok(DigestFrequency::default()), |f| {
            parse_enum(&f, DigestFrequency::parse)
        })
}

/// Sets the member's digest frequency, keeping the record of the last digest sent.
pub fn set_digest_frequency(
    conn: &mut DbConnection,
    member: MemberId,
    frequency: DigestFrequency,
) -> Result<(), PersistenceError> {
    diesel::sql_query(
        "INSERT INTO notification_digests (member_id, frequency) VALUES ($1, $2) \
         ON CONFLICT (member_id) DO UPDATE SET frequency = excluded.frequency",
    )
    .bind::<Text, _>(member.to_string())
    .bind::<Text, _>(frequency.as_str())
    .execute(conn)?;
    Ok(())
}

/// A member whose digest of `frequency` was not sent for the period starting at `period`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestDue {
    pub member: MemberId,
    pub email: String,
    /// When the last digest went (its notifications are not listed again).
    pub last_sent_at: Option<DateTime<Utc>>,
}

/// Members of `frequency` whose digest for the period starting `period` is not sent yet: with
/// a verified address and not suspended now. At most `limit`.
pub fn digests_due(
    conn: &mut DbConnection,
    frequency: DigestFrequency,
    period: DateTime<Utc>,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DigestDue>, PersistenceError> {
    let period = to_db_time(period);
    notification_digests::table
        .inner_join(members::table)
        .filter(notification_digests::frequency.eq(frequency.as_str()))
        .filter(
            notification_digests::last_period
                .is_null()
                .or(notification_digests::last_period.lt(period)),
        )
        .filter(members::email_verified_at.is_not_null())
        .filter(
            members::suspended_until
                .is_null()
                .or(members::suspended_until.le(to_db_time(now))),
        )
        .select((
            notification_digests::member_id,
            members::email,
            notification_digests::last_sent_at,
        ))
        .order(notification_digests::member_id.asc())
        .limit(limit)
        .load::<(String, String, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .map(|(member, email, last_sent_at)| {
            Ok(DigestDue {
                member: parse_id(&member)?,
                email,
                last_sent_at: last_sent_at.map(from_db_time),
            })
        })
        .collect()
}

/// Records the digest of the period starting `period` as sent: `false` when it already was
/// (another pass, on this node or another, took it first).
pub fn claim_digest(
    conn: &mut DbConnection,
    member: MemberId,
    period: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let period = to_db_time(period);
    let claimed = diesel::update(
        notification_digests::table.find(member.to_string()).filter(
            notification_digests::last_period
                .is_null()
                .or(notification_digests::last_period.lt(period)),
        ),
    )
    .set((
        notification_digests::last_period.eq(Some(period)),
        notification_digests::last_sent_at.eq(Some(to_db_time(now))),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// The member's unread notifications created after `since` (all unread ones without it), of
/// the `kinds` given, newest first, at most [`UNREAD_SCAN_LIMIT`]; pass them through
/// [`visible`].
pub fn unread_since(
    conn: &mut DbConnection,
    member: MemberId,
    kinds: &[NotificationKind],
    since: Option<DateTime<Utc>>,
) -> Result<Vec<Notification>, PersistenceError> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let mut query = notifications::table
        .filter(notifications::member_id.eq(member.to_string()))
        .filter(notifications::read_at.is_null())
        .filter(notifications::kind.eq_any(kinds))
        .select(NotificationRow::as_select())
        .order(notifications::id.desc())
        .limit(UNREAD_SCAN_LIMIT)
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(notifications::created_at.gt(to_db_time(since)));
    }
    query
        .load::<NotificationRow>(conn)?
        .into_iter()
        .map(NotificationRow::into_domain)
        .collect()
}
