//! Profiles: what the owner, another member and an anonymous visitor each see, and updates.

use entraide_openapi::conditions::Condition;
use entraide_openapi::members::{MemberProfile, MyProfile};
use entraide_openapi::pagination::Page;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

async fn patch_me(app: &TestApp, member: &Member, body: &Value) -> reqwest::Response {
    app.client
        .patch(app.url("/api/v1/members/me"))
        .header("Authorization", member.bearer())
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn some_conditions(app: &TestApp) -> Vec<Condition> {
    let page: Page<Condition> = app
        .get("/api/v1/conditions?limit=3", None)
        .await
        .json()
        .await
        .unwrap();
    page.items
}

#[actix_web::test]
async fn each_reader_sees_only_what_the_owner_allows() {
    let app = spawn_app().await;
    let owner = app.member("Sophie", "patient").await;
    let other = app.member("Karim", "caregiver").await;
    let condition = some_conditions(&app).await[0].id;
    let response = patch_me(
        &app,
        &owner,
        &json!({
            "bio": "Vit avec une SEP depuis 2015",
            "avatar_url": "https://img.example.org/s.png",
            "location": {"city": "Rennes", "region": "Bretagne", "country": "fr"},
            "language": "fr",
            "condition_ids": [condition],
            "visibility": {"bio": "public", "avatar_url": "public", "location": "members",
                           "language": "members", "conditions": "private"}
        }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);

    let path = format!("/api/v1/members/{}", owner.id);
    let anonymous: Value = app.get(&path, None).await.json().await.unwrap();
    let member: Value = app
        .get(&path, Some(&other.bearer()))
        .await
        .json()
        .await
        .unwrap();
    let own: Value = app
        .get(&path, Some(&owner.bearer()))
        .await
        .json()
        .await
        .unwrap();

    for view in [&anonymous, &member, &own] {
        assert_eq!(view["pseudonym"], "Sophie");
        assert_eq!(view["kind"], "patient");
        assert_eq!(view["bio"], "Vit avec une SEP depuis 2015");
        assert!(view.get("email").is_none(), "e-mail is never shown: {view}");
        let text = view.to_string();
        assert!(!text.contains("sophie@example.org"));
    }
    assert!(anonymous.get("location").is_none());
    assert!(anonymous.get("language").is_none());
    assert_eq!(member["location"]["city"], "Rennes");
    assert_eq!(member["location"]["country"], "FR");
    assert_eq!(member["language"], "fr");
    assert!(anonymous.get("condition_ids").is_none());
    assert!(
        member.get("condition_ids").is_none(),
        "conditions are private"
    );
    assert_eq!(own["condition_ids"], json!([condition]));

    // The owner's own endpoint has everything, settings included.
    let me: MyProfile = app
        .get("/api/v1/members/me", Some(&owner.bearer()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.email, owner.email);
    assert_eq!(me.condition_ids, vec![condition]);

    // Decoded with the published types too.
    let typed: MemberProfile = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(typed.id, owner.id);
}

#[actix_web::test]
async fn null_clears_absent_keeps_and_kind_can_change() {
    let app = spawn_app().await;
    let member = app.member("Julie", "patient").await;
    patch_me(
        &app,
        &member,
        &json!({"bio": "Bonjour", "language": "fr-fr"}),
    )
    .await;
    let response = patch_me(&app, &member, &json!({"bio": null, "kind": "caregiver"})).await;
    let me: MyProfile = response.json().await.unwrap();
    assert_eq!(me.bio, None);
    assert_eq!(me.language.as_deref(), Some("fr-FR"));
    // A new kind waits its cool-down (see kind_changes.rs).
    assert_eq!(serde_json::to_value(me.kind).unwrap(), "patient");
    let pending = me.pending_kind_change.unwrap();
    assert_eq!(serde_json::to_value(pending.kind).unwrap(), "caregiver");
}

#[actix_web::test]
async fn invalid_updates_change_nothing() {
    let app = spawn_app().await;
    let member = app.member("Leo", "patient").await;
    let taken = app.member("Taken", "patient").await;
    patch_me(&app, &member, &json!({"bio": "Avant"})).await;

    let cases = [
        (
            json!({"bio": "Après", "avatar_url": "javascript:alert(1)"}),
            vec!["avatar_url"],
        ),
        (
            json!({"bio": "Après", "location": {"country": "France"}, "language": "french"}),
            vec!["location.country", "language"],
        ),
        (json!({"bio": "x".repeat(2001)}), vec!["bio"]),
        (
            json!({"bio": "Après", "pseudonym": "ab"}),
            vec!["pseudonym"],
        ),
        (
            json!({"bio": "Après", "condition_ids": [uuid::Uuid::now_v7()]}),
            vec!["condition_ids"],
        ),
    ];
    for (body, expected) in cases {
        let response = patch_me(&app, &member, &body).await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), expected, "{body}");
    }
    for body in [
        json!({"bio": "Après", "visibility": {"bio": "everyone"}}),
        json!({"bio": "Après", "email": "new@example.org"}),
        json!({"bio": 12}),
    ] {
        let response = patch_me(&app, &member, &body).await;
        assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
    let conflict = patch_me(
        &app,
        &member,
        &json!({"bio": "Après", "pseudonym": "TAKEN"}),
    )
    .await;
    assert_problem(conflict, StatusCode::CONFLICT, "pseudonym_taken").await;

    let me: MyProfile = app
        .get("/api/v1/members/me", Some(&member.bearer()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.bio.as_deref(), Some("Avant"), "nothing was stored");
    assert_eq!(me.pseudonym, "Leo");
    assert!(me.condition_ids.is_empty());
    let _ = taken;
}

#[actix_web::test]
async fn unknown_and_malformed_member_ids() {
    let app = spawn_app().await;
    let missing = app
        .get(&format!("/api/v1/members/{}", uuid::Uuid::now_v7()), None)
        .await;
    assert_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
    for path in ["/api/v1/members/not-a-uuid", "/api/v1/members/%FF%FE"] {
        let response = app.get(path, None).await;
        assert_problem(response, StatusCode::BAD_REQUEST, "invalid_path").await;
    }
    let me = app.get("/api/v1/members/me", None).await;
    let www = me.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(www.starts_with("Bearer"));
    assert_problem(me, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn admins_give_platform_roles() {
    use entraide_api::admin::create_admin;
    use entraide_api::configuration::Settings;
    use entraide_domain::member::MemberKind;

    let app = spawn_app().await;
    let admin = app.member("Admina", "professional").await;
    let member = app.member("Modeste", "patient").await;
    let put_role = |actor: &Member, target: uuid::Uuid, role: &str| {
        app.client
            .put(app.url(&format!("/api/v1/members/{target}/role")))
            .header("Authorization", actor.bearer())
            .json(&json!({"role": role}))
            .send()
    };

    let refused = put_role(&member, member.id, "admin").await.unwrap();
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;

    let settings = Settings::with_database(app.database.url(), crate::support::JWT_SECRET);
    create_admin(
        &settings,
        &admin.email,
        None,
        MemberKind::Professional,
        None,
    )
    .unwrap();
    // The command writes from another process: the server hears of it by the database's
    // notification (PostgreSQL) or after the session cache's maximum age (SQLite); told here.
    app.forget_sessions(&admin);

    let response = put_role(&admin, member.id, "moderator").await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let me: MyProfile = app
        .get("/api/v1/members/me", Some(&member.bearer()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(me.role).unwrap(), "moderator");

    let own = put_role(&admin, admin.id, "member").await.unwrap();
    assert_problem(own, StatusCode::FORBIDDEN, "self_grant").await;
    let unknown = put_role(&admin, uuid::Uuid::now_v7(), "moderator")
        .await
        .unwrap();
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    let bad = put_role(&admin, member.id, "root").await.unwrap();
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[actix_web::test]
async fn only_platform_admins_grant_the_researcher_right() {
    use entraide_api::admin::create_admin;
    use entraide_api::configuration::Settings;
    use entraide_domain::member::MemberKind;

    let app = spawn_app().await;
    let admin = app.member("Admina", "professional").await;
    let member = app.member("Chercheuse", "professional").await;
    let send = |method: reqwest::Method, actor: &Member, target: uuid::Uuid| {
        app.client
            .request(
                method,
                app.url(&format!("/api/v1/members/{target}/researcher")),
            )
            .header("Authorization", actor.bearer())
            .send()
    };
    use reqwest::Method;

    // Not on oneself, not by a member, not anonymously.
    let own = send(Method::PUT, &member, member.id).await.unwrap();
    assert_problem(own, StatusCode::FORBIDDEN, "forbidden").await;
    let by_member = send(Method::PUT, &member, admin.id).await.unwrap();
    assert_problem(by_member, StatusCode::FORBIDDEN, "forbidden").await;
    let anonymous = app
        .client
        .put(app.url(&format!("/api/v1/members/{}/researcher", member.id)))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    let settings = Settings::with_database(app.database.url(), crate::support::JWT_SECRET);
    create_admin(
        &settings,
        &admin.email,
        None,
        MemberKind::Professional,
        None,
    )
    .unwrap();
    // The command writes from another process: the server hears of it by the database's
    // notification (PostgreSQL) or after the session cache's maximum age (SQLite); told here.
    app.forget_sessions(&admin);

    let own = send(Method::PUT, &admin, admin.id).await.unwrap();
    assert_problem(own, StatusCode::FORBIDDEN, "self_grant").await;
    let unknown = send(Method::PUT, &admin, uuid::Uuid::now_v7())
        .await
        .unwrap();
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    // Nothing to withdraw yet.
    let none = send(Method::DELETE, &admin, member.id).await.unwrap();
    assert_problem(none, StatusCode::NOT_FOUND, "not_found").await;

    for _ in 0..2 {
        let granted = send(Method::PUT, &admin, member.id).await.unwrap();
        assert_eq!(granted.status(), StatusCode::NO_CONTENT);
    }
    // A researcher cannot withdraw the right, not even their own.
    let by_researcher = send(Method::DELETE, &member, member.id).await.unwrap();
    assert_problem(by_researcher, StatusCode::FORBIDDEN, "forbidden").await;
    let withdrawn = send(Method::DELETE, &admin, member.id).await.unwrap();
    assert_eq!(withdrawn.status(), StatusCode::NO_CONTENT);
    let again = send(Method::DELETE, &admin, member.id).await.unwrap();
    assert_problem(again, StatusCode::NOT_FOUND, "not_found").await;
}
