//! Donation campaigns: progress, manual donations, and the signed webhook (signature, replay,
//! idempotency). The signature is computed here with `hmac` directly, not with the server's code.

use hmac::{Hmac, KeyInit, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::associations::verified_association;
use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

struct Setup {
    app: TestApp,
    admin: Member,
    association: String,
    campaign: String,
    secret: String,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let admin = app.member("Tresoriere", "caregiver").await;
    let association = verified_association(&app, &admin, "Alzheimer Solidarité").await;
    let association = association["id"].as_str().unwrap().to_owned();
    let campaign = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/associations/{association}/campaigns"),
            Some(&admin),
            Some(
                json!({"title": "Séjours de répit 2027", "description": "Financer 20 séjours.",
                "goal_cents": 300000, "currency": "eur", "ends_at": "2099-01-01T00:00:00Z",
                "payment_url": "https://pay.example.org/repit"}),
            ),
        )
        .await;
    assert_eq!(campaign["currency"], "EUR");
    assert_eq!(campaign["open"], true);
    let secret = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/associations/{association}/webhook-secret"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        secret["webhook_path"],
        format!("/api/v1/webhooks/donations/{association}")
    );
    Setup {
        campaign: campaign["id"].as_str().unwrap().to_owned(),
        secret: secret["secret"].as_str().unwrap().to_owned(),
        app,
        admin,
        association,
    }
}

impl Setup {
    async fn progress(&self) -> Value {
        self.app
            .ok_json(
                Method::GET,
                &format!("/api/v1/campaigns/{}", self.campaign),
                None,
                None,
            )
            .await
    }

    async fn deliver(
        &self,
        body: &str,
        timestamp: &str,
        signature: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .app
            .client
            .post(
                self.app
                    .url(&format!("/api/v1/webhooks/donations/{}", self.association)),
            )
            .header("Content-Type", "application/json")
            .header("X-Entraide-Timestamp", timestamp)
            .body(body.to_owned());
        if let Some(signature) = signature {
            request = request.header("X-Entraide-Signature", signature);
        }
        request.send().await.unwrap()
    }

    async fn signed(&self, body: &str) -> reqwest::Response {
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let signature = sign(&self.secret, &timestamp, body.as_bytes());
        self.deliver(body, &timestamp, Some(&signature)).await
    }
}

#[actix_web::test]
async fn manual_donations_move_public_progress() {
    let s = setup().await;
    let path = format!("/api/v1/campaigns/{}/donations", s.campaign);
    let gift = |body: Value| s.app.call(Method::POST, &path, Some(&s.admin), Some(body));
    let first =
        gift(json!({"amount_cents": 100000, "currency": "EUR", "donor_name": "Famille Le Goff"}))
            .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let anonymous: Value =
        gift(json!({"amount_cents": 2550, "currency": "EUR", "payment_id": "chq-0042"}))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(anonymous["donor_name"], Value::Null);
    let progress = s.progress().await;
    assert_eq!(progress["raised_cents"], 102550);
    assert_eq!(progress["donor_count"], 2);
    assert_eq!(progress["percent"], 34);

    // Refused: twice the same reference, another currency, bad amounts, a stranger.
    let duplicate =
        gift(json!({"amount_cents": 10, "currency": "EUR", "payment_id": "chq-0042"})).await;
    assert_problem(duplicate, StatusCode::CONFLICT, "payment_already_recorded").await;
    let bad =
        gift(json!({"amount_cents": 0, "currency": "CHF", "received_at": "2099-01-01T00:00:00Z"}))
            .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        fields(&problem),
        ["amount_cents", "received_at", "currency"]
    );
    let stranger = s.app.member("Passant", "patient").await;
    let refused = s
        .app
        .call(
            Method::POST,
            &path,
            Some(&stranger),
            Some(json!({"amount_cents": 5, "currency": "EUR"})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "not_association_admin").await;
    let refused = s.app.call(Method::GET, &path, Some(&stranger), None).await;
    assert_problem(refused, StatusCode::FORBIDDEN, "not_association_admin").await;
    assert_eq!(
        s.progress().await["raised_cents"],
        102550,
        "nothing more recorded"
    );
    let donations = s
        .app
        .ok_json(Method::GET, &path, Some(&s.admin), None)
        .await;
    assert_eq!(donations["items"].as_array().unwrap().len(), 2);

    let bad_campaign = s
        .app
        .call(
            Method::POST,
            &format!("/api/v1/associations/{}/campaigns", s.association),
            Some(&s.admin),
            Some(json!({"title": "x", "goal_cents": -1, "currency": "EURO", "ends_at": "2000-01-01T00:00:00Z",
                "payment_url": "javascript:void(0)"})),
        )
        .await;
    let problem = assert_problem(
        bad_campaign,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        ["title", "goal_cents", "currency", "payment_url", "ends_at"]
    );
}

