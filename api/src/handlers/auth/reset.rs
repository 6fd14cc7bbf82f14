use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::member::{Email, Password};
use entraide_domain::recovery::{self, TokenPurpose};
use entraide_openapi::auth::{
    ConfirmPasswordResetRequest, MailAccepted, MailStatus, PasswordResetRequest,
};
use entraide_openapi::problem as p;
use entraide_persistence::{account_tokens as tokens, events, members, sessions};

use crate::db;
use crate::error::ApiError;
use crate::extractors::ClientIp;
use crate::json::Json;
use crate::mail::{self, messages};
use crate::security::{account_tokens, password};
use crate::state::AppState;

/// Ask for a password reset link
///
/// Mails a link to choose a new password (valid 1 hour, once) to the address **if it has an
/// account**, and always answers `202 {"status": "reset_requested"}`: the answer never tells
/// whether an address is registered. A new link replaces the previous one; within 60 seconds
/// of it nothing new is mailed. Limited per IP like login.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "Accepted: a link is on its way if the address has an account", body = MailAccepted),
        p::AnonymousBodyErrors, p::TooManyRequests,
    )
)]
#[post("/auth/password-reset")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    ip: ClientIp,
    body: Json<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    state.auth_limiter.check(ip.0)?;
    let PasswordResetRequest { email } = body.into_inner();
    let email = Email::parse(&email)?;
    let address = email.clone();
    let token = db::write(&state, move |conn| {
        let now = Utc::now();
        let Some(member_id) = members::id_by_email(conn, &email)? else {
            return Ok(None);
        };
        let last = tokens::last_issued_at(conn, member_id, TokenPurpose::ResetPassword)?;
        if !recovery::may_mail_again(last, now) {
            return Ok(None);
        }
        let token = account_tokens::issue(conn, member_id, TokenPurpose::ResetPassword, None, now)?;
        Ok(Some(token))
    })
    .await?;
    if let Some(token) = token {
        let settings = &state.settings;
        mail::send_later(
            &state.mailer,
            messages::password_reset(
                address.as_str(),
                &settings.mail_link(&settings.reset_password_path, &token),
            ),
        );
    }
    Ok(HttpResponse::Accepted().json(MailAccepted {
        status: MailStatus::ResetRequested,
    }))
}

/// Set a new password with a reset link
///
/// Uses the token of a password reset link to set a new password, under the same rules as at
/// registration (422 on `new_password`). Every session of the account is logged out (log in
/// again with the new password), its calendar feed URL stops working, and its address counts
/// as verified (the link reached it). A token works once, for 1 hour, and only the newest
/// link works: anything else is `400 expired_or_used_token`. Limited per IP like login.
#[utoipa::path(
    tag = "auth",
    request_body = ConfirmPasswordResetRequest,
    responses(
        (status = 204, description = "Password changed; every session logged out"),
        p::AnonymousBodyErrors, p::TooManyRequests,
    )
)]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    ip: ClientIp,
    body: Json<ConfirmPasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    state.auth_limiter.check(ip.0)?;
    let ConfirmPasswordResetRequest {
        token,
        new_password,
    } = body.into_inner();
    // The password's own rules first: a request both malformed and refused is a 422.
    Password::parse_new(&new_password, &[])
        .map_err(|e| ApiError::from(e.in_field("new_password")))?;
    let hash = account_tokens::hash_of(&token).ok_or_else(ApiError::expired_or_used_token)?;
    let lookup = hash.clone();
    let account = db::read(&state, move |conn| {
        let grant = tokens::find_usable(conn, &lookup, TokenPurpose::ResetPassword, Utc::now())?
            .ok_or_else(ApiError::expired_or_used_token)?;
        members::find_account(conn, grant.member_id)?.ok_or_else(ApiError::expired_or_used_token)
    })
    .await?;
    // Then the rules that need the account: not built from its address or pseudonym.
    let context = [
        account.email.local_part(),
        account.profile.pseudonym.as_str(),
    ];
    let new = Password::parse_new(&new_password, &context)
        .map_err(|e| ApiError::from(e.in_field("new_password")))?;
    let new_hash = password::off_thread(move || password::hash(&new)).await??;
    let member_id = account.profile.id;
    db::write(&state, move |conn| {
        let now = Utc::now();
        let grant = tokens::consume(conn, &hash, TokenPurpose::ResetPassword, now)?
            .filter(|grant| grant.member_id == member_id)
            .ok_or_else(ApiError::expired_or_used_token)?;
        members::update_password_hash(conn, grant.member_id, &new_hash, now)?;
        members::mark_email_verified(conn, grant.member_id, now)?;
        sessions::revoke_other_sessions(conn, grant.member_id, None, now)?;
        events::revoke_calendar_token(conn, grant.member_id)?;
        tokens::revoke_unused(conn, grant.member_id, TokenPurpose::ResetPassword)?;
        Ok(())
    })
    .await?;
    state.sessions.forget(member_id);
    // Every stream of the account re-checks its session and ends now.
    state.hub.wake(&[member_id]);
    Ok(HttpResponse::NoContent().finish())
}
