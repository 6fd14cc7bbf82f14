//! The one error boundary: every failure becomes an RFC 9457 `application/problem+json` answer
//! with a stable `code`. Internal causes are logged with the request id, never sent.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, error as actix_error};
use entraide_domain::association::PublishRefusal;
use entraide_domain::consent::ConsentRefusal;
use entraide_domain::group::{JoinRefusal, MemberListRefusal, ReachRefusal};
use entraide_domain::policy::Refusal;
use entraide_domain::research::StudyRefusal;
use entraide_domain::resource::WorkflowRefusal;
use entraide_domain::rights::GrantRefusal;
use entraide_domain::{FieldError, ParseError};
use entraide_openapi::problem::{FieldProblem, Problem, ProblemCode};
use entraide_persistence::PersistenceError;

use crate::context::{self, Lang};

/// An error's `Debug` and `Display` are what the request log records (`tracing-actix-web` logs
/// every 4xx at WARN with `{:?}`): they name codes and fields, never a value from the request.
pub enum ApiError {
    /// 400: the request could not be read (JSON syntax, query, path, cursor...).
    BadRequest { code: ProblemCode, detail: String },
    /// 422: the request was read but some fields are invalid.
    Validation(Vec<FieldError>),
    /// 401: no credentials.
    Unauthenticated,
    /// 401: a bearer token that is malformed, forged, expired or revoked.
    InvalidToken,
    /// 401: wrong e-mail or password (never says which).
    InvalidCredentials,
    /// 401: an unknown, expired, revoked or reused refresh token.
    InvalidRefreshToken,
    /// 401: a webhook whose signature is wrong (`invalid_signature`) or too old
    /// (`stale_timestamp`).
    InvalidSignature { code: ProblemCode },
    /// 403.
    Forbidden,
    /// 403 with a more precise code (`audience_restricted`, `banned`...).
    Refused { code: ProblemCode },
    /// 403 `account_suspended`: moderators suspended the account until then.
    Suspended {
        until: chrono::DateTime<chrono::Utc>,
    },
    /// 404.
    NotFound,
    /// 409: e.g. an e-mail or pseudonym already taken.
    Conflict {
        code: ProblemCode,
        field: Option<String>,
    },
    /// 413.
    PayloadTooLarge,
    /// 415.
    UnsupportedMediaType,
    /// 413, 415 or 422: an image upload refused (`payload_too_large`, `unsupported_image`,
    /// `image_too_large`, `invalid_image`), with a detail for the member.
    Upload { code: ProblemCode, detail: String },
    /// 429, with the seconds to wait.
    RateLimited { retry_after_secs: u64 },
    /// 503: the database cannot be reached.
    Unavailable(String),
    /// 500: logged with its cause, answered opaquely.
    Internal(String),
}

