//! What a request does: the endpoints (same URLs as bench/run.sh's wrk runs), the mixed run's
//! writes, and the tasks that send them.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use bytes::Bytes;
use hyper::Method;
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::Serialize;
use serde_json::{Value, json};

use crate::choice::Weighted;
use crate::http::{Connection, Target};
use crate::readers::{Reader, Readers};
use crate::stats::Recorder;

/// The calendar's range and the search words: the same as bench/run.sh's.
const CALENDAR: &str = "/api/v1/events?from=2026-10-01T00:00:00Z&to=2026-12-31T00:00:00Z";
const SEARCH: &str = "/api/v1/search?q=fatigue%20traitement";
const REACTIONS: [&str; 4] = ["support", "thanks", "same_here", "hug"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Op {
    /// GET /members/me/settings: the session check and one small query.
    AuthRead,
    /// GET /feed: the reader's home feed.
    Feed,
    /// GET /groups/{id}/posts of one of the reader's groups.
    GroupFeed,
    /// GET /members/{me}/wall: the reader's own wall.
    Wall,
    /// GET /posts/{id} then GET /posts/{id}/comments: a post opened with its comments.
    Post,
    /// GET /events over three months.
    Calendar,
    /// GET /search, two words, every type.
    Search,
    /// POST /groups/{id}/posts in one of the reader's groups.
    CreatePost,
    /// POST /posts/{id}/comments on a post of one of the reader's groups.
    CreateComment,
    /// PUT or DELETE /posts/{id}/reactions/{kind}: toggles one of the reader's reactions.
    Reaction,
    /// POST /groups/{id}/join, next time /leave: a public group the reader was not in.
    JoinLeave,
    /// PATCH /members/me: the reader's wall visibility, public and members in turn.
    Visibility,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::AuthRead => "auth_read",
            Op::Feed => "feed",
            Op::GroupFeed => "group_feed",
            Op::Wall => "wall",
            Op::Post => "post",
            Op::Calendar => "calendar",
            Op::Search => "search",
            Op::CreatePost => "create_post",
            Op::CreateComment => "create_comment",
            Op::Reaction => "reaction",
            Op::JoinLeave => "join_leave",
            Op::Visibility => "visibility",
        }
    }
}

/// The mixed run: 90% reads, 10% writes.
pub const MIXED: [(Op, u32); 11] = [
    (Op::Feed, 30),
    (Op::GroupFeed, 20),
    (Op::Wall, 15),
    (Op::Post, 15),
    (Op::Calendar, 5),
    (Op::Search, 5),
    (Op::CreatePost, 2),
    (Op::CreateComment, 3),
    (Op::Reaction, 3),
    (Op::JoinLeave, 1),
    (Op::Visibility, 1),
];

/// Shared by every task of a run.
pub struct Context {
    pub readers: Readers,
    /// Numbers the posts and comments the run writes.
    written: AtomicU64,
}

impl Context {
    pub fn new(readers: Readers) -> Self {
        Self {
            readers,
            written: AtomicU64::new(0),
        }
    }

    fn pick<'a>(&'a self, among: Option<&[usize]>, rng: &mut StdRng) -> Option<&'a Arc<Reader>> {
        let all = &self.readers.all;
        match among {
            None if all.is_empty() => None,
            None => all.get(rng.random_range(0..all.len())),
            Some([]) => None,
            Some(among) => all.get(among[rng.random_range(0..among.len())]),
        }
    }
}

fn body(value: &Value) -> Option<Bytes> {
    Some(Bytes::from(value.to_string()))
}

/// The result of one operation: the status that counts and its time, or nothing (skipped).
struct Done {
    status: u16,
    elapsed: Duration,
    reauth: bool,
}

fn random<'a, T>(items: &'a [T], rng: &mut StdRng) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        items.get(rng.random_range(0..items.len()))
    }
}

/// One request, its status and time.
async fn simple(
    reader: &Reader,
    conn: &mut Connection,
    method: Method,
    path: String,
    payload: Option<Bytes>,
) -> Result<Option<Done>> {
    let outcome = reader.call(conn, method, &path, payload).await?;
    Ok(Some(Done {
        status: outcome.answer.status,
        elapsed: outcome.elapsed,
        reauth: outcome.reauth,
    }))
}

