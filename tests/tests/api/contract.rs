//! The published contract: the committed `openapi/openapi.json` is what the server serves, and
//! every route has its errors and security documented.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::spawn_app;

#[actix_web::test]
async fn the_served_spec_is_the_committed_one() {
    let app = spawn_app().await;
    let response = app.get("/api/openapi.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let served: Value = response.json().await.unwrap();
    let committed: Value = serde_json::from_str(entraide_openapi::OPENAPI_JSON).unwrap();
    assert!(
        served == committed,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
    assert_eq!(served["openapi"], "3.1.0");
}

#[actix_web::test]
async fn every_operation_documents_its_errors_and_security() {
    let spec: Value = serde_json::from_str(entraide_openapi::OPENAPI_JSON).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    let expected = [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/members/me",
        "/api/v1/members/me/password",
        "/api/v1/members/{id}",
        "/api/v1/conditions",
        "/api/openapi.json",
        "/healthz",
        "/readyz",
    ];
    for path in expected {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path} documents its success"
            );
            if path.starts_with("/api/v1") {
                assert!(
                    responses.contains_key("500"),
                    "{method} {path} documents 500"
                );
                assert!(operation["operationId"].is_string());
            }
            if operation.get("security").is_some() {
                assert!(
                    responses.contains_key("401"),
                    "{method} {path} is authenticated, so documents 401"
                );
            }
        }
    }
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
}

#[actix_web::test]
async fn the_docs_page_works_offline() {
    let app = spawn_app().await;
    let redirect = app.get("/api/docs", None).await;
    assert!(redirect.status().is_redirection());
    let page = app.get("/api/docs/", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"));
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "no asset is fetched from another host"
    );
    let init = app.get("/api/docs/swagger-initializer.js", None).await;
    assert_eq!(init.status(), StatusCode::OK);
    assert!(init.text().await.unwrap().contains("/api/openapi.json"));
}
