//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes).

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use entraide_domain::member::Password;

use crate::error::ApiError;

/// A PHC string (`$argon2id$v=19$...`) with its own random salt. CPU-heavy: call off the
/// async workers.
pub fn hash(password: &Password) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.expose().as_bytes())
        .map(|hash| hash.to_string())
        .map_err(ApiError::internal)
}

/// Does the password match the stored hash? A malformed stored hash never matches.
pub fn verify(password: &Password, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.expose().as_bytes(), &parsed)
        .is_ok()
}

/// Spends the time of a real verification, so an unknown e-mail answers as slowly as a wrong
/// password and timing does not tell which accounts exist.
pub fn verify_dummy(password: &Password) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        Password::parse_login("entraide-dummy-password")
            .ok()
            .and_then(|p| hash(&p).ok())
    });
    if let Some(stored) = dummy {
        let _ = verify(password, stored);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let password = Password::parse_login("lanterne verte sous la pluie").unwrap();
        let first = hash(&password).unwrap();
        let second = hash(&password).unwrap();
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify(&password, &first));
        let wrong = Password::parse_login("lanterne rouge").unwrap();
        assert!(!verify(&wrong, &first));
        assert!(!verify(&password, "not a hash"));
    }
}
