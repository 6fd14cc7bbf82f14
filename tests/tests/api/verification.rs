//! Verified statuses: members ask for a badge with a document reference, platform admins (or a
//! verified association for its own members) decide; the badge shows on profiles, posts and
//! comments, hides after a kind change, and committees may require it of their reviewers.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::associations::verified_association;
use crate::resources::{fact_sheet, library};
use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

const MINE: &str = "/api/v1/members/me/verification-requests";

async fn ask(app: &TestApp, who: &Member, body: Value) -> reqwest::Response {
    app.call(Method::POST, MINE, Some(who), Some(body)).await
}

async fn ask_ok(app: &TestApp, who: &Member, badge: &str) -> String {
    let response = ask(
        app,
        who,
        json!({"badge": badge, "document_reference": "RPPS 10001234567"}),
    )
    .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "pending");
    assert_eq!(body["badge"], badge);
    assert_eq!(body["member"]["id"], who.id.to_string());
    body["id"].as_str().unwrap().to_owned()
}

async fn decide(
    app: &TestApp,
    who: &Member,
    request: &str,
    verb: &str,
    body: Value,
) -> reqwest::Response {
    app.call(
        Method::POST,
        &format!("/api/v1/verification-requests/{request}/{verb}"),
        Some(who),
        Some(body),
    )
    .await
}

async fn profile(app: &TestApp, who: &Member) -> Value {
    app.ok_json(
        Method::GET,
        &format!("/api/v1/members/{}", who.id),
        None,
        None,
    )
    .await
}

fn requests(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM verification_requests")
}

fn badges(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM member_badges")
}

fn queue_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_badge_is_asked_for_approved_and_shown_on_profile_posts_and_comments() {
    let app = spawn_app().await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let doctor = app.member("Docteure", "professional").await;
    let patient = app.member("Patiente", "patient").await;

    let request = ask_ok(&app, &doctor, "professional").await;
    let own = app.ok_json(Method::GET, MINE, Some(&doctor), None).await;
    assert_eq!(queue_ids(&own), vec![request.clone()]);
    assert_eq!(own["items"][0]["document_reference"], "RPPS 10001234567");
    let queue = app
        .ok_json(
            Method::GET,
            "/api/v1/verification-requests?status=pending",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(queue_ids(&queue), vec![request.clone()]);
    assert_eq!(profile(&app, &doctor).await["verified"], Value::Null);

    let approved = decide(
        &app,
        &admin,
        &request,
        "approve",
        json!({"note": "RPPS vérifié"}),
    )
    .await;
    assert_eq!(approved.status(), StatusCode::OK);
    let approved: Value = approved.json().await.unwrap();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["note"], "RPPS vérifié");
    assert_eq!(approved["member"]["verified"], "professional");
    assert_eq!(badges(&app), 1);
    let none_pending = app
        .ok_json(
            Method::GET,
            "/api/v1/verification-requests?status=pending",
            Some(&admin),
            None,
        )
        .await;
    assert!(queue_ids(&none_pending).is_empty());

    // Logged in the administration audit log.
    let audit = app
        .ok_json(Method::GET, "/api/v1/admin/audit", Some(&admin), None)
        .await;
    assert_eq!(audit["items"][0]["action"], "verification_approved");
    assert_eq!(audit["items"][0]["member"]["id"], doctor.id.to_string());

    // Profile (public and own), post author, comment author.
    assert_eq!(profile(&app, &doctor).await["verified"], "professional");
    let me = app
        .ok_json(Method::GET, "/api/v1/members/me", Some(&doctor), None)
        .await;
    assert_eq!(me["verified"], "professional");
    let group = app
        .create_group(&patient, "Entraide SEP", "public", "everyone")
        .await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/join", group.id),
        Some(&doctor),
        None,
    )
    .await;
    let post = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(&patient),
            Some(json!({"body": "Bonjour à toutes et à tous"})),
        )
        .await;
    assert_eq!(post["author"]["verified"], Value::Null);
    let post_id = post["id"].as_str().unwrap();
    let comment = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/posts/{post_id}/comments"),
            Some(&doctor),
            Some(json!({"body": "Bienvenue !"})),
        )
        .await;
    assert_eq!(comment["author"]["verified"], "professional");
    let doctor_post = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(&doctor),
            Some(json!({"body": "Une question sur la fatigue ?"})),
        )
        .await;
    assert_eq!(doctor_post["author"]["verified"], "professional");
    let feed = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(&patient),
            None,
        )
        .await;
    let authors: Vec<(String, Value)> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["author"]["pseudonym"].as_str().unwrap().to_owned(),
                p["author"]["verified"].clone(),
            )
        })
        .collect();
    assert!(authors.contains(&("Docteure".to_owned(), json!("professional"))));
    assert!(authors.contains(&("Patiente".to_owned(), Value::Null)));
    let comments = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/posts/{post_id}/comments"),
            Some(&patient),
            None,
        )
        .await;
    assert_eq!(comments["items"][0]["author"]["verified"], "professional");

    // A decided request stays decided.
    assert_problem(
        decide(&app, &admin, &request, "refuse", json!({"note": "Non"})).await,
        StatusCode::CONFLICT,
        "verification_closed",
    )
    .await;

    // The member's export carries the badge and the request; erasure deletes them.
    let export = app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/export",
            Some(&doctor),
            None,
        )
        .await;
    assert_eq!(export["verification"]["badge"], "professional");
    assert_eq!(
        export["verification"]["requests"][0]["document_reference"],
        "RPPS 10001234567"
    );
    let erased = app
        .call(
            Method::DELETE,
            "/api/v1/members/me",
            Some(&doctor),
            Some(json!({"password": crate::support::PASSWORD, "content": "delete"})),
        )
        .await;
    assert!(erased.status().is_success(), "{}", erased.status());
    assert_eq!(requests(&app), 0);
    assert_eq!(badges(&app), 0);
}

