//! The integration kit: association API keys (created once, listed without the secret, used
//! within their scopes on their own association only, revoked or expired on the next request,
//! limited per key, audit-logged) and outgoing webhooks.

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::associations::{create_association, verified_association};
use crate::support::{Member, TestApp, assert_problem, fields, spawn_app, spawn_app_with};

async fn key_call(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> Response {
    let mut request = app
        .client
        .request(method, app.url(path))
        .header("Authorization", format!("Bearer {key}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn create_key(app: &TestApp, admin: &Member, association: &str, body: Value) -> Value {
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/associations/{association}/api-keys"),
            Some(admin),
            Some(body),
        )
        .await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn event_body(title: &str, association: &str) -> Value {
    json!({"title": title, "starts_at": "2027-03-10T18:00:00+01:00",
        "ends_at": "2027-03-10T20:00:00+01:00", "time_zone": "Europe/Paris",
        "association_id": association})
}

fn announcement_body(title: &str) -> Value {
    json!({"title": title, "body": "Dépistage gratuit samedi.", "targeting": {}})
}

#[actix_web::test]
async fn api_key_lifecycle_scopes_and_audit() {
    let app = spawn_app().await;
    let admin = app.member("Presidente", "caregiver").await;
    let association = verified_association(&app, &admin, "Mucoviscidose Ouest").await;
    let association = association["id"].as_str().unwrap().to_owned();
    let other_admin = app.member("Autrepresidente", "caregiver").await;
    let other = verified_association(&app, &other_admin, "Lupus Est").await;
    let other = other["id"].as_str().unwrap().to_owned();

    // Created once: the key is in this answer only; the database holds its hash.
    let created = create_key(
        &app,
        &admin,
        &association,
        json!({"name": "Site web", "scopes": ["events:read", "events:write", "members:read"]}),
    )
    .await;
    let key = created["key"].as_str().unwrap().to_owned();
    let key_id = created["api_key"]["id"].as_str().unwrap().to_owned();
    assert!(key.starts_with("eak_") && key.len() > 40, "{key}");
    assert_eq!(created["api_key"]["hint"], key[..12]);
    assert_eq!(created["api_key"]["status"], "active");
    assert_eq!(
        created["api_key"]["scopes"],
        json!(["events:read", "events:write", "members:read"])
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM api_keys WHERE key_hash = '{key}' OR hint = '{key}'"
        )),
        0,
        "the key itself is never stored"
    );

    // Listed without the secret, to admins only.
    let list_path = format!("/api/v1/associations/{association}/api-keys");
    let listed = app
        .ok_json(Method::GET, &list_path, Some(&admin), None)
        .await;
    let text = listed.to_string();
    assert!(!text.contains(&key), "the list never shows the key");
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["id"], key_id.as_str());
    let volunteer_like = app.member("Curieux", "patient").await;
    assert_problem(
        app.call(Method::GET, &list_path, Some(&volunteer_like), None)
            .await,
        StatusCode::FORBIDDEN,
        "not_association_admin",
    )
    .await;

    // Used within its scopes: an event in the association's name, signed by the key's creator.
    let response = key_call(
        &app,
        Method::POST,
        "/api/v1/events",
        &key,
        Some(event_body("Journée portes ouvertes", &association)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let event: Value = response.json().await.unwrap();
    assert_eq!(event["association"]["id"], association.as_str());
    assert_eq!(event["organizer"]["id"], admin.id.to_string().as_str());
    let listed = key_call(
        &app,
        Method::GET,
        &format!("/api/v1/events?association_id={association}&from=2027-01-01T00:00:00Z"),
        &key,
        None,
    )
    .await;
    assert_eq!(listed.status(), StatusCode::OK);
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    // Members: only the active members who chose to be listed; never pending requests.
    let listed_member = app.member("Listee", "patient").await;
    let unlisted_member = app.member("Discrete", "patient").await;
    for who in [&listed_member, &unlisted_member] {
        app.ok_json(
            Method::POST,
            &format!("/api/v1/associations/{association}/join"),
            Some(who),
            None,
        )
        .await;
    }
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me/settings",
        Some(&listed_member),
        Some(json!({"listed_in_member_lists": true})),
    )
    .await;
    let members = key_call(
        &app,
        Method::GET,
        &format!("/api/v1/associations/{association}/members"),
        &key,
        None,
    )
    .await;
    assert_eq!(members.status(), StatusCode::OK);
    let members: Value = members.json().await.unwrap();
    let ids: Vec<&str> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["member"]["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&listed_member.id.to_string().as_str()),
        "{members}"
    );
    assert!(
        !ids.contains(&unlisted_member.id.to_string().as_str()),
        "an unlisted member stays out of a key's list: {members}"
    );
    assert!(!members.to_string().contains("@example.org"));
    assert_problem(
        key_call(
            &app,
            Method::GET,
            &format!("/api/v1/associations/{association}/members?status=pending"),
            &key,
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "insufficient_scope",
    )
    .await;

    // Outside its scopes: 403 insufficient_scope, nothing stored.
    let announcements_before = app.count("SELECT COUNT(*) AS n FROM announcements");
    assert_problem(
        key_call(
            &app,
            Method::POST,
            &format!("/api/v1/associations/{association}/announcements"),
            &key,
            Some(announcement_body("Dépistage")),
        )
        .await,
        StatusCode::FORBIDDEN,
        "insufficient_scope",
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM announcements"),
        announcements_before
    );
    // Another association's resources: refused, whatever the scope.
    let events_before = app.count("SELECT COUNT(*) AS n FROM events");
    for (method, path, body) in [
        (
            Method::POST,
            "/api/v1/events".to_owned(),
            Some(event_body("Usurpation", &other)),
        ),
        (
            Method::GET,
            format!("/api/v1/events?association_id={other}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/associations/{other}/members"),
            None,
        ),
        // A personal event or a calendar without association is not the association's.
        (
            Method::POST,
            "/api/v1/events".to_owned(),
            Some(
                json!({"title": "Perso", "starts_at": "2027-03-10T18:00:00+01:00",
                "ends_at": "2027-03-10T20:00:00+01:00", "time_zone": "Europe/Paris"}),
            ),
        ),
        (Method::GET, "/api/v1/events".to_owned(), None),
    ] {
        assert_problem(
            key_call(&app, method, &path, &key, body).await,
            StatusCode::FORBIDDEN,
            "insufficient_scope",
        )
        .await;
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM events"), events_before);
    // Member-only routes: a key is not a member's token.
    for path in [
        "/api/v1/members/me",
        "/api/v1/feed",
        "/api/v1/members/me/export",
    ] {
        assert_problem(
            key_call(&app, Method::GET, path, &key, None).await,
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        )
        .await;
    }
    // Nor may a key manage keys.
    assert_problem(
        key_call(&app, Method::GET, &list_path, &key, None).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;

    // Audit: key, route pattern, status, time — for used and refused requests alike.
    let audited = |status: u16, route: &str| {
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM api_key_requests WHERE key_id = '{key_id}' \
             AND status = {status} AND route = '{route}'"
        ))
    };
    assert_eq!(audited(201, "/api/v1/events"), 1);
    assert_eq!(audited(200, "/api/v1/events"), 1);
    assert_eq!(audited(403, "/api/v1/events"), 4);
    assert_eq!(audited(200, "/api/v1/associations/{id}/members"), 1);
    assert_eq!(audited(403, "/api/v1/associations/{id}/members"), 2);
    assert_eq!(audited(403, "/api/v1/associations/{id}/announcements"), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM api_key_requests WHERE route LIKE '%?%'"),
        0,
        "no query string is recorded"
    );
    let listed = app
        .ok_json(Method::GET, &list_path, Some(&admin), None)
        .await;
    assert!(listed["items"][0]["last_used_at"].is_string());

    // Revoked: the very next request is refused (and still audited).
    let response = app
        .call(
            Method::DELETE,
            &format!("{list_path}/{key_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_problem(
        key_call(
            &app,
            Method::GET,
            &format!("/api/v1/events?association_id={association}"),
            &key,
            None,
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    assert_eq!(audited(401, "/api/v1/events"), 1);
    let listed = app
        .ok_json(Method::GET, &list_path, Some(&admin), None)
        .await;
    assert_eq!(listed["items"][0]["status"], "revoked");
    // Another association's admin cannot revoke it; an unknown key is 404.
    assert_problem(
        app.call(
            Method::DELETE,
            &format!("{list_path}/{key_id}"),
            Some(&other_admin),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "not_association_admin",
    )
    .await;
    assert_problem(
        app.call(
            Method::DELETE,
            &format!("{list_path}/{}", uuid::Uuid::now_v7()),
            Some(&admin),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // An unknown key looks like any invalid token.
    assert_problem(
        key_call(
            &app,
            Method::GET,
            "/api/v1/events",
            "eak_0000000000000000000000000000000000000000000",
            None,
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
}

#[actix_web::test]
async fn keys_expire_and_pending_associations_get_none() {
    let app = spawn_app().await;
    let admin = app.member("Secretaire", "caregiver").await;
    let association = verified_association(&app, &admin, "Diabète Sud").await;
    let association = association["id"].as_str().unwrap().to_owned();
    let created = create_key(
        &app,
        &admin,
        &association,
        json!({"name": "Annonces", "scopes": ["announcements:write"],
            "expires_at": "2099-01-01T00:00:00Z"}),
    )
    .await;
    let key = created["key"].as_str().unwrap().to_owned();
    let key_id = created["api_key"]["id"].as_str().unwrap().to_owned();
    let response = key_call(
        &app,
        Method::POST,
        &format!("/api/v1/associations/{association}/announcements"),
        &key,
        Some(announcement_body("Dépistage gratuit")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let announcement: Value = response.json().await.unwrap();
    assert_eq!(announcement["title"], "Dépistage gratuit");

    // Expiry passes (moved into the past in the database: no sleeping): refused at once.
    {
        use diesel::RunQueryDsl;
        let db = app.database();
        let mut conn = db.writer().unwrap();
        diesel::sql_query(format!(
            "UPDATE api_keys SET expires_at = '2020-01-01 00:00:00' WHERE id = '{key_id}'"
        ))
        .execute(&mut **conn)
        .unwrap();
    }
    let before = app.count("SELECT COUNT(*) AS n FROM announcements");
    assert_problem(
        key_call(
            &app,
            Method::POST,
            &format!("/api/v1/associations/{association}/announcements"),
            &key,
            Some(announcement_body("Trop tard")),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM announcements"), before);
    let listed = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/associations/{association}/api-keys"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(listed["items"][0]["status"], "expired");

    // Invalid requests: every field reported, nothing stored.
    let keys_before = app.count("SELECT COUNT(*) AS n FROM api_keys");
    let problem = assert_problem(
        app.call(
            Method::POST,
            &format!("/api/v1/associations/{association}/api-keys"),
            Some(&admin),
            Some(json!({"name": "x", "scopes": [], "expires_at": "2001-01-01T00:00:00Z"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["name", "scopes", "expires_at"]);
    assert_problem(
        app.call(
            Method::POST,
            &format!("/api/v1/associations/{association}/api-keys"),
            Some(&admin),
            Some(json!({"name": "Tout", "scopes": ["admin:all"]})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM api_keys"), keys_before);

    // A pending association cannot create keys, even by its admin.
    let founder = app.member("Fondatrice", "patient").await;
    let pending = create_association(&app, &founder, "Association en attente", true).await;
    assert_problem(
        app.call(
            Method::POST,
            &format!(
                "/api/v1/associations/{}/api-keys",
                pending["id"].as_str().unwrap()
            ),
            Some(&founder),
            Some(json!({"name": "Site", "scopes": ["events:read"]})),
        )
        .await,
        StatusCode::FORBIDDEN,
        "association_not_verified",
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM api_keys"), keys_before);
}

#[actix_web::test]
async fn requests_are_limited_per_key() {
    let app = spawn_app_with(|settings| settings.api_key_rate_limit = 3).await;
    let admin = app.member("Tresorier", "caregiver").await;
    let association = verified_association(&app, &admin, "Parkinson Centre").await;
    let association = association["id"].as_str().unwrap().to_owned();
    let body = json!({"name": "Agenda", "scopes": ["events:read"]});
    let first = create_key(&app, &admin, &association, body.clone()).await;
    let second = create_key(&app, &admin, &association, body).await;
    let path = format!("/api/v1/events?association_id={association}");
    let first = first["key"].as_str().unwrap();
    for _ in 0..3 {
        let response = key_call(&app, Method::GET, &path, first, None).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let response = key_call(&app, Method::GET, &path, first, None).await;
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // The other key keeps its own budget; members are not limited by it.
    let response = key_call(
        &app,
        Method::GET,
        &path,
        second["key"].as_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.call(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM api_key_requests WHERE status = 429"),
        1
    );
}

/// A tiny receiver: answers each request with the next scripted status (then 200) and keeps
/// what it received.
async fn receiver(
    statuses: Vec<u16>,
) -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<(std::collections::HashMap<String, String>, String)>>>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}/hook", listener.local_addr().unwrap());
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = received.clone();
    actix_web::rt::spawn(async move {
        let mut statuses = statuses.into_iter();
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = Vec::new();
            let mut chunk = [0u8; 4096];
            let (headers, body) = loop {
                let n = socket.read(&mut chunk).await.unwrap();
                buffer.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buffer).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let headers: std::collections::HashMap<String, String> = head
                        .lines()
                        .skip(1)
                        .filter_map(|l| l.split_once(": "))
                        .map(|(k, v)| (k.to_lowercase(), v.to_owned()))
                        .collect();
                    let length: usize = headers["content-length"].parse().unwrap();
                    if body.len() >= length || n == 0 {
                        break (headers, body.to_owned());
                    }
                }
            };
            log.lock().unwrap().push((headers, body));
            let status = statuses.next().unwrap_or(200);
            let reply =
                format!("HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
            socket.write_all(reply.as_bytes()).await.unwrap();
        }
    });
    (address, received)
}

fn settings_for_tests(settings: &mut entraide_api::configuration::Settings) {
    settings.webhooks_allow_private_targets = true;
}

/// The settings the webhook worker runs with in these tests (private targets allowed).
fn worker_settings(app: &TestApp) -> entraide_api::configuration::Settings {
    let mut settings = entraide_api::configuration::Settings::with_database(
        app.database.url(),
        crate::support::JWT_SECRET,
    );
    settings_for_tests(&mut settings);
    settings
}

#[actix_web::test]
async fn webhooks_are_signed_retried_logged_and_redelivered() {
    use hmac::{Hmac, KeyInit, Mac};
    let app = spawn_app_with(settings_for_tests).await;
    let admin = app.member("Webmestre", "caregiver").await;
    let association = verified_association(&app, &admin, "Sclérose Nord").await;
    let association = association["id"].as_str().unwrap().to_owned();
    let (url, received) = receiver(vec![500]).await;
    let created = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/associations/{association}/webhooks"),
            Some(&admin),
            Some(json!({"url": url, "events": ["event.created"]})),
        )
        .await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    let webhook = created["webhook"]["id"].as_str().unwrap().to_owned();
    let listed = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/associations/{association}/webhooks"),
            Some(&admin),
            None,
        )
        .await;
    assert!(!listed.to_string().contains(&secret));

    // The event and its delivery are written together; the worker sends it.
    let event = app
        .ok_json(
            Method::POST,
            "/api/v1/events",
            Some(&admin),
            Some(event_body("Conférence", &association)),
        )
        .await;
    let settings = worker_settings(&app);
    let database = app.database();
    assert_eq!(
        entraide_api::webhooks::run_due(&database, &settings)
            .await
            .unwrap(),
        1
    );
    let deliveries_path =
        format!("/api/v1/associations/{association}/webhooks/{webhook}/deliveries");
    let log = app
        .ok_json(Method::GET, &deliveries_path, Some(&admin), None)
        .await;
    let first = &log["items"][0];
    assert_eq!(first["status"], "pending");
    assert_eq!(first["attempts"], 1);
    assert_eq!(first["response_code"], 500);
    assert!(first["next_attempt_at"].is_string());
    // Not due yet: nothing sent.
    assert_eq!(
        entraide_api::webhooks::run_due(&database, &settings)
            .await
            .unwrap(),
        0
    );
    // Its back-off passes (moved in the database: no sleeping), then it succeeds.
    {
        use diesel::RunQueryDsl;
        let mut conn = database.writer().unwrap();
        diesel::sql_query(
            "UPDATE webhook_outbox SET next_attempt_at = '2020-01-01 00:00:00' WHERE status = 'pending'",
        )
        .execute(&mut **conn)
        .unwrap();
    }
    assert_eq!(
        entraide_api::webhooks::run_due(&database, &settings)
            .await
            .unwrap(),
        1
    );
    let log = app
        .ok_json(Method::GET, &deliveries_path, Some(&admin), None)
        .await;
    assert_eq!(log["items"][0]["status"], "delivered");
    assert_eq!(log["items"][0]["attempts"], 2);
    let delivery = log["items"][0]["id"].as_str().unwrap().to_owned();

    // What the receiver got: the payload, signed with the secret over timestamp + "." + body.
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    for (headers, body) in &got {
        let timestamp = &headers["x-entraide-timestamp"];
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body.as_bytes());
        assert_eq!(
            headers["x-entraide-signature"],
            format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
        );
        assert_eq!(headers["x-entraide-event"], "event.created");
        let payload: Value = serde_json::from_str(body).unwrap();
        assert_eq!(payload["type"], "event.created");
        assert_eq!(payload["association_id"], association.as_str());
        assert_eq!(payload["data"]["event_id"], event["id"]);
        assert!(!body.contains("@example.org"));
    }

    // member.joined: not subscribed, nothing queued; subscribed, the count only.
    let joiner = app.member("Nouvellevenue", "patient").await;
    let (url2, received2) = receiver(vec![]).await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/associations/{association}/webhooks"),
        Some(&admin),
        Some(json!({"url": url2, "events": ["member.joined"]})),
    )
    .await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/associations/{association}/join"),
        Some(&joiner),
        None,
    )
    .await;
    assert_eq!(
        entraide_api::webhooks::run_due(&database, &settings)
            .await
            .unwrap(),
        1
    );
    let joined = received2.lock().unwrap().clone();
    assert_eq!(joined.len(), 1);
    let payload: Value = serde_json::from_str(&joined[0].1).unwrap();
    assert_eq!(payload["type"], "member.joined");
    assert_eq!(payload["data"], json!({"member_count": 2}));
    assert!(!joined[0].1.contains(&joiner.id.to_string()));
    assert_eq!(
        received.lock().unwrap().len(),
        2,
        "the first webhook is not subscribed"
    );

    // Redelivery: a new delivery of the same payload.
    let response = app
        .call(
            Method::POST,
            &format!("{deliveries_path}/{delivery}/redeliver"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(
        entraide_api::webhooks::run_due(&database, &settings)
            .await
            .unwrap(),
        1
    );
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 3);
    assert_eq!(got[2].1, got[1].1);
}

#[actix_web::test]
async fn private_targets_are_refused_without_the_setting() {
    let app = spawn_app().await;
    let admin = app.member("Prudente", "caregiver").await;
    let association = verified_association(&app, &admin, "Épilepsie Sud").await;
    let association = association["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/associations/{association}/webhooks");
    for (url, code) in [
        ("https://127.0.0.1:8080/hook", "forbidden_target"),
        (
            "https://169.254.169.254/latest/meta-data",
            "forbidden_target",
        ),
        ("https://[::ffff:10.0.0.1]/hook", "forbidden_target"),
        ("https://localhost/hook", "forbidden_target"),
        ("http://93.184.216.34/hook", "insecure_url"),
    ] {
        let problem = assert_problem(
            app.call(
                Method::POST,
                &path,
                Some(&admin),
                Some(json!({"url": url, "events": ["event.created"]})),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), ["url"], "{url}");
        assert_eq!(problem.errors.unwrap()[0].code, code, "{url}");
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM webhooks"), 0);
}

#[actix_web::test]
async fn rsvps_and_donations_reach_subscribed_webhooks_without_who() {
    let app = spawn_app_with(settings_for_tests).await;
    let admin = app.member("Organisatrice", "caregiver").await;
    let association = verified_association(&app, &admin, "Mucoviscidose Ouest").await;
    let association = association["id"].as_str().unwrap().to_owned();
    let (url, received) = receiver(vec![]).await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/associations/{association}/webhooks"),
        Some(&admin),
        Some(json!({"url": url, "events": ["event.rsvp", "donation.recorded"]})),
    )
    .await;
    let settings = worker_settings(&app);
    let database = app.database();
    let run = || entraide_api::webhooks::run_due(&database, &settings);

    // event.created is not subscribed: creating the event sends nothing.
    let event = app
        .ok_json(
            Method::POST,
            "/api/v1/events",
            Some(&admin),
            Some(event_body("Journée des familles", &association)),
        )
        .await;
    assert_eq!(run().await.unwrap(), 0);

    // An answer sends the counts; the same answer again changes nothing and sends nothing.
    let guest = app.member("Invitee", "patient").await;
    let rsvp = format!("/api/v1/events/{}/rsvp", event["id"].as_str().unwrap());
    for _ in 0..2 {
        app.ok_json(
            Method::PUT,
            &rsvp,
            Some(&guest),
            Some(json!({"status": "going"})),
        )
        .await;
    }
    assert_eq!(run().await.unwrap(), 1);
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let payload: Value = serde_json::from_str(&got[0].1).unwrap();
    assert_eq!(payload["type"], "event.rsvp");
    assert_eq!(
        payload["data"],
        json!({"event_id": event["id"], "going_count": 1, "interested_count": 0,
            "waitlist_count": 0})
    );
    assert!(!got[0].1.contains(&guest.id.to_string()));
    assert!(!got[0].1.contains("Invitee"));

    // A donation (entered by an admin; the provider's webhook takes the same path) sends the
    // amount, never the donor's name or the payment reference.
    let campaign = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/associations/{association}/campaigns"),
            Some(&admin),
            Some(
                json!({"title": "Kinésithérapie", "description": "Séances à domicile.",
                "goal_cents": 500000, "currency": "eur", "ends_at": "2099-01-01T00:00:00Z",
                "payment_url": "https://pay.example.org/kine"}),
            ),
        )
        .await;
    let donation = app
        .ok_json(
            Method::POST,
            &format!(
                "/api/v1/campaigns/{}/donations",
                campaign["id"].as_str().unwrap()
            ),
            Some(&admin),
            Some(json!({"amount_cents": 4200, "currency": "EUR",
                "donor_name": "Famille Kerbrat", "payment_id": "chq-7781"})),
        )
        .await;
    assert_eq!(run().await.unwrap(), 1);
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    let payload: Value = serde_json::from_str(&got[1].1).unwrap();
    assert_eq!(payload["type"], "donation.recorded");
    assert_eq!(payload["data"]["donation_id"], donation["id"]);
    assert_eq!(payload["data"]["campaign_id"], campaign["id"]);
    assert_eq!(payload["data"]["amount_cents"], 4200);
    assert_eq!(payload["data"]["currency"], "EUR");
    assert_eq!(payload["data"]["source"], "manual");
    assert!(!got[1].1.contains("Kerbrat"));
    assert!(!got[1].1.contains("chq-7781"));
}
