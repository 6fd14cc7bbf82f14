//! The home feed is served from an in-memory index of each source's newest posts
//! (`api::feed_index`); it must give, page after page, exactly what the database walk it
//! replaced gives (`posts::list_readable` with `Scope::Home`), after every kind of change that
//! moves a post in or out of a feed.

use entraide_domain::group::Reader;
use entraide_domain::ids::{MemberId, PostId};
use entraide_domain::member::MemberKind;
use entraide_openapi::groups::Group;
use entraide_openapi::posts::{FeedPage, PostItem};
use entraide_persistence::posts::{self, Scope};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Member, TestApp, spawn_app};

/// Every page of the member's feed through the API, `limit` at a time.
async fn paged_feed(app: &TestApp, who: &Member, limit: usize) -> Vec<Uuid> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/feed?limit={limit}&cursor={c}"),
            None => format!("/api/v1/feed?limit={limit}"),
        };
        let response = app.call(Method::GET, &path, Some(who), None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let page: FeedPage = response.json().await.unwrap();
        assert!(page.items.len() <= limit);
        seen.extend(page.items.iter().map(|p| p.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return seen,
        }
        assert!(seen.len() < 10_000, "the feed does not end");
    }
}

/// The walk, straight from the database: the reference.
fn walked_feed(app: &TestApp, who: &Member, kind: MemberKind) -> Vec<Uuid> {
    let db = app.database();
    let mut conn = db.reader().unwrap();
    let me = MemberId::from_uuid(who.id);
    let reader = Reader::Member { id: me, kind };
    let mut seen = Vec::new();
    let mut before: Option<PostId> = None;
    loop {
        let page = posts::list_readable(&mut conn, reader, Scope::Home(me), before, 50).unwrap();
        let Some(last) = page.last() else {
            return seen;
        };
        before = Some(last.id);
        seen.extend(page.iter().map(|p| p.id.as_uuid()));
    }
}

async fn agree(app: &TestApp, readers: &[(&Member, MemberKind)], step: &str) {
    for (who, kind) in readers {
        let expected = walked_feed(app, who, *kind);
        for limit in [3, 20] {
            let served = paged_feed(app, who, limit).await;
            assert_eq!(
                served, expected,
                "{step}: {}'s feed by pages of {limit}",
                who.email
            );
        }
    }
}