impl ApiError {
    pub fn internal(cause: impl fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    pub fn field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    /// The stable machine code clients branch on.
    pub fn code(&self) -> ProblemCode {
        match self {
            Self::BadRequest { code, .. }
            | Self::Conflict { code, .. }
            | Self::Refused { code }
            | Self::InvalidSignature { code }
            | Self::Upload { code, .. } => *code,
            Self::Validation(_) => ProblemCode::ValidationFailed,
            Self::Unauthenticated => ProblemCode::Unauthenticated,
            Self::InvalidToken => ProblemCode::InvalidToken,
            Self::InvalidCredentials => ProblemCode::InvalidCredentials,
            Self::InvalidRefreshToken => ProblemCode::InvalidRefreshToken,
            Self::Forbidden => ProblemCode::Forbidden,
            Self::Suspended { .. } => ProblemCode::AccountSuspended,
            Self::NotFound => ProblemCode::NotFound,
            Self::PayloadTooLarge => ProblemCode::PayloadTooLarge,
            Self::UnsupportedMediaType => ProblemCode::UnsupportedMediaType,
            Self::RateLimited { .. } => ProblemCode::RateLimited,
            Self::Unavailable(_) => ProblemCode::ServiceUnavailable,
            Self::Internal(_) => ProblemCode::InternalError,
        }
    }

    /// A 403 with a precise code.
    pub fn refused(code: ProblemCode) -> Self {
        Self::Refused { code }
    }

    /// A 409 that names no field.
    pub fn conflict(code: ProblemCode) -> Self {
        Self::Conflict { code, field: None }
    }

    /// 400: the token of a mailed link is unknown, expired, used or replaced — one answer for
    /// all four, so a guess learns nothing.
    pub fn expired_or_used_token() -> Self {
        Self::BadRequest {
            code: ProblemCode::ExpiredOrUsedToken,
            detail: "ask for a new link".to_owned(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Server-side causes (a database error), never a request value.
            Self::Unavailable(cause) | Self::Internal(cause) => {
                write!(f, "{}: {cause}", self.code())
            }
            other => f.write_str(other.code().as_str()),
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Validation(errors) => {
                // Field paths come from the API's shapes, except an unknown field's name.
                let fields: Vec<String> = errors
                    .iter()
                    .map(|e| match e.code {
                        "unknown_field" => "?: unknown_field".to_owned(),
                        code => format!("{}: {code}", e.field),
                    })
                    .collect();
                write!(f, "validation_failed {fields:?}")
            }
            Self::Conflict {
                code,
                field: Some(field),
            } => write!(f, "{code} ({field})"),
            other => fmt::Display::fmt(other, f),
        }
    }
}

/// A message from serde (or a type's own parser) safe to send back and to log: what was
/// expected, never the value received. `unknown variant `diagnosis`, expected one of `a`, `b``
/// becomes `unknown variant, expected one of `a`, `b``; a message that may quote the input in
/// another form becomes a generic one.
pub fn without_input(message: &str) -> String {
    const SERDE: [(&str, &str); 5] = [
        ("unknown variant", "unknown variant"),
        ("unknown field", "unknown field"),
        ("invalid type", "invalid type"),
        ("invalid value", "invalid value"),
        ("invalid length", "invalid length"),
    ];
    let message = message.split(" at line ").next().unwrap_or(message);
    for (prefix, short) in SERDE {
        if message.starts_with(prefix) {
            // serde writes what it expected last, after what it received.
            return match message.rfind(", expected ") {
                Some(at) => format!("{short}{}", &message[at..]),
                None => short.to_owned(),
            };
        }
    }
    if message.starts_with("missing field") {
        // The name of a field of the API's own shape.
        return message.to_owned();
    }
    if message.contains(['`', '"', '\'']) {
        return "invalid value".to_owned();
    }
    message.to_owned()
}

/// The title of a problem code in a language.
pub fn title(code: ProblemCode, lang: Lang) -> &'static str {
    match lang {
        Lang::En => code.title_en(),
        Lang::Fr => code.title_fr(),
    }
}

/// Builds a problem response; used by [`ApiError`] and by the default (404) service.
pub fn problem_response(
    status: StatusCode,
    code: ProblemCode,
    detail: Option<String>,
    errors: Option<Vec<FieldProblem>>,
) -> HttpResponse {
    let context = context::current();
    let lang = context.as_ref().map(|c| c.lang).unwrap_or_default();
    let problem = Problem {
        problem_type: format!("https://entraide.example/problems/{code}"),
        title: title(code, lang).to_owned(),
        status: status.as_u16(),
        code,
        detail,
        request_id: context.map(|c| c.request_id),
        errors,
    };
    let mut response = HttpResponse::build(status);
    response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
    if lang == Lang::Fr {
        response.insert_header((header::CONTENT_LANGUAGE, "fr"));
    }
    response.json(problem)
}

impl ResponseError for ApiError {
    /// Each code has one status (`ProblemCode::status`).
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (detail, errors) = match self {
            Self::BadRequest { detail, .. } | Self::Upload { detail, .. } => {
                (Some(detail.clone()), None)
            }
            Self::Suspended { until } => (
                Some(format!(
                    "suspended until {}",
                    until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                )),
                None,
            ),
            Self::Validation(errors) => (
                None,
                Some(
                    errors
                        .iter()
                        .map(|e| FieldProblem {
                            field: e.field.clone(),
                            code: e.code.to_owned(),
                            message: e.message.clone(),
                        })
                        .collect(),
                ),
            ),
            Self::Conflict {
                field: Some(field), ..
            } => (
                None,
                Some(vec![FieldProblem {
                    field: field.clone(),
                    code: "taken".to_owned(),
                    message: "is already taken".to_owned(),
                }]),
            ),
            Self::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                (None, None)
            }
            Self::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                (None, None)
            }
            _ => (None, None),
        };
        let mut response = problem_response(status, self.code(), detail, errors);
        let headers = response.headers_mut();
        match self {
            Self::Unauthenticated => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"entraide\""),
                );
            }
            Self::InvalidToken => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"entraide\", error=\"invalid_token\""),
                );
            }
            Self::InvalidSignature { .. } => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("HMAC-SHA256 realm=\"entraide-webhooks\""),
                );
            }
            Self::RateLimited { retry_after_secs } => {
                if let Ok(value) = HeaderValue::from_str(&retry_after_secs.max(&1).to_string()) {
                    headers.insert(header::RETRY_AFTER, value);
                }
            }
            Self::Unavailable(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            _ => {}
        }
        response
    }
}

