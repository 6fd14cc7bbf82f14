//! RFC 9457 problem details: the body of every error response.

use serde::{Deserialize, Serialize};
use utoipa::{ToResponse, ToSchema};

/// An error, as `application/problem+json`. Clients branch on `code` (stable, machine-readable)
/// and show `title` (English, or French with `Accept-Language: fr`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "https://entraide.example/problems/validation_failed",
    "title": "The request has invalid fields",
    "status": 422,
    "code": "validation_failed",
    "request_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "errors": [{"field": "pseudonym", "code": "too_short", "message": "must be at least 3 characters"}]
}))]
pub struct Problem {
    /// A URI naming the problem type; `https://entraide.example/problems/<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short, human-readable summary of the problem type, in the request's language.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A stable machine code, e.g. `validation_failed`, `invalid_token`, `rate_limited`.
    pub code: String,
    /// Details about this occurrence, when useful (never internal causes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The id of the request, also in the `X-Request-Id` header: quote it when reporting a bug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field errors of a validation failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
}

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldProblem {
    /// The field, as named in the request (`location.city` for nested ones).
    pub field: String,
    /// A stable machine code: `required`, `too_short`, `too_long`, `invalid_email`,
    /// `weak_password`, `taken`...
    pub code: String,
    /// An English explanation.
    pub message: String,
}

macro_rules! problem_response {
    ($name:ident, $description:literal) => {
        #[doc = $description]
        #[derive(ToResponse)]
        #[response(description = $description, content_type = "application/problem+json")]
        pub struct $name(#[to_schema] pub Problem);
    };
}

problem_response!(
    BadRequest,
    "Malformed request: invalid JSON, query, path or cursor."
);
problem_response!(
    Unauthorized,
    "Missing, invalid or expired credentials (see the WWW-Authenticate header)."
);
problem_response!(Forbidden, "Authenticated, but not allowed to do this.");
problem_response!(NotFound, "No such resource, or not visible to this reader.");
problem_response!(
    Conflict,
    "Conflicts with existing data (e.g. an e-mail already taken)."
);
problem_response!(PayloadTooLarge, "The request body is too large.");
problem_response!(UnsupportedMediaType, "The body must be application/json.");
problem_response!(
    UnprocessableEntity,
    "Well-formed, but some fields are invalid: see `errors`."
);
problem_response!(
    TooManyRequests,
    "Rate limited: wait for the number of seconds in the Retry-After header."
);
problem_response!(
    InternalError,
    "Unexpected error; the body carries the request id."
);
problem_response!(ServiceUnavailable, "The database cannot be reached.");
