//! Malformed and hostile requests: each gets its 4xx problem+json, in English or French.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{PASSWORD, assert_problem, spawn_app};

#[actix_web::test]
async fn malformed_bodies_get_their_status() {
    let app = spawn_app().await;
    let post = |body: Vec<u8>, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/register"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let response = post(b"{\"email\":".to_vec(), "application/json")
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "malformed_json").await;
    let response = post(vec![0xff, 0xfe, b'{'], "application/json")
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "malformed_json").await;
    let response = post(b"email=a".to_vec(), "application/x-www-form-urlencoded")
        .await
        .unwrap();
    assert_problem(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let huge = format!(
        "{{\"email\":\"a@example.org\",\"password\":\"{}\",\"pseudonym\":\"Big\",\"kind\":\"patient\"}}",
        "x".repeat(100 * 1024)
    );
    let response = post(huge.into_bytes(), "application/json").await.unwrap();
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_eq!(app.member_count(), 0);
}

#[actix_web::test]
async fn titles_follow_accept_language() {
    let app = spawn_app().await;
    let french = app
        .client
        .get(app.url("/api/v1/members/me"))
        .header("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(french.headers()["content-language"], "fr");
    let problem = assert_problem(french, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(problem.title, "Authentification requise");
    let english = app.get("/api/v1/members/me", None).await;
    let problem = assert_problem(english, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(problem.title, "Authentication required");
}

#[actix_web::test]
async fn unknown_routes_and_methods_are_problems_too() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/nothing-here", None).await;
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    // A path that exists, with a method it does not take: 405 and the methods it takes.
    let response = app
        .client
        .delete(app.url("/api/v1/members/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, PATCH");
    assert_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    let response = app
        .client
        .get(app.url("/api/v1/auth/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "POST");
    assert_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    let response = app
        .client
        .put(app.url(&format!("/api/v1/events/{}", uuid::Uuid::now_v7())))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, PATCH, DELETE");
    assert_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    // An unknown path stays a 404 whatever the method.
    let response = app
        .client
        .delete(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("allow").is_none());
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn api_responses_are_not_cached_and_carry_a_request_id() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/conditions", None).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

/// Everything the process logs, from every thread (nextest runs each test in its own process,
/// so this global subscriber sees only this test).
#[derive(Clone, Default)]
struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[actix_web::test]
async fn rejected_values_are_neither_logged_nor_echoed() {
    use tracing_subscriber::util::SubscriberInitExt;
    // At the production level (`info`; at `debug`, actix-web itself logs a failed path).
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish()
        .try_init()
        .expect("this test's process has no subscriber yet");
    let app = spawn_app().await;
    let member = app.member("Discrete", "patient").await;
    let secret = "sclerose-en-plaques-depuis-2019";

    // A rejected enum value in a body, a wrong type.
    for body in [
        json!({"email": "a@example.org", "password": PASSWORD, "pseudonym": "Anna", "kind": secret}),
        json!({"email": "a@example.org", "password": PASSWORD, "pseudonym": "Anna", "kind": [secret]}),
    ] {
        let response = app.post_json("/api/v1/auth/register", &body).await;
        assert!(response.status().is_client_error(), "{body}");
        let text = response.text().await.unwrap();
        assert!(!text.contains("sclerose"), "echoed: {text}");
    }
    // An unknown field is named back to its sender (`field`), but not logged.
    let unknown = json!({"email": "a@example.org", "password": PASSWORD, "pseudonym": "Anna",
        "kind": "patient", secret: 1});
    let problem = assert_problem(
        app.post_json("/api/v1/auth/register", &unknown).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(!problem.errors.unwrap()[0].message.contains("sclerose"));
    // A rejected query value and path value.
    for path in [
        format!("/api/v1/events?from={secret}"),
        format!("/api/v1/groups?audience={secret}"),
        format!("/api/v1/members/{secret}"),
    ] {
        let response = app.get(&path, Some(&member.bearer())).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        let text = response.text().await.unwrap();
        assert!(!text.contains("sclerose"), "echoed: {text}");
    }
    // The request log has seen every one of them (WARN lines for 4xx), without the value.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("validation_failed"), "{logged}");
    assert!(logged.contains("invalid_query"), "{logged}");
    assert!(!logged.contains("sclerose"), "logged: {logged}");
}
