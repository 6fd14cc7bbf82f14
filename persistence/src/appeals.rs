//! Appeals of moderation decisions (`domain::moderation::can_appeal`): filed by the member a
//! decision is about, answered by the moderators of the queue that decided. Granting one undoes
//! the decision and logs it (`restore`, or `reinstate` for a group's ban).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::group::MembershipStatus;
use entraide_domain::ids::{AppealId, MemberId, ModerationActionId};
use entraide_domain::moderation::{AppealOutcome, Decision, Queue, TargetKind, appeal_queue};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, stored_time, to_db_time};
use crate::error::PersistenceError;
use crate::moderation::{LogEntry, LogRow};
use crate::schema::{appeals, comments, moderation_actions, posts};

/// An appeal as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appeal {
    pub id: AppealId,
    pub action: ModerationActionId,
    pub member: MemberId,
    pub statement: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub outcome: Option<AppealOutcome>,
    pub decided_by: Option<MemberId>,
    pub decision_reason: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = appeals)]
struct AppealRow {
    id: String,
    action_id: String,
    member_id: String,
    statement: String,
    created_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
    outcome: Option<String>,
    decided_by: Option<String>,
    decision_reason: Option<String>,
}

impl AppealRow {
    fn into_domain(self) -> Result<Appeal, PersistenceError> {
        Ok(Appeal {
            id: parse_id(&self.id)?,
            action: parse_id(&self.action_id)?,
            member: parse_id(&self.member_id)?,
            statement: self.statement,
            created_at: from_db_time(self.created_at),
            decided_at: self.decided_at.map(from_db_time),
            outcome: self
                .outcome
                .as_deref()
                .map(|raw| parse_enum(raw, AppealOutcome::parse))
                .transpose()?,
            decided_by: self.decided_by.as_deref().map(parse_id).transpose()?,
            decision_reason: self.decision_reason,
        })
    }
}