async fn ok(app: &TestApp, method: Method, path: &str, who: &Member, body: Option<Value>) {
    let response = app.call(method, path, Some(who), body).await;
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
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

#[actix_web::test]
async fn the_indexed_feed_agrees_with_the_walk_after_every_change() {
    let app = spawn_app().await;
    let reader = app.member("Lectrice", "patient").await;
    let friend = app.member("Amie", "patient").await;
    let owner = app.member("Fondatrice", "caregiver").await;
    let other = app.member("Autre", "patient").await;
    let public = app
        .create_group(&owner, "Fatigue", "public", "everyone")
        .await;
    let quiet = app
        .create_group(&owner, "Sommeil", "public", "everyone")
        .await;
    for who in [&reader, &friend, &other] {
        for group in [&public, &quiet] {
            ok(
                &app,
                Method::POST,
                &format!("/api/v1/groups/{}/join", group.id),
                who,
                None,
            )
            .await;
        }
    }
    ok(
        &app,
        Method::PUT,
        &format!("/api/v1/members/{}/follow", friend.id),
        &reader,
        None,
    )
    .await;
    let readers = [
        (&reader, MemberKind::Patient),
        (&friend, MemberKind::Patient),
        (&other, MemberKind::Patient),
    ];

    // More posts in one group than a ring holds, so pages beyond it are finished by the walk,
    // and a quieter group whose ring holds all of its posts.
    let mut busy = Vec::new();
    for i in 0..75 {
        let author = if i % 3 == 0 { &other } else { &owner };
        busy.push(post_in(&app, &public, author, &format!("fil {i}")).await);
    }
    let quiet_post = post_in(&app, &quiet, &owner, "rare").await;
    let wall = post_on_wall(&app, &friend, "sur mon mur").await;
    let mine = post_on_wall(&app, &reader, "le mien").await;
    agree(&app, &readers, "after posting").await;
    // A new post is in the next read, first.
    let fresh = post_in(&app, &quiet, &other, "tout frais").await;
    assert_eq!(paged_feed(&app, &reader, 3).await.first(), Some(&fresh.id));
    agree(&app, &readers, "after a new post").await;

    // Deleted by its author.
    ok(
        &app,
        Method::DELETE,
        &format!("/api/v1/posts/{}", busy[74].id),
        &owner,
        None,
    )
    .await;
    agree(&app, &readers, "after a deletion").await;

    // Hidden by a moderator (through a report and a decision).
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let report: Value = app
        .ok_json(
            Method::POST,
            "/api/v1/reports",
            Some(&reader),
            Some(json!({"target_kind": "post", "target_id": busy[73].id, "reason": "spam", "note": "pub"})),
        )
        .await;
    ok(
        &app,
        Method::POST,
        &format!(
            "/api/v1/moderation/reports/{}/actions",
            report["id"].as_str().unwrap()
        ),
        &admin,
        Some(json!({"action": "hide", "reason": "Publicité"})),
    )
    .await;
    agree(&app, &readers, "after a post was hidden").await;

    // A wall closed, then a block, then leaving a group, then a ban from one.
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me",
        Some(&friend),
        Some(json!({"visibility": {"wall": "private"}})),
    )
    .await;
    agree(&app, &readers, "after a wall was closed").await;
    ok(
        &app,
        Method::PUT,
        &format!("/api/v1/members/{}/block", other.id),
        &reader,
        None,
    )
    .await;
    agree(&app, &readers, "after a block").await;
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/groups/{}/leave", quiet.id),
        &reader,
        None,
    )
    .await;
    agree(&app, &readers, "after leaving a group").await;
    let reader_feed = paged_feed(&app, &reader, 20).await;
    assert!(!reader_feed.contains(&quiet_post.id));
    assert!(!reader_feed.contains(&wall.id), "a closed wall");
    assert!(reader_feed.contains(&mine.id));
    // The banned member's own post in the group is in their feed (their own posts are a source
    // of it) until the ban, then refused by the page's per-post group test.
    let before_ban = post_in(&app, &public, &friend, "avant le bannissement").await;
    assert!(paged_feed(&app, &friend, 20).await.contains(&before_ban.id));
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/groups/{}/bans", public.id),
        &owner,
        Some(json!({"member_id": friend.id})),
    )
    .await;
    agree(&app, &readers, "after a ban").await;
    assert!(!paged_feed(&app, &friend, 20).await.contains(&before_ban.id));
    // Posts made after all of this still arrive where they should.
    let late = post_in(&app, &public, &other, "après coup").await;
    agree(&app, &readers, "after a late post").await;
    assert!(paged_feed(&app, &other, 20).await.contains(&late.id));
    assert!(!paged_feed(&app, &reader, 20).await.contains(&late.id));
}

