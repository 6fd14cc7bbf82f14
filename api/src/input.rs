//! Text at the boundary: one rule for every string a request carries, on both databases.
//!
//! PostgreSQL refuses a NUL byte in `text` where SQLite stores it, and other control characters
//! (escape sequences, bidirectional tricks in C1, bell...) have no business in a patient's post or
//! in a search. So no string of a JSON body, no query parameter and no path segment may hold a
//! control character; long texts may hold newlines and tabs (and carriage returns, which their
//! parsers fold into newlines). Field parsers in `domain` are stricter still (single-line fields
//! refuse newlines too).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use entraide_domain::FieldError;
use serde_json::Value;

use crate::error::ApiError;

/// Characters no string of a request may hold.
pub fn forbidden_in_body(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// Could these JSON bytes hold a control character inside a string? A fast, conservative scan:
/// raw C1 characters (UTF-8 `C2 80`–`C2 9F`), DEL, or any `\u` / `\b` / `\f` escape.
fn may_hold_control(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|pair| match pair {
        [0xC2, next] => (0x80..=0x9F).contains(next),
        [b'\\', b'u' | b'b' | b'f'] => true,
        _ => false,
    }) || bytes.contains(&0x7F)
}

/// The path (`location.city`, `items[2]`) of the first string or key holding a forbidden
/// character.
fn first_forbidden(value: &Value, path: &str) -> Option<String> {
    let holds = |text: &str| text.chars().any(forbidden_in_body);
    match value {
        Value::String(text) => holds(text).then(|| path.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| first_forbidden(item, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let here = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if holds(key) {
                Some(if path.is_empty() {
                    "body".to_owned()
                } else {
                    path.to_owned()
                })
            } else {
                first_forbidden(item, &here)
            }
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// A 422 on the field whose string holds a control character, if any. Bodies that are not
/// JSON are left to the JSON parser, which reports them.
pub fn check_json_text(bytes: &[u8]) -> Result<(), ApiError> {
    if !may_hold_control(bytes) {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
        return Ok(());
    };
    match first_forbidden(&value, "") {
        None => Ok(()),
        Some(field) => Err(ApiError::Validation(vec![FieldError::new(
            if field.is_empty() {
                "body".to_owned()
            } else {
                field
            },
            "control_character",
            "must not contain control characters (long texts may hold newlines and tabs)",
        )])),
    }
}

/// Does a decoded JSON value (a pagination cursor) hold a control character anywhere?
pub fn holds_control(value: &Value) -> bool {
    first_forbidden(value, "").is_some()
}

/// Refuses, before routing, a path or query string whose decoded text holds a control
/// character: 400 `invalid_path` or `invalid_query`, without echoing the value.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let decoded_has_control = |raw: &str| {
        percent_encoding::percent_decode_str(raw)
            .decode_utf8_lossy()
            .chars()
            .any(char::is_control)
    };
    let refusal = if decoded_has_control(req.path()) {
        Some((
            "invalid_path",
            "the path must not contain control characters",
        ))
    } else if decoded_has_control(&req.query_string().replace('+', " ")) {
        Some((
            "invalid_query",
            "query parameters must not contain control characters",
        ))
    } else {
        None
    };
    match refusal {
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
        Some((code, detail)) => {
            let response: HttpResponse = ApiError::BadRequest {
                code,
                detail: detail.to_owned(),
            }
            .error_response();
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(body: &str) -> Option<String> {
        match check_json_text(body.as_bytes()) {
            Ok(()) => None,
            Err(ApiError::Validation(errors)) => Some(errors[0].field.clone()),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn control_characters_are_found_on_their_field() {
        assert_eq!(field_of(r#"{"body": "a\u0000b"}"#).as_deref(), Some("body"));
        assert_eq!(
            field_of(r#"{"venue": {"city": "Lyon\u001b[31m"}}"#).as_deref(),
            Some("venue.city")
        );
        assert_eq!(
            field_of(r#"{"condition_ids": ["x", "\u0085"]}"#).as_deref(),
            Some("condition_ids[1]")
        );
        assert_eq!(
            field_of("{\"bio\": \"raw C1 \u{0085} here\"}").as_deref(),
            Some("bio")
        );
        assert_eq!(field_of(r#"{"title": "bell\b"}"#).as_deref(), Some("title"));
        assert_eq!(field_of(r#"{"a\u0000": 1}"#).as_deref(), Some("body"));
        assert_eq!(field_of("{\"del\": \"\u{7f}\"}").as_deref(), Some("del"));
    }

    #[test]
    fn newlines_tabs_and_ordinary_text_pass() {
        assert_eq!(field_of(r#"{"body": "ligne 1\nligne 2\r\n\tfin"}"#), None);
        assert_eq!(
            field_of(r#"{"body": "caf\u00e9 \u2014 \\u0000 is text"}"#),
            None
        );
        assert_eq!(field_of(r#"{"body": "Émilie, 42 ans"}"#), None);
        assert_eq!(
            field_of("not json \\u0000"),
            None,
            "left to the JSON parser"
        );
    }
}
