//! Text at the boundary: one rule for every string a request carries, on both databases.
//!
//! PostgreSQL refuses a NUL byte in `text` where SQLite stores it, and other control characters
//! (escape sequences, C1 controls, bell...) have no business in a patient's post or in a search.
//! Nor have the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
//! U+2066–U+2069): they make a text display in another order than it is stored ("Trojan
//! Source"), so a link or a pseudonym can show one thing and be another. So no string of a JSON
//! body, no query parameter and no path segment may hold one; long texts may hold newlines and
//! tabs (and carriage returns, which their parsers fold into newlines). Right-to-left marks
//! (U+200E, U+200F) stay allowed: Arabic and Hebrew text needs them and they reorder nothing.
//! Field parsers in `domain` are stricter still (single-line fields refuse newlines too).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use entraide_domain::FieldError;
use entraide_openapi::problem::ProblemCode;
use serde_json::Value;

use crate::error::ApiError;

/// The bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters no query parameter or path segment may hold.
pub fn forbidden_anywhere(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Characters no string of a request body may hold.
pub fn forbidden_in_body(c: char) -> bool {
    forbidden_anywhere(c) && !matches!(c, '\n' | '\r' | '\t')
}

/// Could these JSON bytes hold a forbidden character inside a string? A fast, conservative
/// scan: raw C1 characters (UTF-8 `C2 80`–`C2 9F`), raw bidirectional controls (`E2 80 AA`–`AE`,
/// `E2 81 A6`–`A9`), DEL, or any `\u` / `\b` / `\f` escape.
fn may_hold_control(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|pair| match pair {
        [0xC2, next] => (0x80..=0x9F).contains(next),
        [b'\\', b'u' | b'b' | b'f'] => true,
        _ => false,
    }) || bytes.windows(3).any(|triple| match triple {
        [0xE2, 0x80, last] => (0xAA..=0xAE).contains(last),
        [0xE2, 0x81, last] => (0xA6..=0xA9).contains(last),
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
            "must not contain control or bidirectional-override characters (long texts may hold newlines and tabs)",
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
            .any(forbidden_anywhere)
    };
    let refusal = if decoded_has_control(req.path()) {
        Some((
            ProblemCode::InvalidPath,
            "the path must not contain control or bidirectional-override characters",
        ))
    } else if decoded_has_control(&req.query_string().replace('+', " ")) {
        Some((
            ProblemCode::InvalidQuery,
            "query parameters must not contain control or bidirectional-override characters",
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
        assert_eq!(
            field_of("{\"title\": \"abc\u{202E}gpj.exe\"}").as_deref(),
            Some("title")
        );
        assert_eq!(
            field_of(r#"{"bio": "x\u2066y\u2069"}"#).as_deref(),
            Some("bio")
        );
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
            field_of("{\"body\": \"\u{5E9}\u{5DC}\u{5D5}\u{5DD}\u{200F} 42 \u{2014} ok\"}"),
            None,
            "right-to-left marks and dashes are text"
        );
        assert_eq!(
            field_of("not json \\u0000"),
            None,
            "left to the JSON parser"
        );
    }
}
