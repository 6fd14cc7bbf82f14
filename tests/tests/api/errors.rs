//! Malformed and hostile requests: each gets its 4xx problem+json, in English or French.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{PASSWORD, assert_problem, fields, spawn_app};

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
        .put(app.url("/api/v1/members/me"))
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

#[actix_web::test]
async fn well_formed_json_of_the_wrong_shape_is_a_422_on_the_body_or_field() {
    let app = spawn_app().await;
    let post = |body: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/register"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    // 10,000 nested arrays: well-formed, the wrong shape, and no stack overflow.
    let deep: &'static str =
        Box::leak(format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_boxed_str());
    for (body, field) in [
        ("[]", "body"),
        ("\"x\"", "body"),
        ("5", "body"),
        ("null", "body"),
        (deep, "body"),
        (
            r#"["a@example.org", "lanterne verte sous la pluie", "Abc", "patient"]"#,
            "body",
        ),
        (
            r#"{"email": 5, "password": "p", "pseudonym": "Abc", "kind": "patient"}"#,
            "email",
        ),
        (
            r#"{"password": "p", "pseudonym": "Abc", "kind": "patient"}"#,
            "email",
        ),
    ] {
        let response = post(body).await.unwrap();
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{body}");
    }
    // Broken syntax stays a 400 (invalid UTF-8 too: `malformed_bodies_get_their_status`).
    for body in ["{", "{} x", r#"{"email": "\u00"}"#, "[[[[1]]"] {
        let response = post(body).await.unwrap();
        assert_problem(response, StatusCode::BAD_REQUEST, "malformed_json").await;
    }
    assert_eq!(app.member_count(), 0);
}

#[actix_web::test]
async fn bidirectional_overrides_are_refused_like_control_characters() {
    let app = spawn_app().await;
    let member = app.member("Camille", "caregiver").await;
    let group = app
        .create_group(&member, "Aidants", "public", "everyone")
        .await;
    let before = app.count("SELECT COUNT(*) AS n FROM posts");
    for text in ["facture\u{202E}fdp.exe", "a\u{2066}b\u{2069}", "\u{202A}x"] {
        let response = app
            .call(
                Method::POST,
                &format!("/api/v1/groups/{}/posts", group.id),
                Some(&member),
                Some(json!({"body": text})),
            )
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let errors = problem.errors.unwrap();
        assert_eq!(errors[0].field, "body");
        assert_eq!(errors[0].code, "control_character");
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM posts"), before);
    let response = app.get("/api/v1/groups?q=%E2%80%AEx", None).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "invalid_query").await;
    let response = app.get("/api/v1/groups/%E2%81%A6", None).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "invalid_path").await;
    // Right-to-left marks are text: Hebrew and Arabic need them.
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(&member),
            Some(json!({"body": "\u{5E9}\u{5DC}\u{5D5}\u{5DD}\u{200F} 42"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[actix_web::test]
async fn cursors_with_instants_outside_the_window_are_invalid_cursors() {
    let app = spawn_app().await;
    let member = app.member("Camille", "caregiver").await;
    let group = app
        .create_group(&member, "Aidants", "public", "everyone")
        .await;
    let id = uuid::Uuid::now_v7();
    for instant in [
        "+262142-12-31T00:00:00Z",
        "-262143-01-10T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "1899-12-31T23:59:59Z",
    ] {
        let time_cursor = URL_SAFE_NO_PAD.encode(json!({"t": instant, "i": id}).to_string());
        let since_cursor = URL_SAFE_NO_PAD.encode(json!({"s": instant, "m": id}).to_string());
        for path in [
            format!("/api/v1/events?cursor={time_cursor}"),
            format!("/api/v1/groups/{}/members?cursor={since_cursor}", group.id),
            format!(
                "/api/v1/groups/{}/join-requests?cursor={since_cursor}",
                group.id
            ),
            format!(
                "/api/v1/members/{}/followers?cursor={since_cursor}",
                member.id
            ),
        ] {
            let response = app.get(&path, Some(&member.bearer())).await;
            assert_problem(response, StatusCode::BAD_REQUEST, "invalid_cursor").await;
        }
    }
}
