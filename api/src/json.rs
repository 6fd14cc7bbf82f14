//! The JSON body extractor. Like `web::Json`, but a body of the wrong shape is reported on the
//! field at fault (`kind`, `location.country`), with a code a client can branch on:
//! `required`, `unknown_field` or `invalid_value`.

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use entraide_domain::FieldError;
use entraide_openapi::problem::ProblemCode;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, without_input};

pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

fn is_json(req: &HttpRequest) -> bool {
    req.mime_type().ok().flatten().is_some_and(|mime| {
        mime.type_() == "application"
            && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
    })
}

/// The name between the first pair of backticks of a serde message (`missing field `x``).
fn quoted(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(&message[start..end])
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() || path == "." {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// Deserialises a body, telling syntax errors (400) from shape errors (422 on a field).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    crate::input::check_json_text(bytes)?;
    // Every body is an object. Serde would read a struct from an array too (positionally:
    // `["a@b.org", "pw", ...]`) and report a wrong array at `[0]`; refuse any other JSON value
    // on the body itself (10,000 nested arrays included: skipping them needs no recursion).
    // Syntax errors stay 400.
    if bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|first| *first != b'{')
    {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Ok(_) => ApiError::Validation(vec![FieldError::new(
                    "body",
                    "invalid_value",
                    "must be a JSON object",
                )]),
                Err(error) => ApiError::BadRequest {
                    code: ProblemCode::MalformedJson,
                    detail: without_input(&error.to_string()),
                },
            },
        );
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        // A shape error met before a syntax error further on (`{} x`) is still a syntax error.
        if !inner.is_data() || serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_err() {
            return ApiError::BadRequest {
                code: ProblemCode::MalformedJson,
                detail: inner.to_string(),
            };
        }
        // The field path and code tell what is wrong; the message never repeats the value
        // (it is sent back and logged).
        let message = without_input(&inner.to_string());
        let (field, code) = if message.starts_with("missing field") {
            (
                join(&path, quoted(&message).unwrap_or_default()),
                "required",
            )
        } else if message.starts_with("unknown field") {
            // The path already ends with the unknown field.
            (path, "unknown_field")
        } else if path.is_empty() || path == "." {
            ("body".to_owned(), "invalid_value")
        } else {
            (path, "invalid_value")
        };
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    })?;
    deserializer.end().map_err(|e| ApiError::BadRequest {
        code: ProblemCode::MalformedJson,
        detail: e.to_string(),
    })?;
    Ok(value)
}

/// Reads a JSON body's bytes: 415 unless the content type is JSON, 413 past the limit.
fn json_bytes(
    req: &HttpRequest,
    payload: &mut Payload,
) -> LocalBoxFuture<'static, Result<web::Bytes, ApiError>> {
    let json = is_json(req);
    // `web::Bytes` enforces the `PayloadConfig` limit registered by the application.
    let body = web::Bytes::from_request(req, payload);
    Box::pin(async move {
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        body.await
            .map_err(|error| match error.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => ApiError::PayloadTooLarge,
                _ if error.error_response().status().as_u16() == 413 => ApiError::PayloadTooLarge,
                _ => ApiError::BadRequest {
                    code: ProblemCode::BadRequest,
                    detail: "the request body could not be read".to_owned(),
                },
            })
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = json_bytes(req, payload);
        Box::pin(async move { parse(&bytes.await?).map(Json) })
    }
}

/// A JSON body kept as the exact bytes received, for signature checks before parsing (then
/// [`parse`] it).
pub struct RawJson(pub web::Bytes);

impl FromRequest for RawJson {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = json_bytes(req, payload);
        Box::pin(async move { bytes.await.map(RawJson) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields are only deserialised")]
    struct Inner {
        country: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields are only deserialised")]
    struct Body {
        name: String,
        kind: Kind,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Patient,
    }

    fn field_and_code(json: &str) -> (String, String) {
        match parse::<Body>(json.as_bytes()) {
            Err(ApiError::Validation(errors)) => {
                (errors[0].field.clone(), errors[0].code.to_owned())
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn shape_errors_name_their_field() {
        assert_eq!(
            field_and_code(r#"{"name": "a", "kind": "doctor"}"#),
            ("kind".into(), "invalid_value".into())
        );
        assert_eq!(
            field_and_code(r#"{"name": 1, "kind": "patient"}"#),
            ("name".into(), "invalid_value".into())
        );
        assert_eq!(
            field_and_code(r#"{"kind": "patient"}"#),
            ("name".into(), "required".into())
        );
        assert_eq!(
            field_and_code(r#"{"name": "a", "kind": "patient", "role": "admin"}"#),
            ("role".into(), "unknown_field".into())
        );
        assert_eq!(
            field_and_code(r#"{"name": "a", "kind": "patient", "inner": {"country": 3}}"#),
            ("inner.country".into(), "invalid_value".into())
        );
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        for not_an_object in [
            r#""a string""#,
            "[]",
            r#"["a", "patient"]"#,
            "5",
            " null",
            &deep,
        ] {
            assert_eq!(
                field_and_code(not_an_object),
                ("body".into(), "invalid_value".into()),
                "{not_an_object}"
            );
        }
    }

    #[test]
    fn syntax_errors_are_bad_requests() {
        for bad in [
            "{",
            "{\"name\": \"a\", \"kind\": \"patient\"} trailing",
            "{} trailing",
            "",
            "[1, ",
        ] {
            assert!(
                matches!(
                    parse::<Body>(bad.as_bytes()),
                    Err(ApiError::BadRequest {
                        code: ProblemCode::MalformedJson,
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
    }
}
