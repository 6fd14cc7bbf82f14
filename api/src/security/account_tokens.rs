//! Issuing the single-use tokens of mailed links (`domain::recovery`): 32 random bytes, sent in
//! clear in the link, stored as their SHA-256 only.

use chrono::{DateTime, Utc};
use entraide_domain::ids::MemberId;
use entraide_domain::member::Email;
use entraide_domain::recovery::{AccountToken, TokenPurpose};
use entraide_persistence::DbConnection;
use entraide_persistence::account_tokens::{self, NewAccountToken};

use crate::error::ApiError;
use crate::security::tokens::{hash_token, random_token};

/// Stores a new token of `purpose` for the member (replacing their unused ones of that purpose)
/// and returns it in clear, for the link. Call inside the write transaction; mail after it.
pub fn issue(
    conn: &mut DbConnection,
    member_id: MemberId,
    purpose: TokenPurpose,
    new_email: Option<&Email>,
    now: DateTime<Utc>,
) -> Result<String, ApiError> {
    let token = random_token(32);
    let expires_at = purpose
        .expires_at(now)
        .ok_or_else(|| ApiError::internal("token expiry out of range"))?;
    account_tokens::issue(
        conn,
        &NewAccountToken {
            member_id,
            purpose,
            token_hash: &hash_token(&token),
            new_email,
            created_at: now,
            expires_at,
        },
    )?;
    Ok(token)
}

/// The stored hash of a token sent back by a client; `None` for a value that cannot be one.
pub fn hash_of(raw: &str) -> Option<String> {
    AccountToken::parse(raw).map(|token| hash_token(token.expose()))
}
