//! Association API keys: `eak_` + 32 random bytes in base64url (256 bits). Only the key's
//! SHA-256 is stored: a key is not a password a guesser can enumerate, so argon2's cost would
//! buy nothing and slow every request. Requests are limited per key, in memory.

use std::num::NonZeroU32;

use entraide_domain::ids::ApiKeyId;
use entraide_domain::integration::{KEY_HINT_CHARS, KEY_PREFIX};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;
use crate::security::tokens::{hash_token, random_token};

/// A new key, its stored hash and the characters kept in clear.
pub struct GeneratedKey {
    pub key: String,
    pub hash: String,
    pub hint: String,
}

pub fn generate() -> GeneratedKey {
    let key = format!("{KEY_PREFIX}{}", random_token(32));
    let hint = key.chars().take(KEY_HINT_CHARS).collect();
    GeneratedKey {
        hash: hash_token(&key),
        hint,
        key,
    }
}

/// Does this bearer token look like an API key (rather than an access token)?
pub fn is_api_key(token: &str) -> bool {
    token.starts_with(KEY_PREFIX)
}

/// Requests per minute per key.
pub struct KeyRateLimiter {
    limiter: Option<DefaultKeyedRateLimiter<ApiKeyId>>,
}

impl KeyRateLimiter {
    /// `per_minute` requests per key as a burst refilled evenly over the minute; 0: no limit.
    pub fn new(per_minute: u32) -> Self {
        Self {
            limiter: NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n))),
        }
    }

    /// 429 with the seconds to wait when the key spent its budget.
    pub fn check(&self, key: ApiKeyId) -> Result<(), ApiError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::RateLimited {
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })
    }

    /// Forgets keys whose budget is full again.
    pub fn retain_recent(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_prefixed_random_and_hashed() {
        let a = generate();
        let b = generate();
        assert!(a.key.starts_with("eak_") && is_api_key(&a.key));
        assert_eq!(a.key.len(), 4 + 43);
        assert_ne!(a.key, b.key);
        assert_eq!(a.hash, hash_token(&a.key));
        assert!(!a.hash.contains(&a.key));
        assert_eq!(a.hint, a.key[..12]);
        assert!(!is_api_key("eyJhbGciOiJIUzI1NiJ9.e30.x"));
    }

    #[test]
    fn limits_per_key() {
        let limiter = KeyRateLimiter::new(2);
        let (a, b) = (ApiKeyId::new(), ApiKeyId::new());
        limiter.check(a).unwrap();
        limiter.check(a).unwrap();
        assert!(matches!(
            limiter.check(a),
            Err(ApiError::RateLimited { retry_after_secs }) if retry_after_secs >= 1
        ));
        limiter.check(b).unwrap();
        let off = KeyRateLimiter::new(0);
        for _ in 0..50 {
            off.check(a).unwrap();
        }
    }
}
