//! The home feed in constant time: an in-memory index of the newest post ids of each feed
//! source (a group, a followed member's wall, a member's own posts), merged when a feed page is
//! read.
//!
//! The feed used to walk every post newest first until it had found a page from the reader's
//! sources: the rarer those sources among all posts, the longer the walk (about 1,450 index
//! entries a page at 1M posts and 1,000 groups, against 100 at 10k posts). Here a page costs
//! the same whatever the history: one query for the reader's sources (their active groups and
//! follows, as they are now), a merge in memory of those sources' newest ids, and one query
//! that loads the page's candidates **through the read policy** (`posts::find_readable_many`).
//!
//! What the index holds is where posts are, never who may read them: ids only, deleted, hidden
//! or unreadable ones included. So nothing about reading is cached — leaving or being banned
//! from a group, a post removed or hidden, a wall closed, a block, a kind change all take effect
//! on the next page, because the sources are read from the database and every candidate goes
//! through the policy when the page is served.
//!
//! A source's ring is loaded from its index on first use (`posts::source_head`, the newest
//! [`RING`] ids) and kept up to date by the writes of this process: a new post is added to the
//! rings of its sources after its commit, before its author gets the answer, so it is in every
//! follower's next feed read. A load that raced a new post of its source (its shard's
//! generation moved during the query) serves its request but is not kept.
//!
//! Where the rings do not reach — an older page than a ring holds — each source whose ring
//! stopped above the cursor is read from its own index below that point (`source_head` with a
//! bound: one short seek per such source, whatever the history), and the merge goes on. Only a
//! page whose candidates the policy refused round after round ([`SEEK_ROUNDS`]) is finished by
//! the database walk the index replaced (`posts::list_readable` with `Scope::Home`). All three
//! agree by construction (same sources, same policy), and a test compares the feed with the walk
//! after every kind of change.
//!
//! Other processes of the same database (PostgreSQL, several nodes): their new posts reach
//! this index through `Hub::posted` (`LISTEN` / `NOTIFY`); see docs/ARCHITECTURE.md for the
//! guarantee and its window.

use std::collections::{BinaryHeap, HashMap};
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use entraide_domain::group::Reader;
use entraide_domain::ids::{GroupId, MemberId, PostId};
use entraide_domain::post::Post;
use entraide_persistence::posts::{self, FeedSource, PagePost, Scope};
use entraide_persistence::{DbConnection, PersistenceError};

/// How many ids a source's ring keeps (the newest). A first page needs 21 from all sources
/// together; 64 per source serves the first pages of nearly every reader from memory.
pub const RING: usize = 64;

/// Rounds of per-source reads below the rings before a page is left to the walk.
const SEEK_ROUNDS: usize = 4;

/// Shards of the index (each its own lock and generation).
const SHARDS: usize = 32;

/// Sources kept per shard before the shard is emptied at once (a bound on memory, not an
/// LRU): 32 × 8,192 sources × at most 64 ids × 16 bytes ≤ 256 MiB in theory, a few MiB in
/// practice (most sources hold a handful of posts).
const SOURCES_PER_SHARD: usize = 8_192;

/// The newest ids of one source, newest first.
#[derive(Debug, Clone, Default)]
struct Ring {
    ids: Vec<PostId>,
    /// Every post the source has is here (fewer than [`RING`] when loaded, never trimmed since):
    /// nothing older exists.
    complete: bool,
}

impl Ring {
    fn loaded(ids: Vec<PostId>) -> Self {
        let complete = ids.len() < RING;
        Self { ids, complete }
    }

    /// Adds a new post in its place (commits may arrive out of id order), keeping [`RING`].
    fn add(&mut self, id: PostId) {
        let at = self.ids.partition_point(|known| *known > id);
        if self.ids.get(at) == Some(&id) {
            return;
        }
        self.ids.insert(at, id);
        if self.ids.len() > RING {
            self.ids.truncate(RING);
            self.complete = false;
        }
    }

