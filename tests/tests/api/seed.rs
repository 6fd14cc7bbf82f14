//! `entraide seed`: consistent counters, deterministic output, usable accounts.

use entraide_api::media::FsStore;
use entraide_api::seed::{SEED_PASSWORD, SeedOptions, seed};
use entraide_openapi::auth::TokenResponse;
use entraide_openapi::pagination::Page;
use entraide_openapi::posts::FeedPage;
use entraide_persistence::testing::TestDatabase;
use entraide_persistence::{Database, PoolOptions};
use reqwest::StatusCode;

use crate::support::spawn_app;

fn options() -> SeedOptions {
    SeedOptions {
        members: 40,
        groups: 6,
        posts: 300,
        comments: 500,
        reactions: 400,
        follows_per_member: 3,
        groups_per_member: 2,
        associations: 3,
        events: 40,
        resources: 12,
        places: 30,
        photos: 20,
        avatars: 5,
        seed: 7,
        analyze: true,
        progress: false,
    }
}

/// Every post, comment, membership and follow, as text, in id order.
fn fingerprint(database: &Database) -> Vec<String> {
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = Text)]
        line: String,
    }
    let mut conn = database.reader().unwrap();
    let mut lines = Vec::new();
    for sql in [
        "SELECT id || ' ' || author_id || ' ' || COALESCE(group_id, '-') || ' ' || \
         CAST(comment_count AS TEXT) || ' ' || body AS line FROM posts ORDER BY id",
        "SELECT id || ' ' || post_id || ' ' || COALESCE(parent_id, '-') || ' ' || body AS line \
         FROM comments ORDER BY id",
        "SELECT group_id || ' ' || member_id || ' ' || status AS line FROM group_memberships \
         ORDER BY group_id, member_id",
        "SELECT follower_id || ' ' || followed_id AS line FROM follows \
         ORDER BY follower_id, followed_id",
        "SELECT id || ' ' || organizer_id || ' ' || COALESCE(group_id, '-') || ' ' || \
         COALESCE(association_id, '-') || ' ' || title AS line FROM events ORDER BY id",
        "SELECT event_id || ' ' || member_id || ' ' || status AS line FROM event_rsvps \
         ORDER BY event_id, member_id",
        "SELECT id || ' ' || name AS line FROM associations ORDER BY id",
        "SELECT resource_id || ' ' || title AS line FROM resource_versions ORDER BY id",
        "SELECT id || ' ' || name AS line FROM places ORDER BY id",
        "SELECT id || ' ' || participant || ' ' || answers AS line FROM responses ORDER BY id",
        "SELECT id || ' ' || member_id || ' ' || purpose AS line FROM consents ORDER BY id",
        "SELECT id || ' ' || owner_id || ' ' || COALESCE(post_id, '-') || ' ' || blurhash \
         || ' ' || variants AS line FROM media ORDER BY id",
        "SELECT member_id || ' ' || CAST(match_conditions AS TEXT) || CAST(match_kind AS TEXT) \
         || CAST(match_region AS TEXT) AS line FROM discoverable_members ORDER BY member_id",
        "SELECT member_id || ' ' || condition_id AS line FROM member_conditions \
         ORDER BY member_id, condition_id",
        "SELECT id || ' ' || COALESCE(sponsor_name, '-') || ' ' || COALESCE(sponsor_links, '-') \
         AS line FROM events ORDER BY id",
    ] {
        lines.extend(
            diesel::sql_query(sql)
                .load::<Line>(&mut **conn)
                .unwrap()
                .into_iter()
                .map(|l| l.line),
        );
    }
    lines
}

