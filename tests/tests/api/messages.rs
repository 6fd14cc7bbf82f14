//! Direct messages: who may write to whom (settings, shared groups, blocks), what outsiders
//! see (404), read receipts and unread counts, pagination, leaving, the hourly limit, bodies
//! encrypted at rest and key rotation.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use diesel::RunQueryDsl;
use entraide_api::configuration::Settings;
use entraide_api::startup::Application;
use entraide_openapi::messages::{Conversation, Message, NewConversation};
use entraide_openapi::pagination::Page;
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Member, TestApp, assert_problem, fields, spawn_app, spawn_app_with};

async fn get<T: DeserializeOwned>(app: &TestApp, path: &str, who: &Member) -> T {
    serde_json::from_value(app.ok_json(Method::GET, path, Some(who), None).await).unwrap()
}

/// Alice and Bruno share a group; Carla is in none.
async fn three(app: &TestApp) -> (Member, Member, Member) {
    let alice = app.member("Alice Messages", "patient").await;
    let bruno = app.member("Bruno Messages", "caregiver").await;
    let carla = app.member("Carla Messages", "patient").await;
    let group = app
        .create_group(&alice, "Groupe Messages", "public", "everyone")
        .await;
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/join", group.id),
            Some(&bruno),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    // Both speak in the group: each can see the other belongs to it.
    for who in [&alice, &bruno] {
        app.ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(who),
            Some(json!({"body": "Bonjour à tous"})),
        )
        .await;
    }
    (alice, bruno, carla)
}

async fn start(app: &TestApp, from: &Member, to: &[&Member], body: &str) -> reqwest::Response {
    let ids: Vec<Uuid> = to.iter().map(|m| m.id).collect();
    app.call(
        Method::POST,
        "/api/v1/conversations",
        Some(from),
        Some(json!({"participant_ids": ids, "body": body})),
    )
    .await
}

