//! The sessions this process checked, kept in memory so that an authenticated request whose
//! session is known costs no database round trip — while a revocation stays exact.
//!
//! An entry is what `sessions::active_member` loaded for a member (kind, platform role,
//! waiting kind change, suspension) and the sessions of theirs found live. Exactness rests on
//! three rules:
//!
//! - **Forget after every write that matters, before answering.** Every write that revokes a
//!   session or changes what [`ActiveMember`] holds calls [`SessionCache::forget`] with the
//!   member after its commit (all of the member's sessions go: simplest, and always safe). On
//!   PostgreSQL, database triggers also `NOTIFY` such writes, whoever made them, and a listener
//!   thread per process forgets those members (see [`SessionCache::start`]).
//! - **Never cache what a revocation raced.** A miss takes a [`Ticket`] (a generation number)
//!   before its query and inserts only if no member was forgotten meanwhile: a read that saw
//!   the state before a revocation cannot put it back after the revocation was forgotten.
//! - **No listener, no cache.** On PostgreSQL, while the listener is not connected (at start,
//!   after a lost connection) the cache is empty and bypassed: every request reads the
//!   database, so a notification missed then cannot leave a revoked session cached.
//!
//! Times are still compared on every request by the caller (a suspension that ends, a kind
//! change that falls due). SQLite is served by one process: its own writes are forgotten at
//! once; what another process writes to the file (the CLI) is seen when the entry reaches its
//! maximum age.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};

use entraide_domain::ids::{MemberId, SessionId};
use entraide_persistence::Backend;
use entraide_persistence::sessions::ActiveMember;
use entraide_persistence::wakeups::{AUTH_CHANNEL, Listener};
use tokio::sync::oneshot;

/// How often the PostgreSQL listener looks for notifications (a non-blocking read: one
/// system call when there is nothing).
const POLL: Duration = Duration::from_millis(2);
/// Wait before reconnecting a lost listener connection (doubled up to the maximum).
const RECONNECT_MIN: Duration = Duration::from_millis(250);
const RECONNECT_MAX: Duration = Duration::from_secs(10);
/// Live sessions kept per member; older ones are dropped (and read again when used).
const SESSIONS_PER_MEMBER: usize = 8;
/// How long [`SessionCache::caught_up`] waits for the listener.
const CATCH_UP_WAIT: Duration = Duration::from_secs(5);

/// The generation seen before a miss's query: its result may be inserted only if it is
/// still the current one.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

#[derive(Debug, Clone)]
struct Entry {
    active: ActiveMember,
    /// The member's sessions found live, each with when it was read.
    sessions: Vec<(SessionId, Instant)>,
}

struct Shared {
    entries: RwLock<HashMap<MemberId, Entry>>,
    /// Bumped by every forgetting: a ticket older than the last one inserts nothing.
    generation: AtomicU64,
    /// The cache may be used (always on SQLite; while the listener is connected on
    /// PostgreSQL).
    live: AtomicBool,
    /// Members kept at most (0: no cache). Beyond it an arbitrary one is dropped.
    capacity: usize,
    /// Entries older than this are read again (SQLite: writes of other processes).
    max_age: Option<Duration>,
}

impl Shared {
    fn forget(&self, member: MemberId) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(&member);
        }
    }

    fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }

    /// The listener is down: nothing is served from memory nor inserted until it is back.
    fn go_dark(&self) {
        self.live.store(false, Ordering::SeqCst);
        self.forget_all();
    }

    /// The listener is listening: every commit from now on will be heard.
    fn go_live(&self) {
        self.forget_all();
        self.live.store(true, Ordering::SeqCst);
    }
}

pub struct SessionCache {
    shared: Arc<Shared>,
    /// To the PostgreSQL listener thread: requests for a round trip (`None` on SQLite).
    catch_ups: Option<Mutex<mpsc::Sender<oneshot::Sender<()>>>>,
}

impl SessionCache {
    /// A cache of one process alone (SQLite, or PostgreSQL in tests of this module): its
    /// entries are forgotten after `max_age` (`None`: only when a write forgets them).
    pub fn in_process(capacity: usize, max_age: Option<Duration>) -> Self {
        Self {
            shared: Arc::new(Shared {
                entries: RwLock::default(),
                generation: AtomicU64::new(0),
                live: AtomicBool::new(true),
                capacity,
                max_age,
            }),
            catch_ups: None,
        }
    }

