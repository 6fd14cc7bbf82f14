//! Liveness and readiness.

use actix_web::test as actix_test;
use actix_web::web;
use entraide_api::configuration::Settings;
use entraide_api::startup::{OpenApiDocument, app, build_state};
use entraide_openapi::health::Health;
use entraide_persistence::{Database, PoolOptions};
use reqwest::StatusCode;

use crate::support::{JWT_SECRET, spawn_app};

#[actix_web::test]
async fn alive_and_ready() {
    let app = spawn_app().await;
    let health: Health = app.get("/healthz", None).await.json().await.unwrap();
    assert_eq!(health.status, "ok");
    let ready: Health = app.get("/readyz", None).await.json().await.unwrap();
    assert_eq!(ready.status, "ready");
}

#[actix_web::test]
async fn not_ready_without_a_database() {
    // Nothing listens on port 9 of localhost: the database is unreachable.
    let url = "postgres://entraide@127.0.0.1:9/entraide";
    let database = Database::connect_lazy(
        url,
        &PoolOptions {
            max_connections: 1,
            acquire_timeout: std::time::Duration::from_millis(300),
        },
    )
    .unwrap();
    let state = build_state(Settings::with_database(url, JWT_SECRET), database).unwrap();
    let service = actix_test::init_service(app(
        web::Data::new(state),
        web::Data::new(OpenApiDocument(String::new())),
    ))
    .await;
    let response = actix_test::call_service(
        &service,
        actix_test::TestRequest::get().uri("/readyz").to_request(),
    )
    .await;
    assert_eq!(
        response.status().as_u16(),
        StatusCode::SERVICE_UNAVAILABLE.as_u16()
    );
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    assert!(response.headers().contains_key("retry-after"));
    let body: serde_json::Value = actix_test::read_body_json(response).await;
    assert_eq!(body["code"], "service_unavailable");
    assert!(
        !body.to_string().contains("127.0.0.1:9"),
        "the cause is logged, not sent: {body}"
    );
    let alive = actix_test::call_service(
        &service,
        actix_test::TestRequest::get().uri("/healthz").to_request(),
    )
    .await;
    assert!(
        alive.status().is_success(),
        "liveness does not need the database"
    );
}
