//! A member's kind opens reserved spaces: a change waits 7 days or a platform moderator's
//! approval, drops the member from the spaces the new kind may not enter, and is logged.

use chrono::{TimeDelta, Utc};
use entraide_domain::ids::MemberId;
use entraide_openapi::groups::Group;
use entraide_persistence::kind_changes;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Member, TestApp, assert_problem, spawn_app};

async fn set_kind(app: &TestApp, who: &Member, kind: &str) -> Value {
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me",
        Some(who),
        Some(json!({"kind": kind})),
    )
    .await
}

async fn me(app: &TestApp, who: &Member) -> Value {
    app.ok_json(Method::GET, "/api/v1/members/me", Some(who), None)
        .await
}

async fn group(app: &TestApp, group: &Group, who: Option<&Member>) -> Value {
    app.ok_json(
        Method::GET,
        &format!("/api/v1/groups/{}", group.id),
        who,
        None,
    )
    .await
}

fn log(app: &TestApp, who: &Member) -> Vec<kind_changes::KindChangeRecord> {
    let db = app.database();
    let mut conn = db.reader().unwrap();
    kind_changes::log(&mut conn, MemberId::from_uuid(who.id)).unwrap()
}

/// The reported defect: a caregiver declared themselves a patient, read the patients' space,
/// and switched back.
#[actix_web::test]
async fn a_kind_change_waits_its_cool_down() {
    let app = spawn_app().await;
    let patient = app.member("Patiente", "patient").await;
    let caregiver = app.member("Aidant", "caregiver").await;
    let space = app
        .create_group(&patient, "Entre patients", "public", "patients")
        .await;

    let answer = set_kind(&app, &caregiver, "patient").await;
    assert_eq!(answer["kind"], "caregiver", "not yet");
    assert_eq!(answer["pending_kind_change"]["kind"], "patient");
    let effective_at: chrono::DateTime<Utc> =
        serde_json::from_value(answer["pending_kind_change"]["effective_at"].clone()).unwrap();
    assert!(effective_at > Utc::now() + TimeDelta::days(6));
    // Still a caregiver for every space.
    assert_eq!(
        group(&app, &space, Some(&caregiver)).await["can_read"],
        false
    );
    let refused = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/join", space.id),
            Some(&caregiver),
            None,
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "audience_restricted").await;
    assert_eq!(me(&app, &caregiver).await["kind"], "caregiver");

    // Changing one's mind withdraws the waiting change.
    let back = set_kind(&app, &caregiver, "caregiver").await;
    assert_eq!(back["pending_kind_change"], Value::Null);

    // Asked again, and seven days pass: the change takes effect at the next request.
    set_kind(&app, &caregiver, "patient").await;
    {
        let db = app.database();
        let mut conn = db.writer().unwrap();
        kind_changes::set_effective_at(
            &mut conn,
            MemberId::from_uuid(caregiver.id),
            Utc::now() - TimeDelta::seconds(1),
        )
        .unwrap();
    }
    app.forget_sessions(&caregiver);
    let now = me(&app, &caregiver).await;
    assert_eq!(now["kind"], "patient");
    assert_eq!(now["pending_kind_change"], Value::Null);
    assert_eq!(
        group(&app, &space, Some(&caregiver)).await["can_read"],
        true
    );

    let entries = log(&app, &caregiver);
    let statuses: Vec<_> = entries.iter().map(|e| e.status.as_str()).collect();
    assert_eq!(statuses, ["cancelled", "applied"]);
    assert!(entries.iter().all(|e| e.approved_by.is_none()));
    assert!(entries[1].applied_at.is_some());
}

#[actix_web::test]
async fn moderators_approve_a_kind_change_and_the_member_leaves_closed_spaces() {
    let app = spawn_app().await;
    let admin = app.member("Administratrice", "professional").await;
    app.make_admin(&admin);
    let moderator = app.member("Veilleur", "professional").await;
    app.ok_json(
        Method::PUT,
        &format!("/api/v1/members/{}/role", moderator.id),
        Some(&admin),
        Some(json!({"role": "moderator"})),
    )
    .await;
    let owner = app.member("Fondatrice", "patient").await;
    let member = app.member("Camille", "patient").await;
    let space = app
        .create_group(&owner, "Patients SEP", "private", "patients")
        .await;
    let open = app
        .create_group(&owner, "Tout le monde", "public", "everyone")
        .await;
    app.call(
        Method::POST,
        &format!("/api/v1/groups/{}/invitations", space.id),
        Some(&owner),
        Some(json!({"member_id": member.id})),
    )
    .await;
    for g in [&space, &open] {
        app.ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/join", g.id),
            Some(&member),
            None,
        )
        .await;
    }
    assert_eq!(group(&app, &space, None).await["member_count"], 2);

    set_kind(&app, &member, "caregiver").await;
    let approve = format!("/api/v1/members/{}/kind-change/approve", member.id);
    // Not a plain member, not oneself.
    let refused = app.call(Method::POST, &approve, Some(&owner), None).await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    set_kind(&app, &moderator, "caregiver").await;
    let own = app
        .call(
            Method::POST,
            &format!("/api/v1/members/{}/kind-change/approve", moderator.id),
            Some(&moderator),
            None,
        )
        .await;
    assert_problem(own, StatusCode::FORBIDDEN, "self_grant").await;
    assert_eq!(me(&app, &moderator).await["kind"], "professional");

    let approved = app
        .ok_json(Method::POST, &approve, Some(&moderator), None)
        .await;
    assert_eq!(approved["from"], "patient");
    assert_eq!(approved["kind"], "caregiver");
    assert_eq!(approved["approved_by"], moderator.id.to_string());
    // In effect at once: out of the patients' space (and its count), still in the open one.
    assert_eq!(me(&app, &member).await["kind"], "caregiver");
    let closed = group(&app, &space, Some(&member)).await;
    assert_eq!(closed["can_read"], false);
    assert_eq!(closed["member_count"], 1);
    assert_eq!(
        group(&app, &open, Some(&member)).await["membership"]["status"],
        "active"
    );
    let entries = log(&app, &member);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].status, "applied");
    assert_eq!(
        entries[0].approved_by,
        Some(MemberId::from_uuid(moderator.id))
    );
    // Nothing left to approve.
    let again = app
        .call(Method::POST, &approve, Some(&moderator), None)
        .await;
    assert_problem(again, StatusCode::NOT_FOUND, "not_found").await;
}
