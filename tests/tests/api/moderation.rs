//! Reports, queues, decisions and the moderation log — and that hidden content is gone for
//! everyone but its author.

use entraide_openapi::groups::Group;
use entraide_openapi::moderation::{
    AppealItem, AppealStatus, ModerationDecision, ModerationLogEntry, ModerationNotice, MyReport,
    QueuedAppeal, QueuedReport,
};
use entraide_openapi::pagination::Page;
use entraide_openapi::posts::{CommentItem, PostItem};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

async fn get<T: DeserializeOwned>(app: &TestApp, path: &str, who: Option<&Member>) -> T {
    serde_json::from_value(app.ok_json(Method::GET, path, who, None).await).unwrap()
}

async fn join(app: &TestApp, group: &Group, who: &Member) {
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/join", group.id),
            Some(who),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn post(app: &TestApp, group: &Group, who: &Member, body: &str) -> PostItem {
    serde_json::from_value(
        app.ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(who),
            Some(json!({"body": body})),
        )
        .await,
    )
    .unwrap()
}

async fn report(
    app: &TestApp,
    who: &Member,
    kind: &str,
    target: Uuid,
    reason: &str,
) -> (StatusCode, Value) {
    let response = app
        .call(
            Method::POST,
            "/api/v1/reports",
            Some(who),
            Some(json!({"target_kind": kind, "target_id": target, "reason": reason, "note": "À vérifier"})),
        )
        .await;
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn decide(app: &TestApp, who: &Member, report: Uuid, action: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        &format!("/api/v1/moderation/reports/{report}/actions"),
        Some(who),
        Some(json!({"action": action, "reason": "Conseil médical dangereux"})),
    )
    .await
}

fn report_count(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM reports")
}

