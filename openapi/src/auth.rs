//! Registration, login, token refresh, password change, e-mail verification and recovery.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::members::MemberKind;

/// A new account. The e-mail is private; the pseudonym is how others know you.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "email": "camille@example.org",
    "password": "lanterne verte sous la pluie",
    "pseudonym": "Camille",
    "kind": "caregiver"
}))]
pub struct RegisterRequest {
    /// Normalised (trimmed, lower-cased) and unique; never shown to other members.
    #[schema(example = "camille@example.org", format = "email", max_length = 254)]
    pub email: String,
    /// At least 10 characters and hard to guess (a few unrelated words work well).
    #[schema(
        example = "lanterne verte sous la pluie",
        min_length = 10,
        max_length = 256
    )]
    pub password: String,
    /// 3 to 32 characters: letters, digits, `_ - .` and single spaces; unique ignoring case.
    #[schema(example = "Camille", min_length = 3, max_length = 32)]
    pub pseudonym: String,
    pub kind: MemberKind,
}

/// Credentials to log in with.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "email": "camille@example.org",
    "password": "lanterne verte sous la pluie"
}))]
pub struct LoginRequest {
    #[schema(example = "camille@example.org", format = "email")]
    pub email: String,
    #[schema(example = "lanterne verte sous la pluie", min_length = 1)]
    pub password: String,
}

/// A refresh token to exchange for a new pair.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "refresh_token": "rt_5f1c3b9e0a7d4e2f8b6c1a9d3e7f2b4c"
}))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Tokens issued at login and refresh. Send `access_token` as `Authorization: Bearer <token>`;
/// before it expires (`expires_in` seconds), exchange `refresh_token` at `/auth/refresh`.
/// Each refresh token works once: using one twice ends the whole session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMTkzOWE0ZSJ9.c2lnbmF0dXJl",
    "refresh_token": "rt_5f1c3b9e0a7d4e2f8b6c1a9d3e7f2b4c",
    "token_type": "Bearer",
    "expires_in": 900
}))]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Lifetime of the access token, in seconds.
    #[schema(example = 900)]
    pub expires_in: u64,
}

/// A password change. Other sessions are logged out; this one stays.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "current_password": "lanterne verte sous la pluie",
    "new_password": "un ciel de traîne sur Brest"
}))]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// One of your live sessions (a login on one device), newest first. Revoking it logs that
/// device out at once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a0b2-5c1e-7d3f-9a41-6b2e8c0d4f17",
    "created_at": "2026-12-01T08:30:00Z",
    "last_used_at": "2026-12-04T19:05:12Z",
    "device": "Mozilla/5.0 (Android 15; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
    "current": true
}))]
pub struct SessionItem {
    pub id: uuid::Uuid,
    /// When you logged in.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The last login or token refresh of this session.
    pub last_used_at: chrono::DateTime<chrono::Utc>,
    /// The client's `User-Agent` at login, cleaned and cut to 200 characters; `null` when the
    /// client sent none. No IP address is kept.
    #[schema(max_length = 200)]
    pub device: Option<String>,
    /// The session this request was made with.
    pub current: bool,
}

/// What an account request that mails a link answers — the same whether or not the address has
/// an account, so the answer never tells who is registered. What happens next arrives by
/// e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"status": "verification_sent"}))]
pub struct MailAccepted {
    pub status: MailStatus,
}

/// `verification_sent`: a link to verify the address was mailed to it (registration, e-mail
/// change). `reset_requested`: a password reset link was mailed, if the address has an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    VerificationSent,
    ResetRequested,
}

/// The token of a verification link (`{public_url}/verify-email?token=...`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "q3xv0bW1H9m5R2cT8kYz4LpN6sDf7GhJ0aEiOuVbXwQ"}))]
pub struct VerifyEmailRequest {
    /// As found in the link: 43 characters of base64url. Works once, for 48 hours.
    #[schema(min_length = 1, max_length = 128)]
    pub token: String,
}

/// The address of an account whose password is forgotten.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "camille@example.org"}))]
pub struct PasswordResetRequest {
    #[schema(example = "camille@example.org", format = "email", max_length = 254)]
    pub email: String,
}

/// A new password, with the token of a reset link (`{public_url}/reset-password?token=...`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "token": "q3xv0bW1H9m5R2cT8kYz4LpN6sDf7GhJ0aEiOuVbXwQ",
    "new_password": "un ciel de traîne sur Brest"
}))]
pub struct ConfirmPasswordResetRequest {
    /// As found in the link: works once, for 1 hour.
    #[schema(min_length = 1, max_length = 128)]
    pub token: String,
    /// The same rules as at registration: at least 10 characters and hard to guess.
    #[schema(min_length = 10, max_length = 256)]
    pub new_password: String,
}

/// A new address for your account, confirmed with your current password. It replaces the
/// current one when the link mailed to it is used.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "new_email": "camille.l@example.net",
    "password": "lanterne verte sous la pluie"
}))]
pub struct ChangeEmailRequest {
    /// Normalised (trimmed, lower-cased); must differ from the current address.
    #[schema(example = "camille.l@example.net", format = "email", max_length = 254)]
    pub new_email: String,
    /// Your current password.
    #[schema(example = "lanterne verte sous la pluie", min_length = 1)]
    pub password: String,
}
