//! Login sessions and their rotating refresh tokens. Only a token's hash is stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{MemberId, SessionId};
use entraide_domain::member::{MemberKind, PlatformRole};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{kind_changes, members, refresh_tokens, sessions};

/// A refresh token looked up by its hash, with the state of its session.
#[derive(Debug, Clone)]
pub struct RefreshTokenRecord {
    pub session_id: SessionId,
    pub member_id: MemberId,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub session_revoked_at: Option<DateTime<Utc>>,
}

/// Opens a session; `device` is the cleaned label of the client (`domain::text::device_label`).
pub fn create_session(
    conn: &mut DbConnection,
    id: SessionId,
    member_id: MemberId,
    device: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let now = to_db_time(now);
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(id.to_string()),
            sessions::member_id.eq(member_id.to_string()),
            sessions::created_at.eq(now),
            sessions::last_used_at.eq(now),
            sessions::user_agent.eq(device),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn insert_refresh_token(
    conn: &mut DbConnection,
    token_hash: &str,
    session_id: SessionId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::session_id.eq(session_id.to_string()),
            refresh_tokens::created_at.eq(to_db_time(now)),
            refresh_tokens::expires_at.eq(to_db_time(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_refresh_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<RefreshTokenRecord>, PersistenceError> {
    let row = refresh_tokens::table
        .inner_join(sessions::table)
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            sessions::id,
            sessions::member_id,
            refresh_tokens::expires_at,
            refresh_tokens::used_at,
            sessions::revoked_at,
        ))
        .first::<(
            String,
            String,
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
            Option<chrono::NaiveDateTime>,
        )>(conn)
        .optional()?;
    let Some((session_id, member_id, expires_at, used_at, revoked_at)) = row else {
        return Ok(None);
    };
    Ok(Some(RefreshTokenRecord {
        session_id: parse_id(&session_id)?,
        member_id: parse_id(&member_id)?,
        expires_at: from_db_time(expires_at),
        used_at: used_at.map(from_db_time),
        session_revoked_at: revoked_at.map(from_db_time),
    }))
}

/// Marks a token used, only if it was not already: `false` means another request used it
/// first (a reuse, even when two requests race).
pub fn mark_refresh_token_used(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let updated = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(token_hash))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(to_db_time(now)))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn touch_session(
    conn: &mut DbConnection,
    id: SessionId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(sessions::table.find(id.to_string()))
        .set(sessions::last_used_at.eq(to_db_time(now)))
        .execute(conn)?;
    Ok(())
}

/// Revokes one session (logout, or a detected token reuse). Idempotent.
pub fn revoke_session(
    conn: &mut DbConnection,
    id: SessionId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(
        sessions::table
            .find(id.to_string())
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(to_db_time(now)))
    .execute(conn)?;
    Ok(())
}

/// Revokes every session of a member but `keep` (after a password change); returns how many.
pub fn revoke_other_sessions(
    conn: &mut DbConnection,
    member_id: MemberId,
    keep: Option<SessionId>,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    let keep = keep.map(|id| id.to_string()).unwrap_or_default();
    let revoked = diesel::update(
        sessions::table
            .filter(sessions::member_id.eq(member_id.to_string()))
            .filter(sessions::id.ne(keep))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(to_db_time(now)))
    .execute(conn)?;
    Ok(revoked)
}

/// One of a member's sessions, as they see it in their list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEntry {
    pub id: SessionId,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub device: Option<String>,
}

/// A member's live sessions — not revoked, and used (logged in or refreshed) since
/// `used_since`, so that a session whose refresh token has expired is not listed — newest
/// first, after the cursor `(created_at, id)`.
pub fn list_live(
    conn: &mut DbConnection,
    member_id: MemberId,
    used_since: DateTime<Utc>,
    before: Option<(DateTime<Utc>, SessionId)>,
    limit: i64,
) -> Result<Vec<SessionEntry>, PersistenceError> {
    let mut query = sessions::table
        .filter(sessions::member_id.eq(member_id.to_string()))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::last_used_at.gt(to_db_time(used_since)))
        .into_boxed();
    if let Some((at, id)) = before {
        let at = to_db_time(at);
        query = query.filter(
            sessions::created_at.lt(at).or(sessions::created_at
                .eq(at)
                .and(sessions::id.lt(id.to_string()))),
        );
    }
    query
        .order((sessions::created_at.desc(), sessions::id.desc()))
        .limit(limit)
        .select((
            sessions::id,
            sessions::created_at,
            sessions::last_used_at,
            sessions::user_agent,
        ))
        .load::<(
            String,
            chrono::NaiveDateTime,
            chrono::NaiveDateTime,
            Option<String>,
        )>(conn)?
        .into_iter()
        .map(|(id, created_at, last_used_at, device)| {
            Ok(SessionEntry {
                id: parse_id(&id)?,
                created_at: from_db_time(created_at),
                last_used_at: from_db_time(last_used_at),
                device,
            })
        })
        .collect()
}

/// Revokes one session of this member. `false` when the member has no such session (another
/// member's session is not theirs to see, so it is answered the same as a missing one). A
/// session already revoked is still theirs: `true`, nothing changes.
pub fn revoke_own_session(
    conn: &mut DbConnection,
    member_id: MemberId,
    id: SessionId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let owned = sessions::table
        .filter(sessions::id.eq(id.to_string()))
        .filter(sessions::member_id.eq(member_id.to_string()))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if owned {
        revoke_session(conn, id, now)?;
    }
    Ok(owned)
}

/// The member behind a live session, as one authenticated request needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveMember {
    /// The kind as stored now (a waiting change is not applied yet).
    pub kind: MemberKind,
    pub role: PlatformRole,
    /// When the member's waiting kind change takes effect, if they have one: the caller applies
    /// it (`kind_changes::apply`) once it is due.
    pub kind_change_at: Option<DateTime<Utc>>,
    /// Suspended or banned until then (sessions are revoked when it starts; this closes the
    /// race with a login that was under way).
    pub suspended_until: Option<DateTime<Utc>>,
}

/// The member behind a live (not revoked) session, with their kind and role as they are now
/// and their waiting kind change: one query per authenticated request.
pub fn active_member(
    conn: &mut DbConnection,
    id: SessionId,
    member_id: MemberId,
) -> Result<Option<ActiveMember>, PersistenceError> {
    let row = sessions::table
        .inner_join(members::table)
        .left_join(
            kind_changes::table.on(kind_changes::member_id
                .eq(members::id)
                .and(kind_changes::status.eq("pending"))),
        )
        .filter(sessions::id.eq(id.to_string()))
        .filter(sessions::member_id.eq(member_id.to_string()))
        .filter(sessions::revoked_at.is_null())
        .select((
            members::kind,
            members::role,
            kind_changes::effective_at.nullable(),
            members::suspended_until,
        ))
        .first::<(
            String,
            String,
            Option<chrono::NaiveDateTime>,
            Option<chrono::NaiveDateTime>,
        )>(conn)
        .optional()?;
    row.map(|(kind, role, kind_change_at, suspended_until)| {
        Ok(ActiveMember {
            kind: parse_enum(&kind, MemberKind::parse)?,
            role: parse_enum(&role, PlatformRole::parse)?,
            kind_change_at: kind_change_at.map(from_db_time),
            suspended_until: suspended_until.map(from_db_time),
        })
    })
    .transpose()
}

/// Is this session still live (not revoked) and owned by this member?
pub fn is_active(
    conn: &mut DbConnection,
    id: SessionId,
    member_id: MemberId,
) -> Result<bool, PersistenceError> {
    Ok(active_member(conn, id, member_id)?.is_some())
}
