//! The test harness: a running app on its own database, and small helpers.

use entraide_api::configuration::Settings;
use entraide_api::startup::Application;
use entraide_openapi::auth::TokenResponse;
use entraide_openapi::members::MyProfile;
use entraide_openapi::problem::Problem;
use entraide_persistence::testing::TestDatabase;
use entraide_persistence::{Database, PoolOptions};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0042";
pub const PASSWORD: &str = "lanterne verte sous la pluie";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub database: TestDatabase,
    /// Faults to inject into this app's writes (the `fault-injection` feature).
    pub faults: std::sync::Arc<entraide_api::faults::Faults>,
    /// The local media store's folder (a fresh one per app).
    pub media_dir: std::path::PathBuf,
    /// The app's sessions in memory.
    pub sessions: std::sync::Arc<entraide_api::session_cache::SessionCache>,
    /// The app's own pools (to count the connections it checks out).
    pub pools: Database,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the application with test settings changed by `configure`.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::new();
    let url = database.url().to_owned();
    start(database, &url, configure).await
}

/// Starts the application on `database`, reached through `url` (e.g. a proxy in front of it).
pub async fn spawn_app_on(database: TestDatabase, url: &str) -> TestApp {
    start(database, url, |_| {}).await
}

/// Another server process (an `Application` of its own: its own pools, hub and listener) on
/// the database of `app`, with the same settings changed by `configure`: its base address.
pub async fn another_node(app: &TestApp, configure: impl FnOnce(&mut Settings)) -> String {
    another_node_with_sessions(app, configure).await.0
}

