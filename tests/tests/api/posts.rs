//! Posts, comments, reactions, walls and feeds — above all, that nothing leaks.

use entraide_openapi::groups::Group;
use entraide_openapi::pagination::Page;
use entraide_openapi::posts::{CommentItem, PostItem, ReactionState};
use reqwest::{Method, Response, StatusCode};
use serde_json::json;
use uuid::Uuid;

use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

async fn admit(app: &TestApp, group: &Group, owner: &Member, who: &Member) {
    let invite = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/invitations", group.id),
            Some(owner),
            Some(json!({"member_id": who.id})),
        )
        .await;
    assert_eq!(invite.status(), StatusCode::NO_CONTENT);
    let join = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/join", group.id),
            Some(who),
            None,
        )
        .await;
    assert_eq!(join.status(), StatusCode::OK);
}

async fn post_in(app: &TestApp, group: &Group, who: &Member, body: &str) -> PostItem {
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(who),
            Some(json!({"body": body})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn post_on_wall(app: &TestApp, who: &Member, body: &str) -> PostItem {
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/members/{}/wall", who.id),
            Some(who),
            Some(json!({"body": body})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn comment(
    app: &TestApp,
    post: Uuid,
    who: &Member,
    body: &str,
    parent: Option<Uuid>,
) -> Response {
    app.call(
        Method::POST,
        &format!("/api/v1/posts/{post}/comments"),
        Some(who),
        Some(json!({"body": body, "parent_id": parent})),
    )
    .await
}

async fn ids(app: &TestApp, path: &str, who: Option<&Member>) -> Vec<Uuid> {
    let response = app.call(Method::GET, path, who, None).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let page: Page<PostItem> = response.json().await.unwrap();
    page.items.into_iter().map(|p| p.id).collect()
}

async fn feed(app: &TestApp, who: &Member) -> Vec<Uuid> {
    ids(app, "/api/v1/feed?limit=100", Some(who)).await
}

async fn follow(app: &TestApp, who: &Member, whom: &Member) {
    let response = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/follow", whom.id),
            Some(who),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

async fn status_of(app: &TestApp, path: &str, who: Option<&Member>) -> StatusCode {
    app.call(Method::GET, path, who, None).await.status()
}

#[actix_web::test]
async fn a_private_group_post_never_leaks() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "patient").await;
    let insider = app.member("Insider", "patient").await;
    let outsider = app.member("Outsider", "patient").await;
    let private = app
        .create_group(&owner, "Cercle privé", "private", "everyone")
        .await;
    admit(&app, &private, &owner, &insider).await;
    let secret = post_in(&app, &private, &owner, "Mon diagnostic, entre nous").await;
    let reply: CommentItem = comment(&app, secret.id, &insider, "Courage", None)
        .await
        .json()
        .await
        .unwrap();
    let wall = post_on_wall(&app, &owner, "Bonjour à tous").await;
    follow(&app, &outsider, &owner).await;

    // Insiders see it everywhere it belongs.
    assert!(feed(&app, &owner).await.contains(&secret.id));
    assert!(feed(&app, &insider).await.contains(&secret.id));
    assert!(
        ids(
            &app,
            &format!("/api/v1/groups/{}/posts", private.id),
            Some(&insider)
        )
        .await
        .contains(&secret.id)
    );
    assert!(
        ids(
            &app,
            &format!("/api/v1/members/{}/wall", owner.id),
            Some(&insider)
        )
        .await
        .contains(&secret.id)
    );

    // Outsiders and visitors: not by id, not in a feed, not on the author's wall, not through
    // the comment, not through reactions.
    for who in [Some(&outsider), None] {
        assert_eq!(
            status_of(&app, &format!("/api/v1/posts/{}", secret.id), who).await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            status_of(&app, &format!("/api/v1/posts/{}/comments", secret.id), who).await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            status_of(&app, &format!("/api/v1/comments/{}", reply.id), who).await,
            StatusCode::NOT_FOUND
        );
        let group_feed = app
            .call(
                Method::GET,
                &format!("/api/v1/groups/{}/posts", private.id),
                who,
                None,
            )
            .await;
        assert_problem(group_feed, StatusCode::FORBIDDEN, "not_readable").await;
    }
    let outsider_wall = ids(
        &app,
        &format!("/api/v1/members/{}/wall", owner.id),
        Some(&outsider),
    )
    .await;
    assert_eq!(
        outsider_wall,
        vec![wall.id],
        "the wall shows what the reader may see, no more"
    );
    let outsider_feed = feed(&app, &outsider).await;
    assert!(
        outsider_feed.contains(&wall.id),
        "followed wall posts reach the feed"
    );
    assert!(!outsider_feed.contains(&secret.id));
    let react = app
        .call(
            Method::PUT,
            &format!("/api/v1/posts/{}/reactions/support", secret.id),
            Some(&outsider),
            None,
        )
        .await;
    assert_problem(react, StatusCode::NOT_FOUND, "not_found").await;
    let react = app
        .call(
            Method::PUT,
            &format!("/api/v1/comments/{}/reactions/hug", reply.id),
            Some(&outsider),
            None,
        )
        .await;
    assert_problem(react, StatusCode::NOT_FOUND, "not_found").await;
    let answer = comment(&app, secret.id, &outsider, "Je m'incruste", None).await;
    assert_problem(answer, StatusCode::NOT_FOUND, "not_found").await;
    let reply_reply = comment(&app, secret.id, &outsider, "Moi aussi", Some(reply.id)).await;
    assert_problem(reply_reply, StatusCode::NOT_FOUND, "not_found").await;
    let edit = app
        .call(
            Method::PATCH,
            &format!("/api/v1/posts/{}", secret.id),
            Some(&outsider),
            Some(json!({"body": "x"})),
        )
        .await;
    assert_problem(edit, StatusCode::NOT_FOUND, "not_found").await;
    // And nothing was stored by those attempts.
    let post: PostItem = app
        .call(
            Method::GET,
            &format!("/api/v1/posts/{}", secret.id),
            Some(&owner),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(post.comment_count, 1);
    assert_eq!(post.reactions.support, 0);
}

#[actix_web::test]
async fn reserved_spaces_stay_reserved_even_after_a_kind_change() {
    let app = spawn_app().await;
    let patient = app.member("Patiente", "patient").await;
    let changing = app.member("Changeant", "patient").await;
    let caregiver = app.member("Aidante", "caregiver").await;
    let space = app
        .create_group(&patient, "Entre patients", "public", "patients")
        .await;
    let join = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/join", space.id),
            Some(&changing),
            None,
        )
        .await;
    assert_eq!(join.status(), StatusCode::OK);
    let post = post_in(&app, &space, &patient, "Réservé aux patients").await;
    follow(&app, &caregiver, &patient).await;

    assert!(feed(&app, &changing).await.contains(&post.id));
    assert_eq!(
        status_of(
            &app,
            &format!("/api/v1/posts/{}", post.id),
            Some(&caregiver)
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status_of(&app, &format!("/api/v1/posts/{}", post.id), None).await,
        StatusCode::NOT_FOUND
    );
    assert!(!feed(&app, &caregiver).await.contains(&post.id));
    assert!(
        !ids(
            &app,
            &format!("/api/v1/members/{}/wall", patient.id),
            Some(&caregiver)
        )
        .await
        .contains(&post.id)
    );

    let kind = app
        .call(
            Method::PATCH,
            "/api/v1/members/me",
            Some(&changing),
            Some(json!({"kind": "caregiver"})),
        )
        .await;
    assert_eq!(kind.status(), StatusCode::OK);
    // The change takes effect after its cool-down (moved to the past here), at the next request.
    {
        let db = app.database();
        let mut conn = db.writer().unwrap();
        entraide_persistence::kind_changes::set_effective_at(
            &mut conn,
            entraide_domain::ids::MemberId::from_uuid(changing.id),
            chrono::Utc::now() - chrono::TimeDelta::seconds(1),
        )
        .unwrap();
    }
    app.forget_sessions(&changing);
    assert_eq!(
        status_of(&app, &format!("/api/v1/posts/{}", post.id), Some(&changing)).await,
        StatusCode::NOT_FOUND
    );
    assert!(!feed(&app, &changing).await.contains(&post.id));
    let write = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", space.id),
            Some(&changing),
            Some(json!({"body": "encore là ?"})),
        )
        .await;
    assert_problem(write, StatusCode::FORBIDDEN, "not_readable").await;
}

#[actix_web::test]
async fn banned_members_lose_access_and_deleted_posts_leave_every_feed() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "patient").await;
    let member = app.member("Member", "patient").await;
    let private = app
        .create_group(&owner, "Groupe fermé", "private", "everyone")
        .await;
    admit(&app, &private, &owner, &member).await;
    let kept = post_in(&app, &private, &owner, "Premier message").await;
    let deleted = post_in(&app, &private, &owner, "Message à supprimer").await;
    let reply: CommentItem = comment(&app, deleted.id, &member, "Réponse", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(feed(&app, &member).await, vec![deleted.id, kept.id]);

    let delete = app
        .call(
            Method::DELETE,
            &format!("/api/v1/posts/{}", deleted.id),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(delete.status(), StatusCode::NO_CONTENT);
    assert_eq!(feed(&app, &member).await, vec![kept.id]);
    assert_eq!(feed(&app, &owner).await, vec![kept.id]);
    assert_eq!(
        ids(
            &app,
            &format!("/api/v1/groups/{}/posts", private.id),
            Some(&member)
        )
        .await,
        vec![kept.id]
    );
    assert_eq!(
        ids(
            &app,
            &format!("/api/v1/members/{}/wall", owner.id),
            Some(&member)
        )
        .await,
        vec![kept.id]
    );
    // By id it is a placeholder without text; its thread stays readable.
    let placeholder: PostItem = app
        .call(
            Method::GET,
            &format!("/api/v1/posts/{}", deleted.id),
            Some(&member),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(placeholder.deleted);
    assert_eq!(placeholder.body, "");
    assert_eq!(placeholder.body_html, "");
    let thread: Page<CommentItem> = app
        .call(
            Method::GET,
            &format!("/api/v1/posts/{}/comments", deleted.id),
            Some(&member),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(thread.items[0].id, reply.id);

    let ban = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/bans", private.id),
            Some(&owner),
            Some(json!({"member_id": member.id})),
        )
        .await;
    assert_eq!(ban.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        status_of(&app, &format!("/api/v1/posts/{}", kept.id), Some(&member)).await,
        StatusCode::NOT_FOUND
    );
    assert!(feed(&app, &member).await.is_empty());
    assert_eq!(
        status_of(
            &app,
            &format!("/api/v1/comments/{}", reply.id),
            Some(&member)
        )
        .await,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn bodies_are_sanitised_and_only_authors_edit() {
    let app = spawn_app().await;
    let author = app.member("Author", "caregiver").await;
    let other = app.member("Other", "caregiver").await;
    let public = app
        .create_group(&author, "Aidants", "public", "everyone")
        .await;
    app.call(
        Method::POST,
        &format!("/api/v1/groups/{}/join", public.id),
        Some(&other),
        None,
    )
    .await;
    let post = post_in(
        &app,
        &public,
        &author,
        "**Fort** <script>alert(1)</script> [x](javascript:alert(1))",
    )
    .await;
    assert!(post.body_html.contains("<strong>Fort</strong>"));
    assert!(!post.body_html.contains("<script"));
    assert!(!post.body_html.contains("javascript:"));
    assert_eq!(post.group.as_ref().unwrap().name, "Aidants");
    assert_eq!(post.author.pseudonym, "Author");
    assert!(post.edited_at.is_none());

    let path = format!("/api/v1/posts/{}", post.id);
    let refused = app
        .call(
            Method::PATCH,
            &path,
            Some(&other),
            Some(json!({"body": "piraté"})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let refused = app.call(Method::DELETE, &path, Some(&other), None).await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let edited: PostItem = app
        .call(
            Method::PATCH,
            &path,
            Some(&author),
            Some(json!({"body": "_corrigé_"})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(edited.edited_at.is_some());
    assert_eq!(edited.body_html.trim(), "<p><em>corrigé</em></p>");
    // Anonymous visitors read public groups.
    let anonymous: PostItem = app
        .call(Method::GET, &path, None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(anonymous.body, "_corrigé_");
    assert!(anonymous.my_reactions.is_empty());
}

#[actix_web::test]
async fn threads_are_bounded_and_deleted_comments_keep_their_place() {
    let app = spawn_app().await;
    let author = app.member("Author", "patient").await;
    let post = post_on_wall(&app, &author, "Un fil").await;
    let mut parent: Option<Uuid> = None;
    let mut chain = Vec::new();
    for depth in 0..5 {
        let response = comment(&app, post.id, &author, &format!("niveau {depth}"), parent).await;
        assert_eq!(response.status(), StatusCode::CREATED, "depth {depth}");
        let item: CommentItem = response.json().await.unwrap();
        assert_eq!(item.depth, depth);
        assert_eq!(item.parent_id, parent);
        parent = Some(item.id);
        chain.push(item.id);
    }
    let too_deep = comment(&app, post.id, &author, "trop loin", parent).await;
    let problem = assert_problem(
        too_deep,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["parent_id"]);
    let other_post = post_on_wall(&app, &author, "Un autre fil").await;
    let wrong_parent = comment(
        &app,
        other_post.id,
        &author,
        "mauvais parent",
        Some(chain[0]),
    )
    .await;
    assert_problem(
        wrong_parent,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    for body in ["", &"x".repeat(5001)] {
        let bad = comment(&app, post.id, &author, body, None).await;
        let problem =
            assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(fields(&problem), ["body"]);
    }

    let delete = app
        .call(
            Method::DELETE,
            &format!("/api/v1/comments/{}", chain[1]),
            Some(&author),
            None,
        )
        .await;
    assert_eq!(delete.status(), StatusCode::NO_CONTENT);
    let thread: Page<CommentItem> = app
        .call(
            Method::GET,
            &format!("/api/v1/posts/{}/comments?limit=3", post.id),
            Some(&author),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        thread.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        chain[..3]
    );
    assert!(thread.items[1].deleted && thread.items[1].body.is_empty());
    let rest: Page<CommentItem> = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/posts/{}/comments?limit=3&cursor={}",
                post.id,
                thread.next_cursor.unwrap()
            ),
            Some(&author),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        rest.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        chain[3..]
    );
    let post: PostItem = app
        .call(
            Method::GET,
            &format!("/api/v1/posts/{}", post.id),
            Some(&author),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(post.comment_count, 4, "deleted comments no longer count");
}

#[actix_web::test]
async fn reactions_are_idempotent_counted_and_personal() {
    let app = spawn_app().await;
    let author = app.member("Author", "patient").await;
    let fan = app.member("Fan", "patient").await;
    let passer = app.member("Passer", "patient").await;
    let public = app
        .create_group(&author, "Soutien", "public", "everyone")
        .await;
    app.call(
        Method::POST,
        &format!("/api/v1/groups/{}/join", public.id),
        Some(&fan),
        None,
    )
    .await;
    let post = post_in(&app, &public, &author, "Journée difficile").await;
    let path = format!("/api/v1/posts/{}/reactions", post.id);

    for _ in 0..2 {
        let state: ReactionState = app
            .call(Method::PUT, &format!("{path}/support"), Some(&fan), None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(state.reactions.support, 1);
    }
    let state: ReactionState = app
        .call(Method::PUT, &format!("{path}/hug"), Some(&fan), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((state.reactions.support, state.reactions.hug), (1, 1));
    assert_eq!(
        serde_json::to_value(&state.my_reactions).unwrap(),
        json!(["support", "hug"])
    );
    let seen_by_author: PostItem = app
        .call(
            Method::GET,
            &format!("/api/v1/posts/{}", post.id),
            Some(&author),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        seen_by_author.my_reactions.is_empty(),
        "reactions are per reader"
    );
    let seen_by_fan = feed(&app, &fan).await;
    assert_eq!(seen_by_fan, vec![post.id]);
    let page: Page<PostItem> = app
        .call(Method::GET, "/api/v1/feed", Some(&fan), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&page.items[0].my_reactions).unwrap(),
        json!(["support", "hug"])
    );

    for _ in 0..2 {
        let state: ReactionState = app
            .call(Method::DELETE, &format!("{path}/support"), Some(&fan), None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(state.reactions.support, 0);
    }
    let unknown = app
        .call(Method::PUT, &format!("{path}/dislike"), Some(&fan), None)
        .await;
    assert_problem(unknown, StatusCode::BAD_REQUEST, "invalid_path").await;
    // Reading a public group is open; taking part needs joining it.
    let outsider = app
        .call(Method::PUT, &format!("{path}/support"), Some(&passer), None)
        .await;
    assert_problem(outsider, StatusCode::FORBIDDEN, "not_a_member").await;
    let outsider = comment(&app, post.id, &passer, "coucou", None).await;
    assert_problem(outsider, StatusCode::FORBIDDEN, "not_a_member").await;
    let anonymous = app
        .call(Method::PUT, &format!("{path}/support"), None, None)
        .await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    let reply: CommentItem = comment(&app, post.id, &fan, "Je suis là", None)
        .await
        .json()
        .await
        .unwrap();
    let state: ReactionState = app
        .call(
            Method::PUT,
            &format!("/api/v1/comments/{}/reactions/thanks", reply.id),
            Some(&author),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(state.reactions.thanks, 1);
    let comments: Page<CommentItem> = app
        .call(
            Method::GET,
            &format!("/api/v1/posts/{}/comments", post.id),
            Some(&author),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&comments.items[0].my_reactions).unwrap(),
        json!(["thanks"])
    );
}

#[actix_web::test]
async fn walls_follow_their_visibility_setting() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "patient").await;
    let reader = app.member("Reader", "patient").await;
    let post = post_on_wall(&app, &owner, "Sur mon mur").await;
    let wall = format!("/api/v1/members/{}/wall", owner.id);
    // Default: members.
    assert_eq!(ids(&app, &wall, Some(&reader)).await, vec![post.id]);
    let refused = assert_problem(
        app.call(Method::GET, &wall, None, None).await,
        StatusCode::FORBIDDEN,
        "wall_not_readable",
    )
    .await;
    assert_eq!(refused.title, "This member's wall is not visible to you");
    assert_eq!(
        status_of(&app, &format!("/api/v1/posts/{}", post.id), None).await,
        StatusCode::NOT_FOUND
    );

    let set = |visibility: &'static str| {
        app.call(
            Method::PATCH,
            "/api/v1/members/me",
            Some(&owner),
            Some(json!({"visibility": {"wall": visibility}})),
        )
    };
    assert_eq!(set("public").await.status(), StatusCode::OK);
    assert_eq!(ids(&app, &wall, None).await, vec![post.id]);
    assert_eq!(
        status_of(&app, &format!("/api/v1/posts/{}", post.id), None).await,
        StatusCode::OK
    );

    assert_eq!(set("private").await.status(), StatusCode::OK);
    assert_problem(
        app.call(Method::GET, &wall, Some(&reader), None).await,
        StatusCode::FORBIDDEN,
        "wall_not_readable",
    )
    .await;
    assert_eq!(
        status_of(&app, &format!("/api/v1/posts/{}", post.id), Some(&reader)).await,
        StatusCode::NOT_FOUND
    );
    follow(&app, &reader, &owner).await;
    assert!(feed(&app, &reader).await.is_empty());
    assert_eq!(
        ids(&app, &wall, Some(&owner)).await,
        vec![post.id],
        "the owner always reads their wall"
    );

    let elsewhere = app
        .call(
            Method::POST,
            &format!("/api/v1/members/{}/wall", owner.id),
            Some(&reader),
            Some(json!({"body": "tag"})),
        )
        .await;
    assert_problem(elsewhere, StatusCode::FORBIDDEN, "forbidden").await;
}

#[actix_web::test]
async fn the_feed_pages_newest_first_and_refuses_bad_cursors() {
    let app = spawn_app().await;
    let me = app.member("Reader", "patient").await;
    let friend = app.member("Friend", "patient").await;
    follow(&app, &me, &friend).await;
    let mut expected = Vec::new();
    for i in 0..5 {
        let author = if i % 2 == 0 { &me } else { &friend };
        expected.push(post_on_wall(&app, author, &format!("message {i}")).await.id);
    }
    expected.reverse();
    let first: Page<PostItem> = app
        .call(Method::GET, "/api/v1/feed?limit=2", Some(&me), None)
        .await
        .json()
        .await
        .unwrap();
    let second: Page<PostItem> = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/feed?limit=2&cursor={}",
                first.next_cursor.clone().unwrap()
            ),
            Some(&me),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let third: Page<PostItem> = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/feed?limit=2&cursor={}",
                second.next_cursor.clone().unwrap()
            ),
            Some(&me),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let seen: Vec<_> = [first.items, second.items, third.items]
        .concat()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(seen, expected);
    assert!(third.next_cursor.is_none());

    let unfollow = app
        .call(
            Method::DELETE,
            &format!("/api/v1/members/{}/follow", friend.id),
            Some(&me),
            None,
        )
        .await;
    assert_eq!(unfollow.status(), StatusCode::NO_CONTENT);
    assert_eq!(feed(&app, &me).await.len(), 3, "only my own posts remain");

    let tampered = app
        .call(Method::GET, "/api/v1/feed?cursor=eyJ4Ijox", Some(&me), None)
        .await;
    assert_problem(tampered, StatusCode::BAD_REQUEST, "invalid_cursor").await;
    let anonymous = app.call(Method::GET, "/api/v1/feed", None, None).await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn bad_posts_and_follows_store_nothing() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "patient").await;
    let stranger = app.member("Stranger", "patient").await;
    let public = app
        .create_group(&owner, "Ouvert", "public", "everyone")
        .await;
    let path = format!("/api/v1/groups/{}/posts", public.id);
    for body in [
        json!({"body": "   "}),
        json!({"body": "x".repeat(20_001)}),
        json!({"text": "hello"}),
        json!({"body": 3}),
    ] {
        let response = app
            .call(Method::POST, &path, Some(&owner), Some(body))
            .await;
        assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
    let not_member = app
        .call(
            Method::POST,
            &path,
            Some(&stranger),
            Some(json!({"body": "hello"})),
        )
        .await;
    assert_problem(not_member, StatusCode::FORBIDDEN, "not_a_member").await;
    let unknown = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", Uuid::now_v7()),
            Some(&owner),
            Some(json!({"body": "hello"})),
        )
        .await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    assert!(
        ids(&app, &path, Some(&owner)).await.is_empty(),
        "nothing was stored"
    );

    let myself = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/follow", owner.id),
            Some(&owner),
            None,
        )
        .await;
    // A rule about who asks (docs/API-DESIGN.md, "Which status a refusal gets").
    assert_problem(myself, StatusCode::FORBIDDEN, "self_follow").await;
    let nobody = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/follow", Uuid::now_v7()),
            Some(&owner),
            None,
        )
        .await;
    assert_problem(nobody, StatusCode::NOT_FOUND, "not_found").await;
    follow(&app, &stranger, &owner).await;
    follow(&app, &stranger, &owner).await;
    let followers: Page<entraide_openapi::posts::FollowItem> = app
        .call(
            Method::GET,
            &format!("/api/v1/members/{}/followers", owner.id),
            Some(&owner),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        followers
            .items
            .iter()
            .map(|f| f.member.id)
            .collect::<Vec<_>>(),
        vec![stranger.id]
    );
    let following: Page<entraide_openapi::posts::FollowItem> = app
        .call(
            Method::GET,
            &format!("/api/v1/members/{}/following", stranger.id),
            Some(&owner),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(following.items.len(), 1);
    let anonymous = app
        .call(
            Method::GET,
            &format!("/api/v1/members/{}/followers", owner.id),
            None,
            None,
        )
        .await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn moderators_pin_and_remove_group_posts() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "patient").await;
    let member = app.member("Member", "patient").await;
    let public = app
        .create_group(&owner, "Modéré", "public", "everyone")
        .await;
    app.call(
        Method::POST,
        &format!("/api/v1/groups/{}/join", public.id),
        Some(&member),
        None,
    )
    .await;
    let post = post_in(&app, &public, &member, "Message").await;
    let pin = app
        .call(
            Method::PUT,
            &format!("/api/v1/posts/{}/pin", post.id),
            Some(&member),
            None,
        )
        .await;
    assert_problem(pin, StatusCode::FORBIDDEN, "forbidden").await;
    let pin = app
        .call(
            Method::PUT,
            &format!("/api/v1/posts/{}/pin", post.id),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(pin.status(), StatusCode::NO_CONTENT);
    let only_pinned = ids(
        &app,
        &format!("/api/v1/groups/{}/posts?pinned=true", public.id),
        None,
    )
    .await;
    assert_eq!(only_pinned, vec![post.id]);
    let pinned: PostItem = app
        .call(
            Method::GET,
            &format!("/api/v1/posts/{}", post.id),
            None,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(pinned.pinned);
    let other = post_in(&app, &public, &member, "Autre").await;
    assert_eq!(
        ids(&app, &format!("/api/v1/groups/{}/posts", public.id), None).await,
        vec![other.id, post.id]
    );
    let unpin = app
        .call(
            Method::DELETE,
            &format!("/api/v1/posts/{}/pin", post.id),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(unpin.status(), StatusCode::NO_CONTENT);
    assert!(
        ids(
            &app,
            &format!("/api/v1/groups/{}/posts?pinned=true", public.id),
            None
        )
        .await
        .is_empty()
    );
    let removed = app
        .call(
            Method::DELETE,
            &format!("/api/v1/posts/{}", post.id),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        ids(&app, &format!("/api/v1/groups/{}/posts", public.id), None).await,
        vec![other.id]
    );
}

/// The ids in a followers / following list, as `reader` sees it.
async fn follow_ids(app: &TestApp, path: &str, reader: &Member) -> Vec<Uuid> {
    let page: Page<entraide_openapi::posts::FollowItem> = app
        .call(Method::GET, path, Some(reader), None)
        .await
        .json()
        .await
        .unwrap();
    page.items.iter().map(|f| f.member.id).collect()
}

#[actix_web::test]
async fn the_social_graph_follows_wall_visibility_and_each_members_choice() {
    let app = spawn_app().await;
    let owner = app.member("Discrete", "patient").await;
    let listed = app.member("Affichee", "caregiver").await;
    let unlisted = app.member("Reservee", "patient").await;
    let stranger = app.member("Curieux", "patient").await;
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me/settings",
        Some(&listed),
        Some(json!({"listed_in_member_lists": true})),
    )
    .await;
    follow(&app, &listed, &owner).await;
    follow(&app, &unlisted, &owner).await;
    let followers = format!("/api/v1/members/{}/followers", owner.id);

    // The member sees all their followers; others only those who chose to be listed, and
    // themselves.
    let mut all = follow_ids(&app, &followers, &owner).await;
    all.sort();
    let mut expected = vec![listed.id, unlisted.id];
    expected.sort();
    assert_eq!(all, expected);
    assert_eq!(
        follow_ids(&app, &followers, &stranger).await,
        vec![listed.id]
    );
    let mut seen_by_unlisted = follow_ids(&app, &followers, &unlisted).await;
    seen_by_unlisted.sort();
    assert_eq!(seen_by_unlisted, expected);
    let following = format!("/api/v1/members/{}/following", unlisted.id);
    assert!(follow_ids(&app, &following, &stranger).await.is_empty());

    // A private wall keeps the graph private too.
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me",
        Some(&owner),
        Some(json!({"visibility": {"wall": "private"}})),
    )
    .await;
    for path in [
        followers.clone(),
        format!("/api/v1/members/{}/following", owner.id),
    ] {
        let refused = app.call(Method::GET, &path, Some(&stranger), None).await;
        assert_problem(refused, StatusCode::FORBIDDEN, "wall_not_readable").await;
    }
    assert_eq!(follow_ids(&app, &followers, &owner).await.len(), 2);
}

#[actix_web::test]
async fn authors_withdraw_what_they_wrote_even_after_leaving_the_group() {
    let app = spawn_app().await;
    let owner = app.member("Animatrice", "patient").await;
    let author = app.member("Partante", "patient").await;
    let group = app
        .create_group(&owner, "Cercle privé", "private", "everyone")
        .await;
    let path = format!("/api/v1/groups/{}", group.id);
    app.ok_json(Method::POST, &format!("{path}/join"), Some(&author), None)
        .await;
    app.ok_json(
        Method::POST,
        &format!("{path}/join-requests/{}/approve", author.id),
        Some(&owner),
        None,
    )
    .await;
    let post = app
        .ok_json(
            Method::POST,
            &format!("{path}/posts"),
            Some(&author),
            Some(json!({"body": "Ce que je regrette d'avoir écrit"})),
        )
        .await;
    let post = post["id"].as_str().unwrap().to_owned();
    let comment = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/posts/{post}/comments"),
            Some(&author),
            Some(json!({"body": "Et ce commentaire aussi"})),
        )
        .await;
    let comment = comment["id"].as_str().unwrap().to_owned();
    app.ok_json(Method::POST, &format!("{path}/leave"), Some(&author), None)
        .await;
    // The author no longer reads the group...
    assert_eq!(
        status_of(&app, &format!("/api/v1/posts/{post}"), Some(&author)).await,
        StatusCode::NOT_FOUND
    );
    // ...but still withdraws what they wrote there.
    for target in [
        format!("/api/v1/comments/{comment}"),
        format!("/api/v1/posts/{post}"),
    ] {
        let deleted = app.call(Method::DELETE, &target, Some(&author), None).await;
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT, "{target}");
    }
    let seen = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/posts/{post}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(seen["deleted"], true, "{seen}");
    assert_ne!(seen["body"], "Ce que je regrette d'avoir écrit");
    // Nobody else deletes what they cannot read.
    let stranger = app.member("Intruse", "patient").await;
    let refused = app
        .call(
            Method::DELETE,
            &format!("/api/v1/posts/{post}"),
            Some(&stranger),
            None,
        )
        .await;
    assert_problem(refused, StatusCode::NOT_FOUND, "not_found").await;
}

async fn comment_ids(app: &TestApp, post: Uuid, who: &Member) -> Vec<Uuid> {
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/posts/{post}/comments?limit=100"),
            Some(who),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Page<CommentItem> = response.json().await.unwrap();
    page.items.into_iter().map(|c| c.id).collect()
}

async fn search_ids(app: &TestApp, query: &str, who: &Member) -> Vec<String> {
    let page = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/search?q={query}&limit=50"),
            Some(who),
            None,
        )
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_block_hides_each_members_content_and_profile_from_the_other() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let chloe = app.member("Chloe", "patient").await;
    let group = app
        .create_group(&chloe, "Fatigue au quotidien", "private", "everyone")
        .await;
    admit(&app, &group, &chloe, &ana).await;
    admit(&app, &group, &chloe, &bruno).await;
    follow(&app, &ana, &bruno).await;
    follow(&app, &bruno, &ana).await;
    let by_ana = post_in(&app, &group, &ana, "Ma sieste quotidienne").await;
    let by_bruno = post_in(&app, &group, &bruno, "Ma sieste hebdomadaire").await;
    let bruno_wall = post_on_wall(&app, &bruno, "Sieste sur mon mur").await;
    let response = comment(&app, by_ana.id, &bruno, "Sieste aussi pour moi", None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let bruno_comment: CommentItem = response.json().await.unwrap();
    let response = comment(&app, by_bruno.id, &chloe, "Courage", None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(
        feed(&app, &ana).await.contains(&bruno_wall.id),
        "followed wall"
    );

    // Blocking oneself is refused; an unknown member is 404.
    let own = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/block", ana.id),
            Some(&ana),
            None,
        )
        .await;
    assert_problem(own, StatusCode::FORBIDDEN, "self_block").await;
    let unknown = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/block", Uuid::now_v7()),
            Some(&ana),
            None,
        )
        .await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;

    let block = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/block", bruno.id),
            Some(&ana),
            None,
        )
        .await;
    assert_eq!(block.status(), StatusCode::NO_CONTENT);

    // Neither sees the other's posts: home feed, group, wall, by id, search.
    let group_posts = format!("/api/v1/groups/{}/posts?limit=100", group.id);
    let ana_sees = ids(&app, &group_posts, Some(&ana)).await;
    assert!(ana_sees.contains(&by_ana.id) && !ana_sees.contains(&by_bruno.id));
    let bruno_sees = ids(&app, &group_posts, Some(&bruno)).await;
    assert!(bruno_sees.contains(&by_bruno.id) && !bruno_sees.contains(&by_ana.id));
    let ana_feed = feed(&app, &ana).await;
    assert!(!ana_feed.contains(&by_bruno.id) && !ana_feed.contains(&bruno_wall.id));
    assert!(!feed(&app, &bruno).await.contains(&by_ana.id));
    let wall = format!("/api/v1/members/{}/wall", bruno.id);
    assert!(ids(&app, &wall, Some(&ana)).await.is_empty());
    for (who, post) in [
        (&ana, by_bruno.id),
        (&ana, bruno_wall.id),
        (&bruno, by_ana.id),
    ] {
        let path = format!("/api/v1/posts/{post}");
        assert_problem(
            app.call(Method::GET, &path, Some(who), None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let path = format!("/api/v1/posts/{post}/comments");
        assert_eq!(
            status_of(&app, &path, Some(who)).await,
            StatusCode::NOT_FOUND
        );
    }
    let ana_search = search_ids(&app, "sieste", &ana).await;
    assert!(ana_search.contains(&by_ana.id.to_string()));
    for hidden in [by_bruno.id, bruno_wall.id, bruno_comment.id] {
        assert!(
            !ana_search.contains(&hidden.to_string()),
            "{hidden} leaked into search"
        );
    }
    assert!(
        !search_ids(&app, "sieste", &bruno)
            .await
            .contains(&by_ana.id.to_string())
    );
    // Bruno's comment under Ana's post is gone for her, by list and by id.
    assert!(
        !comment_ids(&app, by_ana.id, &ana)
            .await
            .contains(&bruno_comment.id)
    );
    let path = format!("/api/v1/comments/{}", bruno_comment.id);
    assert_eq!(
        status_of(&app, &path, Some(&ana)).await,
        StatusCode::NOT_FOUND
    );
    // Profiles are 404 both ways; follows ended both ways and cannot start again.
    for (who, whom) in [(&ana, &bruno), (&bruno, &ana)] {
        let path = format!("/api/v1/members/{}", whom.id);
        assert_problem(
            app.call(Method::GET, &path, Some(who), None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let path = format!("/api/v1/members/{}/follow", whom.id);
        assert_problem(
            app.call(Method::PUT, &path, Some(who), None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let following = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/members/{}/following", ana.id),
            Some(&ana),
            None,
        )
        .await;
    assert_eq!(following["items"], json!([]));

    // Others see everything as before.
    let chloe_sees = ids(&app, &group_posts, Some(&chloe)).await;
    assert!(chloe_sees.contains(&by_ana.id) && chloe_sees.contains(&by_bruno.id));
    assert!(
        comment_ids(&app, by_ana.id, &chloe)
            .await
            .contains(&bruno_comment.id)
    );

    // Only Ana's list shows the block; Bruno cannot learn who blocks him.
    let mine = app
        .ok_json(Method::GET, "/api/v1/members/me/blocks", Some(&ana), None)
        .await;
    assert_eq!(mine["items"][0]["member"]["id"], json!(bruno.id));
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let his = app
        .ok_json(Method::GET, "/api/v1/members/me/blocks", Some(&bruno), None)
        .await;
    assert_eq!(his["items"], json!([]));

    // Idempotent both ways; after unblocking, content is back (follows are not).
    for _ in 0..2 {
        let again = app
            .call(
                Method::PUT,
                &format!("/api/v1/members/{}/block", bruno.id),
                Some(&ana),
                None,
            )
            .await;
        assert_eq!(again.status(), StatusCode::NO_CONTENT);
    }
    for _ in 0..2 {
        let unblock = app
            .call(
                Method::DELETE,
                &format!("/api/v1/members/{}/block", bruno.id),
                Some(&ana),
                None,
            )
            .await;
        assert_eq!(unblock.status(), StatusCode::NO_CONTENT);
    }
    assert!(
        ids(&app, &group_posts, Some(&ana))
            .await
            .contains(&by_bruno.id)
    );
    assert!(
        comment_ids(&app, by_ana.id, &ana)
            .await
            .contains(&bruno_comment.id)
    );
    assert!(
        !feed(&app, &ana).await.contains(&bruno_wall.id),
        "the follow did not come back"
    );
    let unblocked = app
        .ok_json(Method::GET, "/api/v1/members/me/blocks", Some(&ana), None)
        .await;
    assert_eq!(unblocked["items"], json!([]));
}

#[actix_web::test]
async fn content_warnings_are_set_kept_changed_and_cleared_by_their_author_only() {
    let app = spawn_app().await;
    let author = app.member("Author", "caregiver").await;
    let reader = app.member("Reader", "caregiver").await;
    let public = app
        .create_group(&author, "Deuils", "public", "everyone")
        .await;
    let plain = post_in(&app, &public, &author, "Une bonne nouvelle.").await;
    assert_eq!(plain.content_warning, None);
    assert!(!plain.sensitive);

    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", public.id),
            Some(&author),
            Some(json!({"body": "Maman est partie cette nuit.", "content_warning": " annonce d'un décès "})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let sad: PostItem = response.json().await.unwrap();
    assert_eq!(sad.content_warning.as_deref(), Some("annonce d'un décès"));
    assert!(sad.sensitive);
    // Every reader, in every list, sees the flag.
    let path = format!("/api/v1/posts/{}", sad.id);
    let seen: PostItem =
        serde_json::from_value(app.ok_json(Method::GET, &path, Some(&reader), None).await).unwrap();
    assert!(seen.sensitive);
    let page: Page<PostItem> = serde_json::from_value(
        app.ok_json(
            Method::GET,
            &format!("/api/v1/groups/{}/posts", public.id),
            None,
            None,
        )
        .await,
    )
    .unwrap();
    let flags: Vec<(Uuid, bool)> = page.items.iter().map(|p| (p.id, p.sensitive)).collect();
    assert_eq!(flags, [(sad.id, true), (plain.id, false)]);

    // Bad warnings are refused whole, with the body's own error beside them; nothing changes.
    let posts_before = app.count("SELECT COUNT(*) AS n FROM posts");
    for (bad, code) in [
        (json!(""), "required"),
        (json!("deuil\nphotos"), "invalid_text"),
        (json!("x".repeat(81)), "too_long"),
        (json!(42), "any"),
    ] {
        let response = app
            .call(
                Method::POST,
                &format!("/api/v1/members/{}/wall", author.id),
                Some(&author),
                Some(json!({"body": "texte", "content_warning": bad})),
            )
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), ["content_warning"], "{bad}");
        if code != "any" {
            let errors = problem.errors.unwrap_or_default();
            assert_eq!(errors[0].code, code, "{bad}");
        }
    }
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/members/{}/wall", author.id),
            Some(&author),
            Some(json!({"body": " ", "content_warning": ""})),
        )
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["body", "content_warning"]);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM posts"), posts_before);

    // An edit without the field keeps the warning; a new one replaces it; null removes it.
    let kept: PostItem = serde_json::from_value(
        app.ok_json(
            Method::PATCH,
            &path,
            Some(&author),
            Some(json!({"body": "Maman est partie cette nuit, paisiblement."})),
        )
        .await,
    )
    .unwrap();
    assert_eq!(kept.content_warning.as_deref(), Some("annonce d'un décès"));
    let refused = app
        .call(
            Method::PATCH,
            &path,
            Some(&reader),
            Some(json!({"body": "x", "content_warning": null})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let changed: PostItem = serde_json::from_value(
        app.ok_json(
            Method::PATCH,
            &path,
            Some(&author),
            Some(json!({"body": "Obsèques jeudi.", "content_warning": "deuil"})),
        )
        .await,
    )
    .unwrap();
    assert_eq!(changed.content_warning.as_deref(), Some("deuil"));
    let cleared: PostItem = serde_json::from_value(
        app.ok_json(
            Method::PATCH,
            &path,
            Some(&author),
            Some(json!({"body": "Obsèques jeudi.", "content_warning": null})),
        )
        .await,
    )
    .unwrap();
    assert_eq!(cleared.content_warning, None);
    assert!(!cleared.sensitive);

    // Comments take no warning; a deleted post keeps none of the author's words.
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/posts/{}/comments", sad.id),
            Some(&reader),
            Some(json!({"body": "Toutes mes pensées.", "content_warning": "deuil"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.ok_json(
        Method::PATCH,
        &path,
        Some(&author),
        Some(json!({"body": "Obsèques jeudi.", "content_warning": "deuil"})),
    )
    .await;
    let deleted = app.call(Method::DELETE, &path, Some(&author), None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone: PostItem =
        serde_json::from_value(app.ok_json(Method::GET, &path, Some(&author), None).await).unwrap();
    assert!(gone.deleted);
    assert_eq!(gone.content_warning, None);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM posts WHERE content_warning IS NOT NULL"),
        0
    );
}