/// Files `member`'s appeal of `action`, or `None` when the action was appealed already (one
/// appeal per decision; serialised per action). The caller checked `can_appeal`.
pub fn file(
    conn: &mut DbConnection,
    action: ModerationActionId,
    member: MemberId,
    statement: &str,
    now: DateTime<Utc>,
) -> Result<Option<Appeal>, PersistenceError> {
    let now = stored_time(now);
    crate::dialect::lock_key(conn, &format!("appeal:{action}"))?;
    let existing: i64 = appeals::table
        .filter(appeals::action_id.eq(action.to_string()))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(None);
    }
    let appeal = Appeal {
        id: AppealId::new(),
        action,
        member,
        statement: statement.to_owned(),
        created_at: now,
        decided_at: None,
        outcome: None,
        decided_by: None,
        decision_reason: None,
    };
    diesel::insert_into(appeals::table)
        .values((
            appeals::id.eq(appeal.id.to_string()),
            appeals::action_id.eq(action.to_string()),
            appeals::member_id.eq(member.to_string()),
            appeals::statement.eq(statement),
            appeals::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(Some(appeal))
}

/// One appeal by id.
pub fn find(conn: &mut DbConnection, id: AppealId) -> Result<Option<Appeal>, PersistenceError> {
    appeals::table
        .find(id.to_string())
        .select(AppealRow::as_select())
        .first::<AppealRow>(conn)
        .optional()?
        .map(AppealRow::into_domain)
        .transpose()
}

/// The appeals of these decisions (at most one each).
pub fn of_actions(
    conn: &mut DbConnection,
    actions: &[ModerationActionId],
) -> Result<Vec<Appeal>, PersistenceError> {
    if actions.is_empty() {
        return Ok(Vec::new());
    }
    appeals::table
        .filter(appeals::action_id.eq_any(actions.iter().map(ToString::to_string)))
        .select(AppealRow::as_select())
        .load::<AppealRow>(conn)?
        .into_iter()
        .map(AppealRow::into_domain)
        .collect()
}

/// A page of the appeals waiting in `queue`, oldest first, with the decision each is about;
/// never `reader`'s own (another moderator answers those).
pub fn open_in_queue(
    conn: &mut DbConnection,
    queue: Queue,
    reader: MemberId,
    after: Option<AppealId>,
    limit: i64,
) -> Result<Vec<(Appeal, LogEntry)>, PersistenceError> {
    let mut query = appeals::table
        .inner_join(moderation_actions::table)
        .filter(appeals::decided_at.is_null())
        .filter(appeals::member_id.ne(reader.to_string()))
        .select((AppealRow::as_select(), LogRow::as_select()))
        .order(appeals::id.asc())
        .limit(limit)
        .into_boxed();
    query = match queue {
        Queue::Platform => query.filter(
            moderation_actions::group_id
                .is_null()
                .or(moderation_actions::urgent.eq(true)),
        ),
        Queue::Group(group) => query
            .filter(moderation_actions::group_id.eq(group.to_string()))
            .filter(moderation_actions::urgent.eq(false)),
    };
    if let Some(after) = after {
        query = query.filter(appeals::id.gt(after.to_string()));
    }
    query
        .load::<(AppealRow, LogRow)>(conn)?
        .into_iter()
        .map(|(appeal, entry)| Ok((appeal.into_domain()?, entry.into_domain()?)))
        .collect()
}

/// Serialises answers to one appeal until the transaction ends.
pub fn lock(conn: &mut DbConnection, id: AppealId) -> Result<(), PersistenceError> {
    crate::dialect::lock_key(conn, &format!("appeal-decision:{id}"))
}

/// Answers `appeal` (about `entry`). Granting undoes the decision and logs the undoing. The
/// caller checked the moderator's rights and that the appeal is open, under [`lock`].
pub fn decide(
    conn: &mut DbConnection,
    appeal: &Appeal,
    entry: &LogEntry,
    outcome: AppealOutcome,
    moderator: MemberId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Appeal, PersistenceError> {
    let now = stored_time(now);
    let at = to_db_time(now);
    let updated = diesel::update(
        appeals::table
            .find(appeal.id.to_string())
            .filter(appeals::decided_at.is_null()),
    )
    .set((
        appeals::decided_at.eq(Some(at)),
        appeals::outcome.eq(Some(outcome.as_str())),
        appeals::decided_by.eq(Some(moderator.to_string())),
        appeals::decision_reason.eq(Some(reason)),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(PersistenceError::NotFound);
    }
    if outcome == AppealOutcome::Granted {
        undo(conn, entry, moderator, reason, now)?;
    }
    Ok(Appeal {
        decided_at: Some(now),
        outcome: Some(outcome),
        decided_by: Some(moderator),
        decision_reason: Some(reason.to_owned()),
        ..appeal.clone()
    })
}

/// Undoes a hide (the content shown again, back in its post's comment count) or a group's ban,
/// and logs it.
fn undo(
    conn: &mut DbConnection,
    entry: &LogEntry,
    moderator: MemberId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let logged = match (entry.decision, entry.target_kind) {
        (Decision::Hide, TargetKind::Post) => {
            diesel::update(posts::table.find(&entry.target_id))
                .set(posts::hidden_at.eq(None::<NaiveDateTime>))
                .execute(conn)?;
            Decision::Restore
        }
        (Decision::Hide, TargetKind::Comment) => {
            let id = parse_id(&entry.target_id)?;
            if let Some(comment) = crate::comments::find_any(conn, id)?
                && comment.hidden
            {
                diesel::update(comments::table.find(&entry.target_id))
                    .set(comments::hidden_at.eq(None::<NaiveDateTime>))
                    .execute(conn)?;
                if !comment.deleted {
                    crate::posts::add_to_comment_count(conn, comment.post_id, 1)?;
                }
            }
            Decision::Restore
        }
        (Decision::Ban, _) => {
            // A group's ban (`can_appeal` admits no platform sanction): the member may join again.
            if let (Some(member), Queue::Group(group)) =
                (entry.target_author, appeal_queue(entry.group, entry.urgent))
                && crate::groups::membership(conn, group, member)?
                    .is_some_and(|m| m.status == MembershipStatus::Banned)
            {
                crate::groups::delete_membership(conn, group, member)?;
            }
            Decision::Reinstate
        }
        // `can_appeal` admits nothing else.
        _ => return Ok(()),
    };
    crate::moderation::record(
        conn,
        LogEntry {
            id: ModerationActionId::new(),
            report: entry.report,
            moderator: Some(moderator),
            target_kind: entry.target_kind,
            target_id: entry.target_id.clone(),
            target_author: entry.target_author,
            group: entry.group,
            decision: logged,
            reason: reason.to_owned(),
            at: now,
            until: None,
            urgent: entry.urgent,
        },
    )?;
    Ok(())
}