    fn remove(&mut self, id: PostId) {
        self.ids.retain(|known| *known != id);
    }
}

#[derive(Default)]
struct Shard {
    rings: Mutex<HashMap<FeedSource, Ring>>,
    /// Moves after every write that touches one of this shard's sources (after its commit).
    generation: AtomicU64,
}

pub struct FeedIndex {
    shards: Vec<Shard>,
    hasher: std::collections::hash_map::RandomState,
}

impl Default for FeedIndex {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }
}

/// The ids of one source a page may use: those below the cursor, and how far down they are
/// known to be all of the source's (`None`: to the very first post).
struct Known {
    ids: Vec<PostId>,
    horizon: Option<PostId>,
}

/// How a page was served (for the tests and the benchmark's profile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// From the index alone.
    Index,
    /// With short reads of some sources' own indexes below their rings (an older page).
    Seek,
    /// Finished by the database walk (the policy refused candidate after candidate).
    Walk,
}

impl FeedIndex {
    fn shard(&self, source: &FeedSource) -> &Shard {
        let hash = self.hasher.hash_one(source);
        // The remainder is below SHARDS, so it fits any usize.
        let at = usize::try_from(hash % SHARDS as u64).unwrap_or_default();
        &self.shards[at]
    }

    /// A new post was committed: it joins the rings of its sources. Call after the commit,
    /// before answering.
    pub fn posted(&self, post: &Post) {
        self.posted_elsewhere(post.id, post.author_id, post.group_id);
    }

