//! Study pseudonyms: the id under which a participant appears in a study's exports. A keyed
//! hash (HMAC-SHA-256) of the member's id with the study's own secret key: stable within a
//! study (the same member always gets the same id), unlinkable across studies (another key
//! gives an unrelated id), and not reversible without the key, which never leaves the server.

use entraide_domain::ids::MemberId;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::ApiError;

/// A new study's pseudonym key: 256 random bits.
pub fn new_study_key() -> String {
    crate::security::tokens::random_token(32)
}

/// `p_` and the first 128 bits of HMAC-SHA-256(study key, member id), in hex.
pub fn participant_id(study_key: &str, member: MemberId) -> Result<String, ApiError> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(study_key.as_bytes()).map_err(ApiError::internal)?;
    mac.update(member.as_uuid().as_bytes());
    let digest = mac.finalize().into_bytes();
    let half = digest
        .get(..16)
        .ok_or_else(|| ApiError::internal("short digest"))?;
    Ok(format!("p_{}", hex::encode(half)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_within_a_study_unlinkable_across() {
        let member = MemberId::new();
        let (first, second) = (new_study_key(), new_study_key());
        let id = participant_id(&first, member).unwrap();
        assert_eq!(id, participant_id(&first, member).unwrap());
        assert_ne!(id, participant_id(&second, member).unwrap());
        assert_ne!(id, participant_id(&first, MemberId::new()).unwrap());
        assert_eq!(id.len(), 34);
        assert!(id.starts_with("p_"));
        assert!(!id.contains(&member.to_string()));
    }
}