impl From<ParseError> for ApiError {
    fn from(error: ParseError) -> Self {
        Self::Validation(error.into_errors())
    }
}

impl From<PersistenceError> for ApiError {
    fn from(error: PersistenceError) -> Self {
        match error {
            PersistenceError::NotFound => Self::NotFound,
            PersistenceError::UniqueViolation { field } => Self::Conflict {
                code: match field {
                    Some("email") => ProblemCode::EmailTaken,
                    Some("pseudonym") => ProblemCode::PseudonymTaken,
                    Some("name") => ProblemCode::NameTaken,
                    _ => ProblemCode::AlreadyExists,
                },
                field: field.map(str::to_owned),
            },
            PersistenceError::Unavailable(cause) => Self::Unavailable(cause),
            other => Self::internal(other),
        }
    }
}

impl From<entraide_domain::media::UploadRefusal> for ApiError {
    fn from(refusal: entraide_domain::media::UploadRefusal) -> Self {
        use entraide_domain::media::UploadRefusal;
        let (code, detail) = match refusal {
            UploadRefusal::TooLarge => (
                ProblemCode::PayloadTooLarge,
                "the file is over the size limit",
            ),
            UploadRefusal::Unsupported { heic: true } => (
                ProblemCode::UnsupportedImage,
                "HEIC/HEIF is not supported: send JPEG, PNG or WebP",
            ),
            UploadRefusal::Unsupported { heic: false } => {
                (ProblemCode::UnsupportedImage, "send JPEG, PNG or WebP")
            }
            UploadRefusal::UnsupportedVideo => (
                ProblemCode::UnsupportedVideo,
                "send an MP4 or QuickTime video (WebM and fragmented MP4 are not kept)",
            ),
            UploadRefusal::InvalidVideo => (
                ProblemCode::InvalidVideo,
                "the video's boxes cannot be read, or it has no picture or no length",
            ),
            UploadRefusal::VideoTooLong => (
                ProblemCode::VideoTooLong,
                "a video lasts three minutes at most",
            ),
            UploadRefusal::TooManyPixels => (
                ProblemCode::ImageTooLarge,
                "at most 48 megapixels and 12000 pixels a side",
            ),
            UploadRefusal::Undecodable => {
                (ProblemCode::InvalidImage, "the image cannot be decoded")
            }
            UploadRefusal::NotOneFile => (
                ProblemCode::InvalidImage,
                "send one multipart/form-data part named `file`",
            ),
        };
        Self::Upload {
            code,
            detail: detail.to_owned(),
        }
    }
}

/// A photo that cannot be attached: one field error whatever the reason (not yours, already
/// used, no such photo), so an id reveals nothing about others' uploads.
pub fn not_attachable(field: &str) -> ApiError {
    ApiError::field(
        field,
        "unknown_media",
        "is not one of your photos waiting to be attached",
    )
}

/// Domain refusals as problems: the one place a policy's typed refusal gets its code.
impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Forbidden => Self::Forbidden,
            Refusal::NotAMember => Self::refused(ProblemCode::NotAMember),
            Refusal::NotReadable => Self::refused(ProblemCode::NotReadable),
            Refusal::NotAnEditor => Self::refused(ProblemCode::NotAnEditor),
            Refusal::CannotCreateEvents => Self::refused(ProblemCode::CannotCreateEvents),
            Refusal::NotAssociationStaff => Self::refused(ProblemCode::NotAssociationStaff),
            Refusal::LastOwner => Self::conflict(ProblemCode::LastOwner),
            Refusal::LastAdmin => Self::conflict(ProblemCode::LastAdmin),
            Refusal::SelfFollow => Self::refused(ProblemCode::SelfFollow),
            Refusal::SelfBlock => Self::refused(ProblemCode::SelfBlock),
            Refusal::SelfReport => Self::refused(ProblemCode::SelfReport),
            Refusal::NotAppealable => Self::refused(ProblemCode::NotAppealable),
            Refusal::CannotMessage => Self::refused(ProblemCode::CannotMessage),
            Refusal::NotAResearcher => Self::refused(ProblemCode::NotAResearcher),
            Refusal::NotEligible => Self::refused(ProblemCode::NotEligible),
            Refusal::SelfVerification => Self::refused(ProblemCode::SelfVerification),
            Refusal::VerificationRequired => Self::refused(ProblemCode::VerificationRequired),
        }
    }
}

