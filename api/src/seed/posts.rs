//! Posts, comments and reactions. Where comments and reactions go is decided first ([`Plan`]),
//! so the post counters are right when the posts are inserted. Posts and comments are written in
//! time order (ids are time-ordered) and in chunks, to bound memory.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use entraide_domain::post::{MAX_COMMENT_DEPTH, ReactionKind};
use entraide_persistence::bulk::{CommentRow, PostRow, ReactionRow};
use entraide_persistence::{DbConnection, PersistenceError};
use rand::Rng;
use rand::rngs::StdRng;

use super::groups::Groups;
use super::progress::Progress;
use super::text::Pool;
use super::{SeedOptions, Timeline, id_at, naive};

/// Rows generated before they are loaded.
const CHUNK: usize = 20_000;

/// Where comments and reactions go, by post index.
pub(super) struct Plan {
    comment_counts: Vec<i64>,
    /// The post of each comment, in the order comments are written.
    comment_targets: Vec<u32>,
    /// Per post: support, thanks, same-here and hug counts.
    reaction_counts: Vec<[i64; 4]>,
    /// (post, member, index in `ReactionKind::ALL`), each once.
    reactions: HashSet<(u32, u32, u8)>,
}

impl Plan {
    pub(super) fn new(rng: &mut StdRng, options: &SeedOptions, members: usize) -> Self {
        let posts = options.posts;
        let mut comment_counts = vec![0_i64; posts];
        let comment_targets: Vec<u32> = if posts == 0 {
            Vec::new()
        } else {
            (0..options.comments)
                .map(|_| {
                    let p = rng.random_range(0..posts);
                    comment_counts[p] += 1;
                    u32::try_from(p).unwrap_or(u32::MAX)
                })
                .collect()
        };
        let mut reaction_counts = vec![[0_i64; 4]; posts];
        let mut reactions: HashSet<(u32, u32, u8)> = HashSet::new();
        if posts > 0 {
            for _ in 0..options.reactions {
                let p = rng.random_range(0..posts);
                let m = rng.random_range(0..members);
                let k = rng.random_range(0..4_u8);
                if reactions.insert((
                    u32::try_from(p).unwrap_or(u32::MAX),
                    u32::try_from(m).unwrap_or(u32::MAX),
                    k,
                )) {
                    reaction_counts[p][usize::from(k)] += 1;
                }
            }
        }
        Self {
            comment_counts,
            comment_targets,
            reaction_counts,
            reactions,
        }
    }

    pub(super) fn reaction_count(&self) -> usize {
        self.reactions.len()
    }
}

/// What comments and reactions need of the posts written, by post index.
pub(super) struct Posts {
    pub(super) ids: Vec<String>,
    pub(super) times: Vec<DateTime<Utc>>,
    pub(super) groups: Vec<Option<u32>>,
    /// Index of each post's author in the member ids.
    pub(super) authors: Vec<u32>,
}

/// Everything the posts and comments are drawn from.
pub(super) struct Sources<'a> {
    pub(super) time: &'a Timeline,
    pub(super) pool: &'a Pool,
    pub(super) member_ids: &'a [String],
    pub(super) groups: &'a Groups,
}