#[actix_web::test]
async fn reports_reach_their_queue_and_a_decision_hides_content_from_all_but_its_author() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "caregiver").await;
    let group_mod = app.member("Camille", "caregiver").await;
    let author = app.member("Auteur", "patient").await;
    let reader = app.member("Lectrice", "patient").await;
    let platform = app.member("Sacha", "professional").await;
    app.make_admin(&platform);
    let group = app
        .create_group(&owner, "Thyroïde", "public", "everyone")
        .await;
    for who in [&group_mod, &author, &reader] {
        join(&app, &group, who).await;
    }
    let promoted = app
        .call(
            Method::PUT,
            &format!("/api/v1/groups/{}/members/{}/role", group.id, group_mod.id),
            Some(&owner),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert!(promoted.status().is_success());

    let misinformation = post(
        &app,
        &group,
        &author,
        "Arrêtez la lévothyroxine, c'est du poison.",
    )
    .await;
    let distress = post(&app, &group, &author, "Je n'en peux plus.").await;
    let (status, first) = report(
        &app,
        &reader,
        "post",
        misinformation.id,
        "medical_misinformation",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(first["urgent"], json!(false));
    // The same report again answers the waiting one; nothing new is stored.
    let stored = report_count(&app);
    let (status, again) = report(&app, &reader, "post", misinformation.id, "spam").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], first["id"]);
    assert_eq!(report_count(&app), stored);
    let (status, urgent) = report(&app, &reader, "post", distress.id, "self_harm").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(urgent["urgent"], json!(true));
    let (_, about_member) = report(&app, &reader, "member", author.id, "harassment").await;

    // The group's queue holds its content, not the urgent report; the platform queue holds the
    // urgent report first, then what lives outside groups. Nobody sees who reported.
    let group_queue = format!("/api/v1/moderation/queue?group_id={}", group.id);
    let page: Page<QueuedReport> = get(&app, &group_queue, Some(&group_mod)).await;
    let ids: Vec<Uuid> = page.items.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        [serde_json::from_value::<Uuid>(first["id"].clone()).unwrap()]
    );
    let item = &page.items[0];
    assert_eq!(
        item.target.excerpt.as_deref(),
        Some("Arrêtez la lévothyroxine, c'est du poison.")
    );
    assert_eq!(item.target.author.as_ref().unwrap().id, author.id);
    assert_eq!(item.target.group.as_ref().unwrap().id, group.id);
    assert_eq!(item.note, "À vérifier");
    let raw = app
        .ok_json(Method::GET, &group_queue, Some(&group_mod), None)
        .await
        .to_string();
    assert!(
        !raw.contains(&reader.id.to_string()),
        "the reporter is never shown: {raw}"
    );
    let page: Page<QueuedReport> = get(&app, "/api/v1/moderation/queue", Some(&platform)).await;
    let ids: Vec<Value> = page.items.iter().map(|r| json!(r.id)).collect();
    assert_eq!(ids, [urgent["id"].clone(), about_member["id"].clone()]);
    assert!(page.items[0].urgent);
    // Members and group moderators do not read the platform queue; members not a group's.
    for (who, path) in [
        (&group_mod, "/api/v1/moderation/queue"),
        (&reader, "/api/v1/moderation/queue"),
        (&reader, group_queue.as_str()),
        (&author, "/api/v1/moderation/log"),
    ] {
        let response = app.call(Method::GET, path, Some(who), None).await;
        assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
    }
    // A group moderator cannot decide an urgent report (not their queue: 404).
    let urgent_id: Uuid = serde_json::from_value(urgent["id"].clone()).unwrap();
    let refused = decide(&app, &group_mod, urgent_id, "dismiss").await;
    assert_problem(refused, StatusCode::NOT_FOUND, "not_found").await;

    // The group moderator hides the post: gone for everyone but its author.
    let first_id: Uuid = serde_json::from_value(first["id"].clone()).unwrap();
    let response = decide(&app, &group_mod, first_id, "hide").await;
    assert_eq!(response.status(), StatusCode::OK);
    let entry: ModerationLogEntry = response.json().await.unwrap();
    assert_eq!(entry.moderator.as_ref().unwrap().id, group_mod.id);
    let again = decide(&app, &group_mod, first_id, "remove").await;
    assert_problem(again, StatusCode::CONFLICT, "report_closed").await;
    let post_path = format!("/api/v1/posts/{}", misinformation.id);
    for who in [Some(&reader), None] {
        let response = app.call(Method::GET, &post_path, who, None).await;
        assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
        let feed: Page<PostItem> =
            get(&app, &format!("/api/v1/groups/{}/posts", group.id), who).await;
        assert!(feed.items.iter().all(|p| p.id != misinformation.id));
    }
    let wall: Page<PostItem> = get(
        &app,
        &format!("/api/v1/members/{}/wall", author.id),
        Some(&reader),
    )
    .await;
    assert!(wall.items.iter().all(|p| p.id != misinformation.id));
    let search: Value = app
        .ok_json(
            Method::GET,
            "/api/v1/search?q=l%C3%A9vothyroxine",
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(search["items"], json!([]), "{search}");
    let mine: PostItem = get(&app, &post_path, Some(&author)).await;
    assert!(mine.hidden);
    // Those who moderate it still read it by id, for an appeal.
    for moderator in [&group_mod, &platform] {
        let seen: PostItem = get(&app, &post_path, Some(moderator)).await;
        assert!(seen.hidden);
        assert_eq!(seen.body, "Arrêtez la lévothyroxine, c'est du poison.");
    }
    // The author is told what and why; the reporter sees the outcome.
    let notices: Page<ModerationNotice> =
        get(&app, "/api/v1/members/me/moderation", Some(&author)).await;
    assert_eq!(notices.items.len(), 1);
    assert_eq!(notices.items[0].target_id, misinformation.id);
    assert_eq!(notices.items[0].reason, "Conseil médical dangereux");
    let raw = app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/moderation",
            Some(&author),
            None,
        )
        .await
        .to_string();
    assert!(
        !raw.contains(&group_mod.id.to_string()),
        "which moderator is not shown"
    );
    let reports: Page<MyReport> = get(&app, "/api/v1/members/me/reports", Some(&reader)).await;
    let decided = reports.items.iter().find(|r| r.id == first_id).unwrap();
    assert!(decided.decided_at.is_some());
    assert_eq!(json!(decided.outcome), json!("action_taken"));
    // Hidden content is frozen for the appeal: its author cannot edit it.
    let frozen = app
        .call(
            Method::PATCH,
            &post_path,
            Some(&author),
            Some(json!({"body": "Je n'ai rien dit"})),
        )
        .await;
    assert_problem(frozen, StatusCode::FORBIDDEN, "content_hidden").await;

    // Hiding applies to posts and comments only; the platform removes the urgent post.
    let member_report: Uuid = serde_json::from_value(about_member["id"].clone()).unwrap();
    let response = decide(&app, &platform, member_report, "hide").await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["action"]);
    let response = decide(&app, &platform, member_report, "warn").await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = decide(&app, &platform, urgent_id, "remove").await;
    assert_eq!(response.status(), StatusCode::OK);
    let removed: PostItem = get(
        &app,
        &format!("/api/v1/posts/{}", distress.id),
        Some(&author),
    )
    .await;
    assert!(removed.deleted);
    assert_eq!(removed.body, "");

    // The group's log shows its decisions to its moderators; the whole log to the platform.
    let log: Page<ModerationLogEntry> = get(
        &app,
        &format!("/api/v1/moderation/log?group_id={}", group.id),
        Some(&group_mod),
    )
    .await;
    // The removal answered an urgent report: platform moderators only, not in the group's log.
    let actions: Vec<Value> = log.items.iter().map(|e| json!(e.action)).collect();
    assert_eq!(actions, [json!("hide")]);
    let log: Page<ModerationLogEntry> = get(&app, "/api/v1/moderation/log", Some(&platform)).await;
    assert_eq!(log.items.len(), 3);
    let notices: Page<ModerationNotice> =
        get(&app, "/api/v1/members/me/moderation", Some(&author)).await;
    assert_eq!(notices.items.len(), 3, "hide, warn and remove");
}

