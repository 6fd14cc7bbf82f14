use actix_web::{HttpResponse, put, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::member::{Email, Password};
use entraide_domain::recovery::TokenPurpose;
use entraide_openapi::auth::{ChangeEmailRequest, MailAccepted, MailStatus};
use entraide_openapi::problem as p;
use entraide_persistence::members;

use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, ClientIp};
use crate::json::Json;
use crate::mail::{self, messages};
use crate::security::{account_tokens, password};
use crate::state::AppState;

/// Change your e-mail address
///
/// Asks to move your account to `new_email`, confirmed with your current `password` (422
/// `incorrect` on `password` otherwise; `unchanged` on `new_email` for your current address).
/// A verification link is mailed to the new address, and a notice to the current one. The
/// address changes only when the link is used (`POST /api/v1/auth/verify-email`): until then
/// you log in with the current one and `GET /members/me` shows it. The link replaces any earlier
/// verification link of your account.
///
/// Always `202 {"status": "verification_sent"}`: when the new address already has an account,
/// nothing is mailed to it but a notice to its owner, and the answer is the same. Limited per
/// IP like login.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = ChangeEmailRequest,
    responses(
        (status = 202, description = "Accepted: a verification link is on its way to the new address", body = MailAccepted),
        p::BodyErrors, p::TooManyRequests,
    )
)]
#[put("/members/me/email")]
pub async fn change_my_email(
    state: web::Data<AppState>,
    member: AuthMember,
    ip: ClientIp,
    body: Json<ChangeEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    state.auth_limiter.check(ip.0)?;
    let ChangeEmailRequest {
        new_email,
        password,
    } = body.into_inner();
    let mut errors = Errors::new();
    let new_email = errors.check("new_email", Email::parse(&new_email));
    let password = errors.check("password", Password::parse_login(&password));
    errors.finish()?;
    let (Some(new_email), Some(password)) = (new_email, password) else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };

    let member_id = member.id;
    let (current, stored_hash) = db::read(&state, move |conn| {
        let account = members::find_account(conn, member_id)?.ok_or(ApiError::NotFound)?;
        let credentials = members::find_credentials(conn, member_id)?.ok_or(ApiError::NotFound)?;
        Ok((account.email, credentials.password_hash))
    })
    .await?;
    if current == new_email {
        return Err(ApiError::field(
            "new_email",
            "unchanged",
            "is already your address",
        ));
    }
    let valid = password::off_thread(move || password::verify(&password, &stored_hash)).await?;
    if !valid {
        return Err(ApiError::field(
            "password",
            "incorrect",
            "is not your current password",
        ));
    }

    let target = new_email.clone();
    let token = db::write(&state, move |conn| {
        if members::id_by_email(conn, &target)?.is_some() {
            return Ok(None);
        }
        let token = account_tokens::issue(
            conn,
            member_id,
            TokenPurpose::VerifyEmail,
            Some(&target),
            Utc::now(),
        )?;
        Ok(Some(token))
    })
    .await?;
    mail::send_later(
        &state.mailer,
        messages::email_change_requested(current.as_str()),
    );
    let settings = &state.settings;
    let to_new_address = match token {
        Some(token) => messages::verify_new_email(
            new_email.as_str(),
            &settings.mail_link(&settings.verify_email_path, &token),
        ),
        None => messages::address_in_use(new_email.as_str()),
    };
    mail::send_later(&state.mailer, to_new_address);
    Ok(HttpResponse::Accepted().json(MailAccepted {
        status: MailStatus::VerificationSent,
    }))
}
