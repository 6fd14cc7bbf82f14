//! The account's own rows: settings and counters of `members` that the profile does not carry,
//! conditions of interest with their names, kind changes, sessions.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{ConditionId, MemberId, SessionId};
use entraide_domain::member::MemberKind;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id};
use crate::error::PersistenceError;
use crate::schema::{conditions, kind_changes, member_conditions, members, sessions};

/// What `members` holds beside the profile (`members::find_account`) and the password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountExtras {
    pub updated_at: DateTime<Utc>,
    pub receive_announcements: bool,
    pub listed_in_member_lists: bool,
    /// Unused since `login_throttles`; kept while the column exists.
    pub failed_logins: i32,
    pub login_locked_until: Option<DateTime<Utc>>,
}

pub fn account_extras(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<AccountExtras>, PersistenceError> {
    members::table
        .find(member.to_string())
        .select((
            members::updated_at,
            members::receive_announcements,
            members::listed_in_member_lists,
            members::failed_logins,
            members::login_locked_until,
        ))
        .first::<(NaiveDateTime, bool, bool, i32, Option<NaiveDateTime>)>(conn)
        .optional()?
        .map(
            |(updated_at, receive_announcements, listed_in_member_lists, failed_logins, locked)| {
                Ok(AccountExtras {
                    updated_at: from_db_time(updated_at),
                    receive_announcements,
                    listed_in_member_lists,
                    failed_logins,
                    login_locked_until: locked.map(from_db_time),
                })
            },
        )
        .transpose()
}

/// A condition of interest on the profile, with its catalogue name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionRef {
    pub id: ConditionId,
    pub name: String,
}

pub fn conditions(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<ConditionRef>, PersistenceError> {
    member_conditions::table
        .inner_join(conditions::table)
        .filter(member_conditions::member_id.eq(member.to_string()))
        .select((conditions::id, conditions::name))
        .order(conditions::name.asc())
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(id, name)| {
            Ok(ConditionRef {
                id: parse_id(&id)?,
                name,
            })
        })
        .collect()
}

/// One entry of the member's kind-change log. Who approved it is not said (`approved`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindChangeRecord {
    pub id: uuid::Uuid,
    pub from: MemberKind,
    pub to: MemberKind,
    /// `pending`, `applied` or `cancelled`.
    pub status: String,
    pub requested_at: DateTime<Utc>,
    pub effective_at: DateTime<Utc>,
    pub approved: bool,
    pub applied_at: Option<DateTime<Utc>>,
}

type KindChangeRow = (
    String,
    String,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    Option<String>,
    Option<NaiveDateTime>,
);

/// The member's kind changes, oldest first.
pub fn kind_changes(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<KindChangeRecord>, PersistenceError> {
    kind_changes::table
        .filter(kind_changes::member_id.eq(member.to_string()))
        .select((
            kind_changes::id,
            kind_changes::from_kind,
            kind_changes::to_kind,
            kind_changes::status,
            kind_changes::requested_at,
            kind_changes::effective_at,
            kind_changes::approved_by,
            kind_changes::applied_at,
        ))
        .order((kind_changes::requested_at.asc(), kind_changes::id.asc()))
        .load::<KindChangeRow>(conn)?
        .into_iter()
        .map(
            |(id, from, to, status, requested_at, effective_at, approved_by, applied_at)| {
                Ok(KindChangeRecord {
                    id: parse_id(&id)?,
                    from: parse_enum(&from, MemberKind::parse)?,
                    to: parse_enum(&to, MemberKind::parse)?,
                    status,
                    requested_at: from_db_time(requested_at),
                    effective_at: from_db_time(effective_at),
                    approved: approved_by.is_some(),
                    applied_at: applied_at.map(from_db_time),
                })
            },
        )
        .collect()
}

/// A session, live or ended. Its refresh tokens (hashes) are not part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: SessionId,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    /// The cleaned `User-Agent` stored at login.
    pub device: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Every session the member ever had that is still stored, oldest first.
pub fn sessions(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<SessionRecord>, PersistenceError> {
    sessions::table
        .filter(sessions::member_id.eq(member.to_string()))
        .select((
            sessions::id,
            sessions::created_at,
            sessions::last_used_at,
            sessions::user_agent,
            sessions::revoked_at,
        ))
        .order((sessions::created_at.asc(), sessions::id.asc()))
        .load::<(
            String,
            NaiveDateTime,
            NaiveDateTime,
            Option<String>,
            Option<NaiveDateTime>,
        )>(conn)?
        .into_iter()
        .map(|(id, created_at, last_used_at, device, revoked_at)| {
            Ok(SessionRecord {
                id: parse_id(&id)?,
                created_at: from_db_time(created_at),
                last_used_at: from_db_time(last_used_at),
                device,
                revoked_at: revoked_at.map(from_db_time),
            })
        })
        .collect()
}

/// A kind change of another member that the member approved as a platform moderator: which
/// one, whose, and when it took effect (not the kinds: they are the other member's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRecord {
    pub kind_change_id: uuid::Uuid,
    pub member_id: MemberId,
    pub effective_at: DateTime<Utc>,
}

pub fn kind_changes_approved(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<ApprovalRecord>, PersistenceError> {
    kind_changes::table
        .filter(kind_changes::approved_by.eq(member.to_string()))
        .select((
            kind_changes::id,
            kind_changes::member_id,
            kind_changes::effective_at,
        ))
        .order((kind_changes::effective_at.asc(), kind_changes::id.asc()))
        .load::<(String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, other, effective_at)| {
            Ok(ApprovalRecord {
                kind_change_id: parse_id(&id)?,
                member_id: parse_id(&other)?,
                effective_at: from_db_time(effective_at),
            })
        })
        .collect()
}
