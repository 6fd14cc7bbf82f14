//! Credentials: password hashing, access tokens (JWT), refresh tokens and rate limits.

pub mod jwt;
pub mod participants;
pub mod password;
pub mod rate_limit;
pub mod sessions;
pub mod tokens;
pub mod webhook;
