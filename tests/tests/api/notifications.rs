//! In-app notifications: who gets what, grouped reactions, read state, settings — and that a
//! notification never shows what its recipient may not read now.

use chrono::{DateTime, TimeDelta, Utc};
use entraide_openapi::groups::Group;
use entraide_openapi::notifications::{
    NotificationItem, NotificationKind, NotificationOutcome, UnreadCount,
};
use entraide_openapi::pagination::Page;
use entraide_openapi::posts::{CommentItem, PostItem};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Member, TestApp, assert_problem, spawn_app};

async fn list(app: &TestApp, who: &Member, query: &str) -> Page<NotificationItem> {
    serde_json::from_value(
        app.ok_json(
            Method::GET,
            &format!("/api/v1/notifications{query}"),
            Some(who),
            None,
        )
        .await,
    )
    .unwrap()
}

async fn unread(app: &TestApp, who: &Member) -> u64 {
    let count: UnreadCount = serde_json::from_value(
        app.ok_json(
            Method::GET,
            "/api/v1/notifications/unread-count",
            Some(who),
            None,
        )
        .await,
    )
    .unwrap();
    count.unread
}

async fn join(app: &TestApp, group: &Group, who: &Member) {
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/join", group.id),
        Some(who),
        None,
    )
    .await;
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

async fn comment(
    app: &TestApp,
    post: Uuid,
    who: &Member,
    body: &str,
    parent: Option<Uuid>,
) -> CommentItem {
    serde_json::from_value(
        app.ok_json(
            Method::POST,
            &format!("/api/v1/posts/{post}/comments"),
            Some(who),
            Some(json!({"body": body, "parent_id": parent})),
        )
        .await,
    )
    .unwrap()
}

async fn react(app: &TestApp, path: &str, who: &Member) {
    app.ok_json(Method::PUT, path, Some(who), None).await;
}

fn stored_for(app: &TestApp, member: &Member) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) AS n FROM notifications WHERE member_id = '{}'",
        member.id
    ))
}

#[actix_web::test]
async fn comments_replies_and_reactions_notify_their_authors_once() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let chloe = app.member("Chloe", "caregiver").await;
    let group = app
        .create_group(&ana, "Parents solidaires", "public", "everyone")
        .await;
    join(&app, &group, &bruno).await;
    join(&app, &group, &chloe).await;
    let mine = post(&app, &group, &ana, "Comment gérez-vous la fatigue ?").await;

    // Commenting one's own post notifies nobody.
    comment(&app, mine.id, &ana, "Je précise : le soir surtout.", None).await;
    assert_eq!(stored_for(&app, &ana), 0);

    let by_bruno = comment(&app, mine.id, &bruno, "Des siestes courtes.", None).await;
    let page = list(&app, &ana, "").await;
    assert_eq!(page.items.len(), 1);
    let first = &page.items[0];
    assert_eq!(first.kind, NotificationKind::Comment);
    assert_eq!(first.actor.as_ref().unwrap().id, bruno.id);
    assert_eq!(first.actor.as_ref().unwrap().pseudonym, "Bruno");
    assert_eq!(first.post_id, Some(mine.id));
    assert_eq!(first.comment_id, Some(by_bruno.id));
    assert!(!first.read);
    let text = serde_json::to_string(&page).unwrap();
    assert!(
        !text.contains("siestes"),
        "no copied text in a notification"
    );

    // Ana answers Bruno: he gets a reply; she gets nothing for her own comment.
    comment(&app, mine.id, &ana, "Merci !", Some(by_bruno.id)).await;
    let bruno_page = list(&app, &bruno, "").await;
    assert_eq!(bruno_page.items.len(), 1);
    assert_eq!(bruno_page.items[0].kind, NotificationKind::Reply);
    assert_eq!(list(&app, &ana, "").await.items.len(), 1);

    // Chloé replies to Bruno's comment on Ana's post: Bruno a reply, Ana a comment.
    comment(&app, mine.id, &chloe, "Pareil ici", Some(by_bruno.id)).await;
    assert_eq!(list(&app, &bruno, "").await.items.len(), 2);
    assert_eq!(list(&app, &ana, "").await.items.len(), 2);

    // Reactions are gathered per post: one notification, counting, naming the latest actor.
    let on_post = format!("/api/v1/posts/{}/reactions", mine.id);
    react(&app, &format!("{on_post}/support"), &bruno).await;
    react(&app, &format!("{on_post}/hug"), &bruno).await;
    react(&app, &format!("{on_post}/hug"), &bruno).await; // again: nothing new
    react(&app, &format!("{on_post}/thanks"), &chloe).await;
    react(&app, &format!("{on_post}/hug"), &ana).await; // her own: nothing
    let page = list(&app, &ana, "").await;
    assert_eq!(page.items.len(), 3);
    let reaction = &page.items[0];
    assert_eq!(reaction.kind, NotificationKind::Reaction);
    assert_eq!(reaction.count, 3);
    assert_eq!(reaction.actor.as_ref().unwrap().id, chloe.id);
    assert_eq!(unread(&app, &ana).await, 3);

    // Reactions on a comment are gathered apart, to the comment's author.
    react(
        &app,
        &format!("/api/v1/comments/{}/reactions/thanks", by_bruno.id),
        &ana,
    )
    .await;
    let bruno_page = list(&app, &bruno, "").await;
    assert_eq!(bruno_page.items[0].kind, NotificationKind::Reaction);
    assert_eq!(bruno_page.items[0].comment_id, Some(by_bruno.id));

    // Read some, then the rest; a reaction after reading starts a new notification.
    let answer = app
        .ok_json(
            Method::POST,
            "/api/v1/notifications/read",
            Some(&ana),
            Some(json!({"ids": [reaction.id, bruno_page.items[0].id]})),
        )
        .await;
    assert_eq!(answer["unread"], 2, "Bruno's id changes nothing of Ana's");
    assert_eq!(unread(&app, &bruno).await, 3);
    let unread_page = list(&app, &ana, "?unread=true").await;
    assert_eq!(unread_page.items.len(), 2);
    assert!(unread_page.items.iter().all(|n| !n.read));
    react(&app, &format!("{on_post}/same_here"), &chloe).await;
    let page = list(&app, &ana, "").await;
    assert_eq!(page.items.len(), 4);
    assert_eq!(page.items[0].count, 1);
    assert!(page.items[1].read);
    let answer = app
        .ok_json(
            Method::POST,
            "/api/v1/notifications/read",
            Some(&ana),
            Some(json!({"all": true})),
        )
        .await;
    assert_eq!(answer["unread"], 0);
    assert!(list(&app, &ana, "?unread=true").await.items.is_empty());

    // Pages follow one another without overlap.
    let first = list(&app, &ana, "?limit=3").await;
    assert_eq!(first.items.len(), 3);
    let cursor = first.next_cursor.clone().unwrap();
    let second = list(&app, &ana, &format!("?limit=3&cursor={cursor}")).await;
    assert_eq!(second.items.len(), 1);
    assert!(second.next_cursor.is_none());
    assert!(first.items.iter().all(|n| n.id != second.items[0].id));
}

