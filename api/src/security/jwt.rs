//! Short-lived access tokens: HS256 JWTs naming the member and their session.

use chrono::{DateTime, Utc};
use entraide_domain::ids::{MemberId, SessionId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

const ISSUER: &str = "entraide";
const AUDIENCE: &str = "entraide-api";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    sid: String,
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
}

/// Who an access token speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSubject {
    pub member_id: MemberId,
    pub session_id: SessionId,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl_secs: u64,
    /// Sealed cursors, under a key derived from the same secret.
    cursors: crate::security::cursor_seal::CursorSeal,
}

impl JwtKeys {
    pub fn new(secret: &SecretString, ttl_secs: u64) -> Result<Self, ApiError> {
        let bytes = secret.expose_secret().as_bytes();
        // Only HS256 is accepted: `alg: none` and algorithm-confusion tokens fail validation.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.leeway = 5;
        Ok(Self {
            encoding: EncodingKey::from_secret(bytes).map_err(ApiError::internal)?,
            decoding: DecodingKey::from_secret(bytes).map_err(ApiError::internal)?,
            validation,
            ttl_secs,
            cursors: crate::security::cursor_seal::CursorSeal::new(bytes)?,
        })
    }

    /// Seals the cursors a reader must not be able to read or edit (search).
    pub fn cursors(&self) -> &crate::security::cursor_seal::CursorSeal {
        &self.cursors
    }

    pub fn ttl_secs(&self) -> u64 {
        self.ttl_secs
    }

    pub fn issue(&self, subject: TokenSubject, now: DateTime<Utc>) -> Result<String, ApiError> {
        let ttl = i64::try_from(self.ttl_secs).map_err(ApiError::internal)?;
        let claims = Claims {
            sub: subject.member_id.to_string(),
            sid: subject.session_id.to_string(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now.timestamp(),
            exp: now.timestamp() + ttl,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    /// Checks signature, algorithm, issuer, audience and expiry.
    pub fn verify(&self, token: &str) -> Result<TokenSubject, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| ApiError::InvalidToken)?;
        Ok(TokenSubject {
            member_id: data
                .claims
                .sub
                .parse()
                .map_err(|_| ApiError::InvalidToken)?,
            session_id: data
                .claims
                .sid
                .parse()
                .map_err(|_| ApiError::InvalidToken)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn keys() -> JwtKeys {
        JwtKeys::new(&SecretString::from("0123456789abcdef0123456789abcdef"), 900).unwrap()
    }

    fn subject() -> TokenSubject {
        TokenSubject {
            member_id: MemberId::new(),
            session_id: SessionId::new(),
        }
    }

    #[test]
    fn issued_tokens_verify() {
        let subject = subject();
        let token = keys().issue(subject, Utc::now()).unwrap();
        assert_eq!(keys().verify(&token).unwrap(), subject);
    }

    #[test]
    fn expired_forged_and_unsigned_tokens_fail() {
        let keys = keys();
        let old = keys
            .issue(subject(), Utc::now() - chrono::Duration::hours(1))
            .unwrap();
        assert!(keys.verify(&old).is_err(), "expired");

        let other = JwtKeys::new(&SecretString::from("another-secret-another-secret-xx"), 900)
            .unwrap()
            .issue(subject(), Utc::now())
            .unwrap();
        assert!(keys.verify(&other).is_err(), "signed with another key");

        let good = keys.issue(subject(), Utc::now()).unwrap();
        let payload = good.split('.').nth(1).unwrap();
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        assert!(
            keys.verify(&format!("{header}.{payload}.")).is_err(),
            "alg none"
        );
        assert!(keys.verify("garbage").is_err());
    }
}