/// Runs one operation as a random reader who can do it. `Ok(None)`: no reader can (e.g. no
/// reader is in a group); `Err`: the request got no answer.
async fn run(
    op: Op,
    ctx: &Context,
    conn: &mut Connection,
    rng: &mut StdRng,
) -> Result<Option<Done>> {
    let readers = &ctx.readers;
    let among = match op {
        Op::AuthRead | Op::Feed | Op::Wall | Op::Calendar | Op::Search | Op::Visibility => None,
        Op::GroupFeed | Op::CreatePost => Some(readers.with_groups.as_slice()),
        Op::Post | Op::CreateComment | Op::Reaction => Some(readers.with_posts.as_slice()),
        Op::JoinLeave => Some(readers.with_candidate.as_slice()),
    };
    let Some(reader) = ctx.pick(among, rng) else {
        return Ok(None);
    };
    match op {
        Op::AuthRead => {
            simple(
                reader,
                conn,
                Method::GET,
                "/api/v1/members/me/settings".to_owned(),
                None,
            )
            .await
        }
        Op::Feed => simple(reader, conn, Method::GET, "/api/v1/feed".to_owned(), None).await,
        Op::GroupFeed => {
            let group = random(&reader.groups, rng).ok_or_else(|| anyhow!("no group"))?;
            simple(
                reader,
                conn,
                Method::GET,
                format!("/api/v1/groups/{group}/posts"),
                None,
            )
            .await
        }
        Op::Wall => {
            let path = format!("/api/v1/members/{}/wall", reader.id);
            simple(reader, conn, Method::GET, path, None).await
        }
        Op::Calendar => simple(reader, conn, Method::GET, CALENDAR.to_owned(), None).await,
        Op::Search => simple(reader, conn, Method::GET, SEARCH.to_owned(), None).await,
        Op::Post => {
            let post = random(&reader.posts, rng).ok_or_else(|| anyhow!("no post"))?;
            let first = reader
                .call(conn, Method::GET, &format!("/api/v1/posts/{post}"), None)
                .await?;
            if !first.answer.is_success() {
                return Ok(Some(Done {
                    status: first.answer.status,
                    elapsed: first.elapsed,
                    reauth: first.reauth,
                }));
            }
            let path = format!("/api/v1/posts/{post}/comments");
            let second = reader.call(conn, Method::GET, &path, None).await?;
            Ok(Some(Done {
                status: second.answer.status,
                elapsed: first.elapsed + second.elapsed,
                reauth: first.reauth || second.reauth,
            }))
        }
        Op::CreatePost => {
            let group = random(&reader.groups, rng).ok_or_else(|| anyhow!("no group"))?;
            let n = ctx.written.fetch_add(1, Ordering::Relaxed);
            let text = json!({
                "body": format!("Message de test de charge n°{n}, **bonne journée** à tous.")
            });
            let path = format!("/api/v1/groups/{group}/posts");
            simple(reader, conn, Method::POST, path, body(&text)).await
        }
        Op::CreateComment => {
            let post = random(&reader.posts, rng).ok_or_else(|| anyhow!("no post"))?;
            let n = ctx.written.fetch_add(1, Ordering::Relaxed);
            let text = json!({ "body": format!("Merci pour ce partage ({n}).") });
            let path = format!("/api/v1/posts/{post}/comments");
            simple(reader, conn, Method::POST, path, body(&text)).await
        }
        Op::Reaction => {
            // One write at a time per reader, so that the toggle follows the server's state.
            let Ok(mut state) = reader.state.try_lock() else {
                return Ok(None);
            };
            let post = random(&reader.posts, rng).ok_or_else(|| anyhow!("no post"))?;
            let kind = REACTIONS[rng.random_range(0..REACTIONS.len())];
            let mine = state.reactions.get(post);
            let method = if mine.is_some_and(|kinds| kinds.iter().any(|k| k == kind)) {
                Method::DELETE
            } else {
                Method::PUT
            };
            let path = format!("/api/v1/posts/{post}/reactions/{kind}");
            let outcome = reader.call(conn, method, &path, None).await?;
            if let Ok(answer) = outcome.answer.json("reaction") {
                let kinds = answer
                    .get("my_reactions")
                    .and_then(Value::as_array)
                    .map(|kinds| {
                        kinds
                            .iter()
                            .filter_map(|k| k.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                state.reactions.insert(post.clone(), kinds);
            }
            Ok(Some(Done {
                status: outcome.answer.status,
                elapsed: outcome.elapsed,
                reauth: outcome.reauth,
            }))
        }
        Op::JoinLeave => {
            let Ok(mut state) = reader.state.try_lock() else {
                return Ok(None);
            };
            let group = reader
                .join_candidate
                .as_ref()
                .ok_or_else(|| anyhow!("no group to join"))?;
            let action = if state.joined { "leave" } else { "join" };
            let path = format!("/api/v1/groups/{group}/{action}");
            let outcome = reader.call(conn, Method::POST, &path, None).await?;
            if outcome.answer.is_success() {
                state.joined = !state.joined;
            }
            Ok(Some(Done {
                status: outcome.answer.status,
                elapsed: outcome.elapsed,
                reauth: outcome.reauth,
            }))
        }
        Op::Visibility => {
            let Ok(mut state) = reader.state.try_lock() else {
                return Ok(None);
            };
            let wall = if state.wall_public_next {
                "public"
            } else {
                "members"
            };
            let change = json!({ "visibility": { "wall": wall } });
            let outcome = reader
                .call(conn, Method::PATCH, "/api/v1/members/me", body(&change))
                .await?;
            if outcome.answer.is_success() {
                state.wall_public_next = !state.wall_public_next;
            }
            Ok(Some(Done {
                status: outcome.answer.status,
                elapsed: outcome.elapsed,
                reauth: outcome.reauth,
            }))
        }
    }
}

/// `connections` tasks, each on its own connection, sending operations drawn from `mix` for
/// `warmup` (not recorded) and then `duration`.
pub async fn drive(
    ctx: Arc<Context>,
    target: &Target,
    mix: &[(Op, u32)],
    connections: usize,
    warmup: Duration,
    duration: Duration,
    seed: u64,
) -> Result<Recorder> {
    let choice = Arc::new(Weighted::new(mix)?);
    let measure_from = Instant::now() + warmup;
    let end = measure_from + duration;
    let mut tasks = Vec::new();
    for task in 0..connections.max(1) {
        let (ctx, choice, target) = (ctx.clone(), choice.clone(), target.clone());
        let mut rng = StdRng::seed_from_u64(seed.wrapping_add(task as u64));
        tasks.push(tokio::spawn(async move {
            let mut conn = Connection::new(target.clone());
            let mut warm = Recorder::default();
            let mut measured = Recorder::default();
            let mut skipped_in_a_row = 0u32;
            loop {
                let started = Instant::now();
                if started >= end {
                    break;
                }
                let recorder = if started < measure_from {
                    &mut warm
                } else {
                    &mut measured
                };
                let op = choice.pick(&mut rng);
                match run(op, &ctx, &mut conn, &mut rng).await {
                    Ok(Some(done)) => {
                        skipped_in_a_row = 0;
                        recorder
                            .endpoint(op.name())?
                            .record(done.status, done.elapsed);
                        recorder.reauth += u64::from(done.reauth);
                    }
                    Ok(None) => {
                        // Nobody can do this one (or the reader is busy with a write): draw
                        // again, but never spin on it forever.
                        skipped_in_a_row += 1;
                        if skipped_in_a_row > 100_000 {
                            return Err(anyhow!("no reader can do {}", op.name()));
                        }
                    }
                    Err(_) => {
                        recorder.endpoint(op.name())?.record_transport_error();
                        conn = Connection::new(target.clone());
                    }
                }
            }
            anyhow::Ok(measured)
        }));
    }
    let mut total = Recorder::default();
    for task in tasks {
        total.merge(&task.await??)?;
    }
    Ok(total)
}

/// Whether a new post reaches a fellow reader's next feed read.
#[derive(Debug, Serialize)]
pub struct Freshness {
    pub pass: bool,
    pub detail: String,
}

/// One reader posts in one of their groups; another reader in that group reads their feed, which
/// must hold the post. Without two readers sharing a group, the author's own feed is read.
pub async fn freshness(ctx: &Context, target: &Target) -> Result<Freshness> {
    let readers = &ctx.readers.all;
    let mut by_group: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, reader) in readers.iter().enumerate() {
        for group in &reader.groups {
            by_group.entry(group.as_str()).or_default().push(i);
        }
    }
    let pair = readers.iter().enumerate().find_map(|(a, author)| {
        author.groups.iter().find_map(|group| {
            by_group
                .get(group.as_str())
                .and_then(|members| members.iter().find(|&&b| b != a))
                .map(|&b| (a, group.clone(), b))
        })
    });
    let Some((a, group, b)) = pair else {
        return Ok(Freshness {
            pass: false,
            detail: "no reader is in a group: nothing to post".to_owned(),
        });
    };
    let (author, reader) = (&readers[a], &readers[b]);
    let mut conn = Connection::new(target.clone());
    let n = ctx.written.fetch_add(1, Ordering::Relaxed);
    let text = json!({ "body": format!("Fraîcheur du fil : message n°{n}.") });
    let created = author
        .call(
            &mut conn,
            Method::POST,
            &format!("/api/v1/groups/{group}/posts"),
            body(&text),
        )
        .await?
        .answer
        .json("freshness post")?;
    let id = created
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("the new post has no id"))?;
    let feed = reader
        .call(&mut conn, Method::GET, "/api/v1/feed", None)
        .await?
        .answer;
    let seen = feed.json("freshness feed").is_ok_and(|page| {
        page.get("items")
            .and_then(Value::as_array)
            .is_some_and(|items| items.iter().any(|p| p.get("id") == Some(&json!(id))))
    });
    let detail = format!(
        "{} posted {id} in group {group}; {}'s next feed read (HTTP {}) {} it",
        author.email,
        reader.email,
        feed.status,
        if seen { "held" } else { "did not hold" }
    );
    Ok(Freshness { pass: seen, detail })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mixed_run_is_ninety_percent_reads() {
        let reads: u32 = MIXED
            .iter()
            .filter(|(op, _)| {
                matches!(
                    op,
                    Op::Feed | Op::GroupFeed | Op::Wall | Op::Post | Op::Calendar | Op::Search
                )
            })
            .map(|(_, w)| w)
            .sum();
        let total: u32 = MIXED.iter().map(|(_, w)| w).sum();
        assert_eq!((reads, total), (90, 100));
        // Every write kind the issue names is in the mix.
        for op in [
            Op::CreatePost,
            Op::CreateComment,
            Op::Reaction,
            Op::JoinLeave,
            Op::Visibility,
        ] {
            assert!(MIXED.iter().any(|(o, w)| *o == op && *w > 0), "{op:?}");
        }
    }
}