#[actix_web::test]
async fn hidden_comments_leave_threads_and_bad_reports_store_nothing() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "caregiver").await;
    let author = app.member("Auteur", "patient").await;
    let reader = app.member("Lectrice", "patient").await;
    let group = app
        .create_group(&owner, "Aidants", "public", "everyone")
        .await;
    let secret = app
        .create_group(&owner, "Cercle", "private", "everyone")
        .await;
    for who in [&author, &reader] {
        join(&app, &group, who).await;
    }
    let thread = post(&app, &group, &owner, "Comment allez-vous ?").await;
    let comment: CommentItem = serde_json::from_value(
        app.ok_json(
            Method::POST,
            &format!("/api/v1/posts/{}/comments", thread.id),
            Some(&author),
            Some(json!({"body": "Achetez mes gélules miracles"})),
        )
        .await,
    )
    .unwrap();
    let (status, filed) = report(&app, &reader, "comment", comment.id, "spam").await;
    assert_eq!(status, StatusCode::CREATED);
    let id: Uuid = serde_json::from_value(filed["id"].clone()).unwrap();
    // The owner moderates the group's queue.
    let response = decide(&app, &owner, id, "hide").await;
    assert_eq!(response.status(), StatusCode::OK);
    let comments_path = format!("/api/v1/posts/{}/comments", thread.id);
    let seen: Page<CommentItem> = get(&app, &comments_path, Some(&reader)).await;
    assert!(seen.items.is_empty());
    let seen: Page<CommentItem> = get(&app, &comments_path, None).await;
    assert!(seen.items.is_empty());
    let own: Page<CommentItem> = get(&app, &comments_path, Some(&author)).await;
    assert_eq!(own.items.len(), 1);
    assert!(own.items[0].hidden);
    // The thread's count is what readers can see: the hidden comment left it, and its
    // author deleting it later does not count it out twice.
    let count = |item: Value| item["comment_count"].as_i64();
    let thread_path = format!("/api/v1/posts/{}", thread.id);
    assert_eq!(count(get(&app, &thread_path, Some(&reader)).await), Some(0));
    let response = app
        .call(
            Method::DELETE,
            &format!("/api/v1/comments/{}", comment.id),
            Some(&author),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(count(get(&app, &thread_path, Some(&reader)).await), Some(0));

    // What a member may not read, they cannot report (nor learn it exists); themselves and
    // their own content neither; malformed reports are refused whole.
    let private_post = post(&app, &secret, &owner, "Entre nous").await;
    let before = report_count(&app);
    let (status, _) = report(&app, &reader, "post", private_post.id, "spam").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = report(&app, &reader, "post", Uuid::now_v7(), "spam").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = report(&app, &reader, "member", reader.id, "spam").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], json!("self_report"));
    let (status, body) = report(&app, &owner, "post", thread.id, "spam").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], json!("self_report"));
    for bad in [
        json!({"target_kind": "post", "target_id": thread.id, "reason": "boring"}),
        json!({"target_kind": "group", "target_id": thread.id, "reason": "spam"}),
        json!({"target_kind": "post", "target_id": "x", "reason": "spam"}),
        json!({"target_kind": "post", "target_id": thread.id, "reason": "spam", "note": "x".repeat(1001)}),
        json!({"target_kind": "post", "target_id": thread.id, "reason": "spam", "note": "a\u{0}b"}),
        json!({"target_kind": "post", "target_id": thread.id, "reason": "spam", "extra": 1}),
    ] {
        let response = app
            .call(
                Method::POST,
                "/api/v1/reports",
                Some(&reader),
                Some(bad.clone()),
            )
            .await;
        assert!(response.status().is_client_error(), "{bad}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{bad}"
        );
    }
    let anonymous = app
        .call(
            Method::POST,
            "/api/v1/reports",
            None,
            Some(json!({"target_kind": "post", "target_id": thread.id, "reason": "spam"})),
        )
        .await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(report_count(&app), before);

    // A moderator does not decide a report about what they wrote: another moderator does.
    let (status, filed) = report(&app, &reader, "post", thread.id, "spam").await;
    assert_eq!(status, StatusCode::CREATED);
    let id: Uuid = serde_json::from_value(filed["id"].clone()).unwrap();
    let response = decide(&app, &owner, id, "dismiss").await;
    assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
    // A reason too short is refused once the report is one the caller decides.
    let other = post(&app, &group, &author, "Un autre message").await;
    let (_, filed) = report(&app, &reader, "post", other.id, "spam").await;
    let id: Uuid = serde_json::from_value(filed["id"].clone()).unwrap();
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/moderation/reports/{id}/actions"),
            Some(&owner),
            Some(json!({"action": "dismiss", "reason": "ok"})),
        )
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["reason"]);
}