#[actix_web::test]
async fn mentions_notify_only_members_who_may_read_the_post() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let chloe = app.member("Chloe", "caregiver").await;
    let private = app
        .create_group(&ana, "Cercle privé", "private", "everyone")
        .await;
    join(&app, &private, &bruno).await;
    app.ok_json(
        Method::POST,
        &format!(
            "/api/v1/groups/{}/join-requests/{}/approve",
            private.id, bruno.id
        ),
        Some(&ana),
        None,
    )
    .await;
    let secret = post(&app, &private, &ana, "Merci @Bruno et @chloe, et @Ana.").await;
    let page = list(&app, &bruno, "").await;
    let mention = page
        .items
        .iter()
        .find(|n| n.kind == NotificationKind::Mention)
        .unwrap();
    assert_eq!(mention.post_id, Some(secret.id));
    // Chloé may not read the private group: nothing is even stored for her. Nor for Ana.
    assert_eq!(stored_for(&app, &chloe), 0);
    assert!(list(&app, &chloe, "").await.items.is_empty());
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE member_id = '{}' AND kind = 'mention'",
            ana.id
        )),
        0
    );

    // In a comment: the mentioned member who may read it, once (not again as a mention when
    // they got the comment or the reply).
    let public = app
        .create_group(&ana, "Ouvert à tous", "public", "everyone")
        .await;
    let open = post(&app, &public, &ana, "Bienvenue").await;
    join(&app, &public, &bruno).await;
    comment(&app, open.id, &bruno, "Salut @Ana et @Chloe", None).await;
    let chloe_page = list(&app, &chloe, "").await;
    assert_eq!(chloe_page.items.len(), 1);
    assert_eq!(chloe_page.items[0].kind, NotificationKind::Mention);
    let ana_kinds: Vec<_> = list(&app, &ana, "")
        .await
        .items
        .iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(
        ana_kinds,
        [NotificationKind::Comment, NotificationKind::JoinRequest]
    );
}