/// [`another_node`], with its sessions in memory.
pub async fn another_node_with_sessions(
    app: &TestApp,
    configure: impl FnOnce(&mut Settings),
) -> (
    String,
    std::sync::Arc<entraide_api::session_cache::SessionCache>,
) {
    let mut settings = Settings::with_database(app.database.url(), JWT_SECRET);
    configure(&mut settings);
    let application = Application::build(settings).expect("the second node builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    let sessions = application.sessions();
    actix_web::rt::spawn(application.run_until_stopped());
    (address, sessions)
}

async fn start(
    database: TestDatabase,
    url: &str,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = Settings::with_database(url, JWT_SECRET);
    let media_dir = std::env::temp_dir().join(format!("entraide-media-{}", uuid::Uuid::now_v7()));
    settings.media_dir = Some(media_dir.to_string_lossy().into_owned());
    configure(&mut settings);
    let media_dir = settings.media_dir();
    let application = Application::build(settings).expect("the application builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    let faults = application.faults();
    let sessions = application.sessions();
    let pools = application.database();
    actix_web::rt::spawn(application.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // The server closes a keep-alive connection idle for 5 s: a test that pauses longer
            // (scanning the database) must not send its next request on a closed connection.
            .pool_idle_timeout(std::time::Duration::from_secs(2))
            .build()
            .unwrap(),
        database,
        faults,
        media_dir,
        sessions,
        pools,
    }
}

/// A member registered and logged in.
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    pub tokens: TokenResponse,
}

impl Member {
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.tokens.access_token)
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Any request, as `who` (or anonymous), with an optional JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        who: Option<&Member>,
        body: Option<Value>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(member) = who {
            request = request.header("Authorization", member.bearer());
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// Uploads `bytes` as the one `file` part of a multipart form, declared as `content_type`.
    pub async fn upload(&self, who: Option<&Member>, bytes: &[u8], content_type: &str) -> Response {
        let boundary = "entraide-test-boundary-7f3a";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut request = self
            .client
            .post(self.url("/api/v1/media"))
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        if let Some(member) = who {
            request = request.header("Authorization", member.bearer());
        }
        request.send().await.unwrap()
    }

    /// Uploads a small generated PNG as `who`: the photo's id.
    pub async fn upload_photo(&self, who: &Member) -> String {
        let response = self.upload(Some(who), &png(64, 48), "image/png").await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        body["id"].as_str().unwrap().to_owned()
    }

    /// Creates a group owned by `owner`.
    pub async fn create_group(
        &self,
        owner: &Member,
        name: &str,
        visibility: &str,
        audience: &str,
    ) -> entraide_openapi::groups::Group {
        let response = self
            .call(
                Method::POST,
                "/api/v1/groups",
                Some(owner),
                Some(json!({"name": name, "description": "Entraide et échanges", "visibility": visibility, "audience": audience})),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(bearer) = bearer {
            request = request.header("Authorization", bearer);
        }
        request.send().await.unwrap()
    }

    pub async fn register(&self, email: &str, pseudonym: &str, kind: &str) -> Response {
        self.post_json(
            "/api/v1/auth/register",
            &json!({"email": email, "password": PASSWORD, "pseudonym": pseudonym, "kind": kind}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Registers and logs in a new member (unverified: registration answers 202 and mails a
    /// link; logging in does not wait for it).
    pub async fn member(&self, pseudonym: &str, kind: &str) -> Member {
        let email = format!("{}@example.org", pseudonym.to_lowercase().replace(' ', "."));
        let response = self.register(&email, pseudonym, kind).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let response = self.login(&email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let tokens: TokenResponse = response.json().await.unwrap();
        let profile: MyProfile = self
            .get(
                "/api/v1/members/me",
                Some(&format!("Bearer {}", tokens.access_token)),
            )
            .await
            .json()
            .await
            .unwrap();
        Member {
            id: profile.id,
            email,
            tokens,
        }
    }

    /// Makes the member a platform admin (as `entraide create-admin` does). The command writes
    /// from outside the server (another process): the server learns of it from the database's
    /// notification on PostgreSQL, and after the cache's maximum age on SQLite; here it is told
    /// at once, so tests need not wait for either.
    pub fn make_admin(&self, member: &Member) {
        let settings = Settings::with_database(self.database.url(), JWT_SECRET);
        entraide_api::admin::create_admin(
            &settings,
            &member.email,
            None,
            entraide_domain::member::MemberKind::Professional,
            None,
        )
        .unwrap();
        self.forget_sessions(member);
    }

    /// Tells the app that `member`'s sessions, kind, role or suspension were written behind its
    /// back (a direct write of the test, as another process would make): what it kept in memory
    /// of them goes.
    pub fn forget_sessions(&self, member: &Member) {
        self.sessions
            .forget(entraide_domain::ids::MemberId::from_uuid(member.id));
    }

    /// The id of a seeded condition, by its position in the catalogue.
    pub async fn condition(&self, index: usize) -> uuid::Uuid {
        let response = self.get("/api/v1/conditions?limit=50", None).await;
        let page: Value = response.json().await.unwrap();
        page["items"][index]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Sends `body` as JSON and decodes a successful answer.
    pub async fn ok_json(
        &self,
        method: Method,
        path: &str,
        who: Option<&Member>,
        body: Option<Value>,
    ) -> Value {
        let response = self.call(method, path, who, body).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// A direct connection to this test's database, to check what was (not) stored.
    pub fn database(&self) -> Database {
        Database::connect(self.database.url(), &PoolOptions::default()).unwrap()
    }

    /// `SELECT COUNT(*) AS n ...` on a fresh connection: what was committed.
    pub fn count(&self, sql: &str) -> i64 {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let db = self.database();
        let mut conn = db.reader().unwrap();
        diesel::sql_query(sql)
            .get_result::<Count>(&mut **conn)
            .unwrap()
            .n
    }

    pub fn member_count(&self) -> i64 {
        let db = self.database();
        let mut conn = db.reader().unwrap();
        entraide_persistence::members::count(&mut conn).unwrap()
    }
}

/// Asserts a problem+json answer with this status and code; returns the problem.
pub async fn assert_problem(response: Response, status: StatusCode, code: &str) -> Problem {
    assert_eq!(response.status(), status, "status of {}", response.url());
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.code, code, "{problem:?}");
    assert_eq!(problem.status, status.as_u16());
    assert!(
        problem.request_id.is_some(),
        "problems carry the request id"
    );
    assert_eq!(problem.request_id, request_id, "body and header agree");
    problem
}

/// The field names of a validation problem.
pub fn fields(problem: &Problem) -> Vec<String> {
    problem
        .errors
        .as_ref()
        .map(|errors| errors.iter().map(|e| e.field.clone()).collect())
        .unwrap_or_default()
}

/// The body as text; of an event stream (which never ends), only its first event.
pub async fn body_text(response: Response) -> String {
    let is_stream = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    if !is_stream {
        return response.text().await.unwrap_or_default();
    }
    let mut response = response;
    let mut text = String::new();
    let read = async {
        while !text.contains("\n\n") {
            match response.chunk().await {
                Ok(Some(chunk)) => text.push_str(&String::from_utf8_lossy(&chunk)),
                _ => break,
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), read).await;
    text
}

/// A generated PNG of `width` x `height` (a gradient: no two rows alike).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}