async fn started(app: &TestApp, from: &Member, to: &[&Member], body: &str) -> NewConversation {
    let response = start(app, from, to, body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn send(app: &TestApp, who: &Member, conversation: Uuid, body: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        &format!("/api/v1/conversations/{conversation}/messages"),
        Some(who),
        Some(json!({"body": body})),
    )
    .await
}

async fn sent(app: &TestApp, who: &Member, conversation: Uuid, body: &str) -> Message {
    let response = send(app, who, conversation, body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn bodies(app: &TestApp, who: &Member, conversation: Uuid) -> Vec<String> {
    let page: Page<Message> = get(
        app,
        &format!("/api/v1/conversations/{conversation}/messages"),
        who,
    )
    .await;
    page.items.into_iter().map(|m| m.body).collect()
}

async fn set_messages_from(app: &TestApp, who: &Member, setting: &str) {
    let answer = app
        .ok_json(
            Method::PATCH,
            "/api/v1/members/me/message-settings",
            Some(who),
            Some(json!({"messages_from": setting})),
        )
        .await;
    assert_eq!(answer["messages_from"], setting);
}

#[actix_web::test]
async fn a_conversation_needs_each_recipients_consent_and_one_refusal_says_nothing_more() {
    let app = spawn_app().await;
    let (alice, bruno, carla) = three(&app).await;
    // The default: members sharing a group.
    let settings: Value = get(&app, "/api/v1/members/me/message-settings", &carla).await;
    assert_eq!(settings["messages_from"], "shared_group");

    let first = started(&app, &alice, &[&bruno], "Bonjour Bruno").await;
    assert_eq!(first.message.body, "Bonjour Bruno");
    assert_eq!(first.message.author_id, alice.id);
    assert_eq!(first.conversation.participants.len(), 2);
    assert_eq!(
        bodies(&app, &bruno, first.conversation.id).await,
        ["Bonjour Bruno"]
    );

    // Carla shares no group with Alice: refused, and nothing is stored.
    let before = app.count("SELECT COUNT(*) AS n FROM conversations");
    let refused = start(&app, &alice, &[&carla], "Bonjour Carla").await;
    let problem = assert_problem(refused, StatusCode::FORBIDDEN, "cannot_message").await;
    assert!(problem.detail.is_none_or(|d| !d.contains("group")));
    // One refused recipient refuses the whole conversation.
    let refused = start(&app, &alice, &[&bruno, &carla], "À vous deux").await;
    assert_problem(refused, StatusCode::FORBIDDEN, "cannot_message").await;
    // Someone who does not exist is answered the same.
    let ghost = Member {
        id: Uuid::now_v7(),
        email: String::new(),
        tokens: alice.tokens.clone(),
    };
    let refused = start(&app, &alice, &[&ghost], "Personne").await;
    assert_problem(refused, StatusCode::FORBIDDEN, "cannot_message").await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM conversations"), before);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM messages"), 1);

    // Carla opens to everyone; Bruno closes to nobody.
    set_messages_from(&app, &carla, "everyone").await;
    set_messages_from(&app, &bruno, "nobody").await;
    started(&app, &alice, &[&carla], "Bonjour Carla").await;
    let refused = start(&app, &alice, &[&bruno], "Encore moi").await;
    assert_problem(refused, StatusCode::FORBIDDEN, "cannot_message").await;
    // "nobody" governs new conversations: the existing one goes on, and Bruno can still start.
    sent(&app, &alice, first.conversation.id, "Tu vas bien ?").await;
    started(&app, &bruno, &[&alice], "De mon côté").await;

    // Malformed requests: 422 with the fields, nothing stored.
    let count = app.count("SELECT COUNT(*) AS n FROM messages");
    let response = app
        .call(
            Method::POST,
            "/api/v1/conversations",
            Some(&alice),
            Some(json!({"participant_ids": [alice.id], "body": "   "})),
        )
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["participant_ids", "body"]);
    let eight: Vec<Uuid> = (0..8).map(|_| Uuid::now_v7()).collect();
    let response = app
        .call(
            Method::POST,
            "/api/v1/conversations",
            Some(&alice),
            Some(json!({"participant_ids": eight, "body": "Trop"})),
        )
        .await;
    assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let response = send(&app, &alice, first.conversation.id, &"a".repeat(5001)).await;
    assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let response = send(&app, &alice, first.conversation.id, "a\u{7}b").await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem.errors.unwrap()[0].code, "control_character");
    let response = app
        .call(
            Method::PATCH,
            "/api/v1/members/me/message-settings",
            Some(&alice),
            Some(json!({"messages_from": "friends"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM messages"), count);
}

#[actix_web::test]
async fn outsiders_get_404_and_never_a_message() {
    let app = spawn_app().await;
    let (alice, bruno, carla) = three(&app).await;
    let conversation = started(&app, &alice, &[&bruno], "Entre nous")
        .await
        .conversation
        .id;
    let path = format!("/api/v1/conversations/{conversation}");
    for (method, suffix, body) in [
        (Method::GET, "/messages", None),
        (
            Method::POST,
            "/messages",
            Some(json!({"body": "Je m'invite"})),
        ),
        (
            Method::POST,
            "/read",
            Some(json!({"last_read_message_id": Uuid::now_v7()})),
        ),
        (Method::POST, "/leave", None),
    ] {
        let response = app
            .call(
                method.clone(),
                &format!("{path}{suffix}"),
                Some(&carla),
                body.clone(),
            )
            .await;
        assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
        // Anonymous: 401.
        let response = app
            .call(method, &format!("{path}{suffix}"), None, body)
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let page: Page<Conversation> = get(&app, "/api/v1/conversations", &carla).await;
    assert!(page.items.is_empty());
    // An administrator is an outsider too: no API reads messages.
    let admin = app.member("Admin Messages", "professional").await;
    app.make_admin(&admin);
    let response = app
        .call(Method::GET, &format!("{path}/messages"), Some(&admin), None)
        .await;
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM messages"), 1);
}

#[actix_web::test]
async fn blocks_refuse_new_conversations_silence_one_to_one_and_hide_in_groups() {
    let app = spawn_app().await;
    let (alice, bruno, carla) = three(&app).await;
    set_messages_from(&app, &carla, "everyone").await;
    set_messages_from(&app, &bruno, "everyone").await;
    set_messages_from(&app, &alice, "everyone").await;
    let pair = started(&app, &alice, &[&bruno], "Avant")
        .await
        .conversation
        .id;
    let trio = started(&app, &carla, &[&alice, &bruno], "À trois")
        .await
        .conversation
        .id;
    sent(&app, &bruno, trio, "Bruno dans le groupe").await;

    let response = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/block", alice.id),
            Some(&bruno),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    // Neither starts a conversation with the other, the same refusal both ways.
    for (from, to) in [(&alice, &bruno), (&bruno, &alice)] {
        let response = start(&app, from, &[to], "Coucou").await;
        assert_problem(response, StatusCode::FORBIDDEN, "cannot_message").await;
        // Not even with a third member alongside.
        let response = start(&app, from, &[&carla, to], "Coucou").await;
        assert_problem(response, StatusCode::FORBIDDEN, "cannot_message").await;
    }
    // The one-to-one conversation is silenced both ways, and its history hidden.
    for who in [&alice, &bruno] {
        let response = send(&app, who, pair, "Après").await;
        assert_problem(response, StatusCode::FORBIDDEN, "cannot_message").await;
    }
    assert!(bodies(&app, &bruno, pair).await.is_empty());
    // In the group conversation both still write; each stops seeing the other.
    sent(&app, &alice, trio, "Alice au groupe").await;
    sent(&app, &bruno, trio, "Bruno au groupe").await;
    let carla_sees = bodies(&app, &carla, trio).await;
    assert_eq!(
        carla_sees,
        [
            "Bruno au groupe",
            "Alice au groupe",
            "Bruno dans le groupe",
            "À trois"
        ]
    );
    assert_eq!(
        bodies(&app, &alice, trio).await,
        ["Alice au groupe", "À trois"]
    );
    assert_eq!(
        bodies(&app, &bruno, trio).await,
        ["Bruno au groupe", "Bruno dans le groupe", "À trois"]
    );
    // Unread counts leave them out too.
    let page: Page<Conversation> = get(&app, "/api/v1/conversations", &alice).await;
    let trio_view = page.items.iter().find(|c| c.id == trio).unwrap();
    assert_eq!(trio_view.unread_count, 1, "only Carla's message");
}

#[actix_web::test]
async fn read_receipts_unread_counts_and_pages() {
    let app = spawn_app().await;
    let (alice, bruno, carla) = three(&app).await;
    set_messages_from(&app, &carla, "everyone").await;
    let pair = started(&app, &alice, &[&bruno], "Un").await.conversation.id;
    let two = sent(&app, &alice, pair, "Deux").await;
    let three = sent(&app, &alice, pair, "Trois").await;
    let other = started(&app, &alice, &[&carla], "Ailleurs").await;

    let page: Page<Conversation> = get(&app, "/api/v1/conversations", &bruno).await;
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].unread_count, 3);
    // The author's own messages are never unread for them.
    let page: Page<Conversation> = get(&app, "/api/v1/conversations", &alice).await;
    assert!(page.items.iter().all(|c| c.unread_count == 0));
    // By last activity: the conversation with Carla is newer.
    assert_eq!(page.items[0].id, other.conversation.id);

    let read_path = format!("/api/v1/conversations/{pair}/read");
    let read = |message: Uuid| {
        app.call(
            Method::POST,
            &read_path,
            Some(&bruno),
            Some(json!({"last_read_message_id": message})),
        )
    };
    let answer: Conversation = read(two.id).await.json().await.unwrap();
    assert_eq!(answer.unread_count, 1);
    // Alice sees Bruno's receipt.
    let page: Page<Conversation> = get(&app, "/api/v1/conversations", &alice).await;
    let seen = page.items.iter().find(|c| c.id == pair).unwrap();
    let receipt = seen
        .participants
        .iter()
        .find(|p| p.member_id == bruno.id)
        .unwrap();
    assert_eq!(receipt.last_read_message_id, Some(two.id));
    // Forward only; a message of another conversation is refused.
    let answer: Conversation = read(three.id).await.json().await.unwrap();
    assert_eq!(answer.unread_count, 0);
    let answer: Conversation = read(two.id).await.json().await.unwrap();
    let receipt = answer
        .participants
        .iter()
        .find(|p| p.member_id == bruno.id)
        .unwrap();
    assert_eq!(receipt.last_read_message_id, Some(three.id));
    let response = read(other.message.id).await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["last_read_message_id"]);

    // Pages of messages, newest first.
    let first: Page<Message> = get(
        &app,
        &format!("/api/v1/conversations/{pair}/messages?limit=2"),
        &bruno,
    )
    .await;
    assert_eq!(
        first
            .items
            .iter()
            .map(|m| m.body.as_str())
            .collect::<Vec<_>>(),
        ["Trois", "Deux"]
    );
    let cursor = first.next_cursor.unwrap();
    let rest: Page<Message> = get(
        &app,
        &format!("/api/v1/conversations/{pair}/messages?limit=2&cursor={cursor}"),
        &bruno,
    )
    .await;
    assert_eq!(
        rest.items
            .iter()
            .map(|m| m.body.as_str())
            .collect::<Vec<_>>(),
        ["Un"]
    );
    assert!(rest.next_cursor.is_none());
    // Pages of conversations.
    let first: Page<Conversation> = get(&app, "/api/v1/conversations?limit=1", &alice).await;
    assert_eq!(first.items[0].id, other.conversation.id);
    let cursor = first.next_cursor.unwrap();
    let rest: Page<Conversation> = get(
        &app,
        &format!("/api/v1/conversations?limit=1&cursor={cursor}"),
        &alice,
    )
    .await;
    assert_eq!(rest.items[0].id, pair);
    // A message moves its conversation to the top.
    sent(&app, &bruno, pair, "Quatre").await;
    let page: Page<Conversation> = get(&app, "/api/v1/conversations", &alice).await;
    assert_eq!(page.items[0].id, pair);
    assert_eq!(page.items[0].unread_count, 1);
}

#[actix_web::test]
async fn leaving_ends_access_and_the_others_see_it() {
    let app = spawn_app().await;
    let (alice, bruno, _) = three(&app).await;
    let pair = started(&app, &alice, &[&bruno], "Salut")
        .await
        .conversation
        .id;
    sent(&app, &bruno, pair, "Je pars bientôt").await;
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{pair}/leave"),
            Some(&bruno),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let page: Page<Conversation> = get(&app, "/api/v1/conversations", &bruno).await;
    assert!(page.items.is_empty());
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/conversations/{pair}/messages"),
            Some(&bruno),
            None,
        )
        .await;
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    let response = send(&app, &bruno, pair, "Retour").await;
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    let page: Page<Conversation> = get(&app, "/api/v1/conversations", &alice).await;
    let left = page.items[0]
        .participants
        .iter()
        .find(|p| p.member_id == bruno.id)
        .unwrap();
    assert!(left.left);
    assert_eq!(
        bodies(&app, &alice, pair).await,
        ["Je pars bientôt", "Salut"]
    );
}