/// Two server processes on one PostgreSQL database: a post made through one reaches the feed
/// index of the other through `LISTEN` / `NOTIFY`, although the other had already loaded the
/// source's ring. On SQLite (one process per file) the second node is not a deployment: the
/// test checks only that the first node's own rings are exact.
#[actix_web::test]
async fn a_post_made_on_another_node_reaches_this_nodes_feed() {
    let postgres =
        std::env::var("ENTRAIDE_TEST_DATABASE_URL").is_ok_and(|url| url.starts_with("postgres"));
    let app = spawn_app().await;
    let reader = app.member("Lectrice", "patient").await;
    let author = app.member("Autrice", "patient").await;
    let group = app
        .create_group(&author, "Douleur", "public", "everyone")
        .await;
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/groups/{}/join", group.id),
        &reader,
        None,
    )
    .await;
    let first = post_in(&app, &group, &author, "premier").await;
    if !postgres {
        assert_eq!(paged_feed(&app, &reader, 20).await, vec![first.id]);
        return;
    }
    let other = crate::support::another_node(&app, |_| {}).await;
    let read_on_other = || async {
        let response = app
            .client
            .get(format!("{other}/api/v1/feed?limit=20"))
            .header("Authorization", reader.bearer())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let page: FeedPage = response.json().await.unwrap();
        page.items.into_iter().map(|p| p.id).collect::<Vec<_>>()
    };
    // The other node loads the group's ring now.
    assert_eq!(read_on_other().await, vec![first.id]);
    let second = post_in(&app, &group, &author, "second").await;
    // Delivered when the other node's listener next polls (it polls every 100 ms): a bounded
    // wait, the one place where time matters.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let seen = read_on_other().await;
        if seen == vec![second.id, first.id] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the other node never saw the new post: {seen:?}"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// A home feed item is the post exactly as `GET /posts/{id}` shows it to the same reader. The
