//! Access tokens: expired, forged, unsigned and malformed ones are refused everywhere, also on
//! routes where authentication is optional.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{JWT_SECRET, assert_problem, spawn_app};

fn token(secret: &str, sub: &str, sid: &str, exp_offset: i64) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "sub": sub, "sid": sid, "iss": "entraide", "aud": "entraide-api",
        "iat": now, "exp": now + exp_offset,
    });
    jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
    )
    .unwrap()
}

#[actix_web::test]
async fn bad_tokens_are_refused_even_on_optional_routes() {
    let app = spawn_app().await;
    let member = app.member("Alice", "patient").await;
    let claims: serde_json::Value = {
        let payload = member.tokens.access_token.split('.').nth(1).unwrap();
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
    };
    let (sub, sid) = (
        claims["sub"].as_str().unwrap(),
        claims["sid"].as_str().unwrap(),
    );
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        member.tokens.access_token.split('.').nth(1).unwrap()
    );
    let bad = [
        format!("Bearer {}", token(JWT_SECRET, sub, sid, -3600)),
        format!(
            "Bearer {}",
            token("another-secret-another-secret-another", sub, sid, 600)
        ),
        format!("Bearer {unsigned}"),
        "Bearer not.a.jwt".to_owned(),
        "Bearer ".to_owned(),
        format!("Basic {}", member.tokens.access_token),
        // A valid signature, but a session that does not exist.
        format!(
            "Bearer {}",
            token(JWT_SECRET, sub, &uuid::Uuid::now_v7().to_string(), 600)
        ),
    ];
    for bearer in &bad {
        let me = app.get("/api/v1/members/me", Some(bearer)).await;
        let www = me.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(www.starts_with("Bearer"), "{www}");
        assert_problem(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
        // Optional authentication: an invalid token is a 401, not a silent anonymous read.
        let profile = app
            .get(&format!("/api/v1/members/{}", member.id), Some(bearer))
            .await;
        assert_problem(profile, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
    // The genuine token still works.
    let ok = app.get("/api/v1/members/me", Some(&member.bearer())).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let good = format!("Bearer {}", token(JWT_SECRET, sub, sid, 600));
    assert_eq!(
        app.get("/api/v1/members/me", Some(&good)).await.status(),
        StatusCode::OK
    );
}
