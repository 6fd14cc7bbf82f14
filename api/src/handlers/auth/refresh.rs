use actix_web::{post, web};
use chrono::Utc;
use entraide_domain::ids::{MemberId, SessionId};
use entraide_openapi::auth::{RefreshRequest, TokenResponse};
use entraide_openapi::problem as p;
use entraide_persistence::sessions;

use crate::db;
use crate::error::ApiError;
use crate::extractors::ClientIp;
use crate::json::Json;
use crate::security::sessions::{store_refresh_token, token_response};
use crate::security::tokens::hash_token;
use crate::state::AppState;

enum Outcome {
    Rotated {
        member_id: MemberId,
        session_id: SessionId,
        refresh_token: String,
    },
    /// Unknown, expired, or of a revoked session.
    Invalid,
    /// Already used: someone replayed it, so the whole session (of this member) is revoked.
    Reused(MemberId),
}

/// Refresh the tokens
///
/// Exchange a refresh token for a new pair. Each refresh token works once; presenting a used one
/// revokes its whole session (the legitimate holder must log in again).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        p::BodyErrors, p::TooManyRequests,
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    ip: ClientIp,
    body: Json<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    state.auth_limiter.check(ip.0)?;
    let RefreshRequest { refresh_token } = body.into_inner();
    if refresh_token.is_empty() || refresh_token.len() > 256 {
        return Err(ApiError::InvalidRefreshToken);
    }
    let token_hash = hash_token(&refresh_token);
    let now = Utc::now();
    let ttl_days = state.settings.refresh_token_ttl_days;
    let outcome = db::write(&state, move |conn| {
        let Some(record) = sessions::find_refresh_token(conn, &token_hash)? else {
            return Ok(Outcome::Invalid);
        };
        if record.session_revoked_at.is_some() || record.expires_at <= now {
            return Ok(Outcome::Invalid);
        }
        if record.used_at.is_some() || !sessions::mark_refresh_token_used(conn, &token_hash, now)? {
            sessions::revoke_session(conn, record.session_id, now)?;
            return Ok(Outcome::Reused(record.member_id));
        }
        sessions::touch_session(conn, record.session_id, now)?;
        let refresh_token = store_refresh_token(conn, record.session_id, now, ttl_days)?;
        Ok(Outcome::Rotated {
            member_id: record.member_id,
            session_id: record.session_id,
            refresh_token,
        })
    })
    .await?;
    match outcome {
        Outcome::Rotated {
            member_id,
            session_id,
            refresh_token,
        } => token_response(&state, member_id, session_id, refresh_token, now).map(web::Json),
        Outcome::Invalid => Err(ApiError::InvalidRefreshToken),
        Outcome::Reused(member) => {
            state.sessions.forget(member);
            tracing::warn!("refresh token reuse detected; session revoked");
            Err(ApiError::InvalidRefreshToken)
        }
    }
}