    /// The cache of this server process. SQLite: in-process, entries kept at most
    /// `sqlite_max_age`. PostgreSQL: starts the listener thread (on a connection of its own;
    /// it ends when the cache is dropped); the cache is bypassed until it listens.
    pub fn start(
        backend: Backend,
        database_url: &str,
        capacity: usize,
        sqlite_max_age: Duration,
    ) -> std::io::Result<Self> {
        if backend == Backend::Sqlite || capacity == 0 {
            return Ok(Self::in_process(capacity, Some(sqlite_max_age)));
        }
        let mut cache = Self::in_process(capacity, None);
        cache.shared.live.store(false, Ordering::SeqCst);
        let (sender, requests) = mpsc::channel();
        let shared = cache.shared.clone();
        let url = database_url.to_owned();
        std::thread::Builder::new()
            .name("entraide-sessions".to_owned())
            .spawn(move || listen(&url, &shared, &requests))?;
        cache.catch_ups = Some(Mutex::new(sender));
        Ok(cache)
    }

    /// The member of a live session as last read, if this process may answer from memory.
    pub fn get(&self, session: SessionId, member: MemberId) -> Option<ActiveMember> {
        let shared = &self.shared;
        if !shared.live.load(Ordering::SeqCst) {
            return None;
        }
        let entries = shared.entries.read().ok()?;
        let entry = entries.get(&member)?;
        let (_, read_at) = entry.sessions.iter().find(|(id, _)| *id == session)?;
        if shared.max_age.is_some_and(|max| read_at.elapsed() >= max) {
            return None;
        }
        Some(entry.active)
    }

    /// Take before reading a session from the database; `None`: do not insert what is read.
    pub fn ticket(&self) -> Option<Ticket> {
        let shared = &self.shared;
        let generation = shared.generation.load(Ordering::SeqCst);
        (shared.capacity > 0 && shared.live.load(Ordering::SeqCst)).then_some(Ticket(generation))
    }

    /// Keeps what was read with `ticket`, unless a member was forgotten since.
    pub fn insert(
        &self,
        ticket: Ticket,
        session: SessionId,
        member: MemberId,
        active: ActiveMember,
    ) {
        let shared = &self.shared;
        let Ok(mut entries) = shared.entries.write() else {
            return;
        };
        // Checked under the lock that `forget` takes after bumping: either the bump is seen
        // here, or the forgetting removes this entry after it was inserted.
        if shared.generation.load(Ordering::SeqCst) != ticket.0 {
            return;
        }
        if !entries.contains_key(&member)
            && entries.len() >= shared.capacity
            && let Some(dropped) = entries.keys().next().copied()
        {
            entries.remove(&dropped);
        }
        let now = Instant::now();
        let entry = entries.entry(member).or_insert_with(|| Entry {
            active,
            sessions: Vec::new(),
        });
        // Nothing of the member changed since the entry was made (it would have been
        // forgotten): the state read now is the same, and fresher.
        entry.active = active;
        entry.sessions.retain(|(id, _)| *id != session);
        if entry.sessions.len() >= SESSIONS_PER_MEMBER {
            entry.sessions.remove(0);
        }
        entry.sessions.push((session, now));
    }

    /// Forgets every session of `member`: call after the commit of a write that revokes one
    /// of them or changes the member's kind, role, suspension or waiting kind change, and
    /// before answering.
    pub fn forget(&self, member: MemberId) {
        self.shared.forget(member);
    }

    /// Returns once this process has heard every notification of the writes committed
    /// before the call (PostgreSQL: a round trip on the listener's connection); `false` if
    /// the listener did not answer in time (then it is reconnecting, and the cache is
    /// bypassed meanwhile). Immediate on SQLite.
    pub async fn caught_up(&self) -> bool {
        let Some(catch_ups) = &self.catch_ups else {
            return true;
        };
        let (done, answered) = oneshot::channel();
        let sent = catch_ups
            .lock()
            .map(|sender| sender.send(done).is_ok())
            .unwrap_or(false);
        sent && matches!(
            actix_web::rt::time::timeout(CATCH_UP_WAIT, answered).await,
            Ok(Ok(()))
        )
    }