#[actix_web::test]
async fn a_notification_is_shown_only_while_its_recipient_may_read_what_it_names() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let chloe = app.member("Chloe", "caregiver").await;
    let group = app
        .create_group(&ana, "Bientôt privé", "public", "everyone")
        .await;
    join(&app, &group, &chloe).await;
    // Bruno reads the public group without joining it: he is mentioned.
    post(&app, &group, &ana, "Une question pour @Bruno").await;
    assert_eq!(unread(&app, &bruno).await, 1);

    // The group becomes private: the notification is no longer shown nor counted.
    app.ok_json(
        Method::PATCH,
        &format!("/api/v1/groups/{}", group.id),
        Some(&ana),
        Some(json!({"visibility": "private"})),
    )
    .await;
    assert!(list(&app, &bruno, "").await.items.is_empty());
    assert_eq!(unread(&app, &bruno).await, 0);
    assert_eq!(stored_for(&app, &bruno), 1, "kept, only not shown");

    // A member the recipient blocks: their notifications go, and none are written after.
    let mine = post(&app, &group, &ana, "Des nouvelles").await;
    comment(&app, mine.id, &chloe, "Bonne nouvelle", None).await;
    assert_eq!(unread(&app, &ana).await, 1);
    app.ok_json(
        Method::PUT,
        &format!("/api/v1/members/{}/block", chloe.id),
        Some(&ana),
        None,
    )
    .await;
    assert!(list(&app, &ana, "").await.items.is_empty());
    assert_eq!(unread(&app, &ana).await, 0);
    // Blocked the other way round: Chloé mentions nobody she may not reach.
    let chloe_group = app
        .create_group(&chloe, "Chez Chloé", "public", "everyone")
        .await;
    post(&app, &chloe_group, &chloe, "Coucou @Ana").await;
    assert_eq!(stored_for(&app, &ana), 1, "nothing new for Ana");

    // A deleted post takes its notifications out of the list.
    let other = post(&app, &chloe_group, &chloe, "Merci @Bruno").await;
    assert_eq!(unread(&app, &bruno).await, 1);
    let response = app
        .call(
            Method::DELETE,
            &format!("/api/v1/posts/{}", other.id),
            Some(&chloe),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(unread(&app, &bruno).await, 0);
    assert!(list(&app, &bruno, "").await.items.is_empty());
}

#[actix_web::test]
async fn join_requests_reach_the_moderators_and_decisions_the_requester() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "patient").await;
    let asker = app.member("Asker", "patient").await;
    let other = app.member("Other", "patient").await;
    let group = app
        .create_group(&owner, "Groupe fermé", "private", "everyone")
        .await;
    join(&app, &group, &asker).await;
    join(&app, &group, &other).await;
    let page = list(&app, &owner, "").await;
    assert_eq!(page.items.len(), 2);
    assert!(
        page.items
            .iter()
            .all(|n| n.kind == NotificationKind::JoinRequest && n.group_id == Some(group.id))
    );
    assert_eq!(page.items[1].actor.as_ref().unwrap().id, asker.id);

    for (who, action, outcome) in [
        (&asker, "approve", NotificationOutcome::Approved),
        (&other, "refuse", NotificationOutcome::Refused),
    ] {
        let response = app
            .call(
                Method::POST,
                &format!(
                    "/api/v1/groups/{}/join-requests/{}/{action}",
                    group.id, who.id
                ),
                Some(&owner),
                None,
            )
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let page = list(&app, who, "").await;
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].kind, NotificationKind::JoinDecision);
        assert_eq!(page.items[0].outcome, Some(outcome));
        assert!(page.items[0].actor.is_none(), "the moderator is not named");
    }
}

