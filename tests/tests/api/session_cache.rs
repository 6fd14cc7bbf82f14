//! Sessions are checked in memory (`api::session_cache`): a request of a known session costs no
//! database round trip, and every revocation is still refused on the very next request — on
//! this node at once, on another PostgreSQL node once its listener has heard the database.
//!
//! Each revocation below is preceded by requests of the session it ends, so the session is in
//! memory when it is revoked (`TestApp::member` already made one).

use std::time::Duration;

use entraide_openapi::auth::TokenResponse;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{
    Member, PASSWORD, TestApp, another_node_with_sessions, assert_problem, spawn_app,
    spawn_app_with,
};

fn bearer(tokens: &TokenResponse) -> String {
    format!("Bearer {}", tokens.access_token)
}

async fn login(app: &TestApp, who: &Member, password: &str) -> TokenResponse {
    let response = app.login(&who.email, password).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn me_at(app: &TestApp, base: &str, bearer: &str) -> reqwest::Response {
    app.client
        .get(format!("{base}/api/v1/members/me"))
        .header("Authorization", bearer)
        .send()
        .await
        .unwrap()
}

/// Two requests of the session succeed: it is in memory now.
async fn known(app: &TestApp, bearer: &str) {
    // On PostgreSQL the cache serves once the listener listens.
    assert!(app.sessions.caught_up().await);
    for _ in 0..2 {
        let response = app.get("/api/v1/members/me", Some(bearer)).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert!(!app.sessions.is_empty());
}

async fn refused(app: &TestApp, bearer: &str) {
    let response = app.get("/api/v1/members/me", Some(bearer)).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

async fn status(
    app: &TestApp,
    method: Method,
    path: &str,
    who: &Member,
    body: Option<Value>,
) -> StatusCode {
    app.call(method, path, Some(who), body).await.status()
}

#[actix_web::test]
async fn logging_out_is_refused_on_the_next_request() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    known(&app, &ana.bearer()).await;
    let out = status(&app, Method::POST, "/api/v1/auth/logout", &ana, None).await;
    assert_eq!(out, StatusCode::NO_CONTENT);
    refused(&app, &ana.bearer()).await;
}

#[actix_web::test]
async fn a_session_revoked_from_another_one_is_refused_on_its_next_request() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    let phone = login(&app, &ana, PASSWORD).await;
    known(&app, &ana.bearer()).await;
    known(&app, &bearer(&phone)).await;
    let page: Value = app
        .get("/api/v1/members/me/sessions", Some(&bearer(&phone)))
        .await
        .json()
        .await
        .unwrap();
    let laptop = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .unwrap();
    let revoked = app
        .client
        .delete(app.url(&format!("/api/v1/members/me/sessions/{laptop}")))
        .header("Authorization", bearer(&phone))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    refused(&app, &ana.bearer()).await;
    known(&app, &bearer(&phone)).await;
}

#[actix_web::test]
async fn a_password_change_ends_the_other_sessions_on_their_next_request() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    let phone = login(&app, &ana, PASSWORD).await;
    known(&app, &ana.bearer()).await;
    known(&app, &bearer(&phone)).await;
    let changed = app
        .client
        .put(app.url("/api/v1/members/me/password"))
        .header("Authorization", bearer(&phone))
        .json(&json!({
            "current_password": PASSWORD,
            "new_password": "une lampe bleue au fond du couloir",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    refused(&app, &ana.bearer()).await;
    known(&app, &bearer(&phone)).await;
}

#[actix_web::test]
async fn a_reused_refresh_token_ends_the_session_on_its_next_request() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    let rotated: TokenResponse = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": ana.tokens.refresh_token}),
        )
        .await
        .json()
        .await
        .unwrap();
    known(&app, &bearer(&rotated)).await;
    let replay = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": ana.tokens.refresh_token}),
        )
        .await;
    assert_problem(replay, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    refused(&app, &bearer(&rotated)).await;
}

#[actix_web::test]
async fn erasing_the_account_is_refused_on_the_next_request() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    let phone = login(&app, &ana, PASSWORD).await;
    known(&app, &bearer(&phone)).await;
    let erased = status(
        &app,
        Method::DELETE,
        "/api/v1/members/me",
        &ana,
        Some(json!({"password": PASSWORD, "content": "delete"})),
    )
    .await;
    assert_eq!(erased, StatusCode::NO_CONTENT);
    refused(&app, &bearer(&phone)).await;
}

