use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::ids::MemberId;
use entraide_domain::member::{Email, Password, PlatformRole, Pseudonym};
use entraide_domain::recovery::TokenPurpose;
use entraide_openapi::auth::{MailAccepted, MailStatus, RegisterRequest};
use entraide_openapi::problem::{self as p, ProblemCode};
use entraide_persistence::members::{self, NewMember};

use crate::convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::ClientIp;
use crate::json::Json;
use crate::mail::{self, messages};
use crate::security::{account_tokens, password};
use crate::state::AppState;

/// What registration did; the answer is the same for both.
enum Outcome {
    /// A new, unverified account: mail it a verification link.
    Created { token: String },
    /// The address already has an account: nothing was stored; its owner is told.
    Taken,
}

/// Create an account
///
/// Creates an account and mails a verification link to its address. Answers `202` with
/// `{"status": "verification_sent"}` — **the same answer, in the same time, when the address
/// already has an account**: then nothing is created, and the address's owner is mailed that
/// someone tried to register with it. So the answer never tells whether an address is
/// registered.
///
/// Log in to get tokens: logging in does not wait for the verification, and
/// `GET /members/me` shows `email_verified`. A taken pseudonym is still `409 pseudonym_taken`
/// (pseudonyms are public).
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 202, description = "Accepted: a mail is on its way to the address", body = MailAccepted),
        p::AnonymousBodyErrors, p::Conflict, p::TooManyRequests,
    )
)]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    ip: ClientIp,
    body: Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    state.auth_limiter.check(ip.0)?;
    let RegisterRequest {
        email,
        password,
        pseudonym,
        kind,
    } = body.into_inner();
    let mut errors = Errors::new();
    let email = errors.check("email", Email::parse(&email));
    let pseudonym = errors.check("pseudonym", Pseudonym::parse(&pseudonym));
    let context: Vec<&str> = [
        email.as_ref().map(Email::local_part),
        pseudonym.as_ref().map(Pseudonym::as_str),
    ]
    .into_iter()
    .flatten()
    .collect();
    let password = errors.check("password", Password::parse_new(&password, &context));
    errors.finish()?;
    let (Some(email), Some(pseudonym), Some(password)) = (email, pseudonym, password) else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };

    // Hashed whether or not the address is taken: both answers take as long.
    let password_hash = password::off_thread(move || password::hash(&password)).await??;
    let now = Utc::now();
    let address = email.clone();
    let result = db::write(&state, move |conn| {
        if members::id_by_email(conn, &email)?.is_some() {
            // Answered as a free address would be: a taken pseudonym is still a 409.
            if members::pseudonym_taken(conn, &pseudonym)? {
                return Err(ApiError::Conflict {
                    code: ProblemCode::PseudonymTaken,
                    field: Some("pseudonym".to_owned()),
                });
            }
            return Ok(Outcome::Taken);
        }
        let account = members::insert(
            conn,
            &NewMember {
                id: MemberId::new(),
                email: &email,
                pseudonym: &pseudonym,
                kind: convert::kind_from_wire(kind),
                role: PlatformRole::Member,
                password_hash: &password_hash,
                created_at: now,
                email_verified_at: None,
            },
        )?;
        let token = account_tokens::issue(
            conn,
            account.profile.id,
            TokenPurpose::VerifyEmail,
            None,
            now,
        )?;
        Ok(Outcome::Created { token })
    })
    .await;
    let outcome = match result {
        Ok(outcome) => outcome,
        // Taken by a concurrent registration between the check and the insert.
        Err(ApiError::Conflict {
            code: ProblemCode::EmailTaken,
            ..
        }) => Outcome::Taken,
        Err(error) => return Err(error),
    };
    let settings = &state.settings;
    let mail = match outcome {
        Outcome::Created { token } => messages::verify_email(
            address.as_str(),
            &settings.mail_link(&settings.verify_email_path, &token),
        ),
        Outcome::Taken => messages::registration_attempt(
            address.as_str(),
            &format!("{}{}", settings.public_url(), settings.reset_password_path),
        ),
    };
    mail::send_later(&state.mailer, mail);
    Ok(HttpResponse::Accepted().json(MailAccepted {
        status: MailStatus::VerificationSent,
    }))
}
