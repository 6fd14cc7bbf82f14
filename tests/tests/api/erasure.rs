//! The right to erasure: after `DELETE /members/me`, no text column of the database holds the
//! member's e-mail, pseudonym or id, threads stay readable, and counters are right.

use diesel::RunQueryDsl;
use entraide_openapi::pagination::Page;
use entraide_openapi::posts::{CommentItem, PostItem};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Member, PASSWORD, TestApp, assert_problem, fields, spawn_app};

#[derive(diesel::QueryableByName)]
struct Column {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
}

/// Every text column of every table, read from the database itself.
fn text_columns(app: &TestApp) -> Vec<(String, String)> {
    let db = app.database();
    let mut conn = db.reader().unwrap();
    let sql = if app.database.is_postgres() {
        "SELECT table_name::text AS table_name, column_name::text AS column_name \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         AND data_type IN ('text', 'character varying') \
         AND table_name <> '__diesel_schema_migrations'"
    } else {
        "SELECT m.name AS table_name, c.name AS column_name FROM sqlite_master m, \
         pragma_table_info(m.name) c WHERE m.type = 'table' AND upper(c.type) = 'TEXT' \
         AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
         AND m.name NOT LIKE 'search_fts%'"
    };
    diesel::sql_query(sql)
        .load::<Column>(&mut **conn)
        .unwrap()
        .into_iter()
        .map(|c| (c.table_name, c.column_name))
        .collect()
}

/// `(table.column, needle)` for every text cell that holds one of the needles.
fn hits(app: &TestApp, needles: &[&str]) -> Vec<String> {
    let columns = text_columns(app);
    assert!(columns.len() > 50, "the scan reads the schema: {columns:?}");
    let mut found = Vec::new();
    for (table, column) in columns {
        for needle in needles {
            let pattern = needle.replace('\'', "''").to_lowercase();
            let n = app.count(&format!(
                "SELECT COUNT(*) AS n FROM \"{table}\" WHERE lower(CAST(\"{column}\" AS TEXT)) LIKE '%{pattern}%'"
            ));
            if n > 0 {
                found.push(format!("{table}.{column} holds {needle} ({n})"));
            }
        }
    }
    found
}

async fn ok(app: &TestApp, method: Method, path: &str, who: &Member, body: Value) -> Value {
    app.ok_json(method, path, Some(who), Some(body)).await
}

async fn erase(app: &TestApp, who: &Member, body: Value) -> reqwest::Response {
    app.call(Method::DELETE, "/api/v1/members/me", Some(who), Some(body))
        .await
}

