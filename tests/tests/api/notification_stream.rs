//! The notification stream (Server-Sent Events): what arrives, when, for whom; stream tickets;
//! the end of a stream with its session; and on PostgreSQL, two server processes sharing a
//! database (a notification written through one is pushed on the other's stream).

use std::time::Duration;

use entraide_openapi::groups::Group;
use entraide_openapi::messages::NewConversation;
use entraide_openapi::notifications::{
    NotificationItem, NotificationKind, StreamClosedEvent, StreamClosedReason, StreamMessageEvent,
    StreamTicket, UnreadCount,
};
use entraide_openapi::posts::PostItem;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Member, TestApp, another_node, assert_problem, spawn_app_with};

/// Long enough for a slow machine, short enough to fail fast.
const WAIT: Duration = Duration::from_secs(10);

#[derive(Debug)]
struct Event {
    name: String,
    id: Option<String>,
    data: String,
}

/// Reads events off an open stream.
struct Stream {
    response: Response,
    buffer: String,
}

impl Stream {
    fn new(response: Response) -> Self {
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (comments skipped); `None` when the stream ended or nothing came in time.
    async fn next_within(&mut self, wait: Duration) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = Event {
                    name: String::new(),
                    id: None,
                    data: String::new(),
                };
                for line in block.lines() {
                    if let Some(name) = line.strip_prefix("event: ") {
                        event.name = name.to_owned();
                    } else if let Some(id) = line.strip_prefix("id: ") {
                        event.id = Some(id.to_owned());
                    } else if let Some(data) = line.strip_prefix("data: ") {
                        event.data.push_str(data);
                    }
                }
                if !event.name.is_empty() {
                    return Some(event);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await;
            match chunk {
                Ok(Ok(Some(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                _ => return None,
            }
        }
    }

    async fn next(&mut self) -> Event {
        self.next_within(WAIT)
            .await
            .expect("an event arrives in time")
    }

    /// Skips events until one named `name`.
    async fn until(&mut self, name: &str) -> Event {
        loop {
            let event = self.next().await;
            if event.name == name {
                return event;
            }
        }
    }

    async fn unread(&mut self) -> u64 {
        let event = self.until("unread").await;
        serde_json::from_str::<UnreadCount>(&event.data)
            .unwrap()
            .unread
    }
}

async fn open(address: &str, app: &TestApp, who: &Member, last_event_id: Option<&str>) -> Stream {
    let mut request = app
        .client
        .get(format!("{address}/api/v1/notifications/stream"))
        .header("Authorization", who.bearer());
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id);
    }
    Stream::new(request.send().await.unwrap())
}

async fn ticket(app: &TestApp, who: &Member) -> StreamTicket {
    let response = app
        .call(
            Method::POST,
            "/api/v1/notifications/stream-ticket",
            Some(who),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn with_ticket(app: &TestApp, ticket: &str) -> Response {
    app.client
        .get(app.url(&format!("/api/v1/notifications/stream?ticket={ticket}")))
        .send()
        .await
        .unwrap()
}

async fn group_with(app: &TestApp, owner: &Member, name: &str, others: &[&Member]) -> Group {
    let group = app.create_group(owner, name, "public", "everyone").await;
    for who in others {
        app.ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/join", group.id),
            Some(who),
            None,
        )
        .await;
    }
    group
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

async fn comment(app: &TestApp, post: Uuid, who: &Member, body: &str) -> Value {
    app.ok_json(
        Method::POST,
        &format!("/api/v1/posts/{post}/comments"),
        Some(who),
        Some(json!({"body": body})),
    )
    .await
}

/// Keep-alives far apart: what arrives was pushed, not caught up by a keep-alive.
fn pushed_only(settings: &mut entraide_api::configuration::Settings) {
    settings.stream_keepalive_ms = 60_000;
}

#[actix_web::test]
async fn a_comment_and_a_direct_message_reach_the_open_stream() {
    let app = spawn_app_with(pushed_only).await;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let group = group_with(&app, &ana, "Fil en direct", &[&bruno]).await;
    let mine = post(&app, &group, &ana, "Comment tenez-vous le coup ?").await;

    let mut stream = open(&app.address, &app, &ana, None).await;
    assert_eq!(stream.unread().await, 0, "the count comes first");

    comment(&app, mine.id, &bruno, "Un jour après l'autre, en marchant.").await;
    let event = stream.until("notification").await;
    let item: NotificationItem = serde_json::from_str(&event.data).unwrap();
    assert_eq!(item.kind, NotificationKind::Comment);
    assert_eq!(item.post_id, Some(mine.id));
    assert_eq!(item.actor.as_ref().unwrap().id, bruno.id);
    assert_eq!(event.id.as_deref(), Some(item.id.to_string().as_str()));
    assert!(!event.data.contains("marchant"), "no copied text");
    assert_eq!(stream.unread().await, 1);

    // A direct message: its ids, never its text.
    let response = app
        .call(
            Method::POST,
            "/api/v1/conversations",
            Some(&bruno),
            Some(json!({"participant_ids": [ana.id], "body": "Un secret bien gardé"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let started: NewConversation = response.json().await.unwrap();
    let event = stream.until("message").await;
    let message: StreamMessageEvent = serde_json::from_str(&event.data).unwrap();
    assert_eq!(message.conversation_id, started.conversation.id);
    assert!(!event.data.contains("secret"));

    // Bruno's own stream got neither (his comment, his message).
    let mut his = open(&app.address, &app, &bruno, None).await;
    assert_eq!(his.unread().await, 0);
    assert!(his.next_within(Duration::from_millis(300)).await.is_none());
}

#[actix_web::test]
async fn a_resumed_stream_skips_what_its_member_may_no_longer_read() {
    let app = spawn_app_with(pushed_only).await;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let group = group_with(&app, &ana, "Cercle du jeudi", &[]).await;
    let other = group_with(&app, &ana, "Cercle du lundi", &[]).await;
    // Bruno reads the public group without joining it: he is mentioned there.
    let mut stream = open(&app.address, &app, &bruno, None).await;
    assert_eq!(stream.unread().await, 0);
    post(&app, &other, &ana, "Bienvenue @Bruno").await;
    let first = stream.until("notification").await;
    drop(stream);

    post(&app, &group, &ana, "Une question privée pour @Bruno").await;
    // The group becomes private: that notification is no longer his to read.
    app.ok_json(
        Method::PATCH,
        &format!("/api/v1/groups/{}", group.id),
        Some(&ana),
        Some(json!({"visibility": "private"})),
    )
    .await;
    post(&app, &other, &ana, "Et encore @Bruno").await;

    let mut resumed = open(&app.address, &app, &bruno, first.id.as_deref()).await;
    let event = resumed.next().await;
    assert_eq!(event.name, "notification", "the one he missed comes first");
    let item: NotificationItem = serde_json::from_str(&event.data).unwrap();
    assert_ne!(item.post_id, None);
    assert_eq!(resumed.unread().await, 2, "the hidden one is not counted");
    let text = format!("{event:?}");
    assert!(!text.contains("privée"));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE member_id = '{}'",
            bruno.id
        )),
        3,
        "the hidden one is stored, only not sent"
    );
    assert!(
        resumed
            .next_within(Duration::from_millis(300))
            .await
            .is_none(),
        "nothing of the private post"
    );

    let bad = app
        .client
        .get(app.url("/api/v1/notifications/stream"))
        .header("Authorization", bruno.bearer())
        .header("Last-Event-ID", "not-an-id")
        .send()
        .await
        .unwrap();
    assert!(bad.status().is_client_error());
    assert_eq!(
        bad.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
}

#[actix_web::test]
async fn tickets_are_single_use_short_lived_and_bound_to_their_session() {
    let app = spawn_app_with(|s| {
        pushed_only(s);
        s.stream_ticket_ttl_secs = 1;
    })
    .await;
    let ana = app.member("Ana", "patient").await;

    let first = ticket(&app, &ana).await;
    assert!(first.ticket.starts_with("st_"));
    let mut stream = Stream::new(with_ticket(&app, &first.ticket).await);
    assert_eq!(stream.unread().await, 0);
    // Used once: refused after.
    let again = with_ticket(&app, &first.ticket).await;
    assert_problem(again, StatusCode::UNAUTHORIZED, "invalid_token").await;
    // Forged and hostile ones.
    for forged in ["st_forged", "x", "", &format!("st_{}", "a".repeat(300))] {
        let response = with_ticket(&app, forged).await;
        assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
    let control = with_ticket(&app, "st_%00%0A").await;
    assert_eq!(control.status(), StatusCode::BAD_REQUEST);
    // The access token itself is no ticket.
    let token = with_ticket(&app, &ana.tokens.access_token).await;
    assert_problem(token, StatusCode::UNAUTHORIZED, "invalid_token").await;
    // Only a hash is stored.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM stream_tickets WHERE ticket_hash = '{}'",
            first.ticket
        )),
        0
    );

    // Expired (1 s lifetime here).
    let late = ticket(&app, &ana).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = with_ticket(&app, &late.ticket).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_token").await;

    // A ticket of a session that ended.
    let orphan = ticket(&app, &ana).await;
    let logout = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&ana), None)
        .await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let response = with_ticket(&app, &orphan.ticket).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_token").await;

    // A ticket is the member's who asked: Bruno's stream, opened with his, is his.
    let bruno = app.member("Bruno", "patient").await;
    let his = ticket(&app, &bruno).await;
    let mut stream_b = Stream::new(with_ticket(&app, &his.ticket).await);
    assert_eq!(stream_b.unread().await, 0);
    drop(stream);

    let anonymous = app
        .call(
            Method::POST,
            "/api/v1/notifications/stream-ticket",
            None,
            None,
        )
        .await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn the_stream_ends_with_its_session_and_the_oldest_gives_way() {
    let app = spawn_app_with(|s| {
        pushed_only(s);
        s.streams_per_member = 2;
    })
    .await;
    let ana = app.member("Ana", "patient").await;

    let mut oldest = open(&app.address, &app, &ana, None).await;
    assert_eq!(oldest.unread().await, 0);
    let mut second = open(&app.address, &app, &ana, None).await;
    assert_eq!(second.unread().await, 0);
    let mut third = open(&app.address, &app, &ana, None).await;
    assert_eq!(third.unread().await, 0);
    let closed = oldest.until("closed").await;
    let closed: StreamClosedEvent = serde_json::from_str(&closed.data).unwrap();
    assert_eq!(closed.reason, StreamClosedReason::Replaced);
    assert!(
        oldest.next_within(Duration::from_secs(2)).await.is_none(),
        "it ended"
    );

    let logout = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&ana), None)
        .await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    for stream in [&mut second, &mut third] {
        let closed = stream.until("closed").await;
        let closed: StreamClosedEvent = serde_json::from_str(&closed.data).unwrap();
        assert_eq!(closed.reason, StreamClosedReason::SessionEnded);
        assert!(stream.next_within(Duration::from_secs(2)).await.is_none());
    }
    let refused = app
        .client
        .get(app.url("/api/v1/notifications/stream"))
        .header("Authorization", ana.bearer())
        .send()
        .await
        .unwrap();
    assert_problem(refused, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[actix_web::test]
async fn a_keep_alive_ends_the_stream_of_a_session_revoked_without_a_wake_up() {
    let app = spawn_app_with(|s| s.stream_keepalive_ms = 200).await;
    let ana = app.member("Ana", "patient").await;
    let mut stream = open(&app.address, &app, &ana, None).await;
    assert_eq!(stream.unread().await, 0);
    // Revoked behind the server's back (another process, an operator): no wake-up at all.
    {
        use diesel::RunQueryDsl;
        let db = app.database();
        let mut conn = db.writer().unwrap();
        diesel::sql_query(format!(
            "UPDATE sessions SET revoked_at = created_at WHERE member_id = '{}'",
            ana.id
        ))
        .execute(&mut **conn)
        .unwrap();
    }
    let closed = stream.until("closed").await;
    let closed: StreamClosedEvent = serde_json::from_str(&closed.data).unwrap();
    assert_eq!(closed.reason, StreamClosedReason::SessionEnded);
    assert!(stream.next_within(Duration::from_secs(2)).await.is_none());
}

#[actix_web::test]
async fn a_notification_written_through_one_node_reaches_a_stream_on_another() {
    // On PostgreSQL through LISTEN/NOTIFY (keep-alives a minute apart: it is pushed); on
    // SQLite, where one process serves a file, the second node catches up at its keep-alive.
    let postgres =
        std::env::var("ENTRAIDE_TEST_DATABASE_URL").is_ok_and(|url| url.starts_with("postgres"));
    let keepalive = if postgres { 60_000 } else { 200 };
    let app = spawn_app_with(|s| s.stream_keepalive_ms = keepalive).await;
    let other = another_node(&app, |s| s.stream_keepalive_ms = keepalive).await;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let group = group_with(&app, &ana, "Fil en direct", &[&bruno]).await;
    let mine = post(&app, &group, &ana, "Qui vient samedi ?").await;

    let mut stream = open(&other, &app, &ana, None).await;
    assert_eq!(stream.unread().await, 0);
    comment(&app, mine.id, &bruno, "Moi !").await;
    let event = stream.until("notification").await;
    let item: NotificationItem = serde_json::from_str(&event.data).unwrap();
    assert_eq!(item.kind, NotificationKind::Comment);
    assert_eq!(stream.unread().await, 1);

    // And a direct message sent through the first node.
    let response = app
        .call(
            Method::POST,
            "/api/v1/conversations",
            Some(&bruno),
            Some(json!({"participant_ids": [ana.id], "body": "Samedi alors"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    if postgres {
        let event = stream.until("message").await;
        assert!(event.data.contains("message_id"));
    }
}

#[actix_web::test]
async fn a_stream_expires_and_a_stolen_token_buys_no_endless_feed() {
    let app = spawn_app_with(|s| {
        s.stream_keepalive_ms = 60_000;
        s.stream_max_secs = 1;
    })
    .await;
    let ana = app.member("Ana", "patient").await;
    let mut stream = open(&app.address, &app, &ana, None).await;
    assert_eq!(stream.unread().await, 0);
    let closed = stream.until("closed").await;
    let closed: StreamClosedEvent = serde_json::from_str(&closed.data).unwrap();
    assert_eq!(closed.reason, StreamClosedReason::Expired);
    assert!(stream.next_within(Duration::from_secs(2)).await.is_none());
}
