//! The seeded members the load generator reads as: logged in concurrently (a bounded number at
//! a time: each login hashes a password), then what each needs discovered through the API.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use bytes::Bytes;
use hyper::Method;
use serde_json::{Value, json};
use tokio::sync::{Mutex, RwLock};

use crate::http::{Answer, Connection, Target};

/// The password of every seeded account (`SEED_PASSWORD` in api/src/seed/mod.rs).
pub const SEED_PASSWORD: &str = "graine de solidarité 2026";
/// The seed's first members are `bench1..=bench10` (`BENCH_MEMBERS`), the others `member{i}`.
const BENCH_MEMBERS: usize = 10;

/// The e-mail of the `index`-th seeded member (0-based, oldest first).
pub fn seeded_email(index: usize) -> String {
    if index < BENCH_MEMBERS {
        format!("bench{}@seed.entraide.test", index + 1)
    } else {
        format!("member{index}@seed.entraide.test")
    }
}

struct Tokens {
    access: Arc<str>,
    refresh: String,
    /// Bumped at each refresh, so that requests that failed with the same old token refresh once.
    generation: u64,
}

/// What a reader's writes changed, kept so that the next write is valid (one at a time).
#[derive(Default)]
pub struct WriteState {
    /// Whether the reader is currently in `join_candidate` (joined by the run, not by the seed).
    pub joined: bool,
    /// The reader's reactions by post, as the server last answered them.
    pub reactions: HashMap<String, Vec<String>>,
    /// The wall visibility the next change sets: alternates between `public` and `members`.
    pub wall_public_next: bool,
}

pub struct Reader {
    pub email: String,
    pub id: String,
    /// The groups the reader reads (active member, readable).
    pub groups: Vec<String>,
    /// Posts of those groups the reader may read, comment and react to.
    pub posts: Vec<String>,
    /// A public group the reader may join and is not in: joined and left again by the mixed run.
    pub join_candidate: Option<String>,
    tokens: RwLock<Tokens>,
    pub state: Mutex<WriteState>,
}

fn tokens_from(answer: &Answer, what: &str, generation: u64) -> Result<Tokens> {
    let body = answer.json(what)?;
    let field = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("{what}: no {name} in the answer"))
    };
    Ok(Tokens {
        access: Arc::from(field("access_token")?),
        refresh: field("refresh_token")?,
        generation,
    })
}

fn json_body(value: &Value) -> Option<Bytes> {
    Some(Bytes::from(value.to_string()))
}

/// Logs in; `None` when the account does not exist (or refuses the seed password).
async fn login(conn: &mut Connection, email: &str, generation: u64) -> Result<Option<Tokens>> {
    let body = json!({ "email": email, "password": SEED_PASSWORD });
    let answer = conn
        .send(Method::POST, "/api/v1/auth/login", None, json_body(&body))
        .await?;
    if answer.status == 401 {
        return Ok(None);
    }
    tokens_from(&answer, &format!("login {email}"), generation).map(Some)
}

/// The result of an authenticated request.
pub struct Outcome {
    pub answer: Answer,
    /// Time of the request that got `answer` (a refresh before it is not included).
    pub elapsed: Duration,
    /// Whether the access token had expired and was renewed first.
    pub reauth: bool,
}

impl Reader {
    async fn token(&self) -> (Arc<str>, u64) {
        let tokens = self.tokens.read().await;
        (tokens.access.clone(), tokens.generation)
    }

    /// After a 401: exchanges the refresh token (or logs in again) unless another task already
    /// renewed the token that failed.
    async fn renew(&self, conn: &mut Connection, failed_generation: u64) -> Result<()> {
        let mut tokens = self.tokens.write().await;
        if tokens.generation != failed_generation {
            return Ok(());
        }
        let generation = failed_generation + 1;
        let body = json!({ "refresh_token": tokens.refresh });
        let answer = conn
            .send(Method::POST, "/api/v1/auth/refresh", None, json_body(&body))
            .await?;
        *tokens = if answer.is_success() {
            tokens_from(&answer, "refresh", generation)?
        } else {
            login(conn, &self.email, generation)
                .await?
                .ok_or_else(|| anyhow!("{} can no longer log in", self.email))?
        };
        Ok(())
    }