impl From<StudyRefusal> for ApiError {
    fn from(refusal: StudyRefusal) -> Self {
        match refusal {
            StudyRefusal::InvalidStatus => Self::conflict(ProblemCode::InvalidStudyStatus),
            StudyRefusal::NotDraft => Self::conflict(ProblemCode::StudyNotDraft),
            StudyRefusal::NotOpen => Self::conflict(ProblemCode::StudyNotOpen),
            StudyRefusal::Closed => Self::conflict(ProblemCode::StudyClosed),
        }
    }
}

impl From<ConsentRefusal> for ApiError {
    fn from(refusal: ConsentRefusal) -> Self {
        match refusal {
            ConsentRefusal::AlreadyGiven => Self::conflict(ProblemCode::AlreadyConsented),
            ConsentRefusal::NotGiven => Self::conflict(ProblemCode::NoConsent),
            ConsentRefusal::ConsentRequired => Self::refused(ProblemCode::ConsentRequired),
        }
    }
}

impl From<GrantRefusal> for ApiError {
    fn from(refusal: GrantRefusal) -> Self {
        match refusal {
            GrantRefusal::SelfGrant => Self::refused(ProblemCode::SelfGrant),
            GrantRefusal::NotAuthorized => Self::Forbidden,
            GrantRefusal::AssociationNotVerified => {
                Self::refused(ProblemCode::AssociationNotVerified)
            }
            GrantRefusal::TargetNotInAssociation => {
                Self::refused(ProblemCode::NotAssociationMember)
            }
        }
    }
}

impl From<PublishRefusal> for ApiError {
    fn from(refusal: PublishRefusal) -> Self {
        match refusal {
            PublishRefusal::NotAdmin => Self::refused(ProblemCode::NotAssociationAdmin),
            PublishRefusal::NotVerified => Self::refused(ProblemCode::AssociationNotVerified),
        }
    }
}

impl From<entraide_domain::integration::KeyRefusal> for ApiError {
    fn from(refusal: entraide_domain::integration::KeyRefusal) -> Self {
        use entraide_domain::integration::KeyRefusal;
        match refusal {
            KeyRefusal::InsufficientScope => Self::refused(ProblemCode::InsufficientScope),
            KeyRefusal::NotVerified => Self::refused(ProblemCode::AssociationNotVerified),
        }
    }
}

impl From<JoinRefusal> for ApiError {
    fn from(refusal: JoinRefusal) -> Self {
        match refusal {
            JoinRefusal::WrongAudience => Self::refused(ProblemCode::AudienceRestricted),
            JoinRefusal::Banned => Self::refused(ProblemCode::Banned),
        }
    }
}

impl From<MemberListRefusal> for ApiError {
    fn from(refusal: MemberListRefusal) -> Self {
        match refusal {
            MemberListRefusal::NotReadable => Self::refused(ProblemCode::NotReadable),
            MemberListRefusal::NotAMember => Self::refused(ProblemCode::NotAMember),
        }
    }
}

impl From<ReachRefusal> for ApiError {
    fn from(refusal: ReachRefusal) -> Self {
        match refusal {
            ReachRefusal::NotOwner => Self::Forbidden,
            ReachRefusal::WouldExposeHistory => Self::conflict(ProblemCode::WouldExposeHistory),
        }
    }
}