#[actix_web::test]
async fn settings_choose_a_channel_per_kind_and_off_stores_nothing() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let defaults = app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/notification-settings",
            Some(&ana),
            None,
        )
        .await;
    assert_eq!(defaults["comment"], "in_app");
    assert_eq!(
        defaults.as_object().unwrap().len(),
        14,
        "13 kinds and the digest"
    );
    let changed = app
        .ok_json(
            Method::PATCH,
            "/api/v1/members/me/notification-settings",
            Some(&ana),
            Some(json!({"comment": "off", "reaction": "email_digest"})),
        )
        .await;
    assert_eq!(changed["comment"], "off");
    assert_eq!(changed["reaction"], "email_digest");
    assert_eq!(changed["mention"], "in_app");
    let again = app
        .ok_json(
            Method::PATCH,
            "/api/v1/members/me/notification-settings",
            Some(&ana),
            Some(json!({"comment": "in_app"})),
        )
        .await;
    assert_eq!(again["comment"], "in_app");
    assert_eq!(again["reaction"], "email_digest");
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me/notification-settings",
        Some(&ana),
        Some(json!({"comment": "off"})),
    )
    .await;

    let group = app
        .create_group(&ana, "Réglages", "public", "everyone")
        .await;
    join(&app, &group, &bruno).await;
    let mine = post(&app, &group, &ana, "Bonjour").await;
    comment(&app, mine.id, &bruno, "Bonjour Ana", None).await;
    assert_eq!(stored_for(&app, &ana), 0);
    react(
        &app,
        &format!("/api/v1/posts/{}/reactions/hug", mine.id),
        &bruno,
    )
    .await;
    assert_eq!(
        list(&app, &ana, "").await.items.len(),
        1,
        "email_digest is also in the app"
    );

    let response = app
        .call(
            Method::PATCH,
            "/api/v1/members/me/notification-settings",
            Some(&ana),
            Some(json!({"comment": "sms"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_web::test]
async fn marking_read_takes_ids_or_all_and_nothing_else() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    for body in [
        json!({}),
        json!({"ids": [Uuid::now_v7()], "all": true}),
        json!({"all": false}),
        json!({"ids": (0..101).map(|_| Uuid::now_v7()).collect::<Vec<_>>()}),
    ] {
        let response = app
            .call(
                Method::POST,
                "/api/v1/notifications/read",
                Some(&ana),
                Some(body.clone()),
            )
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem.errors.unwrap()[0].field, "ids", "{body}");
    }
    let response = app
        .call(Method::GET, "/api/v1/notifications", None, None)
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let _: Value = app
        .ok_json(
            Method::POST,
            "/api/v1/notifications/read",
            Some(&ana),
            Some(json!({"ids": []})),
        )
        .await;
}

#[actix_web::test]
async fn notifications_are_in_the_export_and_go_with_an_erased_member() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let chloe = app.member("Chloe", "caregiver").await;
    let group = app.create_group(&ana, "Export", "public", "everyone").await;
    join(&app, &group, &bruno).await;
    join(&app, &group, &chloe).await;
    let mine = post(&app, &group, &ana, "Bonjour à tous").await;
    let by_bruno = comment(&app, mine.id, &bruno, "Bonjour Ana", None).await;
    comment(&app, mine.id, &chloe, "Salut", None).await;
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me/notification-settings",
        Some(&ana),
        Some(json!({"reaction": "off"})),
    )
    .await;
    app.ok_json(
        Method::PUT,
        &format!("/api/v1/members/{}/block", chloe.id),
        Some(&ana),
        None,
    )
    .await;

    // The export: Bruno's comment in full; Chloé's (blocked since) by kind and time only.
    let export = app
        .ok_json(Method::GET, "/api/v1/members/me/export", Some(&ana), None)
        .await;
    let items = export["notifications"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["shown"], true);
    assert_eq!(items[0]["actor_id"], json!(bruno.id));
    assert_eq!(items[0]["comment_id"], json!(by_bruno.id));
    assert_eq!(items[1]["shown"], false);
    assert_eq!(items[1]["kind"], "comment");
    assert_eq!(items[1]["actor_id"], Value::Null);
    assert_eq!(items[1]["post_id"], Value::Null);
    assert_eq!(items[1]["comment_id"], Value::Null);
    assert_eq!(export["notification_settings"]["reaction"], "off");

    // Erasing Bruno removes what he caused; erasing Ana, what she received and chose.
    react(
        &app,
        &format!("/api/v1/comments/{}/reactions/hug", by_bruno.id),
        &ana,
    )
    .await;
    assert_eq!(stored_for(&app, &bruno), 1);
    let erased = app
        .call(
            Method::DELETE,
            "/api/v1/members/me",
            Some(&bruno),
            Some(json!({"password": crate::support::PASSWORD, "content": "anonymise"})),
        )
        .await;
    assert_eq!(erased.status(), StatusCode::NO_CONTENT);
    assert_eq!(stored_for(&app, &bruno), 0);
    let by = |who: &Member| {
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE actor_id = '{}'",
            who.id
        ))
    };
    assert_eq!(by(&bruno), 0);
    assert_eq!(list(&app, &ana, "").await.items.len(), 0);
    let erased = app
        .call(
            Method::DELETE,
            "/api/v1/members/me",
            Some(&ana),
            Some(json!({"password": crate::support::PASSWORD, "content": "delete"})),
        )
        .await;
    assert_eq!(erased.status(), StatusCode::NO_CONTENT);
    assert_eq!(stored_for(&app, &ana), 0);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM notification_settings WHERE member_id = '{}'",
            ana.id
        )),
        0
    );
}

// ---- The producers of issue 15's second increment: events, research, resources, moderation,
// ---- and the e-mail digest.

/// The member's listed notifications of one kind.
async fn of_kind(app: &TestApp, who: &Member, kind: NotificationKind) -> Vec<NotificationItem> {
    list(app, who, "")
        .await
        .items
        .into_iter()
        .filter(|n| n.kind == kind)
        .collect()
}

fn stored_of_kind(app: &TestApp, member: &Member, kind: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) AS n FROM notifications WHERE member_id = '{}' AND kind = '{kind}'",
        member.id
    ))
}

/// Settings reaching this test's database, for the worker's passes.
fn worker_settings(app: &TestApp) -> entraide_api::configuration::Settings {
    entraide_api::configuration::Settings::with_database(
        app.database.url(),
        crate::support::JWT_SECRET,
    )
}

async fn run_worker(app: &TestApp, now: DateTime<Utc>) -> entraide_api::scheduled::Pass {
    entraide_api::scheduled::run_once(&app.database(), &worker_settings(app), now)
        .await
        .unwrap()
}

