//! Credentials: password hashing, access tokens (JWT), refresh tokens, the tokens of mailed
//! links, and rate limits.

pub mod account_tokens;
pub mod api_keys;
pub mod cursor_seal;
pub mod jwt;
pub mod message_keys;
pub mod participants;
pub mod password;
pub mod rate_limit;
pub mod sessions;
pub mod stream_tickets;
pub mod tokens;
pub mod webhook;
