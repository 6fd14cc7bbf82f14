//! Liveness, readiness and the OpenAPI document.

use actix_web::{HttpResponse, get, web};
use entraide_openapi::health::Health;
use entraide_openapi::problem as p;

use crate::error::ApiError;
use crate::state::AppState;

/// The OpenAPI document, computed once at start-up.
pub struct OpenApiDocument(pub String);

/// Liveness
///
/// Alive: the process answers. Never touches the database.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "The process is alive", body = Health))
)]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health {
        status: "ok".to_owned(),
    })
}

/// Readiness
///
/// Ready: the database answers. 503 otherwise, so a load balancer stops sending traffic.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        p::ServiceUnavailable,
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<web::Json<Health>, ApiError> {
    let db = state.db.clone();
    web::block(move || db.ping()).await??;
    Ok(web::Json(Health {
        status: "ready".to_owned(),
    }))
}

/// Get the OpenAPI document
///
/// This API's OpenAPI 3.1 document (the same as `openapi/openapi.json` in the repository).
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object,
        example = json!({"openapi": "3.1.0", "info": {"title": "Entraide API", "version": "0.1.0"}, "paths": {}})))
)]
#[get("/api/openapi.json")]
pub async fn get_openapi(document: web::Data<OpenApiDocument>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.0.clone())
}
