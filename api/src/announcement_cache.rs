//! A short-lived, per-member cache of the announcements block of the home feed.
//!
//! Measured: computing the block (the member's profile, the targeting query, conditions and
//! association names) cost about 30% of a first feed page. Announcements are public prevention
//! messages that change rarely, so a member's block is kept for [`TTL`]. What a member does
//! themselves — changing their settings, following or joining an association — drops their
//! entry at once, and publishing an announcement drops every entry, so nobody waits for their
//! own change. Across several server processes another process may show a block up to [`TTL`]
//! old.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use entraide_domain::ids::MemberId;
use entraide_openapi::associations::Announcement;

/// How long a member's block is reused.
pub const TTL: Duration = Duration::from_secs(15);

/// Entries beyond this are dropped all at once (a bound on memory, not an LRU).
const MAX_ENTRIES: usize = 50_000;

struct Entry {
    stored: Instant,
    /// The block stops being right when its first announcement expires.
    until: Option<DateTime<Utc>>,
    block: Vec<Announcement>,
}

#[derive(Default)]
pub struct AnnouncementCache {
    entries: Mutex<HashMap<MemberId, Entry>>,
}

impl AnnouncementCache {
    /// The member's block if it is fresh and none of its announcements has expired.
    pub fn get(
        &self,
        member: MemberId,
        now: Instant,
        clock: DateTime<Utc>,
    ) -> Option<Vec<Announcement>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&member)
            .filter(|e| now.duration_since(e.stored) < TTL)
            .filter(|e| e.until.is_none_or(|until| clock < until))
            .map(|e| e.block.clone())
    }

    pub fn put(&self, member: MemberId, block: Vec<Announcement>, now: Instant) {
        let until = block.iter().filter_map(|a| a.expires_at).min();
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(
                member,
                Entry {
                    stored: now,
                    until,
                    block,
                },
            );
        }
    }

    /// Drops one member's block (they changed something that decides it).
    pub fn forget(&self, member: MemberId) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(&member);
        }
    }

    /// Drops every block (an announcement was published).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_can_be_dropped() {
        let cache = AnnouncementCache::default();
        let (me, other) = (MemberId::new(), MemberId::new());
        let start = Instant::now();
        let clock = Utc::now();
        cache.put(me, Vec::new(), start);
        cache.put(other, Vec::new(), start);
        assert!(
            cache
                .get(me, start + Duration::from_secs(1), clock)
                .is_some()
        );
        assert!(cache.get(me, start + TTL, clock).is_none(), "expired");
        cache.forget(me);
        assert!(cache.get(me, start, clock).is_none());
        assert!(cache.get(other, start, clock).is_some());
        cache.clear();
        assert!(cache.get(other, start, clock).is_none());
    }
}