#[actix_web::test]
async fn at_most_thirty_new_conversations_an_hour() {
    let app = spawn_app().await;
    let (alice, bruno, _) = three(&app).await;
    for n in 0..30 {
        started(&app, &alice, &[&bruno], &format!("Message {n}")).await;
    }
    let response = start(&app, &alice, &[&bruno], "Un de trop").await;
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM conversations"), 30);
    // Messages in existing conversations are not limited this way.
    let page: Page<Conversation> = get(&app, "/api/v1/conversations?limit=1", &alice).await;
    sent(&app, &alice, page.items[0].id, "Toujours possible").await;
}

#[derive(diesel::QueryableByName)]
struct SealedRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    key_id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    nonce: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    ciphertext: String,
}

fn sealed_rows(app: &TestApp) -> Vec<SealedRow> {
    let db = app.database();
    let mut conn = db.reader().unwrap();
    diesel::sql_query("SELECT key_id, nonce, ciphertext FROM messages ORDER BY id")
        .load::<SealedRow>(&mut **conn)
        .unwrap()
}

#[actix_web::test]
async fn bodies_are_encrypted_at_rest() {
    let app = spawn_app().await;
    let (alice, bruno, _) = three(&app).await;
    let secret = "Mon diagnostic de sclérose en plaques date de mars";
    let pair = started(&app, &alice, &[&bruno], secret)
        .await
        .conversation
        .id;
    sent(&app, &bruno, pair, "Merci de me le confier").await;
    assert_eq!(bodies(&app, &bruno, pair).await[1], secret);

    let rows = sealed_rows(&app);
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row.key_id, "test1");
        for column in [&row.nonce, &row.ciphertext] {
            assert!(!column.contains("sclérose") && !column.contains("Merci"));
        }
        let raw = STANDARD.decode(&row.ciphertext).unwrap();
        let text = String::from_utf8_lossy(&raw);
        assert!(!text.contains("sclérose") && !text.contains("diagnostic"));
        assert_eq!(STANDARD.decode(&row.nonce).unwrap().len(), 24);
    }
    // Nowhere in the messages table as text.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM messages WHERE ciphertext LIKE '%diagnostic%' \
             OR nonce LIKE '%diagnostic%' OR key_id LIKE '%diagnostic%'"
        ),
        0
    );
    // A ciphertext copied onto another message does not show there: the ids are bound.
    {
        let db = app.database();
        let mut conn = db.writer().unwrap();
        diesel::sql_query(
            "UPDATE messages SET ciphertext = (SELECT ciphertext FROM messages ORDER BY id LIMIT 1), \
             nonce = (SELECT nonce FROM messages ORDER BY id LIMIT 1) \
             WHERE id = (SELECT id FROM messages ORDER BY id DESC LIMIT 1)",
        )
        .execute(&mut **conn)
        .unwrap();
    }
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/conversations/{pair}/messages"),
            Some(&bruno),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let text = response.text().await.unwrap();
    assert!(!text.contains("sclérose"));
}