#[actix_web::test]
async fn the_seed_is_deterministic_consistent_and_usable() {
    let app = spawn_app().await;
    let database = app.database();
    let store = FsStore::new(&app.media_dir);
    let report = seed(&database, &options(), &store).unwrap();
    let rows: std::collections::HashMap<_, _> =
        report.rows.iter().map(|(t, n, _)| (*t, *n)).collect();
    assert_eq!(rows["members"], 40);
    assert_eq!(rows["posts"], 300);
    assert_eq!(rows["comments"], 500);
    assert_eq!(rows["photos"], 25);
    assert!(rows["discoverable"] > 0 && rows["discoverable"] < 40);

    // Counters match the rows.
    {
        use diesel::prelude::*;
        use diesel::sql_types::BigInt;
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let mut conn = database.reader().unwrap();
        let mismatched = |sql: &str, conn: &mut entraide_persistence::DbConnection| {
            diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
        };
        assert_eq!(
            mismatched(
                "SELECT COUNT(*) AS n FROM discussion_groups g WHERE g.member_count <> \
             (SELECT COUNT(*) FROM group_memberships m WHERE m.group_id = g.id AND m.status = 'active')",
                &mut conn
            ),
            0,
            "member counts"
        );
        assert_eq!(
            mismatched(
                "SELECT COUNT(*) AS n FROM posts p WHERE p.comment_count <> \
             (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id)",
                &mut conn
            ),
            0,
            "comment counts"
        );
        assert_eq!(
            mismatched(
                "SELECT COUNT(*) AS n FROM posts p WHERE p.support_count + p.thanks_count + p.same_here_count + p.hug_count <> \
             (SELECT COUNT(*) FROM post_reactions r WHERE r.post_id = p.id)",
                &mut conn
            ),
            0,
            "reaction counts"
        );
        assert_eq!(
            mismatched(
                "SELECT COUNT(*) AS n FROM comments c JOIN comments parent ON parent.id = c.parent_id \
             WHERE parent.post_id <> c.post_id OR c.depth <> parent.depth + 1 OR c.id <= parent.id",
                &mut conn
            ),
            0,
            "threads"
        );
        assert_eq!(
            mismatched(
                "SELECT COUNT(*) AS n FROM events e WHERE e.going_count <> \
             (SELECT COUNT(*) FROM event_rsvps r WHERE r.event_id = e.id AND r.status = 'going') \
             OR e.interested_count <> \
             (SELECT COUNT(*) FROM event_rsvps r WHERE r.event_id = e.id AND r.status = 'interested') \
             OR e.going_count > COALESCE(e.capacity, e.going_count)",
                &mut conn
            ),
            0,
            "event counts"
        );
        assert_eq!(
            mismatched(
                "SELECT COUNT(*) AS n FROM associations a WHERE a.member_count <> \
             (SELECT COUNT(*) FROM association_memberships m WHERE m.association_id = a.id) \
             OR a.follower_count <> \
             (SELECT COUNT(*) FROM association_follows f WHERE f.association_id = a.id)",
                &mut conn
            ),
            0,
            "association counts"
        );
        assert_eq!(
            mismatched("SELECT COUNT(*) AS n FROM events", &mut conn),
            40
        );
        // Every seeded answer was given under a consent in force, by an eligible member.
        assert!(rows["responses"] > 0);
        assert_eq!(
            mismatched("SELECT COUNT(*) AS n FROM responses", &mut conn),
            i64::try_from(rows["responses"]).unwrap()
        );
        assert_eq!(
            mismatched(
                "SELECT COUNT(*) AS n FROM responses r WHERE NOT EXISTS (SELECT 1 FROM consents c              WHERE c.member_id = r.member_id AND c.purpose = 'research:' || r.study_id              AND c.withdrawn_at IS NULL AND c.given_at <= r.answered_at)              OR EXISTS (SELECT 1 FROM members m WHERE m.id = r.member_id AND m.kind = 'professional')",
                &mut conn
            ),
            0,
            "answers under consent"
        );
        // Photos: one per seeded post at most, owned by the post's author, every file stored.
        assert_eq!(
            mismatched(
                "SELECT COUNT(*) AS n FROM media m JOIN posts p ON p.id = m.post_id \
                 WHERE m.owner_id <> p.author_id OR m.attached_to <> 'post'",
                &mut conn
            ),
            0,
            "post photos belong to their post's author"
        );
        assert_eq!(
            mismatched(
                "SELECT COUNT(*) AS n FROM media WHERE attached_to = 'avatar'",
                &mut conn
            ),
            5
        );
        let folders = std::fs::read_dir(&app.media_dir).unwrap().count();
        assert_eq!(folders, 25, "one folder of files per seeded photo");
        // Sponsors are declared on some objects, the three cells together.
        let sponsored = mismatched(
            "SELECT (SELECT COUNT(*) FROM discussion_groups WHERE sponsor_name IS NOT NULL) \
             + (SELECT COUNT(*) FROM associations WHERE sponsor_name IS NOT NULL) \
             + (SELECT COUNT(*) FROM events WHERE sponsor_name IS NOT NULL) \
             + (SELECT COUNT(*) FROM resources WHERE sponsor_name IS NOT NULL) AS n",
            &mut conn,
        );
        assert!(sponsored > 0, "no seeded sponsor");
        // Discoverable members let only shown parts be matched.
        assert_eq!(
            mismatched(
                "SELECT COUNT(*) AS n FROM discoverable_members d JOIN members m \
                 ON m.id = d.member_id WHERE d.match_conditions AND m.conditions_visibility = 'private'",
                &mut conn
            ),
            0,
            "a discoverable member matched on private conditions"
        );
    }

    // The same seed gives the same data on a second database.
    let other = TestDatabase::new();
    let second = Database::connect(other.url(), &PoolOptions::default()).unwrap();
    second.migrate().unwrap();
    let other_media =
        std::env::temp_dir().join(format!("entraide-seed-media-{}", uuid::Uuid::now_v7()));
    seed(&second, &options(), &FsStore::new(&other_media)).unwrap();
    let _ = std::fs::remove_dir_all(&other_media);
    let (first, again) = (fingerprint(&database), fingerprint(&second));
    assert_eq!(first.len(), again.len());
    assert!(first == again, "the same seed gave different data");

    // The printed accounts log in, and their feed has posts.
    let (email, password) = &report.credentials[0];
    assert_eq!(password, SEED_PASSWORD);
    let login = app.login(email, password).await;
    assert_eq!(login.status(), StatusCode::OK);
    let tokens: TokenResponse = login.json().await.unwrap();
    let bearer = format!("Bearer {}", tokens.access_token);
    let feed: FeedPage = app
        .get("/api/v1/feed", Some(&bearer))
        .await
        .json()
        .await
        .unwrap();
    assert!(!feed.items.is_empty());
    // They belong to the first associations: their announcements reach the feed.
    assert!(!feed.announcements.is_empty());
    // And the calendar has events they may see.
    let events: Page<serde_json::Value> = app
        .get(
            "/api/v1/events?from=2026-08-01T00:00:00Z&to=2027-05-01T00:00:00Z",
            Some(&bearer),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!events.items.is_empty());
    // The seed indexes what it loads: seeded posts are searchable, visible ones only.
    let found: Page<serde_json::Value> = app
        .get("/api/v1/search?q=fatigue&type=post", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(!found.items.is_empty());
    let library: Page<serde_json::Value> = app
        .get("/api/v1/resources", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(!library.items.is_empty(), "seeded resources are published");
    let near: Page<serde_json::Value> = app
        .get("/api/v1/places?lat=48.8566&lon=2.3522&radius_km=50", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(!near.items.is_empty(), "places around Paris");
    for item in &found.items {
        let id = item["id"].as_str().unwrap();
        let visible = app.get(&format!("/api/v1/posts/{id}"), None).await;
        assert_eq!(
            visible.status(),
            StatusCode::OK,
            "search listed a post anonymous may not read"
        );
    }

    // Seeded photos are served: an avatar to anyone, in its own format.
    let avatar = {
        use diesel::prelude::*;
        use entraide_persistence::schema::media;
        let mut conn = database.reader().unwrap();
        media::table
            .filter(media::attached_to.eq("avatar"))
            .select(media::id)
            .first::<String>(&mut **conn)
            .unwrap()
    };
    let photo = app.get(&format!("/api/v1/media/{avatar}"), None).await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    // Discovery has people to show a seeded member.
    let people: serde_json::Value = app
        .get("/api/v1/members/discover", Some(&bearer))
        .await
        .json()
        .await
        .unwrap();
    assert!(!people["items"].as_array().unwrap().is_empty());

    // Seeding refuses a database that already has members.
    assert!(seed(&database, &options(), &store).is_err());
}