/// Writes `plan`'s posts, spread over the timeline, 70% in a group (by one of its active
/// members) when a group has members; returns them and how many were inserted.
pub(super) fn write_posts(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    progress: &Progress,
    sources: &Sources<'_>,
    plan: &Plan,
) -> Result<(Posts, usize), PersistenceError> {
    let Sources {
        time,
        pool,
        member_ids,
        groups,
    } = sources;
    let wanted = plan.comment_counts.len();
    let members = member_ids.len();
    let mut posts = Posts {
        ids: Vec::with_capacity(wanted),
        times: Vec::with_capacity(wanted),
        groups: Vec::with_capacity(wanted),
        authors: Vec::with_capacity(wanted),
    };
    let groups_with_members: Vec<usize> = (0..groups.rows.len())
        .filter(|g| !groups.active[*g].is_empty())
        .collect();
    let mut inserted = 0;
    for first in (0..wanted).step_by(CHUNK) {
        let mut batch = Vec::with_capacity(CHUNK);
        for p in first..(first + CHUNK).min(wanted) {
            let at = time.at_fraction(p, wanted) + Duration::milliseconds(rng.random_range(0..500));
            let in_group = !groups_with_members.is_empty() && rng.random_bool(0.7);
            let (author, group) = if in_group {
                let g = groups_with_members[rng.random_range(0..groups_with_members.len())];
                let members_of = &groups.active[g];
                (members_of[rng.random_range(0..members_of.len())], Some(g))
            } else {
                (rng.random_range(0..members), None)
            };
            let body = &pool.posts[rng.random_range(0..pool.posts.len())];
            let id = id_at(rng, at);
            let [support, thanks, same_here, hug] = plan.reaction_counts[p];
            batch.push(PostRow {
                id: id.clone(),
                author_id: member_ids[author].clone(),
                group_id: group.map(|g| groups.rows[g].id.clone()),
                body: body.source().to_owned(),
                body_html: body.html().to_owned(),
                created_at: naive(at),
                edited_at: None,
                deleted_at: None,
                pinned_at: None,
                comment_count: plan.comment_counts[p],
                support_count: support,
                thanks_count: thanks,
                same_here_count: same_here,
                hug_count: hug,
            });
            posts.ids.push(id);
            posts.times.push(at);
            posts.groups.push(group.and_then(|g| u32::try_from(g).ok()));
            posts
                .authors
                .push(u32::try_from(author).unwrap_or_default());
        }
        inserted += progress.load(conn, "posts", &batch)?;
    }
    Ok((posts, inserted))
}

/// Writes `plan`'s comments, each after the previous one on its post, now and then a reply to
/// it (bounded depth), by an active member of the post's group; returns how many.
pub(super) fn write_comments(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    progress: &Progress,
    sources: &Sources<'_>,
    plan: &Plan,
    posts: &Posts,
) -> Result<usize, PersistenceError> {
    let Sources {
        pool,
        member_ids,
        groups,
        ..
    } = sources;
    let mut last_comment: Vec<Option<(String, i32, DateTime<Utc>)>> = vec![None; posts.ids.len()];
    let mut inserted = 0;
    for targets in plan.comment_targets.chunks(CHUNK) {
        let mut batch = Vec::with_capacity(targets.len());
        for &p in targets {
            let p = usize::try_from(p).unwrap_or_default();
            let previous = last_comment[p].clone();
            let base = previous.as_ref().map_or(posts.times[p], |(_, _, t)| *t);
            let at = base + Duration::minutes(rng.random_range(1..600));
            let reply = previous
                .as_ref()
                .filter(|(_, depth, _)| *depth < MAX_COMMENT_DEPTH)
                .filter(|_| rng.random_bool(0.3));
            let (parent_id, depth) = match reply {
                Some((id, depth, _)) => (Some(id.clone()), depth + 1),
                None => (None, 0),
            };
            let author = match posts.groups[p] {
                Some(g) => {
                    let members_of = &groups.active[usize::try_from(g).unwrap_or_default()];
                    members_of[rng.random_range(0..members_of.len())]
                }
                None => rng.random_range(0..member_ids.len()),
            };
            let body = &pool.comments[rng.random_range(0..pool.comments.len())];
            let id = id_at(rng, at);
            last_comment[p] = Some((id.clone(), depth, at));
            batch.push(CommentRow {
                id,
                post_id: posts.ids[p].clone(),
                parent_id,
                depth,
                author_id: member_ids[author].clone(),
                body: body.source().to_owned(),
                body_html: body.html().to_owned(),
                created_at: naive(at),
                edited_at: None,
                deleted_at: None,
                support_count: 0,
                thanks_count: 0,
                same_here_count: 0,
                hug_count: 0,
            });
        }
        inserted += progress.load(conn, "comments", &batch)?;
    }
    Ok(inserted)
}

/// `plan`'s reactions, dated with their post.
pub(super) fn reactions(plan: Plan, posts: &Posts, member_ids: &[String]) -> Vec<ReactionRow> {
    plan.reactions
        .into_iter()
        .map(|(p, m, k)| {
            let p = usize::try_from(p).unwrap_or_default();
            ReactionRow {
                post_id: posts.ids[p].clone(),
                member_id: member_ids[usize::try_from(m).unwrap_or_default()].clone(),
                kind: ReactionKind::ALL[usize::from(k)].as_str(),
                created_at: naive(posts.times[p]),
            }
        })
        .collect()
}