async fn approve(app: &TestApp, group: &Group, owner: &Member, who: &Member) {
    let response = app
        .call(
            Method::POST,
            &format!(
                "/api/v1/groups/{}/join-requests/{}/approve",
                group.id, who.id
            ),
            Some(owner),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

async fn create_event(app: &TestApp, who: &Member, body: Value) -> Uuid {
    let created = app
        .ok_json(Method::POST, "/api/v1/events", Some(who), Some(body))
        .await;
    created["id"].as_str().unwrap().parse().unwrap()
}

fn event_at(title: &str, starts_at: DateTime<Utc>) -> Value {
    json!({"title": title, "starts_at": starts_at.to_rfc3339(),
        "ends_at": (starts_at + TimeDelta::hours(2)).to_rfc3339(), "time_zone": "Europe/Paris"})
}

async fn answer_event(app: &TestApp, event: Uuid, who: &Member, status: &str) {
    app.ok_json(
        Method::PUT,
        &format!("/api/v1/events/{event}/rsvp"),
        Some(who),
        Some(json!({"status": status})),
    )
    .await;
}

#[actix_web::test]
async fn event_changes_notify_who_answered_and_may_still_read_it() {
    let app = spawn_app().await;
    let organizer = app.member("Organisatrice", "patient").await;
    let going = app.member("Ana", "patient").await;
    let interested = app.member("Bruno", "patient").await;
    let declined = app.member("Chloe", "patient").await;
    let leaver = app.member("Dora", "patient").await;
    let group = app
        .create_group(&organizer, "Cercle privé", "private", "everyone")
        .await;
    for who in [&going, &interested, &declined, &leaver] {
        join(&app, &group, who).await;
        approve(&app, &group, &organizer, who).await;
    }
    let mut body = event_at("Rencontre", Utc::now() + TimeDelta::days(10));
    body["group_id"] = json!(group.id);
    let event = create_event(&app, &organizer, body).await;
    answer_event(&app, event, &going, "going").await;
    answer_event(&app, event, &interested, "interested").await;
    answer_event(&app, event, &declined, "not_going").await;
    answer_event(&app, event, &leaver, "going").await;
    // Dora leaves the private group: she can no longer read the event.
    let left = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/leave", group.id),
            Some(&leaver),
            None,
        )
        .await;
    assert!(left.status().is_success());
    let path = format!("/api/v1/events/{event}");

    // A new description or title is not worth a notification.
    app.ok_json(
        Method::PATCH,
        &path,
        Some(&organizer),
        Some(json!({"description": "Apportez de quoi écrire.", "title": "Rencontre d'hiver"})),
    )
    .await;
    assert!(
        of_kind(&app, &going, NotificationKind::EventChanged)
            .await
            .is_empty()
    );

    // A new time is.
    let later = Utc::now() + TimeDelta::days(12);
    app.ok_json(
        Method::PATCH,
        &path,
        Some(&organizer),
        Some(json!({"starts_at": later.to_rfc3339(),
            "ends_at": (later + TimeDelta::hours(2)).to_rfc3339()})),
    )
    .await;
    for who in [&going, &interested] {
        let changed = of_kind(&app, who, NotificationKind::EventChanged).await;
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].event_id, Some(event));
        assert_eq!(changed[0].outcome, Some(NotificationOutcome::Changed));
        assert!(changed[0].actor.is_none());
    }
    for who in [&declined, &leaver, &organizer] {
        assert_eq!(stored_of_kind(&app, who, "event_changed"), 0);
    }

    // Cancelling tells them again; cancelling twice does not.
    app.ok_json(Method::DELETE, &path, Some(&organizer), None)
        .await;
    app.ok_json(Method::DELETE, &path, Some(&organizer), None)
        .await;
    let changed = of_kind(&app, &going, NotificationKind::EventChanged).await;
    assert_eq!(changed.len(), 2);
    assert_eq!(changed[0].outcome, Some(NotificationOutcome::Cancelled));
    assert_eq!(stored_of_kind(&app, &leaver, "event_changed"), 0);
}

