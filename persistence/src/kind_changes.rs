//! Member kind changes: the waiting change of a member, and applying it — the kind, the reserved
//! spaces the new kind may not enter, and the log (`kind_changes`). Call inside a transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use entraide_domain::group::Audience;
use entraide_domain::ids::{GroupId, MemberId};
use entraide_domain::member::{MemberKind, PendingKindChange, kind_change_due};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{discussion_groups, group_memberships, kind_changes, members};

const PENDING: &str = "pending";
const APPLIED: &str = "applied";
const CANCELLED: &str = "cancelled";

/// The member's waiting kind change, if any.
pub fn pending(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<PendingKindChange>, PersistenceError> {
    kind_changes::table
        .filter(kind_changes::member_id.eq(member.to_string()))
        .filter(kind_changes::status.eq(PENDING))
        .select((
            kind_changes::from_kind,
            kind_changes::to_kind,
            kind_changes::requested_at,
            kind_changes::effective_at,
        ))
        .first::<(String, String, chrono::NaiveDateTime, chrono::NaiveDateTime)>(conn)
        .optional()?
        .map(|(from, to, requested_at, effective_at)| {
            Ok(PendingKindChange {
                from: parse_enum(&from, MemberKind::parse)?,
                to: parse_enum(&to, MemberKind::parse)?,
                requested_at: from_db_time(requested_at),
                effective_at: from_db_time(effective_at),
            })
        })
        .transpose()
}

/// Withdraws the member's waiting change (it stays in the log as `cancelled`).
pub fn cancel(conn: &mut DbConnection, member: MemberId) -> Result<(), PersistenceError> {
    diesel::update(
        kind_changes::table
            .filter(kind_changes::member_id.eq(member.to_string()))
            .filter(kind_changes::status.eq(PENDING)),
    )
    .set(kind_changes::status.eq(CANCELLED))
    .execute(conn)?;
    Ok(())
}

/// Records a change from `from` to `to`, effective at `effective_at`, replacing (cancelling) a
/// waiting one.
pub fn request(
    conn: &mut DbConnection,
    member: MemberId,
    from: MemberKind,
    to: MemberKind,
    now: DateTime<Utc>,
    effective_at: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    cancel(conn, member)?;
    diesel::insert_into(kind_changes::table)
        .values((
            kind_changes::id.eq(uuid::Uuid::now_v7().to_string()),
            kind_changes::member_id.eq(member.to_string()),
            kind_changes::from_kind.eq(from.as_str()),
            kind_changes::to_kind.eq(to.as_str()),
            kind_changes::status.eq(PENDING),
            kind_changes::requested_at.eq(to_db_time(now)),
            kind_changes::effective_at.eq(to_db_time(effective_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Applies the member's waiting change when it is due at `now`, or at once when a moderator
/// approves it (`approved_by`): sets the kind, drops the member from the groups the new kind may
/// not enter (a ban stays, so it still keeps them out), and logs it as `applied`. Returns the
/// member's kind afterwards, or `None` when there is no such member.
pub fn apply(
    conn: &mut DbConnection,
    member: MemberId,
    now: DateTime<Utc>,
    approved_by: Option<MemberId>,
) -> Result<Option<MemberKind>, PersistenceError> {
    if let Some(change) = pending(conn, member)?
        && (approved_by.is_some() || kind_change_due(change.effective_at, now))
    {
        let key = member.to_string();
        diesel::update(members::table.find(&key))
            .set((
                members::kind.eq(change.to.as_str()),
                members::updated_at.eq(to_db_time(now)),
            ))
            .execute(conn)?;
        let admitted = [
            Audience::Everyone.as_str(),
            Audience::of_kind(change.to).as_str(),
        ];
        let closed: Vec<String> = group_memberships::table
            .inner_join(discussion_groups::table)
            .filter(group_memberships::member_id.eq(&key))
            .filter(group_memberships::status.ne("banned"))
            .filter(discussion_groups::audience.ne_all(admitted))
            .select(group_memberships::group_id)
            .load(conn)?;
        for group in closed {
            crate::groups::delete_membership(conn, parse_id::<GroupId>(&group)?, member)?;
        }
        let effective_at = if approved_by.is_some() {
            now.min(change.effective_at)
        } else {
            change.effective_at
        };
        diesel::update(
            kind_changes::table
                .filter(kind_changes::member_id.eq(&key))
                .filter(kind_changes::status.eq(PENDING)),
        )
        .set((
            kind_changes::status.eq(APPLIED),
            kind_changes::effective_at.eq(to_db_time(effective_at)),
            kind_changes::approved_by.eq(approved_by.map(|m| m.to_string())),
            kind_changes::applied_at.eq(Some(to_db_time(now))),
        ))
        .execute(conn)?;
    }
    members::table
        .find(member.to_string())
        .select(members::kind)
        .first::<String>(conn)
        .optional()?
        .map(|kind| parse_enum(&kind, MemberKind::parse))
        .transpose()
}

/// A line of the kind change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindChangeRecord {
    pub from: MemberKind,
    pub to: MemberKind,
    pub status: String,
    pub requested_at: DateTime<Utc>,
    pub effective_at: DateTime<Utc>,
    pub approved_by: Option<MemberId>,
    pub applied_at: Option<DateTime<Utc>>,
}

type LogRow = (
    String,
    String,
    String,
    chrono::NaiveDateTime,
    chrono::NaiveDateTime,
    Option<String>,
    Option<chrono::NaiveDateTime>,
);

/// The member's kind changes, oldest first.
pub fn log(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<KindChangeRecord>, PersistenceError> {
    kind_changes::table
        .filter(kind_changes::member_id.eq(member.to_string()))
        .order((kind_changes::requested_at, kind_changes::id))
        .select((
            kind_changes::from_kind,
            kind_changes::to_kind,
            kind_changes::status,
            kind_changes::requested_at,
            kind_changes::effective_at,
            kind_changes::approved_by,
            kind_changes::applied_at,
        ))
        .load::<LogRow>(conn)?
        .into_iter()
        .map(
            |(from, to, status, requested_at, effective_at, approved_by, applied_at)| {
                Ok(KindChangeRecord {
                    from: parse_enum(&from, MemberKind::parse)?,
                    to: parse_enum(&to, MemberKind::parse)?,
                    status,
                    requested_at: from_db_time(requested_at),
                    effective_at: from_db_time(effective_at),
                    approved_by: approved_by.as_deref().map(parse_id).transpose()?,
                    applied_at: applied_at.map(from_db_time),
                })
            },
        )
        .collect()
}

/// Moves the member's waiting change to `effective_at` (tests stand in for the passing days).
#[cfg(feature = "testing")]
pub fn set_effective_at(
    conn: &mut DbConnection,
    member: MemberId,
    effective_at: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(
        kind_changes::table
            .filter(kind_changes::member_id.eq(member.to_string()))
            .filter(kind_changes::status.eq(PENDING)),
    )
    .set(kind_changes::effective_at.eq(to_db_time(effective_at)))
    .execute(conn)?;
    Ok(())
}
