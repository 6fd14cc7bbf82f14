//! The one error boundary: every failure becomes an RFC 9457 `application/problem+json` answer
//! with a stable `code`. Internal causes are logged with the request id, never sent.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, error as actix_error};
use entraide_domain::{FieldError, ParseError};
use entraide_openapi::problem::{FieldProblem, Problem};
use entraide_persistence::PersistenceError;

use crate::context::{self, Lang};

/// An error's `Debug` and `Display` are what the request log records (`tracing-actix-web` logs
/// every 4xx at WARN with `{:?}`): they name codes and fields, never a value from the request.
pub enum ApiError {
    /// 400: the request could not be read (JSON syntax, query, path, cursor...).
    BadRequest { code: &'static str, detail: String },
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
    InvalidSignature { code: &'static str },
    /// 403.
    Forbidden,
    /// 403 with a more precise code (`audience_restricted`, `banned`...).
    Refused { code: &'static str },
    /// 404.
    NotFound,
    /// 409: e.g. an e-mail or pseudonym already taken.
    Conflict {
        code: &'static str,
        field: Option<String>,
    },
    /// 413.
    PayloadTooLarge,
    /// 415.
    UnsupportedMediaType,
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
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Conflict { code, .. }
            | Self::Refused { code }
            | Self::InvalidSignature { code } => code,
            Self::Validation(_) => "validation_failed",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidToken => "invalid_token",
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidRefreshToken => "invalid_refresh_token",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
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
            other => f.write_str(other.code()),
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

/// The title of a problem code in a language. Unknown codes fall back to a generic title.
pub fn title(code: &str, lang: Lang) -> &'static str {
    let (en, fr) = match code {
        "malformed_json" => (
            "The request body is not valid JSON",
            "Le corps de la requête n'est pas du JSON valide",
        ),
        "invalid_body" => (
            "The request body does not match the expected shape",
            "Le corps de la requête n'a pas la forme attendue",
        ),
        "invalid_query" => (
            "Invalid query parameters",
            "Paramètres de requête invalides",
        ),
        "invalid_path" => ("Invalid path parameter", "Paramètre de chemin invalide"),
        "invalid_cursor" => (
            "Invalid pagination cursor",
            "Curseur de pagination invalide",
        ),
        "bad_request" => ("Bad request", "Requête invalide"),
        "validation_failed" => (
            "The request has invalid fields",
            "La requête contient des champs invalides",
        ),
        "unauthenticated" => ("Authentication required", "Authentification requise"),
        "invalid_token" => (
            "Invalid or expired access token",
            "Jeton d'accès invalide ou expiré",
        ),
        "invalid_credentials" => (
            "Wrong e-mail or password",
            "E-mail ou mot de passe incorrect",
        ),
        "invalid_refresh_token" => (
            "Invalid, expired or revoked refresh token",
            "Jeton de rafraîchissement invalide, expiré ou révoqué",
        ),
        "forbidden" => (
            "You are not allowed to do this",
            "Vous n'avez pas le droit de faire cela",
        ),
        "audience_restricted" => (
            "This space is reserved to another kind of member",
            "Cet espace est réservé à un autre profil de membre",
        ),
        "banned" => (
            "You are banned from this group",
            "Vous êtes exclu de ce groupe",
        ),
        "not_readable" => (
            "Only members of this group can see this",
            "Seuls les membres de ce groupe peuvent voir cela",
        ),
        "not_a_member" => (
            "Join this group to take part",
            "Rejoignez ce groupe pour participer",
        ),
        "not_association_admin" => (
            "Only the association's admins may do this",
            "Seuls les administrateurs de l'association peuvent faire cela",
        ),
        "association_not_verified" => (
            "The association is not verified yet",
            "L'association n'est pas encore vérifiée",
        ),
        "last_admin" => (
            "The last admin must hand over first",
            "Le dernier administrateur doit d'abord passer la main",
        ),
        "missing_signature" => (
            "The webhook signature headers are missing",
            "Les en-têtes de signature du webhook sont absents",
        ),
        "malformed_signature" => (
            "The webhook signature headers are malformed",
            "Les en-têtes de signature du webhook sont mal formés",
        ),
        "invalid_signature" => (
            "The webhook signature does not match",
            "La signature du webhook ne correspond pas",
        ),
        "stale_timestamp" => (
            "The webhook timestamp is too old or too far ahead",
            "L'horodatage du webhook est trop ancien ou trop en avance",
        ),
        "replayed" => (
            "This webhook delivery was already received",
            "Cette livraison du webhook a déjà été reçue",
        ),
        "payment_already_recorded" => (
            "This payment is already recorded",
            "Ce paiement est déjà enregistré",
        ),
        "cannot_create_events" => (
            "Only this group's moderators may create events here",
            "Seuls les modérateurs de ce groupe peuvent y créer des événements",
        ),
        "not_association_staff" => (
            "Only the association's admins and volunteers may do this",
            "Seuls les administrateurs et bénévoles de l'association peuvent faire cela",
        ),
        "event_cancelled" => ("The event is cancelled", "L'événement est annulé"),
        "event_over" => ("The event is over", "L'événement est terminé"),
        "not_an_editor" => (
            "Only editors may write the knowledge base",
            "Seuls les rédacteurs peuvent écrire dans la base de connaissances",
        ),
        "already_reviewed" => (
            "You already validated this version",
            "Vous avez déjà validé cette version",
        ),
        "invalid_transition" => (
            "This step does not apply to the version's status",
            "Cette étape ne s'applique pas au statut de la version",
        ),
        "not_a_committee_member" => (
            "Only the committee's members may do this",
            "Seuls les membres du comité peuvent faire cela",
        ),
        "own_resource" => (
            "You cannot review your own resource",
            "Vous ne pouvez pas relire votre propre ressource",
        ),
        "under_review" => (
            "The version is under review and cannot change",
            "La version est en cours de relecture et ne peut pas changer",
        ),
        "would_expose_history" => (
            "This change would show the group's past posts to people they were not written for",
            "Ce changement montrerait les messages passés du groupe à des personnes pour qui ils n'ont pas été écrits",
        ),
        "last_owner" => (
            "The last owner must hand over before leaving",
            "Le dernier propriétaire doit passer la main avant de partir",
        ),
        "member_banned" => (
            "This member is banned from the group; lift the ban first",
            "Ce membre est exclu du groupe ; levez l'exclusion d'abord",
        ),
        "already_member" => ("Already a member of this group", "Déjà membre de ce groupe"),
        "not_found" => ("Not found", "Introuvable"),
        "method_not_allowed" => ("Method not allowed", "Méthode non autorisée"),
        "email_taken" => (
            "This e-mail address is already registered",
            "Cette adresse e-mail est déjà inscrite",
        ),
        "pseudonym_taken" => ("This pseudonym is taken", "Ce pseudonyme est déjà pris"),
        "name_taken" => ("This name is taken", "Ce nom est déjà pris"),
        "already_exists" => ("This already exists", "Cela existe déjà"),
        "payload_too_large" => (
            "The request body is too large",
            "Le corps de la requête est trop volumineux",
        ),
        "unsupported_media_type" => (
            "The request body must be application/json",
            "Le corps de la requête doit être en application/json",
        ),
        "rate_limited" => (
            "Too many attempts, please wait",
            "Trop de tentatives, veuillez patienter",
        ),
        "service_unavailable" => (
            "The service is temporarily unavailable",
            "Le service est momentanément indisponible",
        ),
        // rights
        "self_grant" => (
            "Nobody may grant a right to themselves",
            "Personne ne peut s'attribuer un droit à soi-même",
        ),
        "not_association_member" => (
            "The member is not an active member of the association",
            "La personne n'est pas membre active de l'association",
        ),
        // auth-content
        "wall_not_readable" => (
            "This member's wall is not visible to you",
            "Le mur de ce membre ne vous est pas visible",
        ),
        _ => ("Internal error", "Erreur interne"),
    };
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

/// Builds a problem response; used by [`ApiError`] and by the default (404) service.
pub fn problem_response(
    status: StatusCode,
    code: &'static str,
    detail: Option<String>,
    errors: Option<Vec<FieldProblem>>,
) -> HttpResponse {
    let context = context::current();
    let lang = context.as_ref().map(|c| c.lang).unwrap_or_default();
    let problem = Problem {
        problem_type: format!("https://entraide.example/problems/{code}"),
        title: title(code, lang).to_owned(),
        status: status.as_u16(),
        code: code.to_owned(),
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
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated
            | Self::InvalidToken
            | Self::InvalidCredentials
            | Self::InvalidRefreshToken
            | Self::InvalidSignature { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Refused { .. } => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (detail, errors) = match self {
            Self::BadRequest { detail, .. } => (Some(detail.clone()), None),
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
                    Some("email") => "email_taken",
                    Some("pseudonym") => "pseudonym_taken",
                    Some("name") => "name_taken",
                    _ => "already_exists",
                },
                field: field.map(str::to_owned),
            },
            PersistenceError::Unavailable(cause) => Self::Unavailable(cause),
            other => Self::internal(other),
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
        code: "invalid_query",
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
        code: "invalid_path",
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
            "method_not_allowed",
            None,
            None,
        );
        if let Ok(value) = HeaderValue::from_str(&allow) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return response;
    }
    problem_response(StatusCode::NOT_FOUND, "not_found", None, None)
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

    /// Every problem code the handlers use: `code: "..."` (BadRequest, Refused, Conflict...)
    /// and `refused("...")` (webhook signatures), read from the source so a new code without
    /// titles fails this test.
    fn codes_in_source() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for marker in ["code: \"", "refused(\""] {
                        for (at, _) in text.match_indices(marker) {
                            let rest = &text[at + marker.len()..];
                            let code = &rest[..rest.find('"').unwrap()];
                            if !code.is_empty()
                                && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                            {
                                out.push(code.to_owned());
                            }
                        }
                    }
                }
            }
        }
        let mut codes = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut codes,
        );
        codes.sort();
        codes.dedup();
        assert!(codes.len() > 20, "found {codes:?}");
        codes
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
                code: "invalid_query",
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
    fn every_code_has_a_title_in_both_languages() {
        let errors = [
            ApiError::BadRequest {
                code: "malformed_json",
                detail: String::new(),
            },
            ApiError::BadRequest {
                code: "invalid_query",
                detail: String::new(),
            },
            ApiError::BadRequest {
                code: "invalid_path",
                detail: String::new(),
            },
            ApiError::BadRequest {
                code: "invalid_cursor",
                detail: String::new(),
            },
            ApiError::Validation(vec![]),
            ApiError::Unauthenticated,
            ApiError::InvalidToken,
            ApiError::InvalidCredentials,
            ApiError::InvalidRefreshToken,
            ApiError::Forbidden,
            ApiError::NotFound,
            ApiError::Conflict {
                code: "email_taken",
                field: None,
            },
            ApiError::Conflict {
                code: "pseudonym_taken",
                field: None,
            },
            ApiError::Conflict {
                code: "already_exists",
                field: None,
            },
            ApiError::PayloadTooLarge,
            ApiError::UnsupportedMediaType,
            ApiError::RateLimited {
                retry_after_secs: 1,
            },
            ApiError::Unavailable(String::new()),
        ];
        let generic = title("no-such-code", Lang::En);
        // `taken` is the code of a field inside a 409, not of a problem.
        let missing: Vec<String> = codes_in_source()
            .into_iter()
            .filter(|code| code != "taken")
            .filter(|code| {
                title(code, Lang::En) == generic || title(code, Lang::Fr) == title(code, Lang::En)
            })
            .collect();
        assert!(missing.is_empty(), "codes without titles: {missing:?}");
        for error in errors {
            let code = error.code();
            assert_ne!(
                title(code, Lang::En),
                generic,
                "{code} has an English title"
            );
            assert_ne!(
                title(code, Lang::Fr),
                title(code, Lang::En),
                "{code} has a French title"
            );
        }
    }
}