#[actix_web::test]
async fn webhook_records_once_and_refuses_forgeries_and_replays() {
    let s = setup().await;
    let body = json!({"campaign_id": s.campaign, "payment_id": "pi_3QxA", "amount_cents": 5000,
        "currency": "EUR", "donor_name": "Yann", "anonymous": true})
    .to_string();

    let timestamp = chrono::Utc::now().timestamp().to_string();
    let signature = sign(&s.secret, &timestamp, body.as_bytes());
    let first = s.deliver(&body, &timestamp, Some(&signature)).await;
    assert_eq!(first.status(), StatusCode::OK);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["recorded"], true);
    assert_eq!(first["donation"]["donor_name"], Value::Null, "anonymous");
    assert_eq!(first["donation"]["source"], "webhook");

    // The very same signed delivery again is a replay.
    let replay = s.deliver(&body, &timestamp, Some(&signature)).await;
    assert_problem(replay, StatusCode::CONFLICT, "replayed").await;
    // The provider retrying (new timestamp, new signature) is harmless.
    let later = (chrono::Utc::now().timestamp() + 1).to_string();
    let retry = s
        .deliver(
            &body,
            &later,
            Some(&sign(&s.secret, &later, body.as_bytes())),
        )
        .await;
    assert_eq!(retry.status(), StatusCode::OK);
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry["recorded"], false);
    assert_eq!(retry["donation"]["id"], first["donation"]["id"]);

    let other =
        json!({"campaign_id": s.campaign, "payment_id": "pi_forged", "amount_cents": 999999,
        "currency": "EUR"})
        .to_string();
    // Wrong key, tampered body, old timestamp, missing or malformed header.
    let now = chrono::Utc::now().timestamp().to_string();
    let forged = s
        .deliver(
            &other,
            &now,
            Some(&sign("not-the-key", &now, other.as_bytes())),
        )
        .await;
    assert_problem(forged, StatusCode::UNAUTHORIZED, "invalid_signature").await;
    let tampered = s.deliver(&other, &timestamp, Some(&signature)).await;
    assert_problem(tampered, StatusCode::UNAUTHORIZED, "invalid_signature").await;
    let old = (chrono::Utc::now() - chrono::TimeDelta::minutes(10))
        .timestamp()
        .to_string();
    let stale = s
        .deliver(&other, &old, Some(&sign(&s.secret, &old, other.as_bytes())))
        .await;
    assert_problem(stale, StatusCode::UNAUTHORIZED, "stale_timestamp").await;
    let missing = s.deliver(&other, &now, None).await;
    assert_problem(missing, StatusCode::BAD_REQUEST, "missing_signature").await;
    let malformed = s.deliver(&other, &now, Some("md5=abc")).await;
    assert_problem(malformed, StatusCode::BAD_REQUEST, "malformed_signature").await;
    // Signed but invalid: another association's campaign, wrong currency.
    let wrong =
        json!({"campaign_id": uuid::Uuid::now_v7(), "payment_id": "pi_x", "amount_cents": 5,
        "currency": "USD"})
        .to_string();
    let problem = assert_problem(
        s.signed(&wrong).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["campaign_id"]);
    let usd = json!({"campaign_id": s.campaign, "payment_id": "pi_usd", "amount_cents": 5, "currency": "USD"}).to_string();
    let problem = assert_problem(
        s.signed(&usd).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["currency"]);

    let progress = s.progress().await;
    assert_eq!(
        progress["raised_cents"], 5000,
        "only the first delivery counted"
    );
    assert_eq!(progress["donor_count"], 1);

    // A rotated key revokes the old one.
    s.app
        .ok_json(
            Method::POST,
            &format!("/api/v1/associations/{}/webhook-secret", s.association),
            Some(&s.admin),
            None,
        )
        .await;
    let third = json!({"campaign_id": s.campaign, "payment_id": "pi_new", "amount_cents": 100, "currency": "EUR"}).to_string();
    assert_problem(
        s.signed(&third).await,
        StatusCode::UNAUTHORIZED,
        "invalid_signature",
    )
    .await;
}