#[actix_web::test]
async fn distress_is_published_answered_with_helplines_and_queued_first_for_the_platform() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "caregiver").await;
    let author = app.member("Auteur", "patient").await;
    let reader = app.member("Lectrice", "patient").await;
    let platform = app.member("Sacha", "professional").await;
    app.make_admin(&platform);
    let group = app
        .create_group(&owner, "Douleurs", "public", "everyone")
        .await;
    for who in [&author, &reader] {
        join(&app, &group, who).await;
    }
    let plain = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(&author),
            Some(json!({"body": "Bonne journée à tous"})),
        )
        .await;
    assert!(plain.get("safety").is_none(), "{plain}");

    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(&author),
            Some(json!({"body": "Ce soir j'ai vraiment ENVIE D’EN FINIR."})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let distress: Value = response.json().await.unwrap();
    let phones: Vec<&str> = distress["safety"]["helplines"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["phone"].as_str())
        .collect();
    assert!(phones.contains(&"3114"), "{distress}");
    let post_id: Uuid = serde_json::from_value(distress["id"].clone()).unwrap();
    // Published as written: others read it, without the notice.
    let seen = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/posts/{post_id}"),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(seen["body"], distress["body"]);
    assert!(seen.get("safety").is_none());
    // Queued urgent for platform moderators, with no reporter; not in the group's queue.
    let queue: Page<QueuedReport> = get(&app, "/api/v1/moderation/queue", Some(&platform)).await;
    assert_eq!(queue.items.len(), 1);
    assert!(queue.items[0].urgent);
    assert_eq!(queue.items[0].target.id, post_id);
    assert_eq!(json!(queue.items[0].reason), json!("self_harm"));
    let group_queue: Page<QueuedReport> = get(
        &app,
        &format!("/api/v1/moderation/queue?group_id={}", group.id),
        Some(&owner),
    )
    .await;
    assert!(group_queue.items.is_empty());
    // An edit that still says it answers again but does not queue it twice.
    let edited = app
        .ok_json(
            Method::PATCH,
            &format!("/api/v1/posts/{post_id}"),
            Some(&author),
            Some(json!({"body": "J'ai envie d'en finir, vraiment."})),
        )
        .await;
    assert!(edited["safety"]["helplines"].is_array());
    assert_eq!(report_count(&app), 1);
    // Comments too, in English.
    let comment = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/posts/{post_id}/comments"),
            Some(&reader),
            Some(json!({"body": "Sometimes I want to die too."})),
        )
        .await;
    assert!(comment["safety"]["helplines"].is_array(), "{comment}");
    assert_eq!(report_count(&app), 2);
}

