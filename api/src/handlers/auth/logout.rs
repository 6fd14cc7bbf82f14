use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_openapi::problem as p;
use entraide_persistence::sessions;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::state::AppState;

/// Log out
///
/// Log out: revokes this session. Its access token and refresh tokens stop working at once.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        p::SessionErrors,
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<HttpResponse, ApiError> {
    db::write(&state, move |conn| {
        Ok(sessions::revoke_session(
            conn,
            member.session_id,
            Utc::now(),
        )?)
    })
    .await?;
    state.sessions.forget(member.id);
    // Its streams re-check the session and end now.
    state.hub.wake(&[member.id]);
    Ok(HttpResponse::NoContent().finish())
}
