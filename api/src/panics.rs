//! A panic must not cost data, nor a connection, nor a worker.
//!
//! Two nets: [`contain`] runs database work so that a panic becomes an error while the
//! connection is still in hand (r2d2 then discards it: `ConnectionManager::has_broken` sees the
//! transaction left open), and [`middleware`] turns a panic anywhere in a handler into an opaque
//! 500 problem, logged inside the request's span (which carries the request id).

use entraide_openapi::problem::ProblemCode;
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use std::fmt;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderValue;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use futures_util::FutureExt;

use crate::context::{self, RequestContext};
use crate::error::{ApiError, problem_response};

/// The message of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub fn message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// Runs synchronous work; a panic becomes an internal error.
pub fn contain<T>(work: impl FnOnce() -> Result<T, ApiError>) -> Result<T, ApiError> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        Err(ApiError::internal(format!(
            "panic: {}",
            message(payload.as_ref())
        )))
    })
}

/// A handler that panicked: answered as an opaque 500 problem carrying the request's id.
///
/// The middleware cannot build a `ServiceResponse` itself (the request was handed to the
/// router, which needs it unshared), so it returns this error; the context it captured gives
/// the problem its request id and language, and the `X-Request-Id` header.
#[derive(Debug)]
struct Panicked(Option<RequestContext>);

impl fmt::Display for Panicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the handler panicked")
    }
}

impl ResponseError for Panicked {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        let respond = || {
            problem_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                ProblemCode::InternalError,
                None,
                None,
            )
        };
        let Some(context) = self.0.clone() else {
            return respond();
        };
        let request_id = HeaderValue::from_str(&context.request_id).ok();
        let mut response = context::sync_scope(context, respond);
        if let Some(value) = request_id {
            response
                .headers_mut()
                .insert(context::REQUEST_ID_HEADER, value);
        }
        response
    }
}

/// Catches a panic in the rest of the chain and answers 500 `internal_error`.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(response) => response,
        Err(payload) => {
            tracing::error!(panic = message(payload.as_ref()), "handler panicked");
            Err(Panicked(context::current()).into())
        }
    }
}

/// Logs panics through `tracing` (inside the current span, so with the request id when there is
/// one) instead of the default hook's bare line on stderr.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(
            panic = message(info.payload()),
            %location,
            "panic"
        );
    }));
}

#[cfg(test)]
mod tests {
    use actix_web::middleware::from_fn;
    use actix_web::test as actix_test;
    use actix_web::{App, HttpResponse, web};
    use entraide_openapi::problem::Problem;

    use super::*;
    use crate::context::scope;

    async fn panics() -> HttpResponse {
        panic!("handler bug")
    }

    #[actix_web::test]
    async fn a_panicking_handler_answers_an_opaque_500_problem_and_the_next_request_is_served() {
        let app = actix_test::init_service(
            App::new()
                .wrap(from_fn(middleware))
                .route("/boom", web::get().to(panics))
                .route("/fine", web::get().to(HttpResponse::NoContent)),
        )
        .await;
        let context = RequestContext {
            request_id: "req-panic".to_owned(),
            lang: context::Lang::En,
        };
        let error = scope(
            context,
            actix_test::try_call_service(
                &app,
                actix_test::TestRequest::get().uri("/boom").to_request(),
            ),
        )
        .await
        .err()
        .unwrap();
        // What the HTTP dispatcher sends for an error that reaches it.
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers().get("x-request-id").unwrap(), "req-panic");
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        let problem: Problem = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem.code, "internal_error");
        assert_eq!(problem.request_id.as_deref(), Some("req-panic"));
        assert!(!String::from_utf8_lossy(&body).contains("handler bug"));
        let response = actix_test::call_service(
            &app,
            actix_test::TestRequest::get().uri("/fine").to_request(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }

    #[test]
    fn contained_work_turns_a_panic_into_an_internal_error() {
        let result: Result<(), ApiError> = contain(|| panic!("in a transaction"));
        assert!(
            matches!(result, Err(ApiError::Internal(cause)) if cause.contains("in a transaction"))
        );
        assert!(matches!(contain(|| Ok(7)), Ok(7)));
    }
}
