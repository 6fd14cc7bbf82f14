use actix_web::{HttpResponse, put, web};
use chrono::Utc;
use entraide_domain::member::Password;
use entraide_openapi::auth::ChangePasswordRequest;
use entraide_openapi::problem as p;
use entraide_persistence::{events, members, sessions};

use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, ClientIp};
use crate::json::Json;
use crate::security::password;
use crate::state::AppState;

/// Change your password
///
/// Change your password. Every other session is logged out; this one stays. Your calendar feed
/// URL stops working too (ask for a new one with `POST /members/me/calendar-token`).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed"),
        p::BodyErrors, p::TooManyRequests,
    )
)]
#[put("/members/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    member: AuthMember,
    ip: ClientIp,
    body: Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    state.auth_limiter.check(ip.0)?;
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.into_inner();
    let current = Password::parse_login(&current_password)
        .map_err(|e| ApiError::from(e.in_field("current_password")))?;

    let member_id = member.id;
    let account = db::read(&state, move |conn| {
        let account = members::find_account(conn, member_id)?.ok_or(ApiError::NotFound)?;
        let credentials = members::find_credentials(conn, member_id)?.ok_or(ApiError::NotFound)?;
        Ok((account, credentials.password_hash))
    })
    .await?;
    let (account, stored_hash) = account;
    let context = [
        account.email.local_part(),
        account.profile.pseudonym.as_str(),
    ];
    let new = Password::parse_new(&new_password, &context)
        .map_err(|e| ApiError::from(e.in_field("new_password")))?;

    let new_hash = password::off_thread(move || {
        if !password::verify(&current, &stored_hash) {
            return Err(ApiError::field(
                "current_password",
                "incorrect",
                "is not your current password",
            ));
        }
        password::hash(&new)
    })
    .await??;
    let keep = member.session_id;
    db::write(&state, move |conn| {
        let now = Utc::now();
        members::update_password_hash(conn, member_id, &new_hash, now)?;
        sessions::revoke_other_sessions(conn, member_id, Some(keep), now)?;
        events::revoke_calendar_token(conn, member_id)?;
        Ok(())
    })
    .await?;
    state.sessions.forget(member_id);
    // The other sessions' streams re-check and end now.
    state.hub.wake(&[member_id]);
    Ok(HttpResponse::NoContent().finish())
}