    /// Members held now.
    pub fn len(&self) -> usize {
        self.shared
            .entries
            .read()
            .map_or(0, |entries| entries.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The listener thread (PostgreSQL): forgets the members the triggers name; reconnects with
/// back-off when the connection is lost, the cache bypassed meanwhile.
fn listen(url: &str, shared: &Shared, requests: &mpsc::Receiver<oneshot::Sender<()>>) {
    let mut backoff = RECONNECT_MIN;
    loop {
        let mut listener = match Listener::connect_to(url, AUTH_CHANNEL) {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for session changes; retrying");
                // A catch-up asked now is dropped unanswered: its caller sees `false`.
                match requests.recv_timeout(backoff) {
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                }
                backoff = (backoff * 2).min(RECONNECT_MAX);
                continue;
            }
        };
        backoff = RECONNECT_MIN;
        shared.go_live();
        loop {
            let mut waiting = Vec::new();
            match requests.recv_timeout(POLL) {
                Ok(done) => waiting.push(done),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    shared.go_dark();
                    return;
                }
            }
            waiting.extend(requests.try_iter());
            let asked = if waiting.is_empty() {
                Ok(())
            } else {
                listener.round_trip()
            };
            match asked.and_then(|()| listener.received()) {
                Ok(payloads) => {
                    for payload in payloads {
                        match payload.parse::<uuid::Uuid>() {
                            Ok(id) => shared.forget(MemberId::from_uuid(id)),
                            Err(_) => {
                                tracing::warn!("unreadable session change; forgetting all");
                                shared.forget_all();
                            }
                        }
                    }
                    for done in waiting {
                        let _ = done.send(());
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "lost the session-change connection; reconnecting");
                    shared.go_dark();
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entraide_domain::member::{MemberKind, PlatformRole};

    fn active(role: PlatformRole) -> ActiveMember {
        ActiveMember {
            kind: MemberKind::Patient,
            role,
            kind_change_at: None,
            suspended_until: None,
        }
    }

    #[test]
    fn a_read_that_raced_a_forgetting_is_not_kept() {
        let cache = SessionCache::in_process(10, None);
        let (member, session) = (MemberId::new(), SessionId::new());
        let ticket = cache.ticket().unwrap();
        // The revocation commits and is forgotten while the read is under way.
        cache.forget(member);
        cache.insert(ticket, session, member, active(PlatformRole::Member));
        assert_eq!(cache.get(session, member), None);
        let ticket = cache.ticket().unwrap();
        cache.insert(ticket, session, member, active(PlatformRole::Member));
        assert_eq!(
            cache.get(session, member),
            Some(active(PlatformRole::Member))
        );
    }

    #[test]
    fn forgetting_a_member_forgets_all_their_sessions_only() {
        let cache = SessionCache::in_process(10, None);
        let (member, other) = (MemberId::new(), MemberId::new());
        let sessions = [SessionId::new(), SessionId::new()];
        let theirs = SessionId::new();
        for session in sessions {
            let ticket = cache.ticket().unwrap();
            cache.insert(ticket, session, member, active(PlatformRole::Member));
        }
        let ticket = cache.ticket().unwrap();
        cache.insert(ticket, theirs, other, active(PlatformRole::Admin));
        // A session is known only to its own member.
        assert_eq!(cache.get(theirs, member), None);
        cache.forget(member);
        assert!(sessions.iter().all(|s| cache.get(*s, member).is_none()));
        assert_eq!(cache.get(theirs, other), Some(active(PlatformRole::Admin)));
    }

    #[test]
    fn the_cache_is_bounded_and_entries_age_out() {
        let cache = SessionCache::in_process(2, None);
        for _ in 0..5 {
            let ticket = cache.ticket().unwrap();
            cache.insert(
                ticket,
                SessionId::new(),
                MemberId::new(),
                active(PlatformRole::Member),
            );
        }
        assert_eq!(cache.len(), 2);

        let off = SessionCache::in_process(0, None);
        assert!(off.ticket().is_none());

        let aging = SessionCache::in_process(10, Some(Duration::ZERO));
        let (member, session) = (MemberId::new(), SessionId::new());
        let ticket = aging.ticket().unwrap();
        aging.insert(ticket, session, member, active(PlatformRole::Member));
        assert_eq!(aging.get(session, member), None);
    }

    #[test]
    fn a_dark_cache_serves_and_keeps_nothing() {
        let cache = SessionCache::in_process(10, None);
        let (member, session) = (MemberId::new(), SessionId::new());
        let before = cache.ticket().unwrap();
        cache.insert(before, session, member, active(PlatformRole::Member));
        cache.shared.go_dark();
        assert_eq!(cache.get(session, member), None);
        assert!(cache.ticket().is_none());
        // A read under way when the listener was lost inserts nothing once it is back.
        cache.shared.go_live();
        cache.insert(before, session, member, active(PlatformRole::Member));
        assert_eq!(cache.get(session, member), None);
    }
}