#[actix_web::test]
async fn reminders_come_once_a_day_ahead_even_from_two_workers() {
    let app = spawn_app().await;
    let organizer = app.member("Organisatrice", "patient").await;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let now = Utc::now();
    let soon = create_event(
        &app,
        &organizer,
        event_at("Atelier", now + TimeDelta::hours(10)),
    )
    .await;
    let tomorrow = create_event(
        &app,
        &organizer,
        event_at("Marche", now + TimeDelta::hours(30)),
    )
    .await;
    answer_event(&app, soon, &ana, "going").await;
    answer_event(&app, soon, &bruno, "interested").await;
    answer_event(&app, tomorrow, &ana, "going").await;

    // Two passes at once (two nodes): one reminder.
    let database = app.database();
    let settings = worker_settings(&app);
    let (db1, s1, db2, s2) = (database.clone(), settings.clone(), database, settings);
    let first = actix_web::rt::spawn(async move {
        entraide_api::scheduled::run_once(&db1, &s1, now)
            .await
            .unwrap()
    });
    let second = actix_web::rt::spawn(async move {
        entraide_api::scheduled::run_once(&db2, &s2, now)
            .await
            .unwrap()
    });
    let (first, second) = (first.await.unwrap(), second.await.unwrap());
    assert_eq!(first.reminders + second.reminders, 1);
    let reminders = of_kind(&app, &ana, NotificationKind::EventReminder).await;
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0].event_id, Some(soon));
    assert!(reminders[0].actor.is_none());
    // Only who is going.
    assert_eq!(stored_of_kind(&app, &bruno, "event_reminder"), 0);
    // Again: nothing new.
    assert_eq!(run_worker(&app, now).await.reminders, 0);
    // Seven hours later the second event is within 24 hours; the first is not reminded again.
    let pass = run_worker(&app, now + TimeDelta::hours(7)).await;
    assert_eq!(pass.reminders, 1);
    assert_eq!(
        pass.woken,
        vec![entraide_domain::ids::MemberId::from_uuid(ana.id)]
    );
    let reminders = of_kind(&app, &ana, NotificationKind::EventReminder).await;
    assert_eq!(reminders.len(), 2);
    assert_eq!(reminders[0].event_id, Some(tomorrow));
    assert_eq!(stored_of_kind(&app, &ana, "event_reminder"), 2);
}

#[actix_web::test]
async fn questionnaires_due_reach_members_consenting_now_once_per_window() {
    let lab = crate::research::Lab::new().await;
    let app = &lab.app;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let chloe = app.member("Chloe", "patient").await;
    let dora = app.member("Dora", "patient").await;
    let eve = app.member("Eve", "patient").await;
    let (study, questionnaire) = lab.study("Sommeil et SEP", false).await;
    for who in [&ana, &bruno, &dora, &eve] {
        assert!(lab.consent(who, &study, 1).await.status().is_success());
    }
    // Bruno withdraws; Dora already answered this window; Chloe never consented.
    let withdraw = format!("/api/v1/studies/{study}/consent?past_answers=delete");
    let response = app
        .call(Method::DELETE, &withdraw, Some(&bruno), None)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let answered = lab
        .answer(&dora, &questionnaire, json!({"pain": 3, "woke": false}))
        .await;
    assert!(answered.status().is_success());

    let pass = run_worker(app, Utc::now()).await;
    assert_eq!(pass.questionnaires, 2);
    let due = of_kind(app, &ana, NotificationKind::QuestionnaireDue).await;
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].subject_id, Some(questionnaire.parse().unwrap()));
    assert!(due[0].actor.is_none());
    for who in [&bruno, &chloe, &dora, &lab.researcher] {
        assert_eq!(stored_of_kind(app, who, "questionnaire_due"), 0);
    }
    // Once per window.
    assert_eq!(run_worker(app, Utc::now()).await.questionnaires, 0);
    assert_eq!(stored_of_kind(app, &ana, "questionnaire_due"), 1);
    // Not before the window opens: a questionnaire opening tomorrow waits for tomorrow's pass.
    let mut later = crate::research::questionnaire_body();
    later["title"] = json!("Suivi J+1");
    later["schedule"]["opens_at"] = json!((Utc::now() + TimeDelta::days(1)).to_rfc3339());
    let later: Uuid = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/studies/{study}/questionnaires"),
            Some(&lab.researcher),
            Some(later),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(run_worker(app, Utc::now()).await.questionnaires, 0);
    assert_eq!(
        run_worker(app, Utc::now() + TimeDelta::days(2))
            .await
            .questionnaires,
        3,
        "Ana, Dora (who answered the other one) and Eve"
    );
    assert!(
        of_kind(app, &eve, NotificationKind::QuestionnaireDue)
            .await
            .iter()
            .any(|n| n.subject_id == Some(later))
    );
    // Withdrawn: the notification is no longer shown, nor counted.
    let response = app.call(Method::DELETE, &withdraw, Some(&ana), None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(
        of_kind(app, &ana, NotificationKind::QuestionnaireDue)
            .await
            .is_empty()
    );
    assert_eq!(unread(app, &ana).await, 0);
    assert_eq!(
        of_kind(app, &eve, NotificationKind::QuestionnaireDue)
            .await
            .len(),
        2
    );
    // A closed study's questionnaires are no longer due.
    app.ok_json(
        Method::PATCH,
        &format!("/api/v1/studies/{study}"),
        Some(&lab.researcher),
        Some(json!({"status": "closed"})),
    )
    .await;
    assert!(
        of_kind(app, &eve, NotificationKind::QuestionnaireDue)
            .await
            .is_empty()
    );
}

