//! No acknowledged write is lost: a panic inside a write, or a date at the edge of what chrono
//! can hold, costs the request that caused it and nothing else.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

/// Groups as a fresh connection sees them: only what was committed.
fn committed_groups(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM discussion_groups")
}

/// PostgreSQL: connections of this test's database left inside a transaction.
fn idle_in_transaction(app: &TestApp) -> i64 {
    app.count(
        "SELECT COUNT(*) AS n FROM pg_stat_activity \
         WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
    )
}

async fn create_group(app: &TestApp, owner: &Member, name: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/v1/groups",
        Some(owner),
        Some(json!({"name": name, "description": "Entraide", "visibility": "public", "audience": "everyone"})),
    )
    .await
}

#[actix_web::test]
async fn a_write_that_panics_before_commit_loses_nothing_acknowledged_before_or_after_it() {
    let app = spawn_app().await;
    let owner = app.member("Avant", "patient").await;
    assert_eq!(
        create_group(&app, &owner, "Acknowledged before")
            .await
            .status(),
        StatusCode::CREATED
    );

    app.faults.panic_next_writes(1);
    let response = create_group(&app, &owner, "The write that panics").await;
    let problem = assert_problem(
        response,
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
    )
    .await;
    assert_eq!(problem.detail, None, "the panic's message is not sent");

    // Every later write on the (single, on SQLite) write connection is committed: the
    // connection left inside the panicked transaction was discarded, not reused.
    let after = app.member("Apres", "caregiver").await;
    for name in ["After one", "After two", "After three"] {
        assert_eq!(
            create_group(&app, &after, name).await.status(),
            StatusCode::CREATED
        );
    }
    assert_eq!(
        app.login(&after.email, crate::support::PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );

    // A fresh connection sees exactly the acknowledged writes.
    assert_eq!(
        committed_groups(&app),
        4,
        "1 before + 3 after; the panicked one is gone"
    );
    assert_eq!(app.member_count(), 2);
    if app.database.is_postgres() {
        assert_eq!(
            idle_in_transaction(&app),
            0,
            "no connection sits idle in transaction"
        );
    }
}

#[actix_web::test]
async fn several_panics_in_a_row_leave_the_pool_healthy() {
    let app = spawn_app().await;
    let owner = app.member("Plusieurs", "patient").await;
    app.faults.panic_next_writes(5);
    for i in 0..5 {
        let response = create_group(&app, &owner, &format!("Panics {i}")).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
    for i in 0..3 {
        let response = create_group(&app, &owner, &format!("Kept {i}")).await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    assert_eq!(committed_groups(&app), 3);
    assert_eq!(
        app.get("/readyz", None).await.status(),
        StatusCode::OK,
        "the server is ready again"
    );
}

/// The review's trigger: a weekly series in year 262142 overflowed while expanding and left
/// the write connection inside a transaction. Now it is refused before any arithmetic.
#[actix_web::test]
async fn dates_outside_1900_to_2199_are_refused_on_their_field_and_lose_nothing() {
    let app = spawn_app().await;
    let member = app.member("Lointain", "patient").await;
    let response = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&member),
            Some(json!({
                "title": "Far series",
                "starts_at": "+262142-12-31T20:00:00Z",
                "ends_at": "+262142-12-31T21:00:00Z",
                "time_zone": "UTC",
                "recurrence": "weekly",
                "recurrence_until": "+262142-12-31T23:30:00Z"
            })),
        )
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields = fields(&problem);
    for field in ["starts_at", "ends_at", "recurrence_until"] {
        assert!(
            fields.contains(&field.to_owned()),
            "{field} named in {fields:?}"
        );
    }
    assert!(
        problem
            .errors
            .unwrap()
            .iter()
            .all(|e| e.code == "out_of_range")
    );

    // A single event in Tokyo at the edge, and the year 1899.
    for (starts, ends, zone) in [
        (
            "+262142-12-31T20:00:00Z",
            "+262142-12-31T21:00:00Z",
            "Asia/Tokyo",
        ),
        (
            "1899-12-31T10:00:00Z",
            "1899-12-31T11:00:00Z",
            "Europe/Paris",
        ),
        ("2200-01-01T10:00:00Z", "2200-01-01T11:00:00Z", "UTC"),
    ] {
        let response = app
            .call(
                Method::POST,
                "/api/v1/events",
                Some(&member),
                Some(json!({"title": "Edge", "starts_at": starts, "ends_at": ends, "time_zone": zone})),
            )
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(crate::support::fields(&problem).contains(&"starts_at".to_owned()));
    }

    // The calendar, anonymous: a 422 naming the parameter, never a dropped connection or a 500.
    for (query, field) in [
        ("from=%2B262142-12-31T00:00:00Z", "from"),
        (
            "from=-262143-01-10T00:00:00Z&to=-262143-02-10T00:00:00Z",
            "from",
        ),
        (
            "from=2026-01-01T00:00:00Z&to=%2B262142-12-31T00:00:00Z",
            "to",
        ),
    ] {
        let response = app.get(&format!("/api/v1/events?{query}"), None).await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(
            crate::support::fields(&problem).contains(&field.to_owned()),
            "{query}: {problem:?}"
        );
    }

    // Nothing was stored, and writes still commit.
    let events = app
        .ok_json(Method::GET, "/api/v1/events?mine=true", Some(&member), None)
        .await;
    assert_eq!(events["items"].as_array().unwrap().len(), 0);
    let response = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&member),
            Some(json!({"title": "Réunion", "starts_at": "2199-12-31T10:00:00Z", "ends_at": "2199-12-31T11:00:00Z", "time_zone": "Asia/Tokyo"})),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "the window's edge is fine"
    );
    let later = app.member("Ensuite", "caregiver").await;
    assert_eq!(
        app.login(&later.email, crate::support::PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn campaign_and_announcement_dates_are_checked_too() {
    let app = spawn_app().await;
    let admin = app.member("Gardienne", "professional").await;
    let association = crate::associations::verified_association(&app, &admin, "Dates").await;
    let id = association["id"].as_str().unwrap().to_owned();
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/associations/{id}/campaigns"),
            Some(&admin),
            Some(
                json!({"title": "Collecte", "goal_cents": 100000, "currency": "eur",
                "ends_at": "+262142-12-31T00:00:00Z", "payment_url": "https://pay.example.org/c"}),
            ),
        )
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(crate::support::fields(&problem), ["ends_at"]);
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/associations/{id}/announcements"),
            Some(&admin),
            Some(
                json!({"title": "Prévention", "body": "Vaccination", "targeting": {},
                "publish_at": "-262143-01-10T00:00:00Z"}),
            ),
        )
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(crate::support::fields(&problem), ["publish_at"]);
}