#[actix_web::test]
async fn an_erased_member_leaves_no_trace_and_threads_stay_readable() {
    let app = spawn_app().await;
    let zoe = app.member("Zephyrine Oubli", "patient").await;
    let other = app.member("Bastien", "patient").await;
    let admin = app.member("Sacha", "professional").await;
    app.make_admin(&admin);
    let group = app
        .create_group(&other, "Entraide SEP", "public", "everyone")
        .await;
    let groups = format!("/api/v1/groups/{}", group.id);
    ok(
        &app,
        Method::POST,
        &format!("{groups}/join"),
        &zoe,
        Value::Null,
    )
    .await;
    // What Zéphyrine writes, shares and takes part in.
    let own: PostItem = serde_json::from_value(
        ok(
            &app,
            Method::POST,
            &format!("{groups}/posts"),
            &zoe,
            json!({"body": "Mon parcours avec la SEP"}),
        )
        .await,
    )
    .unwrap();
    let theirs: PostItem = serde_json::from_value(
        ok(
            &app,
            Method::POST,
            &format!("{groups}/posts"),
            &other,
            json!({"body": "Des conseils pour la fatigue ?"}),
        )
        .await,
    )
    .unwrap();
    let comment: CommentItem = serde_json::from_value(
        ok(
            &app,
            Method::POST,
            &format!("/api/v1/posts/{}/comments", theirs.id),
            &zoe,
            json!({"body": "La sieste aide"}),
        )
        .await,
    )
    .unwrap();
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/posts/{}/comments", theirs.id),
        &other,
        json!({"body": "Merci !", "parent_id": comment.id}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/posts/{}/comments", own.id),
        &other,
        json!({"body": "Courage"}),
    )
    .await;
    ok(
        &app,
        Method::PUT,
        &format!("/api/v1/posts/{}/reactions/support", theirs.id),
        &zoe,
        Value::Null,
    )
    .await;
    ok(
        &app,
        Method::PUT,
        &format!("/api/v1/posts/{}/reactions/hug", own.id),
        &other,
        Value::Null,
    )
    .await;
    ok(
        &app,
        Method::PUT,
        &format!("/api/v1/members/{}/follow", other.id),
        &zoe,
        Value::Null,
    )
    .await;
    ok(
        &app,
        Method::PUT,
        &format!("/api/v1/members/{}/follow", zoe.id),
        &other,
        Value::Null,
    )
    .await;
    ok(
        &app,
        Method::PUT,
        &format!("/api/v1/members/{}/block", admin.id),
        &zoe,
        Value::Null,
    )
    .await;
    ok(
        &app,
        Method::PATCH,
        "/api/v1/members/me",
        &zoe,
        json!({"bio": "Zéphyrine, 34 ans"}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        "/api/v1/groups",
        &zoe,
        json!({"name": "Groupe de Zéphyrine", "visibility": "public"}),
    )
    .await;
    let event = ok(&app, Method::POST, "/api/v1/events", &zoe, json!({"title": "Café SEP",
        "starts_at": "2027-05-01T10:00:00Z", "ends_at": "2027-05-01T12:00:00Z", "time_zone": "Europe/Paris"})).await;
    ok(
        &app,
        Method::PUT,
        &format!("/api/v1/events/{}/rsvp", event["id"].as_str().unwrap()),
        &other,
        json!({"status": "going"}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        "/api/v1/reports",
        &zoe,
        json!({"target_kind": "member",
        "target_id": other.id, "reason": "spam", "note": "signé Zephyrine Oubli"}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        "/api/v1/reports",
        &other,
        json!({"target_kind": "member",
        "target_id": zoe.id, "reason": "spam"}),
    )
    .await;
    // A direct conversation: one message each way (stored encrypted).
    let started = ok(
        &app,
        Method::POST,
        "/api/v1/conversations",
        &zoe,
        json!({"participant_ids": [other.id], "body": "Je t'écris en privé"}),
    )
    .await;
    let conversation = started["conversation"]["id"].as_str().unwrap().to_owned();
    let messages_path = format!("/api/v1/conversations/{conversation}/messages");
    ok(
        &app,
        Method::POST,
        &messages_path,
        &other,
        json!({"body": "Merci de ta confiance"}),
    )
    .await;
    let needles = [zoe.email.as_str(), "Zephyrine Oubli", &zoe.id.to_string()];
    assert!(
        !hits(&app, &needles).is_empty(),
        "the scan finds what is there"
    );
    let members_before = app.member_count();

    // A wrong password erases nothing.
    let refused = erase(
        &app,
        &zoe,
        json!({"password": "pas le mien du tout", "content": "anonymise"}),
    )
    .await;
    let problem = assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["password"]);
    let refused = erase(&app, &zoe, json!({"password": PASSWORD, "content": "keep"})).await;
    assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let refused = app
        .call(
            Method::DELETE,
            "/api/v1/members/me",
            None,
            Some(json!({"password": PASSWORD, "content": "delete"})),
        )
        .await;
    assert_problem(refused, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(app.member_count(), members_before);

    let response = erase(
        &app,
        &zoe,
        json!({"password": PASSWORD, "content": "anonymise"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    // Nothing of hers is left in any text column.
    assert_eq!(hits(&app, &needles), Vec::<String>::new());
    // Her token and her password no longer open anything.
    let me = app
        .call(Method::GET, "/api/v1/members/me", Some(&zoe), None)
        .await;
    assert_problem(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let login = app.login(&zoe.email, PASSWORD).await;
    assert_problem(login, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let profile = app
        .call(
            Method::GET,
            &format!("/api/v1/members/{}", zoe.id),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(profile.status(), StatusCode::NOT_FOUND);

    // Threads stay whole, signed "Ancien membre"; counters follow.
    let kept: PostItem = serde_json::from_value(
        app.ok_json(
            Method::GET,
            &format!("/api/v1/posts/{}", own.id),
            Some(&other),
            None,
        )
        .await,
    )
    .unwrap();
    assert_eq!(kept.author.pseudonym, "Ancien membre");
    assert_eq!(kept.body, "Mon parcours avec la SEP");
    assert_eq!(kept.reactions.hug, 1);
    let thread: Page<CommentItem> = serde_json::from_value(
        app.ok_json(
            Method::GET,
            &format!("/api/v1/posts/{}/comments", theirs.id),
            Some(&other),
            None,
        )
        .await,
    )
    .unwrap();
    let authors: Vec<&str> = thread
        .items
        .iter()
        .map(|c| c.author.pseudonym.as_str())
        .collect();
    assert_eq!(authors, ["Ancien membre", "Bastien"]);
    assert_eq!(thread.items[1].parent_id, Some(comment.id));
    let theirs_now: PostItem = serde_json::from_value(
        app.ok_json(
            Method::GET,
            &format!("/api/v1/posts/{}", theirs.id),
            Some(&other),
            None,
        )
        .await,
    )
    .unwrap();
    assert_eq!(
        theirs_now.reactions.support, 0,
        "her reaction went with her"
    );
    // Her messages stay for Bastien, signed "Ancien membre"; she is no longer a participant.
    let kept_messages = app
        .ok_json(Method::GET, &messages_path, Some(&other), None)
        .await;
    let authors: Vec<&str> = kept_messages["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["author_pseudonym"].as_str().unwrap())
        .collect();
    assert_eq!(authors, ["Bastien", "Ancien membre"]);
    assert_eq!(kept_messages["items"][1]["body"], "Je t'écris en privé");
    let conversations = app
        .ok_json(Method::GET, "/api/v1/conversations", Some(&other), None)
        .await;
    assert_eq!(
        conversations["items"][0]["participants"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let group_now = app.ok_json(Method::GET, &groups, Some(&other), None).await;
    assert_eq!(group_now["member_count"], json!(1));
    // The placeholder cannot be logged into or registered again.
    let login = app.login("former-member@entraide.invalid", "!").await;
    assert!(login.status().is_client_error());
    let taken = app
        .register("autre@example.org", "Ancien membre", "patient")
        .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    // A second erasure reuses the one placeholder.
    let bastien_posts = app.count("SELECT COUNT(*) AS n FROM members");
    let response = erase(
        &app,
        &other,
        json!({"password": PASSWORD, "content": "delete",
        "research_answers": "keep_pseudonymous"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM members"),
        bastien_posts - 1
    );
    let deleted = app.count(&format!(
        "SELECT COUNT(*) AS n FROM posts WHERE id = '{}' AND body = '' AND deleted_at IS NOT NULL",
        theirs.id
    ));
    assert_eq!(deleted, 1, "content: delete empties their posts");
    let comments_left = app.count(&format!(
        "SELECT COUNT(*) AS n FROM comments WHERE post_id = '{}'",
        theirs.id
    ));
    assert_eq!(comments_left, 2, "the thread keeps its shape");
    // content: delete takes his messages; hers (kept, anonymised) remain.
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM messages"), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM conversation_participants"),
        0
    );
    let _: Uuid = zoe.id;
}

#[actix_web::test]
async fn the_last_owner_hands_their_group_and_association_to_the_next_in_line() {
    let app = spawn_app().await;
    let zoe = app.member("Zelie", "patient").await;
    let early = app.member("Aline", "patient").await;
    let moderator = app.member("Marceau", "patient").await;
    let group = app
        .create_group(&zoe, "Fondé par Zoé", "public", "everyone")
        .await;
    let groups = format!("/api/v1/groups/{}", group.id);
    // Aline joins first, Marc later but becomes a moderator: he takes over.
    for who in [&early, &moderator] {
        let response = app
            .call(Method::POST, &format!("{groups}/join"), Some(who), None)
            .await;
        assert!(response.status().is_success());
    }
    let response = app
        .call(
            Method::PUT,
            &format!("{groups}/members/{}/role", moderator.id),
            Some(&zoe),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let association =
        crate::associations::verified_association(&app, &zoe, "Association de Zoé").await;
    let association_id = association["id"].as_str().unwrap().to_owned();
    app.ok_json(
        Method::POST,
        &format!("/api/v1/associations/{association_id}/join"),
        Some(&early),
        None,
    )
    .await;
    // Zoé made the association an API key: it stops with her (a former admin keeps no way in).
    let key = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/associations/{association_id}/api-keys"),
            Some(&zoe),
            Some(json!({"name": "Site", "scopes": ["events:read"]})),
        )
        .await;
    let key = key["key"].as_str().unwrap().to_owned();
    let keys_of_zoe = format!(
        "SELECT COUNT(*) AS n FROM api_keys WHERE created_by = '{}'",
        zoe.id
    );
    assert_eq!(app.count(&keys_of_zoe), 1);
    let call_with_key = || {
        reqwest::Client::new()
            .get(format!(
                "{}/api/v1/events?association_id={association_id}",
                app.address
            ))
            .bearer_auth(&key)
            .send()
    };
    assert_eq!(call_with_key().await.unwrap().status(), StatusCode::OK);

    let response = erase(
        &app,
        &zoe,
        json!({"password": PASSWORD, "content": "anonymise", "research_answers": "delete"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count(&keys_of_zoe), 0);
    let with_key = call_with_key().await.unwrap();
    assert_eq!(
        with_key.status(),
        StatusCode::UNAUTHORIZED,
        "the key stopped"
    );
    let role_of = |table: &str, scope: &str, scope_id: &str, who: &Member| {
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE {scope} = '{scope_id}' \
             AND member_id = '{}' AND role = '{}' AND status = 'active'",
            who.id,
            if table == "group_memberships" {
                "owner"
            } else {
                "admin"
            }
        ))
    };
    let group_id = group.id.to_string();
    assert_eq!(
        role_of("group_memberships", "group_id", &group_id, &moderator),
        1
    );
    assert_eq!(
        role_of("group_memberships", "group_id", &group_id, &early),
        0
    );
    assert_eq!(
        role_of(
            "association_memberships",
            "association_id",
            &association_id,
            &early
        ),
        1
    );
    // The new owner can run the group: approve, moderate, name others.
    let response = app
        .call(
            Method::PUT,
            &format!("{groups}/members/{}/role", early.id),
            Some(&moderator),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let detail = app.ok_json(Method::GET, &groups, Some(&early), None).await;
    assert_eq!(detail["member_count"], json!(2));
}