#[actix_web::test]
async fn a_validated_resource_notifies_its_author_without_naming_the_reviewer() {
    let l = crate::resources::library(1).await;
    let resource = l
        .create(crate::resources::fact_sheet(&l.committee, "Fatigue et SEP"))
        .await;
    assert!(l.submit(&resource, &l.editor).await.status().is_success());
    let changes = l
        .review(
            &resource,
            &l.physician,
            json!({"decision": "request_changes", "comment": "Sources ?"}),
        )
        .await;
    assert!(changes.status().is_success());
    assert_eq!(stored_of_kind(&l.app, &l.editor, "resource_validated"), 0);
    assert!(l.submit(&resource, &l.editor).await.status().is_success());
    let validated = l
        .review(&resource, &l.nurse, json!({"decision": "validate"}))
        .await;
    assert!(validated.status().is_success());
    let notified = of_kind(&l.app, &l.editor, NotificationKind::ResourceValidated).await;
    assert_eq!(notified.len(), 1);
    let id: Uuid = resource["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(notified[0].subject_id, Some(id));
    assert!(notified[0].actor.is_none(), "no reviewer is named");
    for who in [&l.nurse, &l.physician, &l.reader] {
        assert_eq!(stored_of_kind(&l.app, who, "resource_validated"), 0);
    }
}

async fn report_of(app: &TestApp, who: &Member, kind: &str, target: Uuid, reason: &str) -> Uuid {
    let created = app
        .ok_json(
            Method::POST,
            "/api/v1/reports",
            Some(who),
            Some(json!({"target_kind": kind, "target_id": target, "reason": reason, "note": "À vérifier"})),
        )
        .await;
    created["id"].as_str().unwrap().parse().unwrap()
}

#[actix_web::test]
async fn moderation_outcomes_reach_author_and_reporter_and_name_nobody() {
    let app = spawn_app().await;
    let owner = app.member("Proprietaire", "caregiver").await;
    let author = app.member("Auteur", "patient").await;
    let reporter = app.member("Temoin", "patient").await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let group = app
        .create_group(&owner, "Thyroïde", "public", "everyone")
        .await;
    join(&app, &group, &author).await;
    join(&app, &group, &reporter).await;
    let written = post(&app, &group, &author, "Arrêtez votre traitement.").await;
    let report = report_of(
        &app,
        &reporter,
        "post",
        written.id,
        "medical_misinformation",
    )
    .await;
    let decided = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/moderation/reports/{report}/actions"),
            Some(&owner),
            Some(json!({"action": "hide", "reason": "Conseil médical dangereux"})),
        )
        .await;
    let decision: Uuid = decided["id"].as_str().unwrap().parse().unwrap();

    let told = of_kind(&app, &reporter, NotificationKind::ReportDecided).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].subject_id, Some(report));
    assert!(told[0].actor.is_none() && told[0].post_id.is_none());
    let moderated = of_kind(&app, &author, NotificationKind::ContentModerated).await;
    assert_eq!(moderated.len(), 1);
    assert_eq!(moderated[0].subject_id, Some(decision));
    assert!(moderated[0].actor.is_none());
    // Nothing the author receives names the reporter, their report or the moderator.
    let everything = app
        .ok_json(Method::GET, "/api/v1/notifications", Some(&author), None)
        .await
        .to_string();
    for secret in [reporter.id, report, owner.id] {
        assert!(!everything.contains(&secret.to_string()), "{secret} leaked");
    }

    // A suspension: stored although the member can no longer sign in.
    let about = report_of(&app, &reporter, "member", author.id, "harassment").await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/moderation/reports/{about}/actions"),
        Some(&admin),
        Some(json!({"action": "suspend", "reason": "Harcèlement", "duration_days": 3})),
    )
    .await;
    assert_eq!(stored_of_kind(&app, &author, "sanctioned"), 1);
    assert_eq!(stored_of_kind(&app, &reporter, "report_decided"), 2);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE member_id = '{}' AND actor_id IS NOT NULL",
            author.id
        )),
        0
    );

    // A dismissal tells the reporter only.
    let other = post(&app, &group, &owner, "Bienvenue à toutes et tous.").await;
    let dismissed = report_of(&app, &reporter, "post", other.id, "spam").await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/moderation/reports/{dismissed}/actions"),
        Some(&admin),
        Some(json!({"action": "dismiss", "reason": "Rien d'anormal"})),
    )
    .await;
    assert_eq!(stored_of_kind(&app, &reporter, "report_decided"), 3);
    assert_eq!(stored_of_kind(&app, &owner, "content_moderated"), 0);
}

async fn settings_of(app: &TestApp, who: &Member) -> Value {
    app.ok_json(
        Method::GET,
        "/api/v1/members/me/notification-settings",
        Some(who),
        None,
    )
    .await
}

fn verify_email(app: &TestApp, who: &Member) {
    use diesel::RunQueryDsl;
    let db = app.database();
    let mut conn = db.writer().unwrap();
    diesel::sql_query(format!(
        "UPDATE members SET email_verified_at = created_at WHERE id = '{}'",
        who.id
    ))
    .execute(&mut **conn)
    .unwrap();
}

