//! Malformed and hostile requests: each gets its 4xx problem+json, in English or French.

use reqwest::StatusCode;

use crate::support::{assert_problem, spawn_app};

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
    let response = app
        .client
        .delete(app.url("/api/v1/members/me"))
        .send()
        .await
        .unwrap();
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