#[actix_web::test]
async fn the_safety_net_follows_its_configuration() {
    let app = crate::support::spawn_app_with(|settings| {
        settings.safety.crisis_expressions = vec!["au bout du rouleau".to_owned()];
    })
    .await;
    let author = app.member("Auteur", "patient").await;
    let wall = format!("/api/v1/members/{}/wall", author.id);
    let answer = app
        .ok_json(
            Method::POST,
            &wall,
            Some(&author),
            Some(json!({"body": "J'ai envie d'en finir"})),
        )
        .await;
    assert!(
        answer.get("safety").is_none(),
        "only configured expressions match"
    );
    let answer = app
        .ok_json(
            Method::POST,
            &wall,
            Some(&author),
            Some(json!({"body": "Je suis AU BOUT du rouleau"})),
        )
        .await;
    assert!(answer["safety"]["helplines"].is_array(), "{answer}");
    assert_eq!(report_count(&app), 1);
}

#[actix_web::test]
async fn suspensions_end_sessions_refuse_logins_go_down_the_roles_and_are_lifted() {
    use crate::support::PASSWORD;
    let app = spawn_app().await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let moderator = app.member("Camille", "professional").await;
    let promoted = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/role", moderator.id),
            Some(&admin),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert!(promoted.status().is_success());
    let troll = app.member("Troll", "patient").await;
    let reader = app.member("Lectrice", "patient").await;

    let (_, filed) = report(&app, &reader, "member", troll.id, "harassment").await;
    let id: Uuid = serde_json::from_value(filed["id"].clone()).unwrap();
    let path = format!("/api/v1/moderation/reports/{id}/actions");
    for (body, field) in [
        (
            json!({"action": "suspend", "reason": "Insultes répétées"}),
            "duration_days",
        ),
        (
            json!({"action": "suspend", "reason": "Insultes", "duration_days": 366}),
            "duration_days",
        ),
        (
            json!({"action": "suspend", "reason": "Insultes", "duration_days": 0}),
            "duration_days",
        ),
        (
            json!({"action": "warn", "reason": "Insultes", "duration_days": 3}),
            "duration_days",
        ),
        (
            json!({"action": "suspend", "reason": "Insultes", "duration_days": 1.5}),
            "duration_days",
        ),
        (
            json!({"action": "reinstate", "reason": "Insultes"}),
            "action",
        ),
    ] {
        let response = app
            .call(Method::POST, &path, Some(&moderator), Some(body.clone()))
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{body}");
    }
    let response = app
        .call(
            Method::POST,
            &path,
            Some(&moderator),
            Some(json!({"action": "suspend", "reason": "Insultes répétées", "duration_days": 7})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let entry: ModerationLogEntry = response.json().await.unwrap();
    let until = entry.until.unwrap();
    let days = (until - chrono::Utc::now()).num_hours();
    assert!((167..=168).contains(&days), "{until}");
    // The session in use ends at once; a login is refused, but only to whoever knows the
    // password.
    let me = app
        .call(Method::GET, "/api/v1/members/me", Some(&troll), None)
        .await;
    assert_problem(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let login = app.login(&troll.email, PASSWORD).await;
    let problem = assert_problem(login, StatusCode::FORBIDDEN, "account_suspended").await;
    assert!(problem.detail.unwrap().contains("suspended until"));
    let login = app.login(&troll.email, "pas le bon mot de passe").await;
    assert_problem(login, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": troll.tokens.refresh_token}),
        )
        .await;
    assert_eq!(refresh.status(), StatusCode::UNAUTHORIZED);

    // A ban, then a shorter suspension: the ban holds.
    for (action, days) in [("ban", None), ("suspend", Some(1))] {
        let (status, filed) = report(&app, &reader, "member", troll.id, "harassment").await;
        assert_eq!(status, StatusCode::CREATED);
        let mut body = json!({"action": action, "reason": "Récidive"});
        if let Some(days) = days {
            body["duration_days"] = json!(days);
        }
        let response = app
            .call(
                Method::POST,
                &format!(
                    "/api/v1/moderation/reports/{}/actions",
                    filed["id"].as_str().unwrap()
                ),
                Some(&moderator),
                Some(body),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let banned = app.count(&format!(
        "SELECT COUNT(*) AS n FROM members WHERE id = '{}' AND suspended_until > '9000-01-01'",
        troll.id
    ));
    assert_eq!(banned, 1, "a one-day suspension does not cut a ban short");

    // Sanctions go down the roles: a moderator does not ban an admin.
    let (_, filed) = report(&app, &reader, "member", admin.id, "spam").await;
    let about_admin: Uuid = serde_json::from_value(filed["id"].clone()).unwrap();
    let response = decide(&app, &moderator, about_admin, "ban").await;
    assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/members/{}/reinstate", admin.id),
            Some(&moderator),
            Some(json!({"reason": "Levée"})),
        )
        .await;
    assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;

    // Lifted: the member logs in again and reads both decisions.
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/members/{}/reinstate", troll.id),
            Some(&moderator),
            Some(json!({"reason": "Recours accepté"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let login = app.login(&troll.email, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    let tokens: Value = login.json().await.unwrap();
    let notices: Value = app
        .client
        .get(app.url("/api/v1/members/me/moderation"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["action"].as_str())
        .collect();
    assert_eq!(actions, ["reinstate", "suspend", "ban", "suspend"]);

    // Naming the moderator is in the administration audit log, for platform admins only.
    let audit = app
        .ok_json(Method::GET, "/api/v1/admin/audit", Some(&admin), None)
        .await;
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], json!("role_changed"));
    assert_eq!(entry["detail"], json!("member -> moderator"));
    assert_eq!(entry["actor"]["id"], json!(admin.id));
    assert_eq!(entry["member"]["id"], json!(moderator.id));
    let refused = app
        .call(Method::GET, "/api/v1/admin/audit", Some(&moderator), None)
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
}

#[actix_web::test]
async fn a_group_bans_from_its_queue_and_does_not_suspend() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "caregiver").await;
    let troll = app.member("Troll", "patient").await;
    let reader = app.member("Lectrice", "patient").await;
    let group = app
        .create_group(&owner, "Entraide", "public", "everyone")
        .await;
    for who in [&troll, &reader] {
        join(&app, &group, who).await;
    }
    let spam = post(&app, &group, &troll, "Achetez mes gélules").await;
    let (_, filed) = report(&app, &reader, "post", spam.id, "spam").await;
    let id: Uuid = serde_json::from_value(filed["id"].clone()).unwrap();
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/moderation/reports/{id}/actions"),
            Some(&owner),
            Some(json!({"action": "suspend", "reason": "Spam", "duration_days": 3})),
        )
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["action"]);
    let response = decide(&app, &owner, id, "ban").await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(&troll),
            Some(json!({"body": "Encore moi"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Banned from the group only: the account still works.
    let me = app
        .call(Method::GET, "/api/v1/members/me", Some(&troll), None)
        .await;
    assert_eq!(me.status(), StatusCode::OK);
}

#[actix_web::test]
async fn reports_keep_what_was_said_become_urgent_skip_their_subject_and_are_rate_limited() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "caregiver").await;
    let author = app.member("Auteur", "patient").await;
    let reader = app.member("Lectrice", "patient").await;
    let group = app
        .create_group(&owner, "Entraide", "public", "everyone")
        .await;
    for who in [&author, &reader] {
        join(&app, &group, who).await;
    }
    let insult = post(&app, &group, &author, "Tu es une idiote").await;
    let (status, first) = report(&app, &reader, "post", insult.id, "harassment").await;
    assert_eq!(status, StatusCode::CREATED);
    // The author edits it before a decision: moderators see both.
    app.ok_json(
        Method::PATCH,
        &format!("/api/v1/posts/{}", insult.id),
        Some(&author),
        Some(json!({"body": "Bonne journée"})),
    )
    .await;
    let group_queue = format!("/api/v1/moderation/queue?group_id={}", group.id);
    let page: Page<QueuedReport> = get(&app, &group_queue, Some(&owner)).await;
    assert_eq!(
        page.items[0].target.excerpt.as_deref(),
        Some("Bonne journée")
    );
    assert_eq!(
        page.items[0].target.reported_excerpt.as_deref(),
        Some("Tu es une idiote")
    );
    // Reported again as urgent: the same report, now urgent, in the platform queue.
    let (status, again) = report(&app, &reader, "post", insult.id, "self_harm").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["urgent"], json!(true));
    let page: Page<QueuedReport> = get(&app, &group_queue, Some(&owner)).await;
    assert!(page.items.is_empty());

    // A moderator never sees reports about themselves in their queue.
    let own = post(&app, &group, &owner, "Règles du groupe").await;
    report(&app, &reader, "post", own.id, "spam").await;
    let page: Page<QueuedReport> = get(&app, &group_queue, Some(&owner)).await;
    assert!(
        page.items.is_empty(),
        "the owner does not see the report about them"
    );

    // At most 30 reports an hour per member.
    let mut targets = Vec::new();
    for n in 0..29 {
        targets.push(
            post(&app, &group, &author, &format!("Message {n}"))
                .await
                .id,
        );
    }
    for (n, target) in targets.iter().enumerate() {
        let (status, _) = report(&app, &reader, "post", *target, "spam").await;
        let expected = if n < 28 {
            StatusCode::CREATED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(status, expected, "report {n}");
    }
}

async fn appeal(app: &TestApp, who: &Member, decision: Uuid, statement: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        &format!("/api/v1/members/me/moderation/{decision}/appeal"),
        Some(who),
        Some(json!({"statement": statement})),
    )
    .await
}

async fn answer(app: &TestApp, who: &Member, appeal: Uuid, outcome: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        &format!("/api/v1/moderation/appeals/{appeal}/decision"),
        Some(who),
        Some(json!({"outcome": outcome, "reason": "Relu avec attention"})),
    )
    .await
}

/// Files a spam report of `target` by `reporter` and has `moderator` decide it.
async fn reported_and_decided(
    app: &TestApp,
    reporter: &Member,
    moderator: &Member,
    kind: &str,
    target: Uuid,
    action: &str,
) -> ModerationLogEntry {
    let (status, filed) = report(app, reporter, kind, target, "spam").await;
    assert_eq!(status, StatusCode::CREATED);
    let id: Uuid = serde_json::from_value(filed["id"].clone()).unwrap();
    let response = decide(app, moderator, id, action).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[actix_web::test]
async fn an_author_appeals_once_and_a_granted_appeal_shows_the_content_again() {
    let app = spawn_app().await;
    let owner = app.member("Odile", "patient").await;
    let author = app.member("Armand", "patient").await;
    let reader = app.member("Rosalie", "patient").await;
    let platform = app.member("Paule", "professional").await;
    app.make_admin(&platform);
    let group = app
        .create_group(&owner, "Vivre avec la SEP", "public", "everyone")
        .await;
    for who in [&author, &reader] {
        join(&app, &group, who).await;
    }
    let thread = post(&app, &group, &author, "Mon traitement me réussit").await;
    let hidden = reported_and_decided(&app, &reader, &owner, "post", thread.id, "hide").await;
    let post_path = format!("/api/v1/posts/{}", thread.id);
    assert_eq!(
        app.call(Method::GET, &post_path, Some(&reader), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let notices: Page<ModerationNotice> =
        get(&app, "/api/v1/members/me/moderation", Some(&author)).await;
    assert!(notices.items[0].appealable && notices.items[0].appeal.is_none());

    // Only the member the decision is about appeals, with a statement, once.
    assert_problem(
        appeal(&app, &reader, hidden.id, "Je le trouvais utile").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    for bad in ["", "  a ", "x\u{0}y", &"long ".repeat(300)] {
        let response = appeal(&app, &author, hidden.id, bad).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad:?}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM appeals"), 0);
    let response = appeal(&app, &author, hidden.id, "C'était mon témoignage").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let filed: AppealItem = response.json().await.unwrap();
    assert_eq!(filed.status, AppealStatus::Pending);
    assert_eq!(filed.action_id, hidden.id);
    assert_problem(
        appeal(&app, &author, hidden.id, "Encore une fois").await,
        StatusCode::CONFLICT,
        "already_appealed",
    )
    .await;
    let notices: Page<ModerationNotice> =
        get(&app, "/api/v1/members/me/moderation", Some(&author)).await;
    assert!(!notices.items[0].appealable);
    assert_eq!(
        notices.items[0].appeal.as_ref().map(|a| a.id),
        Some(filed.id)
    );

    // It waits in the group's appeals queue: its moderators and platform moderators see it,
    // members do not, and the platform's own queue does not hold it.
    let group_appeals = format!("/api/v1/moderation/appeals?group_id={}", group.id);
    let queued: Page<QueuedAppeal> = get(&app, &group_appeals, Some(&owner)).await;
    assert_eq!(queued.items.len(), 1);
    assert_eq!(queued.items[0].decision.id, hidden.id);
    assert_eq!(queued.items[0].statement, "C'était mon témoignage");
    let queued: Page<QueuedAppeal> = get(&app, &group_appeals, Some(&platform)).await;
    assert_eq!(queued.items.len(), 1);
    let platform_queue: Page<QueuedAppeal> =
        get(&app, "/api/v1/moderation/appeals", Some(&platform)).await;
    assert!(platform_queue.items.is_empty());
    for who in [&reader, &author] {
        let response = app.call(Method::GET, &group_appeals, Some(who), None).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_problem(
            answer(&app, who, filed.id, "granted").await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }

    // Granted: the post is back for everyone, the undoing logged, the author told.
    let response = answer(&app, &owner, filed.id, "granted").await;
    assert_eq!(response.status(), StatusCode::OK);
    let answered: AppealItem = response.json().await.unwrap();
    assert_eq!(answered.status, AppealStatus::Granted);
    assert_eq!(answered.reason.as_deref(), Some("Relu avec attention"));
    assert_eq!(
        app.call(Method::GET, &post_path, Some(&reader), None)
            .await
            .status(),
        StatusCode::OK
    );
    assert_problem(
        answer(&app, &owner, filed.id, "upheld").await,
        StatusCode::CONFLICT,
        "appeal_closed",
    )
    .await;
    let queued: Page<QueuedAppeal> = get(&app, &group_appeals, Some(&owner)).await;
    assert!(queued.items.is_empty());
    let log: Page<ModerationLogEntry> = get(
        &app,
        &format!("/api/v1/moderation/log?group_id={}", group.id),
        Some(&owner),
    )
    .await;
    assert_eq!(log.items[0].action, ModerationDecision::Restore);
    let notices: Page<ModerationNotice> =
        get(&app, "/api/v1/members/me/moderation", Some(&author)).await;
    assert_eq!(notices.items[0].action, ModerationDecision::Restore);
    assert_eq!(
        notices.items[1].appeal.as_ref().map(|a| a.status),
        Some(AppealStatus::Granted)
    );

    // A hidden comment granted back counts again in its post's comment count.
    let comment: CommentItem = serde_json::from_value(
        app.ok_json(
            Method::POST,
            &format!("/api/v1/posts/{}/comments", thread.id),
            Some(&author),
            Some(json!({"body": "Et je le maintiens"})),
        )
        .await,
    )
    .unwrap();
    let count = |item: Value| item["comment_count"].as_i64();
    let hidden_comment =
        reported_and_decided(&app, &reader, &owner, "comment", comment.id, "hide").await;
    assert_eq!(count(get(&app, &post_path, Some(&reader)).await), Some(0));
    let response = appeal(&app, &author, hidden_comment.id, "Je maintiens mon avis").await;
    let filed: AppealItem = response.json().await.unwrap();
    let response = answer(&app, &platform, filed.id, "granted").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(count(get(&app, &post_path, Some(&reader)).await), Some(1));

    // A warning is not appealed (nothing to undo).
    let warned = post(&app, &group, &author, "Un autre message").await;
    let warning = reported_and_decided(&app, &reader, &owner, "post", warned.id, "warn").await;
    assert_problem(
        appeal(&app, &author, warning.id, "Je conteste").await,
        StatusCode::FORBIDDEN,
        "not_appealable",
    )
    .await;

    // A group's ban, granted on appeal, lets the member join again.
    let banned = reported_and_decided(&app, &reader, &owner, "post", warned.id, "ban").await;
    assert_problem(
        app.call(
            Method::POST,
            &format!("/api/v1/groups/{}/join", group.id),
            Some(&author),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "banned",
    )
    .await;
    let response = appeal(&app, &author, banned.id, "Je respecterai les règles").await;
    let filed: AppealItem = response.json().await.unwrap();
    let response = answer(&app, &owner, filed.id, "granted").await;
    assert_eq!(response.status(), StatusCode::OK);
    join(&app, &group, &author).await;
}
