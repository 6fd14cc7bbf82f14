//! Stream tickets: what a browser puts in the URL of the notification stream instead of its
//! access token (which never goes in a URL: URLs end up in logs and histories). Random, stored
//! hashed, bound to the session that asked, used once, short-lived.

use chrono::{TimeDelta, Utc};
use entraide_domain::ids::{MemberId, SessionId};
use entraide_openapi::notifications::StreamTicket;
use entraide_persistence::stream_tickets;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::security::tokens::{hash_token, random_token};
use crate::state::AppState;

/// Tickets are recognisable in logs and support requests.
const PREFIX: &str = "st_";
/// Random bytes of a ticket.
const BYTES: usize = 32;
/// Longer than any ticket issued here: anything longer is refused unhashed.
const MAX_LEN: usize = 128;

/// A new ticket for the member's current session.
pub async fn issue(state: &AppState, member: &AuthMember) -> Result<StreamTicket, ApiError> {
    let ticket = format!("{PREFIX}{}", random_token(BYTES));
    let hash = hash_token(&ticket);
    let now = Utc::now();
    let ttl = i64::try_from(state.settings.stream_ticket_ttl_secs)
        .ok()
        .and_then(TimeDelta::try_seconds)
        .ok_or_else(|| ApiError::internal("stream ticket lifetime out of range"))?;
    let expires_at = now
        .checked_add_signed(ttl)
        .ok_or_else(|| ApiError::internal("stream ticket expiry out of range"))?;
    let session = member.session_id;
    db::write(state, move |conn| {
        Ok(stream_tickets::issue(
            conn, &hash, session, expires_at, now,
        )?)
    })
    .await?;
    Ok(StreamTicket { ticket, expires_at })
}

/// Uses up `ticket`: its session and member, or 401 `invalid_token` if it is unknown, used,
/// expired or malformed. (The session is checked by the caller, as for an access token.)
pub async fn redeem(state: &AppState, ticket: &str) -> Result<(SessionId, MemberId), ApiError> {
    if !ticket.starts_with(PREFIX) || ticket.len() > MAX_LEN {
        return Err(ApiError::InvalidToken);
    }
    let hash = hash_token(ticket);
    let now = Utc::now();
    db::write(state, move |conn| {
        Ok(stream_tickets::redeem(conn, &hash, now)?)
    })
    .await?
    .ok_or(ApiError::InvalidToken)
}
