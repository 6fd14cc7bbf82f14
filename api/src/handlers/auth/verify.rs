use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::recovery::{self, TokenPurpose};
use entraide_openapi::auth::VerifyEmailRequest;
use entraide_openapi::problem as p;
use entraide_persistence::{account_tokens as tokens, members};

use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, ClientIp};
use crate::json::Json;
use crate::mail::{self, messages};
use crate::security::account_tokens;
use crate::state::AppState;

/// Verify an e-mail address
///
/// Uses the token of a verification link; no sign-in needed, the link is the proof. For the
/// link mailed at registration (or resent), the account's address becomes verified
/// (`email_verified: true`). For an e-mail change, the new address replaces the old one,
/// verified, and password reset links mailed to the old address stop working.
///
/// A token works once, for 48 hours, and only the newest verification link of an account works:
/// anything else is `400 expired_or_used_token`. `409 email_taken` when the new address of an
/// e-mail change became another account's since the link was mailed (the link is not used up).
#[utoipa::path(
    tag = "auth",
    request_body = VerifyEmailRequest,
    responses(
        (status = 204, description = "Verified"),
        p::AnonymousBodyErrors, p::Conflict,
    )
)]
#[post("/auth/verify-email")]
pub async fn verify_email(
    state: web::Data<AppState>,
    body: Json<VerifyEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let VerifyEmailRequest { token } = body.into_inner();
    let hash = account_tokens::hash_of(&token).ok_or_else(ApiError::expired_or_used_token)?;
    db::write(&state, move |conn| {
        let now = Utc::now();
        let grant = tokens::consume(conn, &hash, TokenPurpose::VerifyEmail, now)?
            .ok_or_else(ApiError::expired_or_used_token)?;
        match grant.new_email {
            None => members::mark_email_verified(conn, grant.member_id, now)?,
            Some(new_email) => {
                members::change_email(conn, grant.member_id, &new_email, now)?;
                tokens::revoke_unused(conn, grant.member_id, TokenPurpose::ResetPassword)?;
            }
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mail a new verification link
///
/// Mails a new verification link to your address while it is not verified; the new link
/// replaces the previous one (a waiting e-mail change included: ask for it again). Nothing is
/// mailed when the address is already verified, or within 60 seconds of the previous link.
/// Always `204`. Limited per IP like login.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "A link is on its way, if one was due"),
        p::SessionErrors, p::TooManyRequests,
    )
)]
#[post("/auth/verify-email/resend")]
pub async fn resend_verification(
    state: web::Data<AppState>,
    member: AuthMember,
    ip: ClientIp,
) -> Result<HttpResponse, ApiError> {
    state.auth_limiter.check(ip.0)?;
    let member_id = member.id;
    let due = db::write(&state, move |conn| {
        let now = Utc::now();
        let account = members::find_account(conn, member_id)?.ok_or(ApiError::NotFound)?;
        if account.email_verified {
            return Ok(None);
        }
        let last = tokens::last_issued_at(conn, member_id, TokenPurpose::VerifyEmail)?;
        if !recovery::may_mail_again(last, now) {
            return Ok(None);
        }
        let token = account_tokens::issue(conn, member_id, TokenPurpose::VerifyEmail, None, now)?;
        Ok(Some((account.email, token)))
    })
    .await?;
    if let Some((email, token)) = due {
        let settings = &state.settings;
        mail::send_later(
            &state.mailer,
            messages::verify_email(
                email.as_str(),
                &settings.mail_link(&settings.verify_email_path, &token),
            ),
        );
    }
    Ok(HttpResponse::NoContent().finish())
}
