//! Stream tickets: short-lived, single-use stand-ins for an access token in the URL of the
//! notification stream (an `EventSource` cannot send headers). Only a hash is stored; a ticket
//! belongs to a session and goes with it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{MemberId, SessionId};

use crate::connection::DbConnection;
use crate::convert::{parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{sessions, stream_tickets};

/// Stores a ticket (by its hash) for `session` until `expires_at`, and forgets expired ones.
pub fn issue(
    conn: &mut DbConnection,
    ticket_hash: &str,
    session: SessionId,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::delete(stream_tickets::table.filter(stream_tickets::expires_at.le(to_db_time(now))))
        .execute(conn)?;
    diesel::insert_into(stream_tickets::table)
        .values((
            stream_tickets::ticket_hash.eq(ticket_hash),
            stream_tickets::session_id.eq(session.to_string()),
            stream_tickets::expires_at.eq(to_db_time(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Uses up a ticket: the session and member it was issued to if it exists, has not expired
/// and was not used before (of two concurrent uses, one wins). Whether the session is still
/// live is for the caller to check, as for an access token. Call it inside a transaction.
pub fn redeem(
    conn: &mut DbConnection,
    ticket_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(SessionId, MemberId)>, PersistenceError> {
    let found = stream_tickets::table
        .inner_join(sessions::table)
        .filter(stream_tickets::ticket_hash.eq(ticket_hash))
        .filter(stream_tickets::expires_at.gt(to_db_time(now)))
        .select((sessions::id, sessions::member_id))
        .first::<(String, String)>(conn)
        .optional()?;
    // Deleted whether valid or expired: a ticket is never looked at twice.
    let deleted = diesel::delete(stream_tickets::table.find(ticket_hash)).execute(conn)?;
    match found {
        Some((session, member)) if deleted == 1 => {
            Ok(Some((parse_id(&session)?, parse_id(&member)?)))
        }
        _ => Ok(None),
    }
}