    /// Sends a request with the reader's token; on 401 renews the token and sends it once more.
    pub async fn call(
        &self,
        conn: &mut Connection,
        method: Method,
        path: &str,
        body: Option<Bytes>,
    ) -> Result<Outcome> {
        let (token, generation) = self.token().await;
        let started = Instant::now();
        let answer = conn
            .send(method.clone(), path, Some(&token), body.clone())
            .await?;
        let elapsed = started.elapsed();
        if answer.status != 401 {
            return Ok(Outcome {
                answer,
                elapsed,
                reauth: false,
            });
        }
        self.renew(conn, generation).await?;
        let (token, _) = self.token().await;
        let started = Instant::now();
        let answer = conn.send(method, path, Some(&token), body).await?;
        Ok(Outcome {
            answer,
            elapsed: started.elapsed(),
            reauth: true,
        })
    }

    /// A GET whose JSON answer the setup needs.
    async fn get_json(&self, conn: &mut Connection, path: &str) -> Result<Value> {
        self.call(conn, Method::GET, path, None)
            .await?
            .answer
            .json(path)
    }
}

/// A directory entry: enough to tell which public groups a reader may join.
#[derive(Clone, Debug)]
struct DirectoryGroup {
    id: String,
    public: bool,
    audience: String,
}

fn items(page: &Value) -> &[Value] {
    page.get("items")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn str_field<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    value.get(name).and_then(Value::as_str)
}

/// The whole group directory (anonymous: every group's entry is public).
async fn directory(conn: &mut Connection) -> Result<Vec<DirectoryGroup>> {
    let mut groups = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/groups?limit=100&cursor={cursor}"),
            None => "/api/v1/groups?limit=100".to_owned(),
        };
        let page = conn
            .send(Method::GET, &path, None, None)
            .await?
            .json("group directory")?;
        for group in items(&page) {
            if let (Some(id), Some(visibility), Some(audience)) = (
                str_field(group, "id"),
                str_field(group, "visibility"),
                str_field(group, "audience"),
            ) {
                groups.push(DirectoryGroup {
                    id: id.to_owned(),
                    public: visibility == "public",
                    audience: audience.to_owned(),
                });
            }
        }
        cursor = str_field(&page, "next_cursor").map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    Ok(groups)
}

/// Whether a group of this audience admits a member of this kind (`patient` -> `patients`).
fn admits(audience: &str, kind: &str) -> bool {
    audience == "everyone" || audience.strip_suffix('s') == Some(kind)
}