impl From<WorkflowRefusal> for ApiError {
    fn from(refusal: WorkflowRefusal) -> Self {
        match refusal {
            WorkflowRefusal::AlreadyReviewed => Self::conflict(ProblemCode::AlreadyReviewed),
            WorkflowRefusal::UnderReview => Self::conflict(ProblemCode::UnderReview),
            WorkflowRefusal::InvalidTransition => Self::conflict(ProblemCode::InvalidTransition),
            WorkflowRefusal::NotAllowed => Self::Forbidden,
            WorkflowRefusal::OwnResource => Self::refused(ProblemCode::OwnResource),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::internal(error)
    }
}

/// The detail never repeats the rejected value (see [`without_input`]).
pub fn query_error(error: actix_error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let detail = match &error {
        actix_error::QueryPayloadError::Deserialize(inner) => without_input(&inner.to_string()),
        _ => "invalid query string".to_owned(),
    };
    ApiError::BadRequest {
        code: ProblemCode::InvalidQuery,
        detail,
    }
    .into()
}

/// The detail never repeats the rejected value (see [`without_input`]).
pub fn path_error(error: actix_error::PathError, _req: &HttpRequest) -> actix_web::Error {
    let detail = match &error {
        actix_error::PathError::Deserialize(inner) => without_input(&inner.to_string()),
        _ => "invalid path parameter".to_owned(),
    };
    ApiError::BadRequest {
        code: ProblemCode::InvalidPath,
        detail,
    }
    .into()
}

/// Any request no route took: 405 `method_not_allowed` with an `Allow` header when a route
/// has this path with other methods (from the route table, `routes::allowed_methods`), 404
/// `not_found` otherwise.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    if let Some(allow) = crate::routes::allowed_methods(req.path()) {
        let mut response = problem_response(
            StatusCode::METHOD_NOT_ALLOWED,
            ProblemCode::MethodNotAllowed,
            None,
            None,
        );
        if let Ok(value) = HeaderValue::from_str(&allow) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return response;
    }
    problem_response(StatusCode::NOT_FOUND, ProblemCode::NotFound, None, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{RequestContext, scope};

    #[actix_web::test]
    async fn internal_errors_are_opaque_and_carry_the_request_id() {
        let context = RequestContext {
            request_id: "req-42".to_owned(),
            lang: Lang::Fr,
        };
        let response = scope(context, async {
            ApiError::internal("connection string postgres://secret@db").error_response()
        })
        .await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        let problem: Problem = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem.code, "internal_error");
        assert_eq!(problem.request_id.as_deref(), Some("req-42"));
        assert_eq!(problem.title, "Erreur interne");
        assert_eq!(problem.detail, None);
        assert!(!String::from_utf8_lossy(&body).contains("secret"));
    }

    #[test]
    fn messages_never_repeat_the_input() {
        let cases = [
            (
                "unknown variant `sclerose-en-plaques`, expected one of `patient`, `caregiver`",
                "unknown variant, expected one of `patient`, `caregiver`",
            ),
            (
                "invalid type: string \"diabete, expected x\", expected u32 at line 1 column 9",
                "invalid type, expected u32",
            ),
            (
                "invalid value: integer `-4`, expected u8",
                "invalid value, expected u8",
            ),
            (
                "unknown field `secret`, expected one of `a`, `b`",
                "unknown field, expected one of `a`, `b`",
            ),
            ("missing field `kind`", "missing field `kind`"),
            (
                "UUID parsing failed: invalid character: expected [0-9a-fA-F-], found `z` at 1",
                "invalid value",
            ),
            (
                "input contains invalid characters",
                "input contains invalid characters",
            ),
        ];
        for (message, safe) in cases {
            assert_eq!(without_input(message), safe, "{message}");
        }
    }

    #[test]
    fn logged_forms_carry_no_request_value() {
        let errors = [
            ApiError::BadRequest {
                code: ProblemCode::InvalidQuery,
                detail: "secret-value".to_owned(),
            },
            ApiError::Validation(vec![
                FieldError::new("kind", "invalid_value", "secret-value"),
                FieldError::new("secret-value", "unknown_field", "secret-value"),
            ]),
        ];
        for error in errors {
            for logged in [format!("{error}"), format!("{error:?}")] {
                assert!(!logged.contains("secret-value"), "{logged}");
            }
        }
    }

    #[test]
    fn each_error_answers_the_status_of_its_code() {
        let cases = [
            (ApiError::Validation(vec![]), 422),
            (ApiError::Unauthenticated, 401),
            (ApiError::InvalidToken, 401),
            (ApiError::InvalidCredentials, 401),
            (ApiError::InvalidRefreshToken, 401),
            (ApiError::Forbidden, 403),
            (ApiError::refused(ProblemCode::Banned), 403),
            (ApiError::NotFound, 404),
            (ApiError::conflict(ProblemCode::LastOwner), 409),
            (ApiError::PayloadTooLarge, 413),
            (ApiError::UnsupportedMediaType, 415),
            (
                ApiError::RateLimited {
                    retry_after_secs: 1,
                },
                429,
            ),
            (ApiError::Internal(String::new()), 500),
            (ApiError::Unavailable(String::new()), 503),
        ];
        for (error, status) in cases {
            assert_eq!(error.status_code().as_u16(), status, "{error:?}");
        }
        assert_eq!(
            title(ProblemCode::Banned, Lang::Fr),
            "Vous êtes exclu de ce groupe"
        );
    }
}