/// feed page reads the author's pseudonym, kind and badge, the group's name and whether there
/// are photos or reactions of the reader in its own statement (`posts::find_readable_page`);
/// every other list reads them in batches afterwards. Both must give the same items.
#[actix_web::test]
async fn each_feed_item_is_the_post_as_read_alone() {
    let app = spawn_app().await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let reader = app.member("Lectrice", "patient").await;
    let doctor = app.member("Docteure", "professional").await;
    let friend = app.member("Amie", "caregiver").await;
    let group = app
        .create_group(&doctor, "Fatigue chronique", "public", "everyone")
        .await;
    for who in [&reader, &friend] {
        let path = format!("/api/v1/groups/{}/join", group.id);
        ok(&app, Method::POST, &path, who, None).await;
    }
    let follow = format!("/api/v1/members/{}/follow", friend.id);
    ok(&app, Method::PUT, &follow, &reader, None).await;

    // The doctor's badge, granted through the verification flow.
    let request = app
        .ok_json(
            Method::POST,
            "/api/v1/members/me/verification-requests",
            Some(&doctor),
            Some(json!({"badge": "professional", "document_reference": "RPPS 10001234567"})),
        )
        .await;
    let approve = format!(
        "/api/v1/verification-requests/{}/approve",
        request["id"].as_str().unwrap()
    );
    ok(&app, Method::POST, &approve, &admin, Some(json!({}))).await;

    let plain = post_in(&app, &group, &doctor, "Bonjour à toutes").await;
    let photo = app.upload_photo(&doctor).await;
    let with_photo = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(&doctor),
            Some(json!({"body": "Ma cicatrice", "media_ids": [photo]})),
        )
        .await;
    let warned = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(&friend),
            Some(json!({"body": "Maman est partie.", "content_warning": "annonce d'un décès"})),
        )
        .await;
    // The answer to a new post is built without the lists' batched reads (the group's name is
    // the one just checked, photos only when some were attached): it is the post as its author
    // then reads it alone: with a photo and a badge, with a warning, and on a wall.
    let on_wall = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/members/{}/wall", admin.id),
            Some(&admin),
            Some(json!({"body": "Sur mon mur, avec une photo", "media_ids": [app.upload_photo(&admin).await]})),
        )
        .await;
    for (answer, author) in [
        (&with_photo, &doctor),
        (&warned, &friend),
        (&on_wall, &admin),
    ] {
        let alone = format!("/api/v1/posts/{}", answer["id"].as_str().unwrap());
        let alone = app.ok_json(Method::GET, &alone, Some(author), None).await;
        assert_eq!(answer, &alone);
    }
    // Likewise a new comment (both keep the microsecond PostgreSQL stores, not the nanosecond).
    let comment = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/posts/{}/comments", warned["id"].as_str().unwrap()),
            Some(&doctor),
            Some(json!({"body": "Toutes mes pensées"})),
        )
        .await;
    let alone = format!("/api/v1/comments/{}", comment["id"].as_str().unwrap());
    let alone = app.ok_json(Method::GET, &alone, Some(&doctor), None).await;
    assert_eq!(comment, alone);
    assert_eq!(with_photo["group"]["name"], "Fatigue chronique");
    assert_eq!(with_photo["media"][0]["id"], photo.as_str());
    assert_eq!(with_photo["author"]["verified"], "professional");
    assert_eq!(on_wall["media"].as_array().map(Vec::len), Some(1));
    assert_eq!(on_wall["group"], Value::Null);
    let wall = post_on_wall(&app, &friend, "sur mon mur").await;
    let mine = post_on_wall(&app, &reader, "le mien").await;
    for (post, kind) in [
        (plain.id, "support"),
        (plain.id, "hug"),
        (wall.id, "thanks"),
    ] {
        let path = format!("/api/v1/posts/{post}/reactions/{kind}");
        ok(&app, Method::PUT, &path, &reader, None).await;
    }
    // Someone else's reaction is not the reader's.
    let path = format!("/api/v1/posts/{}/reactions/support", mine.id);
    ok(&app, Method::PUT, &path, &friend, None).await;

    let feed = app
        .ok_json(Method::GET, "/api/v1/feed?limit=20", Some(&reader), None)
        .await;
    let items = feed["items"].as_array().unwrap();
    let ids: Vec<&str> = items
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    let expected = [
        mine.id.to_string(),
        wall.id.to_string(),
        warned["id"].as_str().unwrap().to_owned(),
        with_photo["id"].as_str().unwrap().to_owned(),
        plain.id.to_string(),
    ];
    assert_eq!(ids, expected);
    for item in items {
        let alone = app
            .ok_json(
                Method::GET,
                &format!("/api/v1/posts/{}", item["id"].as_str().unwrap()),
                Some(&reader),
                None,
            )
            .await;
        assert_eq!(item, &alone);
    }
    // The lists read in batches after their page (a group's posts, a wall) give the same items,
    // every post of a group with the group's name.
    let group_list = format!("/api/v1/groups/{}/posts?limit=20", group.id);
    let wall_list = format!("/api/v1/members/{}/wall?limit=20", doctor.id);
    for (path, expected) in [(group_list, 3), (wall_list, 2)] {
        let list = app.ok_json(Method::GET, &path, Some(&reader), None).await;
        let listed = list["items"].as_array().unwrap();
        assert_eq!(listed.len(), expected, "{path}");
        for item in listed {
            assert_eq!(item["group"]["name"], "Fatigue chronique", "{path}");
            let alone = format!("/api/v1/posts/{}", item["id"].as_str().unwrap());
            let alone = app.ok_json(Method::GET, &alone, Some(&reader), None).await;
            assert_eq!(item, &alone, "{path}");
        }
    }

    // And what they agree on is what was written.
    let [mine_item, wall_item, warned_item, photo_item, plain_item] = &items[..] else {
        panic!("five items");
    };
    assert_eq!(plain_item["author"]["pseudonym"], "Docteure");
    assert_eq!(plain_item["author"]["kind"], "professional");
    assert_eq!(plain_item["author"]["verified"], "professional");
    assert_eq!(plain_item["group"]["name"], "Fatigue chronique");
    assert_eq!(plain_item["my_reactions"], json!(["support", "hug"]));
    assert_eq!(photo_item["media"][0]["id"], photo.as_str());
    assert_eq!(photo_item["my_reactions"], json!([]));
    assert_eq!(warned_item["author"]["kind"], "caregiver");
    assert_eq!(warned_item["author"]["verified"], Value::Null);
    assert_eq!(warned_item["sensitive"], true);
    assert_eq!(wall_item["group"], Value::Null);
    assert_eq!(wall_item["my_reactions"], json!(["thanks"]));
    assert_eq!(mine_item["my_reactions"], json!([]));
    assert_eq!(mine_item["reactions"]["support"], 1);
}