/// A second server on the same database with other message keys (a restart after a change of
/// configuration); the first keeps running.
async fn server_with_keys(app: &TestApp, keys: &str) -> String {
    let mut settings = Settings::with_database(app.database.url(), crate::support::JWT_SECRET);
    settings.message_keys = Some(SecretString::from(keys.to_owned()));
    let application = Application::build(settings).unwrap();
    let address = format!("http://127.0.0.1:{}", application.port());
    actix_web::rt::spawn(application.run_until_stopped());
    address
}

async fn bodies_on(app: &TestApp, address: &str, who: &Member, conversation: Uuid) -> Vec<String> {
    let response = app
        .client
        .get(format!(
            "{address}/api/v1/conversations/{conversation}/messages"
        ))
        .header("Authorization", who.bearer())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page: Page<Message> = response.json().await.unwrap();
    page.items.into_iter().map(|m| m.body).collect()
}

#[actix_web::test]
async fn keys_rotate_and_old_messages_are_reencrypted() {
    let old = entraide_api::message_keys_cli::generate_message_key("2026a").unwrap();
    let new = entraide_api::message_keys_cli::generate_message_key("2026b").unwrap();
    let app = spawn_app_with(|settings| {
        settings.message_keys = Some(SecretString::from(old.clone()));
    })
    .await;
    let (alice, bruno, _) = three(&app).await;
    let pair = started(&app, &alice, &[&bruno], "Avant la rotation")
        .await
        .conversation
        .id;
    assert!(sealed_rows(&app).iter().all(|r| r.key_id == "2026a"));

    // A new first key: old messages still read, new ones sealed under it.
    let rotated = format!("{new},{old}");
    let server = server_with_keys(&app, &rotated).await;
    let response = app
        .client
        .post(format!("{server}/api/v1/conversations/{pair}/messages"))
        .header("Authorization", bruno.bearer())
        .json(&json!({"body": "Après la rotation"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        bodies_on(&app, &server, &alice, pair).await,
        ["Après la rotation", "Avant la rotation"]
    );
    let keys: Vec<String> = sealed_rows(&app).into_iter().map(|r| r.key_id).collect();
    assert_eq!(keys, ["2026a", "2026b"]);

    // Re-encryption moves every message to the first key; the old key can then go.
    let mut settings = Settings::with_database(app.database.url(), crate::support::JWT_SECRET);
    settings.message_keys = Some(SecretString::from(rotated));
    let report = entraide_api::message_keys_cli::reencrypt_messages(&settings).unwrap();
    assert_eq!(report.resealed, 1);
    assert_eq!(report.key_id, "2026b");
    assert!(sealed_rows(&app).iter().all(|r| r.key_id == "2026b"));
    let again = entraide_api::message_keys_cli::reencrypt_messages(&settings).unwrap();
    assert_eq!(again.resealed, 0);
    let only_new = server_with_keys(&app, &new).await;
    assert_eq!(
        bodies_on(&app, &only_new, &alice, pair).await,
        ["Après la rotation", "Avant la rotation"]
    );
}

#[actix_web::test]
async fn the_export_holds_the_members_conversations_decrypted() {
    let app = spawn_app().await;
    let (alice, bruno, carla) = three(&app).await;
    let pair = started(&app, &alice, &[&bruno], "Bonjour Bruno")
        .await
        .conversation
        .id;
    sent(&app, &bruno, pair, "Bonjour Alice").await;
    set_messages_from(&app, &bruno, "everyone").await;
    let left = started(&app, &carla, &[&bruno], "Pour Bruno seulement")
        .await
        .conversation
        .id;
    sent(&app, &bruno, left, "Je réponds puis je pars").await;
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{left}/leave"),
            Some(&bruno),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    sent(&app, &carla, left, "Après son départ").await;

    let export: Value = get(&app, "/api/v1/members/me/export", &bruno).await;
    assert_eq!(export["message_settings"]["messages_from"], "everyone");
    let conversations = export["conversations"].as_array().unwrap();
    assert_eq!(conversations.len(), 2);
    let texts = |id: Uuid| -> Vec<String> {
        conversations.iter().find(|c| c["id"] == json!(id)).unwrap()["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap().to_owned())
            .collect()
    };
    // Received and written, oldest first.
    assert_eq!(texts(pair), ["Bonjour Bruno", "Bonjour Alice"]);
    // A conversation he left: only what he wrote.
    assert_eq!(texts(left), ["Je réponds puis je pars"]);
    // Nobody else's export holds a conversation they are not in.
    let export: Value = get(&app, "/api/v1/members/me/export", &carla).await;
    assert_eq!(export["conversations"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_reported_message_is_the_only_one_its_moderators_read() {
    let app = spawn_app().await;
    let (alice, bruno, carla) = three(&app).await;
    let moderator = app.member("Moderatrice Messages", "professional").await;
    app.make_admin(&moderator);
    let conversation = started(&app, &alice, &[&bruno], "Bonjour Bruno, comment vas-tu ?").await;
    let id = conversation.conversation.id;
    let insult = sent(&app, &bruno, id, "Tu n'es qu'un fardeau, disparais.").await;
    sent(&app, &alice, id, "Mon traitement me fatigue beaucoup.").await;
    async fn report(app: &TestApp, who: &Member, target: Uuid) -> reqwest::Response {
        app.call(
            Method::POST,
            "/api/v1/reports",
            Some(who),
            Some(json!({"target_kind": "message", "target_id": target,
                "reason": "harassment"})),
        )
        .await
    }

    // Outside the conversation, a message is not there; one's own is not reported.
    let outsider = report(&app, &carla, insult.id).await;
    assert_problem(outsider, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(
        report(&app, &bruno, insult.id).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM reports"), 0);

    let filed = report(&app, &alice, insult.id).await;
    assert_eq!(filed.status(), StatusCode::CREATED);
    // No text is copied into the report: messages are stored encrypted only.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM reports WHERE excerpt IS NULL AND target_kind = 'message'"
        ),
        1
    );

    // The platform queue shows that message, decrypted, and nothing else of the conversation.
    let queue = app
        .ok_json(
            Method::GET,
            "/api/v1/moderation/queue",
            Some(&moderator),
            None,
        )
        .await;
    let item = &queue["items"][0];
    assert_eq!(item["target"]["kind"], "message");
    assert_eq!(item["target"]["id"], insult.id.to_string());
    assert_eq!(
        item["target"]["excerpt"],
        "Tu n'es qu'un fardeau, disparais."
    );
    assert_eq!(item["target"]["author"]["id"], bruno.id.to_string());
    let text = queue.to_string();
    assert!(!text.contains("Bonjour Bruno"));
    assert!(!text.contains("traitement"));

    // Hiding is for posts and comments; removing deletes the message for everyone.
    let report_id = item["id"].as_str().unwrap().to_owned();
    let actions = format!("/api/v1/moderation/reports/{report_id}/actions");
    let decide = |action: &str| {
        app.call(
            Method::POST,
            &actions,
            Some(&moderator),
            Some(json!({"action": action, "reason": "Propos blessants"})),
        )
    };
    assert_eq!(
        decide("hide").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(decide("remove").await.status(), StatusCode::OK);
    for who in [&alice, &bruno] {
        assert_eq!(
            bodies(&app, who, id).await,
            vec![
                "Mon traitement me fatigue beaucoup.".to_owned(),
                "Bonjour Bruno, comment vas-tu ?".to_owned()
            ]
        );
    }
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM messages WHERE id = '{}'",
            insult.id
        )),
        0
    );
}

#[actix_web::test]
async fn a_shared_group_counts_only_where_membership_shows() {
    let app = spawn_app().await;
    let owner = app.member("Fondatrice Discrete", "patient").await;
    let quiet = app.member("Membre Discret", "patient").await;
    let prober = app.member("Curieux Sondeur", "caregiver").await;
    let group = app
        .create_group(&owner, "Maladie rare X", "public", "everyone")
        .await;
    for who in [&quiet, &prober] {
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
    // The quiet member is not listed and wrote nothing in the group: a co-member cannot tell
    // they belong to it, so the shared group does not let him write to them (the same answer as
    // for someone in no common group).
    let refused = start(&app, &prober, &[&quiet], "Tu es aussi dans ce groupe ?").await;
    assert_problem(refused, StatusCode::FORBIDDEN, "cannot_message").await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM conversations"), 0);
    // The group's owner sees every member: she may.
    started(&app, &owner, &[&quiet], "Bienvenue dans le groupe").await;
    // Once the quiet member speaks in the group, co-members see them there.
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/posts", group.id),
        Some(&quiet),
        Some(json!({"body": "Bonjour, je suis nouveau."})),
    )
    .await;
    started(&app, &prober, &[&quiet], "Bienvenue !").await;
}
