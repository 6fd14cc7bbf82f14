//! Single-use account tokens (e-mail verification, password reset). Only a token's hash is
//! stored; the rules (purposes, lifetimes, cooldown) are `domain::recovery`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::MemberId;
use entraide_domain::member::Email;
use entraide_domain::recovery::TokenPurpose;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::account_tokens;

/// A token to store; `token_hash` is the SHA-256 of the token mailed.
#[derive(Debug)]
pub struct NewAccountToken<'a> {
    pub member_id: MemberId,
    pub purpose: TokenPurpose,
    pub token_hash: &'a str,
    /// For an e-mail change: the address that replaces the current one when the token is used.
    pub new_email: Option<&'a Email>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Stores a token and deletes the member's other unused tokens of the same purpose (the newest
/// link is the only one that works), and their expired or used ones of any purpose.
pub fn issue(conn: &mut DbConnection, new: &NewAccountToken<'_>) -> Result<(), PersistenceError> {
    let NewAccountToken {
        member_id,
        purpose,
        token_hash,
        new_email,
        created_at,
        expires_at,
    } = new;
    let member = member_id.to_string();
    let now = to_db_time(*created_at);
    diesel::delete(
        account_tokens::table
            .filter(account_tokens::member_id.eq(&member))
            .filter(
                account_tokens::purpose
                    .eq(purpose.as_str())
                    .or(account_tokens::used_at.is_not_null())
                    .or(account_tokens::expires_at.le(now)),
            ),
    )
    .execute(conn)?;
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::id.eq(uuid::Uuid::now_v7().to_string()),
            account_tokens::member_id.eq(&member),
            account_tokens::purpose.eq(purpose.as_str()),
            account_tokens::token_hash.eq(*token_hash),
            account_tokens::new_email.eq(new_email.map(Email::as_str)),
            account_tokens::created_at.eq(now),
            account_tokens::expires_at.eq(to_db_time(*expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// When the member's newest token of this purpose was issued (used or not), for the cooldown
/// between two mails (`domain::recovery::may_mail_again`).
pub fn last_issued_at(
    conn: &mut DbConnection,
    member_id: MemberId,
    purpose: TokenPurpose,
) -> Result<Option<DateTime<Utc>>, PersistenceError> {
    let latest = account_tokens::table
        .filter(account_tokens::member_id.eq(member_id.to_string()))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .select(diesel::dsl::max(account_tokens::created_at))
        .first::<Option<chrono::NaiveDateTime>>(conn)?;
    Ok(latest.map(from_db_time))
}

/// What a usable token grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub member_id: MemberId,
    /// The address an e-mail change moves to (verification tokens only).
    pub new_email: Option<Email>,
}

/// The grant of a token that is unused and unexpired at `now`, without using it (to read what
/// the request needs before it is checked; [`consume`] decides).
pub fn find_usable(
    conn: &mut DbConnection,
    token_hash: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<TokenGrant>, PersistenceError> {
    account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(to_db_time(now)))
        .select((account_tokens::member_id, account_tokens::new_email))
        .first::<(String, Option<String>)>(conn)
        .optional()?
        .map(into_grant)
        .transpose()
}

/// Uses a token: one `UPDATE ... WHERE used_at IS NULL AND expires_at > now`, so of two
/// requests racing with the same token exactly one gets the grant. `None`: unknown, of another
/// purpose, expired or already used.
pub fn consume(
    conn: &mut DbConnection,
    token_hash: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<TokenGrant>, PersistenceError> {
    let now = to_db_time(now);
    diesel::update(
        account_tokens::table
            .filter(account_tokens::token_hash.eq(token_hash))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null())
            .filter(account_tokens::expires_at.gt(now)),
    )
    .set(account_tokens::used_at.eq(now))
    .returning((account_tokens::member_id, account_tokens::new_email))
    .get_result::<(String, Option<String>)>(conn)
    .optional()?
    .map(into_grant)
    .transpose()
}

fn into_grant(row: (String, Option<String>)) -> Result<TokenGrant, PersistenceError> {
    let (member_id, new_email) = row;
    Ok(TokenGrant {
        member_id: parse_id(&member_id)?,
        new_email: new_email.map(Email::from_stored),
    })
}

/// Deletes the member's unused tokens of a purpose (the reset links mailed to an address the
/// member no longer has, the other links once a password was reset). Returns how many.
pub fn revoke_unused(
    conn: &mut DbConnection,
    member_id: MemberId,
    purpose: TokenPurpose,
) -> Result<usize, PersistenceError> {
    Ok(diesel::delete(
        account_tokens::table
            .filter(account_tokens::member_id.eq(member_id.to_string()))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .execute(conn)?)
}
