//! The condition catalogue: seeded, paginated by cursor, filtered, extended by admins only.

use entraide_api::admin::{AdminOutcome, create_admin};
use entraide_api::configuration::Settings;
use entraide_domain::member::MemberKind;
use entraide_openapi::conditions::Condition;
use entraide_openapi::pagination::Page;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{JWT_SECRET, Member, TestApp, assert_problem, fields, spawn_app};

async fn page(app: &TestApp, query: &str) -> Page<Condition> {
    let response = app.get(&format!("/api/v1/conditions{query}"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[actix_web::test]
async fn the_seeded_catalogue_pages_by_cursor() {
    let app = spawn_app().await;
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("?limit=10&cursor={c}"),
            None => "?limit=10".to_owned(),
        };
        let page = page(&app, &query).await;
        assert!(page.items.len() <= 10);
        names.extend(page.items.into_iter().map(|c| c.name));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert!(names.len() >= 30);
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    sorted.dedup();
    assert_eq!(names, sorted, "name order, no repeats");
    for expected in [
        "Breast cancer",
        "Lung cancer",
        "Type 2 diabetes",
        "Multiple sclerosis",
        "Crohn's disease",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected}");
    }

    let ms = page(&app, "?q=SCLEROSIS").await;
    let ms_names: Vec<_> = ms.items.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        ms_names,
        ["Amyotrophic lateral sclerosis", "Multiple sclerosis"]
    );
    assert_eq!(ms.items[1].orpha_code.as_deref(), Some("802"));
    assert_eq!(ms.items[1].icd10_code.as_deref(), Some("G35"));
    assert!(ms.next_cursor.is_none());
}

#[actix_web::test]
async fn bad_paging_is_refused() {
    let app = spawn_app().await;
    for query in [
        "?cursor=bm90LWEtY3Vyc29y",
        "?cursor=%%%",
        "?cursor=eyJuIjoxfQ",
    ] {
        let response = app.get(&format!("/api/v1/conditions{query}"), None).await;
        assert_problem(response, StatusCode::BAD_REQUEST, "invalid_cursor").await;
    }
    for query in ["?limit=0", "?limit=101"] {
        let response = app.get(&format!("/api/v1/conditions{query}"), None).await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), ["limit"]);
    }
    let response = app.get("/api/v1/conditions?limit=many", None).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "invalid_query").await;
    let long = "a".repeat(101);
    let response = app.get(&format!("/api/v1/conditions?q={long}"), None).await;
    assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

async fn create(app: &TestApp, member: &Member, body: serde_json::Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/conditions"))
        .header("Authorization", member.bearer())
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn only_admins_add_conditions() {
    let app = spawn_app().await;
    let member = app.member("Chloe", "professional").await;
    let body = json!({"name": "Fabry disease", "orpha_code": "ORPHA:324", "icd10_code": "e75.2"});
    let refused = create(&app, &member, body.clone()).await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(page(&app, "?q=fabry").await.items.is_empty());

    // `entraide create-admin` promotes the existing account.
    let settings = Settings::with_database(app.database.url(), JWT_SECRET);
    let outcome = create_admin(
        &settings,
        &member.email,
        None,
        MemberKind::Professional,
        None,
    )
    .unwrap();
    assert_eq!(outcome, AdminOutcome::Promoted(member.id.into()));
    // The command writes from another process: the server hears of it by the database's
    // notification (PostgreSQL) or after the session cache's maximum age (SQLite); told here.
    app.forget_sessions(&member);

    let created = create(&app, &member, body.clone()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let condition: Condition = created.json().await.unwrap();
    assert_eq!(condition.orpha_code.as_deref(), Some("324"));
    assert_eq!(condition.icd10_code.as_deref(), Some("E75.2"));
    assert_eq!(page(&app, "?q=fabry").await.items, vec![condition]);

    let duplicate = create(&app, &member, json!({"name": "FABRY DISEASE"})).await;
    assert_problem(duplicate, StatusCode::CONFLICT, "name_taken").await;
    let invalid = create(&app, &member, json!({"name": "x", "icd10_code": "nope"})).await;
    let problem = assert_problem(
        invalid,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["name", "icd10_code"]);
}

#[actix_web::test]
async fn create_admin_creates_an_account_when_the_email_is_new() {
    let app = spawn_app().await;
    let settings = Settings::with_database(app.database.url(), JWT_SECRET);
    let missing = create_admin(
        &settings,
        "root@example.org",
        None,
        MemberKind::Professional,
        None,
    );
    assert!(
        missing.is_err(),
        "a new account needs a pseudonym and password"
    );
    let weak = create_admin(
        &settings,
        "root@example.org",
        Some("Root Admin"),
        MemberKind::Professional,
        Some("password"),
    );
    assert!(weak.is_err());
    assert_eq!(app.member_count(), 0);
    let created = create_admin(
        &settings,
        "root@example.org",
        Some("Root Admin"),
        MemberKind::Professional,
        Some(crate::support::PASSWORD),
    )
    .unwrap();
    assert!(matches!(created, AdminOutcome::Created(_)));
    let login = app
        .login("root@example.org", crate::support::PASSWORD)
        .await;
    assert_eq!(login.status(), StatusCode::OK);
}
