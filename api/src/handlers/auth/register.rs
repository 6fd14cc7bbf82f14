use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::ids::MemberId;
use entraide_domain::member::{Email, Password, PlatformRole, Pseudonym};
use entraide_openapi::auth::RegisterRequest;
use entraide_openapi::members::MyProfile;
use entraide_openapi::problem as p;
use entraide_persistence::members::{self, NewMember};

use crate::convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::ClientIp;
use crate::json::Json;
use crate::security::password;
use crate::state::AppState;

/// Create an account
///
/// Create an account. Answers the new member's own profile; log in to get tokens.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered", body = MyProfile,
            headers(("Location" = String, description = "The new member's profile URL"))),
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

    let password_hash = web::block(move || password::hash(&password)).await??;
    let account = db::write(&state, move |conn| {
        Ok(members::insert(
            conn,
            &NewMember {
                id: MemberId::new(),
                email: &email,
                pseudonym: &pseudonym,
                kind: convert::kind_from_wire(kind),
                role: PlatformRole::Member,
                password_hash: &password_hash,
                created_at: Utc::now(),
            },
        )?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/members/{}", account.profile.id),
        ))
        .json(convert::my_profile(&account, None)))
}