/// PostgreSQL refuses NUL in text where SQLite stores it: the boundary refuses control
/// characters for both, with a 4xx on the field or parameter, and stores nothing.
#[actix_web::test]
async fn nul_and_control_characters_are_refused_at_the_boundary_on_both_backends() {
    use base64::Engine;
    let app = spawn_app().await;
    let member = app.member("Controle", "patient").await;
    for list in [
        "groups",
        "associations",
        "places",
        "resources",
        "conditions",
        "search",
    ] {
        for q in ["%00", "a%00b", "%1B%5B31m", "%C2%85"] {
            let response = app
                .get(&format!("/api/v1/{list}?q={q}"), Some(&member.bearer()))
                .await;
            assert_problem(response, StatusCode::BAD_REQUEST, "invalid_query").await;
        }
    }
    let cursor = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"n":"\u0000"}"#);
    let response = app
        .get(&format!("/api/v1/groups?cursor={cursor}"), None)
        .await;
    assert_problem(response, StatusCode::BAD_REQUEST, "invalid_cursor").await;
    let response = app.get("/api/v1/members/%00", None).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "invalid_path").await;

    let group = app
        .create_group(&member, "Vivre avec", "public", "everyone")
        .await;
    let attempts = [
        (
            Method::POST,
            "/api/v1/groups".to_owned(),
            json!({"name": "Nul", "description": "a\u{0}b", "visibility": "public", "audience": "everyone"}),
            "description",
        ),
        (
            Method::POST,
            format!("/api/v1/groups/{}/posts", group.id),
            json!({"body": "bonjour\u{0}"}),
            "body",
        ),
        (
            Method::PATCH,
            "/api/v1/members/me".to_owned(),
            json!({"bio": "fatigue\u{1b}[2J"}),
            "bio",
        ),
    ];
    for (method, path, body, field) in attempts {
        let response = app.call(method, &path, Some(&member), Some(body)).await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(crate::support::fields(&problem), [field], "{path}");
        assert_eq!(problem.errors.unwrap()[0].code, "control_character");
    }
    // Nothing stored: one group, no post, no bio.
    assert_eq!(committed_groups(&app), 1);
    let posts = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(&member),
            None,
        )
        .await;
    assert_eq!(posts["items"].as_array().unwrap().len(), 0);
    let me = app
        .ok_json(Method::GET, "/api/v1/members/me", Some(&member), None)
        .await;
    assert!(me["bio"].is_null(), "{me}");
    // Long texts keep newlines and tabs.
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(&member),
            Some(json!({"body": "Ligne 1\nLigne 2\twith a tab"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

/// A TCP proxy in front of PostgreSQL that the test can cut and restore: the database
/// "stops" for this test's server alone (other tests share the real one).
struct Outage {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    cut: tokio::sync::watch::Sender<u64>,
}

impl Outage {
    /// Runs on its own thread and runtime: the server under test connects synchronously
    /// from the test's single-threaded runtime, which must not be the one forwarding.
    fn start(target: &str) -> Self {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (cut, _) = tokio::sync::watch::channel(0_u64);
        let (target, flag, cuts) = (target.to_owned(), up.clone(), cut.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    let Ok((mut client, _)) = listener.accept().await else {
                        return;
                    };
                    if !flag.load(Ordering::SeqCst) {
                        drop(client); // refused while the database is "down"
                        continue;
                    }
                    let target = target.clone();
                    let mut cut = cuts.subscribe();
                    tokio::spawn(async move {
                        let Ok(mut server) = tokio::net::TcpStream::connect(&target).await else {
                            return;
                        };
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                            _ = cut.changed() => {} // the outage drops live connections too
                        }
                    });
                }
            });
        });
        Self { port, up, cut }
    }

    fn stop_database(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    fn restart_database(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// PostgreSQL goes away under load: requests and /readyz answer 503 problem+json within a
/// second, and the server recovers by itself when the database returns. (SQLite is a file in
/// the server's own process: there is no database to lose.)
#[actix_web::test]
async fn when_postgresql_goes_away_the_api_answers_503_at_once_and_recovers_by_itself() {
    let database = entraide_persistence::testing::TestDatabase::new();
    if !database.is_postgres() {
        eprintln!("PostgreSQL only: SQLite has no server to lose");
        return;
    }
    let url = database.url().to_owned();
    let authority = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|auth| auth.rsplit('@').next())
        .unwrap()
        .to_owned();
    let outage = Outage::start(&authority);
    let proxied = url.replacen(&authority, &format!("127.0.0.1:{}", outage.port), 1);
    let app = crate::support::spawn_app_on(database, &proxied).await;
    let member = app.member("Panne", "patient").await;
    let group = app
        .create_group(&member, "Avant la panne", "public", "everyone")
        .await;

    outage.stop_database();
    // Under load: the first requests meet connections that just died, the next ones a
    // database that refuses; every one is a 503 problem, quickly.
    let mut statuses = Vec::new();
    for round in 0..6 {
        let started = std::time::Instant::now();
        let posts_path = format!("/api/v1/groups/{}/posts", group.id);
        let bearer = member.bearer();
        let body = json!({"body": format!("Pendant la panne {round}")});
        let (ready, feed, post) = tokio::join!(
            app.get("/readyz", None),
            app.get(&posts_path, Some(&bearer)),
            app.call(Method::POST, &posts_path, Some(&member), Some(body)),
        );
        for response in [ready, feed, post] {
            statuses.push(response.status());
            if round > 0 {
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(2),
                    "answered in {:?}",
                    started.elapsed()
                );
                assert_problem(
                    response,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "service_unavailable",
                )
                .await;
            }
        }
    }
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::SERVICE_UNAVAILABLE),
        "{statuses:?}"
    );

    outage.restart_database();
    let mut recovered = false;
    for _ in 0..60 {
        if app.get("/readyz", None).await.status() == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(recovered, "ready again without a restart");
    // No dead connection is handed out after the return: every request succeeds.
    for i in 0..10 {
        let response = app
            .call(
                Method::POST,
                &format!("/api/v1/groups/{}/posts", group.id),
                Some(&member),
                Some(json!({"body": format!("Après la panne {i}")})),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "write {i} after the return"
        );
        let response = app
            .get(
                &format!("/api/v1/groups/{}/posts", group.id),
                Some(&member.bearer()),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "read {i} after the return"
        );
    }
    let posts = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/groups/{}/posts?limit=50", group.id),
            Some(&member),
            None,
        )
        .await;
    assert_eq!(
        posts["items"].as_array().unwrap().len(),
        10,
        "nothing from the outage was stored"
    );
}
