//! The member's data export (`GET /members/me/export`): every section holds what the member
//! did, and nothing another member chose about them.

use entraide_openapi::export::MemberExport;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Member, PASSWORD, TestApp, assert_problem, spawn_app};

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn ok(app: &TestApp, method: Method, path: &str, who: &Member, body: Option<Value>) -> Value {
    app.ok_json(method, path, Some(who), body).await
}

/// An open study for patients with one questionnaire, run by a researcher an admin appointed;
/// returns (study, questionnaire).
async fn study(app: &TestApp) -> (String, String) {
    let admin = app.member("Admina Export", "professional").await;
    app.make_admin(&admin);
    let researcher = app.member("Chercheuse Export", "professional").await;
    let path = format!("/api/v1/members/{}/researcher", researcher.id);
    ok(app, Method::PUT, &path, &admin, None).await;
    let study = ok(
        app,
        Method::POST,
        "/api/v1/studies",
        &researcher,
        Some(
            json!({"title": "Fatigue", "sponsor": "AP-HP", "ethics_reference": "CPP 1",
            "eligibility": {"kinds": ["patient"]},
            "consent_text": {"body": "J'accepte que mes réponses servent à l'étude.",
                "shares_free_text": false}}),
        ),
    )
    .await;
    let study = id(&study);
    let opens_at = (chrono::Utc::now() - chrono::TimeDelta::days(1)).to_rfc3339();
    let questionnaire = ok(
        app,
        Method::POST,
        &format!("/api/v1/studies/{study}/questionnaires"),
        &researcher,
        Some(json!({"title": "Suivi", "schedule": {"opens_at": opens_at,
            "recurrence": "once", "window_days": 30},
            "items": [{"link_id": "pain", "text": "Douleur", "type": "scale",
                "required": true, "min": 0, "max": 10}]})),
    )
    .await;
    let path = format!("/api/v1/studies/{study}");
    ok(
        app,
        Method::PATCH,
        &path,
        &researcher,
        Some(json!({"status": "open"})),
    )
    .await;
    (study, id(&questionnaire))
}