#[actix_web::test]
async fn the_digest_counts_due_kinds_once_per_period_and_says_nothing_private() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let dora = app.member("Dora", "patient").await;
    let chloe = app.member("Chloe", "patient").await;
    for who in [&ana, &bruno, &dora, &chloe] {
        verify_email(&app, who);
    }
    // The digest is off by default; the settings stay readable as before, with `digest`.
    assert_eq!(settings_of(&app, &ana).await["digest"], "never");
    let changed = app
        .ok_json(
            Method::PATCH,
            "/api/v1/members/me/notification-settings",
            Some(&ana),
            Some(json!({"comment": "email_digest", "join_request": "email_digest", "digest": "daily"})),
        )
        .await;
    assert_eq!(changed["digest"], "daily");
    assert_eq!(changed["comment"], "email_digest");
    assert_eq!(changed["reaction"], "in_app");
    // Changing a kind keeps the frequency.
    let kept = app
        .ok_json(
            Method::PATCH,
            "/api/v1/members/me/notification-settings",
            Some(&ana),
            Some(json!({"mention": "in_app"})),
        )
        .await;
    assert_eq!(kept["digest"], "daily");
    let refused = app
        .call(
            Method::PATCH,
            "/api/v1/members/me/notification-settings",
            Some(&ana),
            Some(json!({"digest": "hourly"})),
        )
        .await;
    assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    // Bruno sends comments to the digest but never asked for one; Chloe asked, with nothing due.
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me/notification-settings",
        Some(&bruno),
        Some(json!({"reply": "email_digest"})),
    )
    .await;
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me/notification-settings",
        Some(&chloe),
        Some(json!({"digest": "weekly", "comment": "off"})),
    )
    .await;

    let group = app
        .create_group(&ana, "Endométriose entre nous", "private", "everyone")
        .await;
    for who in [&bruno, &dora] {
        join(&app, &group, who).await;
        approve(&app, &group, &ana, who).await;
    }
    let mine = post(&app, &group, &ana, "Mon traitement hormonal me fatigue.").await;
    let by_bruno = comment(&app, mine.id, &bruno, "Essaie la sophrologie.", None).await;
    comment(&app, mine.id, &ana, "Merci Bruno", Some(by_bruno.id)).await;
    comment(&app, mine.id, &dora, "Pareil pour moi.", None).await;
    react(
        &app,
        &format!("/api/v1/posts/{}/reactions/hug", mine.id),
        &bruno,
    )
    .await;
    // Ana blocks Dora: Dora's comment is no longer hers to see, so not in the digest.
    let blocked = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/block", dora.id),
            Some(&ana),
            None,
        )
        .await;
    assert_eq!(blocked.status(), StatusCode::NO_CONTENT);

    let now = Utc::now();
    let pass = run_worker(&app, now).await;
    assert_eq!(pass.digests, 1);
    let mails = app.outbox(&ana.email);
    let digests: Vec<_> = mails
        .iter()
        .filter(|m| m.subject.contains("notifications"))
        .collect();
    assert_eq!(digests.len(), 1, "{mails:?}");
    let body = &digests[0].body;
    // One join request and one comment (Bruno's; Dora's are hidden by the block); no reaction.
    assert!(body.contains("2 notification(s)"), "{body}");
    assert!(body.contains("- 1 comment(s) on your posts"), "{body}");
    assert!(body.contains("- 1 request(s) to join"), "{body}");
    assert!(!body.contains("reaction"), "{body}");
    assert!(body.contains("/notifications"), "{body}");
    for private in [
        "Bruno",
        "Dora",
        "Endométriose",
        "traitement",
        "sophrologie",
        &group.id.to_string(),
        &mine.id.to_string(),
        &bruno.id.to_string(),
    ] {
        assert!(!body.contains(private), "{private} in {body}");
    }
    // Never twice for the same period, nothing for `never` or with nothing due.
    assert_eq!(run_worker(&app, now).await.digests, 0);
    for who in [&bruno, &chloe, &dora] {
        assert!(
            app.outbox(&who.email)
                .iter()
                .all(|m| !m.subject.contains("notifications")),
            "{} got a digest",
            who.email
        );
    }
    // The next day: only what arrived since.
    comment(&app, mine.id, &bruno, "Et la marche douce.", None).await;
    assert_eq!(run_worker(&app, now).await.digests, 0);
    assert_eq!(run_worker(&app, now + TimeDelta::days(1)).await.digests, 1);
    let digests: Vec<_> = app
        .outbox(&ana.email)
        .into_iter()
        .filter(|m| m.subject.contains("notifications"))
        .collect();
    assert_eq!(digests.len(), 2);
    assert!(
        digests[1].body.contains("1 notification(s)"),
        "{}",
        digests[1].body
    );
    // `never` again: no more digests.
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me/notification-settings",
        Some(&ana),
        Some(json!({"digest": "never"})),
    )
    .await;
    comment(&app, mine.id, &bruno, "Courage !", None).await;
    assert_eq!(run_worker(&app, now + TimeDelta::days(2)).await.digests, 0);
}
