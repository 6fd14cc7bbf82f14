//! Signed webhooks: `X-Entraide-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." +
//! raw body)>` with `X-Entraide-Timestamp` in Unix seconds. The timestamp is inside the
//! signature, so an old delivery cannot be refreshed; a recent one replayed is caught by
//! remembering accepted signatures for the tolerance window.

use chrono::{DateTime, TimeDelta, Utc};
use entraide_openapi::problem::ProblemCode;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::ApiError;

pub const TIMESTAMP_HEADER: &str = "X-Entraide-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Entraide-Signature";

/// How far a delivery's timestamp may be from our clock.
pub const TOLERANCE: TimeDelta = TimeDelta::minutes(5);

fn refused(code: ProblemCode) -> ApiError {
    ApiError::InvalidSignature { code }
}

/// A delivery that passed: its signature (hex), remembered to refuse replays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub signature: String,
}

/// Checks the headers and signature of a delivery. 400 when a header is missing or malformed;
/// 401 `invalid_signature` when the signature does not match, `stale_timestamp` when the
/// timestamp is outside [`TOLERANCE`].
pub fn verify(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Verified, ApiError> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(ApiError::BadRequest {
            code: ProblemCode::MissingSignature,
            detail: format!("send both {TIMESTAMP_HEADER} and {SIGNATURE_HEADER}"),
        });
    };
    let malformed = |what: &str| ApiError::BadRequest {
        code: ProblemCode::MalformedSignature,
        detail: what.to_owned(),
    };
    let seconds: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| malformed("the timestamp must be Unix seconds"))?;
    let hex_digest = signature
        .trim()
        .strip_prefix("sha256=")
        .ok_or_else(|| malformed("the signature must read sha256=<hex>"))?;
    let digest = hex::decode(hex_digest).map_err(|_| malformed("the signature is not hex"))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(ApiError::internal)?;
    mac.update(timestamp.trim().as_bytes());
    mac.update(b".");
    mac.update(body);
    // Constant-time comparison.
    mac.verify_slice(&digest)
        .map_err(|_| refused(ProblemCode::InvalidSignature))?;
    let sent =
        DateTime::from_timestamp(seconds, 0).ok_or_else(|| refused(ProblemCode::StaleTimestamp))?;
    if (now - sent).abs() > TOLERANCE {
        return Err(refused(ProblemCode::StaleTimestamp));
    }
    Ok(Verified {
        signature: hex_digest.to_ascii_lowercase(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(body);
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn signatures() {
        let now = Utc::now();
        let ts = now.timestamp().to_string();
        let body = br#"{"a":1}"#;
        let good = sign("s3cret", &ts, body);
        assert!(verify("s3cret", Some(&ts), Some(&good), body, now).is_ok());
        let code = |r: Result<Verified, ApiError>| r.unwrap_err().code();
        assert_eq!(
            code(verify("other", Some(&ts), Some(&good), body, now)),
            "invalid_signature"
        );
        assert_eq!(
            code(verify("s3cret", Some(&ts), Some(&good), b"{\"a\":2}", now)),
            "invalid_signature"
        );
        assert_eq!(
            code(verify("s3cret", None, Some(&good), body, now)),
            "missing_signature"
        );
        assert_eq!(
            code(verify("s3cret", Some("x"), Some(&good), body, now)),
            "malformed_signature"
        );
        assert_eq!(
            code(verify("s3cret", Some(&ts), Some("md5=00"), body, now)),
            "malformed_signature"
        );
        let old = (now - TimeDelta::minutes(6)).timestamp().to_string();
        let signed_old = sign("s3cret", &old, body);
        assert_eq!(
            code(verify("s3cret", Some(&old), Some(&signed_old), body, now)),
            "stale_timestamp"
        );
        // The timestamp is signed: changing it breaks the signature.
        assert_eq!(
            code(verify("s3cret", Some(&ts), Some(&signed_old), body, now)),
            "invalid_signature"
        );
    }
}
