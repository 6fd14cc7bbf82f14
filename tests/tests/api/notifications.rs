//! In-app notifications: who gets what, grouped reactions, read state, settings — and that a
//! notification never shows what its recipient may not read now.

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
    assert_eq!(defaults.as_object().unwrap().len(), 13);
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