/// Logs in as `email` and finds its id, groups, posts and a group to join.
async fn discover(
    conn: &mut Connection,
    email: String,
    directory: &[DirectoryGroup],
    salt: usize,
) -> Result<Option<Reader>> {
    let Some(tokens) = login(conn, &email, 0).await? else {
        return Ok(None);
    };
    let mut reader = Reader {
        email,
        id: String::new(),
        groups: Vec::new(),
        posts: Vec::new(),
        join_candidate: None,
        tokens: RwLock::new(tokens),
        state: Mutex::new(WriteState::default()),
    };
    let me = reader.get_json(conn, "/api/v1/members/me").await?;
    reader.id = str_field(&me, "id")
        .ok_or_else(|| anyhow!("/members/me without id"))?
        .to_owned();
    let kind = str_field(&me, "kind").unwrap_or_default().to_owned();
    let mine = reader
        .get_json(conn, "/api/v1/groups?mine=true&limit=100")
        .await?;
    reader.groups = items(&mine)
        .iter()
        .filter(|g| g.get("can_read").and_then(Value::as_bool) != Some(false))
        .filter_map(|g| str_field(g, "id").map(str::to_owned))
        .collect();
    let mut reactions = HashMap::new();
    for group in reader.groups.iter().take(2) {
        let page = reader
            .get_json(conn, &format!("/api/v1/groups/{group}/posts?limit=10"))
            .await?;
        for post in items(&page) {
            let Some(id) = str_field(post, "id") else {
                continue;
            };
            reader.posts.push(id.to_owned());
            let mine: Vec<String> = post
                .get("my_reactions")
                .and_then(Value::as_array)
                .map(|kinds| {
                    kinds
                        .iter()
                        .filter_map(|k| k.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            reactions.insert(id.to_owned(), mine);
        }
    }
    // A public group of the reader's audience that the seed did not put them in (nor left them
    // pending or banned in): the single-group answer tells.
    let candidates: Vec<&DirectoryGroup> = directory
        .iter()
        .filter(|g| g.public && admits(&g.audience, &kind) && !reader.groups.contains(&g.id))
        .collect();
    for offset in 0..candidates.len().min(4) {
        let group = candidates[(salt + offset * 7) % candidates.len()];
        let single = reader
            .get_json(conn, &format!("/api/v1/groups/{}", group.id))
            .await?;
        if single.get("membership").is_none_or(Value::is_null) {
            reader.join_candidate = Some(group.id.clone());
            break;
        }
    }
    reader.state.get_mut().reactions = reactions;
    Ok(Some(reader))
}

/// The logged-in readers, and which of them can do what.
pub struct Readers {
    pub all: Vec<Arc<Reader>>,
    pub with_groups: Vec<usize>,
    pub with_posts: Vec<usize>,
    pub with_candidate: Vec<usize>,
    /// Accounts asked for that did not exist (the dataset has fewer members).
    pub missing: usize,
    pub login_seconds: f64,
}

/// Logs in the first `wanted` seeded members, `concurrency` at a time.
pub async fn log_in(target: &Target, wanted: usize, concurrency: usize) -> Result<Readers> {
    let started = Instant::now();
    let directory = Arc::new(directory(&mut Connection::new(target.clone())).await?);
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (target, next, directory) = (target.clone(), next.clone(), directory.clone());
        workers.push(tokio::spawn(async move {
            let mut conn = Connection::new(target);
            let mut found = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= wanted {
                    break;
                }
                let email = seeded_email(index);
                let reader = discover(&mut conn, email.clone(), &directory, index)
                    .await
                    .with_context(|| format!("setting up reader {email}"))?;
                found.push((index, reader));
            }
            anyhow::Ok(found)
        }));
    }
    let mut found = Vec::new();
    for worker in workers {
        found.extend(worker.await??);
    }
    found.sort_by_key(|(index, _)| *index);
    let missing = found.iter().filter(|(_, r)| r.is_none()).count();
    let all: Vec<Arc<Reader>> = found
        .into_iter()
        .filter_map(|(_, r)| r.map(Arc::new))
        .collect();
    if all.is_empty() {
        return Err(anyhow!(
            "no seeded member could log in (is the database seeded with `entraide seed`?)"
        ));
    }
    let which = |test: &dyn Fn(&Reader) -> bool| -> Vec<usize> {
        all.iter()
            .enumerate()
            .filter(|(_, r)| test(r))
            .map(|(i, _)| i)
            .collect()
    };
    let with_groups = which(&|r| !r.groups.is_empty());
    let with_posts = which(&|r| !r.posts.is_empty());
    let with_candidate = which(&|r| r.join_candidate.is_some());
    Ok(Readers {
        with_groups,
        with_posts,
        with_candidate,
        all,
        missing,
        login_seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_emails_follow_the_seed() {
        assert_eq!(seeded_email(0), "bench1@seed.entraide.test");
        assert_eq!(seeded_email(9), "bench10@seed.entraide.test");
        assert_eq!(seeded_email(10), "member10@seed.entraide.test");
        assert_eq!(seeded_email(999), "member999@seed.entraide.test");
    }

    #[test]
    fn audiences_admit_their_kind_only() {
        assert!(admits("everyone", "caregiver"));
        assert!(admits("patients", "patient"));
        assert!(admits("professionals", "professional"));
        assert!(!admits("patients", "caregiver"));
        assert!(!admits("caregivers", ""));
    }
}