/// Consents, answers `pain`, and withdraws keeping the answer pseudonymous.
async fn answer_and_withdraw(
    app: &TestApp,
    who: &Member,
    study: &str,
    questionnaire: &str,
    pain: u8,
) {
    let path = format!("/api/v1/studies/{study}/consent");
    let consent = app
        .call(
            Method::POST,
            &path,
            Some(who),
            Some(json!({"text_version": 1})),
        )
        .await;
    assert_eq!(consent.status(), StatusCode::NO_CONTENT);
    let path = format!("/api/v1/questionnaires/{questionnaire}/responses");
    ok(
        app,
        Method::POST,
        &path,
        who,
        Some(json!({"answers": {"pain": pain}})),
    )
    .await;
    let path = format!("/api/v1/studies/{study}/consent?past_answers=keep_pseudonymous");
    let withdrawn = app.call(Method::DELETE, &path, Some(who), None).await;
    assert_eq!(withdrawn.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn the_export_holds_every_section_and_nothing_others_chose() {
    let app = spawn_app().await;
    let camille = app.member("Camille", "patient").await;
    let dominique = app.member("Dominique", "patient").await;
    let follower = app.member("Eloise", "caregiver").await;
    let blocker = app.member("Frederic", "patient").await;
    let blocked = app.member("Gaston", "patient").await;

    // Profile and conditions.
    let condition = app.condition(0).await;
    ok(
        &app,
        Method::PATCH,
        "/api/v1/members/me",
        &camille,
        Some(json!({"bio": "Fatiguée mais debout.", "condition_ids": [condition]})),
    )
    .await;
    // A second session, from a named device.
    let login = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("User-Agent", "ExportPhone/1.0")
        .json(&json!({"email": camille.email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let phone_tokens: Value = login.json().await.unwrap();

    // A report she made, and one about her (only its outcome reaches her, never its author).
    ok(
        &app,
        Method::POST,
        "/api/v1/reports",
        &camille,
        Some(json!({"target_kind": "member", "target_id": dominique.id, "reason": "spam"})),
    )
    .await;
    ok(
        &app,
        Method::POST,
        "/api/v1/reports",
        &dominique,
        Some(
            json!({"target_kind": "member", "target_id": camille.id, "reason": "harassment",
            "note": "note de Dominique"}),
        ),
    )
    .await;

    // Groups, posts, comments, reactions.
    let own_group = app
        .create_group(&camille, "Fatigue chronique", "public", "everyone")
        .await;
    let other_group = app
        .create_group(&dominique, "Lupus Lyon", "public", "everyone")
        .await;
    let path = format!("/api/v1/groups/{}/join", other_group.id);
    ok(&app, Method::POST, &path, &camille, None).await;
    let path = format!("/api/v1/groups/{}/posts", own_group.id);
    let kept = ok(
        &app,
        Method::POST,
        &path,
        &camille,
        Some(json!({"body": "Mon message gardé"})),
    )
    .await;
    let gone = ok(
        &app,
        Method::POST,
        &path,
        &camille,
        Some(json!({"body": "Mon message effacé"})),
    )
    .await;
    let deleted = app
        .call(
            Method::DELETE,
            &format!("/api/v1/posts/{}", id(&gone)),
            Some(&camille),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let path = format!("/api/v1/groups/{}/posts", other_group.id);
    let theirs = ok(
        &app,
        Method::POST,
        &path,
        &dominique,
        Some(json!({"body": "Message de Dominique, pas de Camille"})),
    )
    .await;
    let path = format!("/api/v1/posts/{}/comments", id(&theirs));
    let comment = ok(
        &app,
        Method::POST,
        &path,
        &camille,
        Some(json!({"body": "Mon commentaire"})),
    )
    .await;
    let path = format!("/api/v1/posts/{}/reactions/support", id(&theirs));
    ok(&app, Method::PUT, &path, &camille, None).await;

    // Follows both ways, blocks both ways.
    let path = format!("/api/v1/members/{}/follow", dominique.id);
    ok(&app, Method::PUT, &path, &camille, None).await;
    let path = format!("/api/v1/members/{}/follow", camille.id);
    ok(&app, Method::PUT, &path, &follower, None).await;
    let path = format!("/api/v1/members/{}/block", blocked.id);
    ok(&app, Method::PUT, &path, &camille, None).await;
    let path = format!("/api/v1/members/{}/block", camille.id);
    ok(&app, Method::PUT, &path, &blocker, None).await;

    // Events: one organised, one answered; a calendar feed.
    let own_event = ok(
        &app,
        Method::POST,
        "/api/v1/events",
        &camille,
        Some(
            json!({"title": "Marche douce", "starts_at": "2027-03-10T18:00:00+01:00",
            "ends_at": "2027-03-10T20:00:00+01:00", "time_zone": "Europe/Paris"}),
        ),
    )
    .await;
    let their_event = ok(
        &app,
        Method::POST,
        "/api/v1/events",
        &dominique,
        Some(
            json!({"title": "Café rencontre", "starts_at": "2027-04-10T18:00:00+02:00",
            "ends_at": "2027-04-10T20:00:00+02:00", "time_zone": "Europe/Paris"}),
        ),
    )
    .await;
    let path = format!("/api/v1/events/{}/rsvp", id(&their_event));
    ok(
        &app,
        Method::PUT,
        &path,
        &camille,
        Some(json!({"status": "going"})),
    )
    .await;
    let feed = ok(
        &app,
        Method::POST,
        "/api/v1/members/me/calendar-token",
        &camille,
        None,
    )
    .await;
    let feed_url = feed["webcal_url"].as_str().unwrap().to_owned();
    let feed_token = feed_url.rsplit('/').next().unwrap().to_owned();
    assert!(feed_token.len() >= 40, "{feed_url}");

    // An association.
    let association = ok(
        &app,
        Method::POST,
        "/api/v1/associations",
        &camille,
        Some(json!({"name": "Entraide Fatigue", "description": "Soutien."})),
    )
    .await;

    // Research: an answer kept pseudonymous after a withdrawal, and another member's too.
    let (study, questionnaire) = study(&app).await;
    answer_and_withdraw(&app, &camille, &study, &questionnaire, 7).await;
    answer_and_withdraw(&app, &dominique, &study, &questionnaire, 2).await;

    // Anonymous: 401 problem.
    let anonymous = app
        .call(Method::GET, "/api/v1/members/me/export", None, None)
        .await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    let response = app
        .call(
            Method::GET,
            "/api/v1/members/me/export",
            Some(&camille),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(header("content-type").starts_with("application/json"));
    assert_eq!(header("cache-control"), "no-store");
    let today = chrono::Utc::now().format("%Y-%m-%d");
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=\"entraide-export-{today}.json\"")
    );
    let text = response.text().await.unwrap();
    let export: MemberExport = serde_json::from_str(&text).unwrap();

    // Reports: hers, not the one about her.
    assert_eq!(export.reports_made.len(), 1);
    assert_eq!(export.reports_made[0].target_id, dominique.id);
    assert!(!text.contains("note de Dominique"));

    // Account.
    assert_eq!(export.member.profile.id, camille.id);
    assert_eq!(export.member.profile.email, camille.email);
    assert_eq!(
        export.member.profile.bio.as_deref(),
        Some("Fatiguée mais debout.")
    );
    assert_eq!(export.member.conditions.len(), 1);
    assert_eq!(export.member.conditions[0].id, condition);
    assert!(!export.member.conditions[0].name.is_empty());
    assert!(export.sessions.len() >= 2);
    assert!(
        export
            .sessions
            .iter()
            .any(|s| s.device.as_deref() == Some("ExportPhone/1.0")),
        "{:?}",
        export.sessions
    );
    // Community.
    assert!(export.groups_created.iter().any(|g| g.id == own_group.id));
    let memberships: Vec<_> = export
        .group_memberships
        .iter()
        .map(|m| m.group_id)
        .collect();
    assert!(memberships.contains(&own_group.id) && memberships.contains(&other_group.id));
    assert_eq!(export.posts.len(), 2);
    let post = |post: &Value| {
        export
            .posts
            .iter()
            .find(|p| p.id.to_string() == id(post))
            .unwrap()
    };
    assert_eq!(post(&kept).body.as_deref(), Some("Mon message gardé"));
    assert_eq!(post(&gone).body, None);
    assert!(post(&gone).deleted_at.is_some());
    assert_eq!(export.comments.len(), 1);
    assert_eq!(export.comments[0].id.to_string(), id(&comment));
    assert_eq!(export.comments[0].body.as_deref(), Some("Mon commentaire"));
    assert_eq!(export.reactions.len(), 1);
    assert_eq!(
        export.reactions[0].post_id.map(|p| p.to_string()),
        Some(id(&theirs))
    );
    assert_eq!(export.follows.members.len(), 1);
    assert_eq!(export.follows.members[0].member_id, dominique.id);
    assert_eq!(export.follows.follower_count, 1);
    assert_eq!(export.blocks.len(), 1);
    assert_eq!(export.blocks[0].member_id, blocked.id);
    // Events.
    assert_eq!(export.events.len(), 1);
    assert_eq!(export.events[0].id.to_string(), id(&own_event));
    assert_eq!(export.rsvps.len(), 1);
    assert_eq!(export.rsvps[0].event_id.to_string(), id(&their_event));
    assert!(export.calendar_feed.is_some());
    // Associations.
    assert_eq!(export.associations_created.len(), 1);
    assert_eq!(
        export.associations_created[0].id.to_string(),
        id(&association)
    );
    assert_eq!(export.association_memberships.len(), 1);
    // Research: the consent and its withdrawal, and the kept answer — hers only.
    assert_eq!(export.consents.len(), 1);
    assert_eq!(
        export.consents[0].study_id.map(|s| s.to_string()),
        Some(study.clone())
    );
    assert!(export.consents[0].withdrawn_at.is_some());
    assert!(export.consents[0].text.body.contains("J'accepte"));
    assert_eq!(
        export.questionnaire_responses.len(),
        1,
        "{:?}",
        export.questionnaire_responses
    );
    let response = &export.questionnaire_responses[0];
    assert!(response.kept_pseudonymous);
    assert_eq!(response.answers["pain"].0, json!(7));
    // What is left out says so.
    let left_out: Vec<&str> = export
        .not_included
        .iter()
        .map(|l| l.field.as_str())
        .collect();
    for field in [
        "member.password_hash",
        "follows.followers",
        "blocks.blocked_by",
    ] {
        assert!(left_out.contains(&field), "{left_out:?}");
    }

    // Nothing another member chose about her, no secret, no one else's private data.
    for (secret, what) in [
        (blocker.id.to_string(), "who blocks her"),
        (follower.id.to_string(), "who follows her"),
        (dominique.email.clone(), "another member's e-mail"),
        ("$argon2".to_owned(), "a password hash"),
        ("Message de Dominique".to_owned(), "another member's post"),
        (feed_token, "the calendar feed secret"),
        (camille.tokens.refresh_token.clone(), "a refresh token"),
        (
            phone_tokens["refresh_token"].as_str().unwrap().to_owned(),
            "a refresh token",
        ),
    ] {
        assert!(!text.contains(&secret), "the export shows {what}");
    }
    assert!(!text.contains("\"participant\""), "a study pseudonym");

    // Dominique's export holds her own kept answer, not Camille's.
    let theirs: MemberExport = app
        .call(
            Method::GET,
            "/api/v1/members/me/export",
            Some(&dominique),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs.questionnaire_responses.len(), 1);
    assert_eq!(
        theirs.questionnaire_responses[0].answers["pain"].0,
        json!(2)
    );
    assert_eq!(theirs.follows.follower_count, 1);
    assert!(theirs.blocks.is_empty());
}
