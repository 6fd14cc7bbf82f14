//! A session's token pair: the refresh token stored hashed, the access token signed.

use chrono::{DateTime, TimeDelta, Utc};
use entraide_domain::ids::{MemberId, SessionId};
use entraide_openapi::auth::TokenResponse;
use entraide_persistence::{DbConnection, sessions};

use crate::error::ApiError;
use crate::security::jwt::TokenSubject;
use crate::security::tokens::{hash_token, random_token};
use crate::state::AppState;

/// A new refresh token for a session, stored hashed; returns the clear token (shown once).
pub(crate) fn store_refresh_token(
    conn: &mut DbConnection,
    session_id: SessionId,
    now: DateTime<Utc>,
    ttl_days: u64,
) -> Result<String, ApiError> {
    let token = random_token(32);
    let ttl = TimeDelta::days(i64::try_from(ttl_days).map_err(ApiError::internal)?);
    sessions::insert_refresh_token(conn, &hash_token(&token), session_id, now, now + ttl)?;
    Ok(token)
}

/// The token pair answered by login and refresh.
pub(crate) fn token_response(
    state: &AppState,
    member_id: MemberId,
    session_id: SessionId,
    refresh_token: String,
    now: DateTime<Utc>,
) -> Result<TokenResponse, ApiError> {
    let access_token = state.jwt.issue(
        TokenSubject {
            member_id,
            session_id,
        },
        now,
    )?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer".to_owned(),
        expires_in: state.jwt.ttl_secs(),
    })
}