#[actix_web::test]
async fn a_refusal_says_why_and_the_member_may_ask_again() {
    let app = spawn_app().await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let patient = app.member("Patiente", "caregiver").await;
    let request = ask_ok(&app, &patient, "patient_expert").await;

    let silent = decide(&app, &admin, &request, "refuse", json!({})).await;
    let problem = assert_problem(
        silent,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), vec!["note"]);
    let refused = decide(
        &app,
        &admin,
        &request,
        "refuse",
        json!({"note": "Attestation illisible"}),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::OK);
    assert_eq!(badges(&app), 0);
    assert_eq!(profile(&app, &patient).await["verified"], Value::Null);
    let own = app.ok_json(Method::GET, MINE, Some(&patient), None).await;
    assert_eq!(own["items"][0]["status"], "refused");
    assert_eq!(own["items"][0]["note"], "Attestation illisible");
    let audit = app
        .ok_json(Method::GET, "/api/v1/admin/audit", Some(&admin), None)
        .await;
    assert_eq!(audit["items"][0]["action"], "verification_refused");

    let again = ask_ok(&app, &patient, "patient_expert").await;
    let own = app.ok_json(Method::GET, MINE, Some(&patient), None).await;
    assert_eq!(queue_ids(&own), vec![again, request], "newest first");
}

