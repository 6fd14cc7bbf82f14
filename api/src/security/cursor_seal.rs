//! Sealed cursors, for the lists whose cursor would otherwise say something the reader may not
//! know. A search page can stop short after reading matches the reader may not see; its cursor
//! then holds the index position of such a match, and a readable, editable cursor would let a
//! reader learn where hidden matches lie, or test one position after another whether a hidden
//! document holds a word. Sealed, the cursor is XChaCha20-Poly1305 ciphertext under a key derived
//! from the server secret (HMAC-SHA-256 of a fixed label), with a fresh random nonce, bound by
//! its associated data to what it continues (the reader, the words, the kinds): it can be neither
//! read, nor forged, nor moved to another search. Changing the secret ends every such cursor
//! (400 `invalid_cursor`: start again without it).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use entraide_openapi::problem::ProblemCode;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;

use crate::error::ApiError;

const NONCE_BYTES: usize = 24;
const LABEL: &[u8] = b"entraide sealed cursor v1";
const PAD_TO: usize = 32;
/// Far above any cursor this API seals (about 70 characters).
const MAX_SEALED_CHARS: usize = 512;

/// Seals and opens cursors under the server secret.
pub struct CursorSeal {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for CursorSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorSeal(..)")
    }
}

impl CursorSeal {
    pub fn new(secret: &[u8]) -> Result<Self, ApiError> {
        let mut mac =
            <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(secret).map_err(ApiError::internal)?;
        mac.update(LABEL);
        let key = mac.finalize().into_bytes();
        let cipher = <XChaCha20Poly1305 as chacha20poly1305::aead::KeyInit>::new_from_slice(&key)
            .map_err(ApiError::internal)?;
        Ok(Self { cipher })
    }

    /// `cursor` as an opaque string, bound to `context`.
    pub fn seal<C: Serialize>(&self, cursor: &C, context: &[u8]) -> Result<String, ApiError> {
        let mut json = serde_json::to_vec(cursor).map_err(ApiError::internal)?;
        // Padded with spaces (JSON ignores them) to a multiple of 32 bytes, so the length of a
        // cursor does not tell how many digits its position has.
        json.resize(json.len().div_ceil(PAD_TO) * PAD_TO, b' ');
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &json,
                    aad: context,
                },
            )
            .map_err(|_| ApiError::internal("cursor sealing failed"))?;
        let mut sealed = nonce.to_vec();
        sealed.extend(ciphertext);
        Ok(URL_SAFE_NO_PAD.encode(sealed))
    }

    /// The cursor sealed with the same `context`; anything else is a 400 `invalid_cursor`.
    pub fn open<C: DeserializeOwned>(&self, sealed: &str, context: &[u8]) -> Result<C, ApiError> {
        let invalid = || ApiError::BadRequest {
            code: ProblemCode::InvalidCursor,
            detail: "the cursor is not one this API issued for this search; start again without it"
                .to_owned(),
        };
        if sealed.len() > MAX_SEALED_CHARS {
            return Err(invalid());
        }
        let bytes = URL_SAFE_NO_PAD.decode(sealed).map_err(|_| invalid())?;
        if bytes.len() <= NONCE_BYTES {
            return Err(invalid());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| invalid())?;
        let plain = self
            .cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .map_err(|_| invalid())?;
        serde_json::from_slice(&plain).map_err(|_| invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Key {
        p: i64,
    }

    fn seal() -> CursorSeal {
        CursorSeal::new(b"0123456789abcdef0123456789abcdef").unwrap()
    }

    #[test]
    fn opens_what_it_sealed_for_the_same_context_only() {
        let seal = seal();
        let sealed = seal.seal(&Key { p: 4_017_005 }, b"reader\0words").unwrap();
        assert!(!sealed.contains("4017005"));
        assert_eq!(
            seal.open::<Key>(&sealed, b"reader\0words").unwrap(),
            Key { p: 4_017_005 }
        );
        assert_ne!(
            sealed,
            seal.seal(&Key { p: 4_017_005 }, b"reader\0words").unwrap(),
            "a fresh nonce each time: equal positions do not give equal cursors"
        );
        for (cursor, context) in [
            (sealed.as_str(), &b"another reader\0words"[..]),
            (sealed.as_str(), &b"reader\0other words"[..]),
            ("eyJwIjoxfQ", &b"reader\0words"[..]),
            ("", &b"reader\0words"[..]),
            ("not base64 !", &b"reader\0words"[..]),
        ] {
            assert!(seal.open::<Key>(cursor, context).is_err(), "{cursor}");
        }
        // Positions of any size give cursors of one length.
        assert_eq!(
            seal.seal(&Key { p: 1 }, b"c").unwrap().len(),
            seal.seal(&Key { p: 4_017_005_123 }, b"c").unwrap().len()
        );
        // One bit changed anywhere: refused.
        let mut bytes = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let edited = URL_SAFE_NO_PAD.encode(bytes);
        assert!(seal.open::<Key>(&edited, b"reader\0words").is_err());
        let other = CursorSeal::new(b"another secret, another secret!!").unwrap();
        assert!(other.open::<Key>(&sealed, b"reader\0words").is_err());
    }
}