    /// A new post committed by another process (received through the hub).
    pub fn posted_elsewhere(&self, id: PostId, author: MemberId, group: Option<GroupId>) {
        for source in sources(author, group) {
            let shard = self.shard(&source);
            if let Ok(mut rings) = shard.rings.lock()
                && let Some(ring) = rings.get_mut(&source)
            {
                ring.add(id);
            }
            shard.generation.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A post was deleted: it leaves its rings (pages would skip it anyway, through the policy;
    /// this keeps the rings' room for posts that can be shown).
    pub fn removed(&self, post: &Post) {
        for source in sources_of(post) {
            let shard = self.shard(&source);
            if let Ok(mut rings) = shard.rings.lock()
                && let Some(ring) = rings.get_mut(&source)
            {
                ring.remove(post.id);
            }
        }
    }

    /// Forgets everything (posts may have been missed: a lost connection to other processes).
    pub fn clear(&self) {
        for shard in &self.shards {
            if let Ok(mut rings) = shard.rings.lock() {
                rings.clear();
            }
            shard.generation.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// One source's ids below `before`, from its ring (loaded on first use).
    fn known(
        &self,
        conn: &mut DbConnection,
        source: FeedSource,
        before: Option<PostId>,
    ) -> Result<Known, PersistenceError> {
        let shard = self.shard(&source);
        let cached = shard
            .rings
            .lock()
            .ok()
            .and_then(|rings| rings.get(&source).cloned());
        let ring = match cached {
            Some(ring) => ring,
            None => {
                let generation = shard.generation.load(Ordering::SeqCst);
                let limit = i64::try_from(RING).unwrap_or(i64::MAX);
                let ring = Ring::loaded(posts::source_head(conn, source, None, limit)?);
                if let Ok(mut rings) = shard.rings.lock()
                    // A post of this shard committed meanwhile may be missing from what was
                    // read: serve it to this request, do not keep it.
                    && shard.generation.load(Ordering::SeqCst) == generation
                {
                    if rings.len() >= SOURCES_PER_SHARD {
                        rings.clear();
                    }
                    rings.insert(source, ring.clone());
                }
                ring
            }
        };
        let horizon = if ring.complete {
            None
        } else {
            // Below the ring's oldest id this source is unknown (an empty incomplete ring
            // cannot be: it would have been complete).
            ring.ids.last().copied()
        };
        let ids = ring
            .ids
            .into_iter()
            .filter(|id| before.is_none_or(|b| *id < b))
            .collect();
        Ok(Known { ids, horizon })
    }

    /// A page of `me`'s home feed below `before`, newest first, as `posts::list_readable`
    /// with `Scope::Home` would give it.
    pub fn home_page(
        &self,
        conn: &mut DbConnection,
        me: MemberId,
        reader: Reader,
        before: Option<PostId>,
        fetch: i64,
    ) -> Result<(Vec<PagePost>, Served), PersistenceError> {
        let wanted = usize::try_from(fetch).unwrap_or(0);
        if wanted == 0 {
            return Ok((Vec::new(), Served::Index));
        }
        let (groups, followed) = posts::home_sources(conn, me)?;
        let sources = groups
            .into_iter()
            .map(FeedSource::Group)
            .chain(followed.into_iter().map(FeedSource::Wall))
            .chain(std::iter::once(FeedSource::Author(me)));
        // Each source's ids are exact down to its horizon; all of them together, down to the
        // highest horizon. Candidates come out of a merge, newest first, one batch at a time.
        let mut lists = Vec::new();
        for source in sources {
            let known = self.known(conn, source, before)?;
            lists.push((source, known));
        }
        let mut page: Vec<PagePost> = Vec::with_capacity(wanted);
        let mut served = Served::Index;
        let mut batch = Vec::with_capacity(wanted);
        let seek_limit = i64::try_from(wanted).unwrap_or(i64::MAX);
        for round in 0..=SEEK_ROUNDS {
            let horizon = lists.iter().filter_map(|(_, known)| known.horizon).max();
            let mut merge = Merge::new(
                lists.iter().map(|(_, known)| known.ids.clone()).collect(),
                horizon,
            );
            while page.len() < wanted {
                batch.clear();
                batch.extend(
                    merge
                        .by_ref()
                        .take((wanted - page.len()).min(posts::PAGE_SLOTS)),
                );
                if batch.is_empty() {
                    break;
                }
                let mut found = match reader {
                    Reader::Member { id, kind } => {
                        posts::find_readable_page(conn, id, kind, &batch)?
                    }
                    Reader::Anonymous => posts::find_readable_many(conn, reader, &batch)?
                        .into_iter()
                        .map(PagePost::from)
                        .collect(),
                };
                found.sort_unstable_by_key(|found| std::cmp::Reverse(found.post.id));
                page.extend(found);
            }
            let Some(horizon) = horizon.filter(|_| page.len() < wanted) else {
                return Ok((page, served));
            };
            // Every id from the horizon up (below the cursor) has been examined; what is
            // below it is not known for the sources whose ring stopped there.
            let below = before.map_or(horizon, |b| b.min(horizon));
            if round == SEEK_ROUNDS {
                // The policy refused page after page: the walk finishes it.
                let missing = i64::try_from(wanted - page.len()).unwrap_or(i64::MAX);
                let walked =
                    posts::list_readable(conn, reader, Scope::Home(me), Some(below), missing)?;
                page.extend(walked.into_iter().map(PagePost::from));
                return Ok((page, Served::Walk));
            }
            // An older page than the rings hold: each source that stopped is read from its own
            // index below that point (one short seek each, whatever the history).
            served = Served::Seek;
            for (source, known) in &mut lists {
                if known.horizon.is_some() {
                    let ids = posts::source_head(conn, *source, Some(below), seek_limit)?;
                    known.horizon = if ids.len() < wanted {
                        None
                    } else {
                        ids.last().copied()
                    };
                    known.ids = ids;
                } else {
                    known.ids.retain(|id| *id < below);
                }
            }
        }
        Ok((page, served))
    }
}

/// The union of several newest-first id lists, newest first, without repeats, down to
/// `floor` (included).
struct Merge {
    lists: Vec<std::vec::IntoIter<PostId>>,
    heads: BinaryHeap<(PostId, usize)>,
    floor: Option<PostId>,
    last: Option<PostId>,
}

impl Merge {
    fn new(lists: Vec<Vec<PostId>>, floor: Option<PostId>) -> Self {
        let mut lists: Vec<_> = lists.into_iter().map(Vec::into_iter).collect();
        let mut heads = BinaryHeap::with_capacity(lists.len());
        for (at, list) in lists.iter_mut().enumerate() {
            if let Some(id) = list.next() {
                heads.push((id, at));
            }
        }
        Self {
            lists,
            heads,
            floor,
            last: None,
        }
    }
}

impl Iterator for Merge {
    type Item = PostId;

    fn next(&mut self) -> Option<PostId> {
        loop {
            let (id, at) = self.heads.pop()?;
            if let Some(next) = self.lists.get_mut(at).and_then(Iterator::next) {
                self.heads.push((next, at));
            }
            if self.floor.is_some_and(|floor| id < floor) {
                return None;
            }
            if self.last == Some(id) {
                continue;
            }
            self.last = Some(id);
            return Some(id);
        }
    }
}

/// The sources a post belongs to.
fn sources_of(post: &Post) -> impl Iterator<Item = FeedSource> {
    sources(post.author_id, post.group_id)
}

fn sources(author: MemberId, group: Option<GroupId>) -> impl Iterator<Item = FeedSource> {
    let place = match group {
        Some(group) => FeedSource::Group(group),
        None => FeedSource::Wall(author),
    };
    [place, FeedSource::Author(author)].into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<PostId> {
        let mut ids: Vec<PostId> = (0..n).map(|_| PostId::new()).collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids
    }

    #[test]
    fn a_ring_keeps_the_newest_in_order_and_knows_when_it_is_whole() {
        let all = ids(RING + 3);
        let mut ring = Ring::loaded(all[3..].to_vec());
        assert!(!ring.complete, "a full ring may have older posts");
        let mut small = Ring::loaded(all[RING..].to_vec());
        assert!(small.complete);
        // Out of order, and twice: each lands in its place, once.
        for id in [all[1], all[0], all[2], all[0]] {
            ring.add(id);
            small.add(id);
        }
        assert_eq!(ring.ids, all[..RING].to_vec());
        assert!(!ring.complete);
        assert_eq!(small.ids.len(), 6);
        assert!(small.ids.windows(2).all(|w| w[0] > w[1]));
        assert!(small.complete);
        small.remove(all[0]);
        assert!(!small.ids.contains(&all[0]));
    }

    #[test]
    fn the_merge_is_newest_first_without_repeats_and_stops_at_its_floor() {
        let all = ids(10);
        let a = vec![all[0], all[3], all[5], all[8]];
        let b = vec![all[1], all[3], all[4], all[9]];
        let c = vec![all[2], all[6]];
        let merged: Vec<PostId> = Merge::new(vec![a.clone(), b.clone(), c.clone()], None).collect();
        assert_eq!(
            merged,
            vec![
                all[0], all[1], all[2], all[3], all[4], all[5], all[6], all[8], all[9]
            ]
        );
        let floored: Vec<PostId> = Merge::new(vec![a, b, c], Some(all[5])).collect();
        assert_eq!(floored, all[..6].to_vec());
    }

    #[test]
    fn a_post_belongs_to_its_place_and_to_its_author() {
        let author = MemberId::new();
        let group = entraide_domain::ids::GroupId::new();
        let mut post = Post {
            id: PostId::new(),
            author_id: author,
            group_id: Some(group),
            body: entraide_domain::post::Body::from_stored(String::new(), String::new()),
            content_warning: None,
            created_at: chrono::Utc::now(),
            edited_at: None,
            deleted: false,
            hidden: false,
            pinned: false,
            comment_count: 0,
            reactions: entraide_domain::post::ReactionCounts::default(),
        };
        assert_eq!(
            sources_of(&post).collect::<Vec<_>>(),
            vec![FeedSource::Group(group), FeedSource::Author(author)]
        );
        post.group_id = None;
        assert_eq!(
            sources_of(&post).collect::<Vec<_>>(),
            vec![FeedSource::Wall(author), FeedSource::Author(author)]
        );
    }
}
