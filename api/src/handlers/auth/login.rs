use actix_web::{post, web};
use chrono::{TimeDelta, Utc};
use entraide_domain::error::Errors;
use entraide_domain::ids::SessionId;
use entraide_domain::member::{Email, Password};
use entraide_openapi::auth::{LoginRequest, TokenResponse};
use entraide_openapi::problem as p;
use entraide_persistence::login_throttles::{self, Reservation};
use entraide_persistence::{members, sessions};

use crate::db;
use crate::error::ApiError;
use crate::extractors::{ClientIp, DeviceLabel};
use crate::json::Json;
use crate::security::password;
use crate::security::rate_limit::login_throttle_key;
use crate::security::sessions::{store_refresh_token, token_response};
use crate::state::AppState;

/// Log in
///
/// Log in with e-mail and password. Wrong credentials never say whether the e-mail exists.
///
/// Failed logins are throttled per **(e-mail, client network)** pair — the client's IPv4
/// address or IPv6 /64. Each attempt is counted before its password is checked; a pair gets 5
/// attempts, then must wait 30 s after each further one, doubling up to 15 minutes (429 with
/// `Retry-After`), even with the right password. A success clears the pair. The owner of an
/// account logging in from another network is not slowed down by someone else's failures, and
/// an unknown e-mail is throttled and answered exactly like a known one.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        p::BodyErrors, p::TooManyRequests,
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    ip: ClientIp,
    device: DeviceLabel,
    body: Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    state.auth_limiter.check(ip.0)?;
    let LoginRequest { email, password } = body.into_inner();
    let mut errors = Errors::new();
    let email = errors.check("email", Email::parse(&email));
    let password = errors.check("password", Password::parse_login(&password));
    errors.finish()?;
    let (Some(email), Some(password)) = (email, password) else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };

    let now = Utc::now();
    let throttle_key = login_throttle_key(email.as_str(), ip.0);
    // Count the attempt first (one atomic statement), then look the account up: a known and an
    // unknown e-mail take the same steps.
    let key = throttle_key.clone();
    let credentials = db::write(&state, move |conn| {
        match login_throttles::reserve(conn, &key, now)? {
            Reservation::Granted { .. } => {}
            Reservation::Throttled { until } => {
                let wait = (until - now).num_seconds().max(1);
                return Err(ApiError::RateLimited {
                    retry_after_secs: u64::try_from(wait).unwrap_or(1),
                });
            }
        }
        Ok(members::find_credentials_by_email(conn, &email)?)
    })
    .await?;
    let Some(credentials) = credentials else {
        password::off_thread(move || password::verify_dummy(&password)).await?;
        return Err(ApiError::InvalidCredentials);
    };

    let member_id = credentials.id;
    let stored_hash = credentials.password_hash;
    let valid = password::off_thread(move || password::verify(&password, &stored_hash)).await?;
    if !valid {
        // Already counted by the reservation.
        return Err(ApiError::InvalidCredentials);
    }
    // Told only to whoever knows the password.
    if let Some(until) = credentials.suspended_until.filter(|until| *until > now) {
        return Err(ApiError::Suspended { until });
    }

    let session_id = SessionId::new();
    let ttl_days = state.settings.refresh_token_ttl_days;
    let refresh_token = db::write(&state, move |conn| {
        login_throttles::clear(conn, &throttle_key)?;
        login_throttles::prune(conn, now - TimeDelta::days(1))?;
        sessions::create_session(conn, session_id, member_id, device.0.as_deref(), now)?;
        store_refresh_token(conn, session_id, now, ttl_days)
    })
    .await?;
    token_response(&state, member_id, session_id, refresh_token, now).map(web::Json)
}