async fn report_member(app: &TestApp, by: &Member, target: Uuid) -> Uuid {
    let filed: Value = app
        .ok_json(
            Method::POST,
            "/api/v1/reports",
            Some(by),
            Some(json!({
                "target_kind": "member",
                "target_id": target,
                "reason": "harassment",
                "note": "À vérifier",
            })),
        )
        .await;
    serde_json::from_value(filed["id"].clone()).unwrap()
}

#[actix_web::test]
async fn a_suspension_and_a_ban_are_refused_on_the_next_request() {
    let app = spawn_app().await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let reader = app.member("Lectrice", "patient").await;
    for (pseudonym, decision) in [
        (
            "Troll",
            json!({"action": "suspend", "reason": "Insultes", "duration_days": 7}),
        ),
        ("Vandale", json!({"action": "ban", "reason": "Récidive"})),
    ] {
        let troll = app.member(pseudonym, "patient").await;
        known(&app, &troll.bearer()).await;
        let report = report_member(&app, &reader, troll.id).await;
        let decided = status(
            &app,
            Method::POST,
            &format!("/api/v1/moderation/reports/{report}/actions"),
            &admin,
            Some(decision),
        )
        .await;
        assert_eq!(decided, StatusCode::OK);
        refused(&app, &troll.bearer()).await;
    }
}

#[actix_web::test]
async fn a_platform_role_given_or_taken_counts_from_the_next_request() {
    let app = spawn_app().await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let camille = app.member("Camille", "professional").await;
    let queue = |who| status(&app, Method::GET, "/api/v1/moderation/queue", who, None);
    assert_eq!(queue(&camille).await, StatusCode::FORBIDDEN);
    assert_eq!(queue(&camille).await, StatusCode::FORBIDDEN);
    let role = format!("/api/v1/members/{}/role", camille.id);
    for (given, expected) in [
        ("moderator", StatusCode::OK),
        ("member", StatusCode::FORBIDDEN),
    ] {
        let set = status(
            &app,
            Method::PUT,
            &role,
            &admin,
            Some(json!({"role": given})),
        )
        .await;
        assert_eq!(set, StatusCode::OK);
        assert_eq!(queue(&camille).await, expected, "{given}");
    }
}

#[actix_web::test]
async fn an_approved_kind_change_counts_from_the_next_request() {
    let app = spawn_app().await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let patient = app.member("Patiente", "patient").await;
    let changing = app.member("Aidant", "caregiver").await;
    let space = app
        .create_group(&patient, "Entre patients", "public", "patients")
        .await;
    let path = format!("/api/v1/groups/{}", space.id);
    let can_read = || async {
        app.ok_json(Method::GET, &path, Some(&changing), None).await["can_read"].clone()
    };
    let asked = status(
        &app,
        Method::PATCH,
        "/api/v1/members/me",
        &changing,
        Some(json!({"kind": "patient"})),
    )
    .await;
    assert_eq!(asked, StatusCode::OK);
    assert_eq!(can_read().await, false);
    assert_eq!(can_read().await, false);
    let approved = status(
        &app,
        Method::POST,
        &format!("/api/v1/members/{}/kind-change/approve", changing.id),
        &admin,
        None,
    )
    .await;
    assert_eq!(approved, StatusCode::OK);
    assert_eq!(can_read().await, true);
}

/// The connections the app checks out to answer one `GET /members/me`.
async fn checkouts_of(app: &TestApp, bearer: &str) -> u64 {
    let before = app.pools.checkouts();
    let response = app.get("/api/v1/members/me", Some(bearer)).await;
    assert_eq!(response.status(), StatusCode::OK);
    app.pools.checkouts() - before
}