#[actix_web::test]
async fn asking_is_refused_when_the_rules_say_no_and_nothing_is_stored() {
    let app = spawn_app().await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let patient = app.member("Patiente", "patient").await;
    let doctor = app.member("Docteur", "professional").await;

    assert_problem(
        ask(
            &app,
            &patient,
            json!({"badge": "professional", "document_reference": "RPPS 10001234567"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "badge_not_for_kind",
    )
    .await;
    assert_eq!(requests(&app), 0);

    // Malformed bodies: 422 naming the field, nothing stored.
    for (body, field) in [
        (json!({"document_reference": "RPPS 1000"}), "badge"),
        (
            json!({"badge": "doctor", "document_reference": "RPPS 1000"}),
            "badge",
        ),
        (
            json!({"badge": "patient_expert", "document_reference": "ab"}),
            "document_reference",
        ),
        (
            json!({"badge": "patient_expert", "document_reference": "x".repeat(201)}),
            "document_reference",
        ),
        (
            json!({"badge": "patient_expert", "document_reference": 12}),
            "document_reference",
        ),
        (
            json!({"badge": "patient_expert", "document_reference": "RPPS 1000", "association_id": "nope"}),
            "association_id",
        ),
    ] {
        let response = ask(&app, &patient, body.clone()).await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(
            fields(&problem).iter().any(|f| f.starts_with(field)),
            "{body}: {:?}",
            fields(&problem)
        );
    }
    assert_eq!(requests(&app), 0);

    // One pending request at a time.
    let first = ask_ok(&app, &doctor, "professional").await;
    assert_problem(
        ask(
            &app,
            &doctor,
            json!({"badge": "professional", "document_reference": "ADELI 123456789"}),
        )
        .await,
        StatusCode::CONFLICT,
        "verification_pending",
    )
    .await;
    assert_eq!(requests(&app), 1);
    decide(&app, &admin, &first, "approve", json!({})).await;
    assert_problem(
        ask(
            &app,
            &doctor,
            json!({"badge": "professional", "document_reference": "ADELI 123456789"}),
        )
        .await,
        StatusCode::CONFLICT,
        "already_verified",
    )
    .await;

    // An association vouches only when verified and for its active members.
    let verified = verified_association(&app, &admin, "Association SEP").await;
    let vouch = |id: &str| json!({"badge": "patient_expert", "document_reference": "DU ETP 2025", "association_id": id});
    assert_problem(
        ask(&app, &patient, vouch(verified["id"].as_str().unwrap())).await,
        StatusCode::FORBIDDEN,
        "association_cannot_vouch",
    )
    .await;
    let pending = app
        .ok_json(
            Method::POST,
            "/api/v1/associations",
            Some(&patient),
            Some(json!({"name": "Association en attente", "open_membership": true})),
        )
        .await;
    assert_problem(
        ask(&app, &patient, vouch(pending["id"].as_str().unwrap())).await,
        StatusCode::FORBIDDEN,
        "association_cannot_vouch",
    )
    .await;
    let unknown = ask(&app, &patient, vouch(&uuid::Uuid::now_v7().to_string())).await;
    let problem = assert_problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), vec!["association_id"]);
    assert_eq!(requests(&app), 1);
}

#[actix_web::test]
async fn who_reads_the_queue_and_who_decides() {
    let app = spawn_app().await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let chair = app.member("Presidente", "patient").await;
    let association = verified_association(&app, &chair, "Association Lupus").await;
    let association_id = association["id"].as_str().unwrap().to_owned();
    let member = app.member("Adherente", "patient").await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/associations/{association_id}/join"),
        Some(&member),
        None,
    )
    .await;
    let outsider = app.member("Autre", "caregiver").await;

    let vouched = ask(
        &app,
        &member,
        json!({"badge": "patient_expert", "document_reference": "DU ETP 2025", "association_id": association_id}),
    )
    .await;
    assert_eq!(vouched.status(), StatusCode::CREATED);
    let vouched: Value = vouched.json().await.unwrap();
    let vouched = vouched["id"].as_str().unwrap().to_owned();
    let platform = ask_ok(&app, &outsider, "patient_expert").await;

    // A member who administers nothing may not read the queue.
    assert_problem(
        app.call(
            Method::GET,
            "/api/v1/verification-requests",
            Some(&outsider),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        app.call(Method::GET, "/api/v1/verification-requests", None, None)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    // The association's admin sees only what was addressed to it.
    let theirs = app
        .ok_json(
            Method::GET,
            "/api/v1/verification-requests",
            Some(&chair),
            None,
        )
        .await;
    assert_eq!(queue_ids(&theirs), vec![vouched.clone()]);
    let all = app
        .ok_json(
            Method::GET,
            "/api/v1/verification-requests",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(queue_ids(&all), vec![vouched.clone(), platform.clone()]);
    // A forged cursor far outside the supported dates is a 400, never a database error.
    let forged = "eyJpIjoiMDFhMjQ5NzEtZmMxNC03NDk3LWE5Y2MtNGE4ZDQ0ODFiODkzIiwidCI6Ii0yNjIxNDMtMDEtMTBUMDA6MDA6MDBaIn0";
    for path in [MINE, "/api/v1/verification-requests"] {
        assert_problem(
            app.call(
                Method::GET,
                &format!("{path}?cursor={forged}"),
                Some(&admin),
                None,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
        )
        .await;
    }
    // ... and cannot decide the others: as if they did not exist.
    assert_problem(
        decide(&app, &chair, &platform, "approve", json!({})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        decide(&app, &outsider, &vouched, "approve", json!({})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(badges(&app), 0);
    let approved = decide(&app, &chair, &vouched, "approve", json!({})).await;
    assert_eq!(approved.status(), StatusCode::OK);
    assert_eq!(profile(&app, &member).await["verified"], "patient_expert");

    // Nobody decides their own request, platform admins included.
    let own = ask_ok(&app, &admin, "professional").await;
    assert_problem(
        decide(&app, &admin, &own, "approve", json!({})).await,
        StatusCode::FORBIDDEN,
        "self_verification",
    )
    .await;
    assert_eq!(badges(&app), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM verification_requests WHERE status = 'pending'"),
        2
    );
}

#[actix_web::test]
async fn a_kind_change_hides_a_badge_granted_for_the_old_kind() {
    let app = spawn_app().await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let caregiver = app.member("Aidante", "caregiver").await;
    let request = ask_ok(&app, &caregiver, "patient_expert").await;
    decide(&app, &admin, &request, "approve", json!({})).await;
    assert_eq!(
        profile(&app, &caregiver).await["verified"],
        "patient_expert"
    );

    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me",
        Some(&caregiver),
        Some(json!({"kind": "professional"})),
    )
    .await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/members/{}/kind-change/approve", caregiver.id),
        Some(&admin),
        None,
    )
    .await;
    let shown = profile(&app, &caregiver).await;
    assert_eq!(shown["kind"], "professional");
    assert_eq!(shown["verified"], Value::Null);
    assert_eq!(badges(&app), 1, "kept, but not shown");
}

#[actix_web::test]
async fn a_committee_requiring_verified_reviewers_and_the_interests_of_those_who_voted() {
    let l = library(1).await;
    let app = &l.app;
    let committee = app
        .ok_json(
            Method::POST,
            "/api/v1/committees",
            Some(&l.admin),
            Some(json!({"name": "Comité vérifié", "requires_verified_reviewers": true})),
        )
        .await;
    assert_eq!(committee["requires_verified_reviewers"], true);
    let committee = committee["id"].as_str().unwrap().to_owned();
    for (who, interests) in [
        (
            &l.physician,
            json!("Consultant pour le laboratoire X (2025)"),
        ),
        (&l.nurse, Value::Null),
    ] {
        app.ok_json(
            Method::POST,
            &format!("/api/v1/committees/{committee}/members"),
            Some(&l.admin),
            Some(json!({"member_id": who.id, "expertise": "physician", "declared_interests": interests})),
        )
        .await;
    }
    let too_long = app
        .call(
            Method::POST,
            &format!("/api/v1/committees/{committee}/members"),
            Some(&l.admin),
            Some(json!({"member_id": l.reader.id, "expertise": "patient_expert", "declared_interests": "x".repeat(1001)})),
        )
        .await;
    let problem = assert_problem(
        too_long,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), vec!["declared_interests"]);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM committee_members WHERE member_id = '{}'",
            l.reader.id
        )),
        0
    );

    let request = ask_ok(app, &l.physician, "professional").await;
    decide(app, &l.admin, &request, "approve", json!({})).await;

    let resource = l.create(fact_sheet(&committee, "Fatigue et SEP")).await;
    assert_eq!(
        l.submit(&resource, &l.editor).await.status(),
        StatusCode::OK
    );
    assert_problem(
        l.review(&resource, &l.nurse, json!({"decision": "validate"}))
            .await,
        StatusCode::FORBIDDEN,
        "verification_required",
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM resource_reviews"), 0);
    let validated = l
        .review(&resource, &l.physician, json!({"decision": "validate"}))
        .await;
    assert_eq!(validated.status(), StatusCode::OK);
    let read = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/resources/{}", resource["id"].as_str().unwrap()),
            Some(&l.reader),
            None,
        )
        .await;
    let reviewers = read["validation"]["reviewers"].as_array().unwrap();
    assert_eq!(reviewers.len(), 1);
    assert_eq!(reviewers[0]["member"]["pseudonym"], "Neurologue");
    assert_eq!(reviewers[0]["member"]["verified"], "professional");
    assert_eq!(
        reviewers[0]["declared_interests"],
        "Consultant pour le laboratoire X (2025)"
    );

    // A committee that does not require it takes an unverified reviewer's vote.
    let open = l.create(fact_sheet(&l.committee, "Sommeil et SEP")).await;
    assert_eq!(l.submit(&open, &l.editor).await.status(), StatusCode::OK);
    assert_eq!(
        l.review(&open, &l.nurse, json!({"decision": "validate"}))
            .await
            .status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_platform_admin_withdraws_a_badge_and_the_audit_log_says_so() {
    let app = spawn_app().await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let doctor = app.member("Docteure", "professional").await;
    let colleague = app.member("Collegue", "professional").await;
    let request = ask_ok(&app, &doctor, "professional").await;
    let approved = decide(&app, &admin, &request, "approve", json!({})).await;
    assert_eq!(approved.status(), StatusCode::OK);
    assert_eq!(profile(&app, &doctor).await["verified"], "professional");
    let badge = format!("/api/v1/members/{}/badge", doctor.id);

    // Nobody but a platform admin withdraws it, the holder included.
    for who in [&doctor, &colleague] {
        let refused = app.call(Method::DELETE, &badge, Some(who), None).await;
        assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    }
    assert_eq!(
        app.call(Method::DELETE, &badge, None, None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(badges(&app), 1);

    let withdrawn = app.call(Method::DELETE, &badge, Some(&admin), None).await;
    assert_eq!(withdrawn.status(), StatusCode::NO_CONTENT);
    assert_eq!(badges(&app), 0);
    assert_eq!(profile(&app, &doctor).await["verified"], Value::Null);
    // Again: nothing to withdraw.
    let again = app.call(Method::DELETE, &badge, Some(&admin), None).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    // Logged, with the badge withdrawn.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM admin_audit WHERE action = 'badge_revoked' \
             AND detail = 'professional'"
        ),
        1
    );
    // The member may ask again.
    ask_ok(&app, &doctor, "professional").await;
}
