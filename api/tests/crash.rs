//! The server is killed (SIGKILL) in the middle of a concurrent write load, then started again
//! on the same database: every write it had answered 2xx is there. Runs the real `entraide`
//! binary, on SQLite by default or PostgreSQL with `ENTRAIDE_TEST_DATABASE_URL`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure is a test failure"
)]

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use entraide_persistence::testing::TestDatabase;
use serde_json::{Value, json};

const PASSWORD: &str = "lanterne verte sous la pluie";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(database: &TestDatabase, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_entraide"))
        .arg("serve")
        .env("ENTRAIDE_DATABASE_URL", database.url())
        .env("ENTRAIDE_BIND", format!("127.0.0.1:{port}"))
        .env(
            "ENTRAIDE_JWT_SECRET",
            "crash-test-secret-crash-test-secret-0042",
        )
        .env("ENTRAIDE_AUTH_RATE_LIMIT", "0")
        .env("ENTRAIDE_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(response) = client.get(format!("{base}/readyz")).send().await
            && response.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become ready");
}

async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Value,
) -> reqwest::Result<reqwest::Response> {
    let mut request = client.request(method, url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_answered_2xx_survives_a_kill_9_under_load() {
    let database = TestDatabase::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut server = start(&database, port);
    wait_ready(&client, &base).await;

    let registered = send(
        &client,
        reqwest::Method::POST,
        format!("{base}/api/v1/auth/register"),
        None,
        json!({"email": "crash@example.org", "password": PASSWORD, "pseudonym": "Crash", "kind": "patient"}),
    )
    .await
    .unwrap();
    assert_eq!(registered.status(), 202);
    let login: Value = send(
        &client,
        reqwest::Method::POST,
        format!("{base}/api/v1/auth/login"),
        None,
        json!({"email": "crash@example.org", "password": PASSWORD}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    let group: Value = send(
        &client,
        reqwest::Method::POST,
        format!("{base}/api/v1/groups"),
        Some(&token),
        json!({"name": "Pendant la coupure", "description": "", "visibility": "public", "audience": "everyone"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let group_id = group["id"].as_str().unwrap().to_owned();

    // Eight writers post as fast as they can; every 201 is remembered.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for writer in 0..8 {
        let (client, base, token, group_id, acknowledged) = (
            client.clone(),
            base.clone(),
            token.clone(),
            group_id.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let response = send(
                    &client,
                    reqwest::Method::POST,
                    format!("{base}/api/v1/groups/{group_id}/posts"),
                    Some(&token),
                    json!({"body": format!("Message {writer}-{i}")}),
                )
                .await;
                let Ok(response) = response else { break }; // the server is gone
                if response.status() == 201
                    && let Ok(post) = response.json::<Value>().await
                {
                    acknowledged
                        .lock()
                        .unwrap()
                        .push(post["id"].as_str().unwrap().to_owned());
                }
            }
        }));
    }
    // Let the load build, then kill the server without warning.
    let deadline = Instant::now() + Duration::from_secs(20);
    while acknowledged.lock().unwrap().len() < 150 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 50,
        "the load ran: {}",
        acknowledged.len()
    );

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(&database, port);
    wait_ready(&client, &base).await;
    let mut missing = Vec::new();
    for id in &acknowledged {
        let response = client
            .get(format!("{base}/api/v1/posts/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        if response.status() != 200 {
            missing.push((id.clone(), response.status()));
        }
    }
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged posts lost: {missing:?}",
        missing.len(),
        acknowledged.len()
    );
}