#[actix_web::test]
async fn a_known_session_costs_no_database_round_trip() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    known(&app, &ana.bearer()).await;
    // Registration mails after answering: let that settle.
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    let known = checkouts_of(&app, &ana.bearer()).await;
    app.forget_sessions(&ana);
    let unknown = checkouts_of(&app, &ana.bearer()).await;
    assert_eq!(unknown, known + 1, "reading the session is one checkout");
    assert_eq!(checkouts_of(&app, &ana.bearer()).await, known);

    // The cache turned off: every request reads its session.
    let off = spawn_app_with(|s| s.session_cache_entries = 0).await;
    let bruno = off.member("Bruno", "patient").await;
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..2 {
        assert_eq!(checkouts_of(&off, &bruno.bearer()).await, unknown);
    }
    assert!(off.sessions.is_empty());
}

/// A write made straight in the database, as another process would (the CLI, an operator): on
/// PostgreSQL its trigger notifies every server process, on SQLite the entry reaches its
/// maximum age. Either arrives a moment after the commit, not before the test's next request
/// can be sent: hence the bounded wait here, and only here.
#[actix_web::test]
async fn a_revocation_written_behind_the_servers_back_is_refused_once_heard() {
    let app = spawn_app_with(|s| s.session_cache_max_age_ms = 200).await;
    let ana = app.member("Ana", "patient").await;
    assert!(app.sessions.caught_up().await, "the listener listens");
    known(&app, &ana.bearer()).await;
    {
        use diesel::RunQueryDsl;
        let db = app.database();
        let mut conn = db.writer().unwrap();
        diesel::sql_query(format!(
            "UPDATE sessions SET revoked_at = created_at WHERE member_id = '{}'",
            ana.id
        ))
        .execute(&mut **conn)
        .unwrap();
    }
    let started = std::time::Instant::now();
    loop {
        let response = app.get("/api/v1/members/me", Some(&ana.bearer())).await;
        if response.status() == StatusCode::UNAUTHORIZED {
            break;
        }
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "still accepted after {:?}",
            started.elapsed()
        );
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
    }
    // On PostgreSQL, once the listener has caught up the revocation is certain.
    assert!(app.sessions.caught_up().await);
    refused(&app, &ana.bearer()).await;
}

/// Two server processes on one PostgreSQL database: what one revokes, the other refuses from
/// the moment its listener has heard the database — `caught_up` waits for that (one round trip
/// on the listener's connection, after which every notification of a committed write has
/// arrived). SQLite is served by one process: nothing to test there.
#[actix_web::test]
async fn a_revocation_on_one_node_is_refused_by_the_other() {
    let app = spawn_app().await;
    if !app.database.is_postgres() {
        return;
    }
    let (other, other_sessions) = another_node_with_sessions(&app, |_| {}).await;
    assert!(other_sessions.caught_up().await, "the other node listens");
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let ana = app.member("Ana", "patient").await;
    let camille = app.member("Camille", "professional").await;
    for who in [&ana, &camille] {
        for _ in 0..2 {
            assert_eq!(
                me_at(&app, &other, &who.bearer()).await.status(),
                StatusCode::OK
            );
        }
    }
    assert_eq!(other_sessions.len(), 2, "both sessions are in memory there");

    // A logout through this node.
    let out = status(&app, Method::POST, "/api/v1/auth/logout", &ana, None).await;
    assert_eq!(out, StatusCode::NO_CONTENT);
    assert!(other_sessions.caught_up().await);
    assert_problem(
        me_at(&app, &other, &ana.bearer()).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;

    // A role given through this node counts on the other.
    let queue = |base: String| {
        app.client
            .get(format!("{base}/api/v1/moderation/queue"))
            .header("Authorization", camille.bearer())
            .send()
    };
    assert_eq!(
        queue(other.clone()).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let set = status(
        &app,
        Method::PUT,
        &format!("/api/v1/members/{}/role", camille.id),
        &admin,
        Some(json!({"role": "moderator"})),
    )
    .await;
    assert_eq!(set, StatusCode::OK);
    assert!(other_sessions.caught_up().await);
    assert_eq!(queue(other).await.unwrap().status(), StatusCode::OK);
}
