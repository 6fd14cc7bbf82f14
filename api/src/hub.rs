//! Wakes the notification streams of members who got a notification or a direct message.
//!
//! In-process: a broadcast of wake-ups (member ids, and for a message its conversation and
//! message ids) that every open stream of this process listens to, each keeping its own
//! member's. A stream woken re-reads the database, so a lost or spurious wake-up costs one
//! query, never a wrong answer (and each keep-alive re-reads too, so a lost one is late, not
//! lost). Handlers call [`Hub::wake`] / [`Hub::message`] after their write committed.
//!
//! On PostgreSQL the same wake-ups also go to the other server processes of the database
//! through `LISTEN` / `NOTIFY` (`persistence::wakeups`), from a dedicated thread with its own
//! connection: each process wakes its own streams at once and the others when their listener
//! polls (every [`POLL`]). The payloads carry ids only. On SQLite the hub stays in-process.
//!
//! The hub also keeps the open streams of each member, to bound them: opening one more than
//! the limit closes the oldest.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use entraide_domain::ids::{ConversationId, GroupId, MemberId, MessageId, PostId};
use entraide_domain::post::Post;
use entraide_persistence::Backend;
use entraide_persistence::wakeups::Listener;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, oneshot};
use uuid::Uuid;

use crate::feed_index::FeedIndex;

/// How many wake-ups may wait for a slow stream before it misses some (it then re-reads
/// anyway: a lagging receiver is woken too).
const CAPACITY: usize = 1024;
/// How often the PostgreSQL listener looks for other processes' wake-ups.
const POLL: Duration = Duration::from_millis(100);
/// Wait before reconnecting a lost listener connection (doubled up to the maximum).
const RECONNECT_MIN: Duration = Duration::from_millis(250);
const RECONNECT_MAX: Duration = Duration::from_secs(10);
/// Members per `NOTIFY` (a payload holds at most 8000 bytes).
const MEMBERS_PER_PAYLOAD: usize = 100;
/// Payloads sent in one statement (one commit) by the listener thread: what queued while it
/// sent the previous batch, at most this many (≤ 800 KB of SQL).
const NOTIFY_BATCH: usize = 100;

/// What wakes a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The member may have new notifications.
    Notifications(MemberId),
    /// A direct message reached the member.
    Message {
        member: MemberId,
        conversation: ConversationId,
        message: MessageId,
    },
    /// Wake-ups may have been missed (the listener reconnected): every stream re-reads.
    Everyone,
}

impl Wake {
    /// Is this wake-up for `member`'s streams?
    pub fn concerns(&self, member: MemberId) -> bool {
        match self {
            Self::Notifications(m) | Self::Message { member: m, .. } => *m == member,
            Self::Everyone => true,
        }
    }
}

/// A `NOTIFY` payload: ids only, and the process that sent it (which woke its own streams).
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Payload {
    node: Uuid,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    members: Vec<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<(Uuid, Uuid)>,
    /// A new post, for the other processes' feed indexes: (post, author, group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    post: Option<(Uuid, Uuid, Option<Uuid>)>,
}

impl Payload {
    fn wakes(&self) -> Vec<Wake> {
        self.members
            .iter()
            .map(|m| {
                let member = MemberId::from_uuid(*m);
                match self.message {
                    Some((conversation, message)) => Wake::Message {
                        member,
                        conversation: ConversationId::from_uuid(conversation),
                        message: MessageId::from_uuid(message),
                    },
                    None => Wake::Notifications(member),
                }
            })
            .collect()
    }
}

type OpenStreams = Arc<Mutex<HashMap<MemberId, Vec<(u64, oneshot::Sender<()>)>>>>;

pub struct Hub {
    sender: broadcast::Sender<Wake>,
    node: Uuid,
    /// The feed index of this process: other processes' new posts join it here.
    feed: Arc<FeedIndex>,
    /// To the PostgreSQL listener thread (`None` on SQLite).
    remote: Option<Mutex<mpsc::Sender<String>>>,
    streams: OpenStreams,
    next_stream: AtomicU64,
}

impl Default for Hub {
    /// An in-process hub (SQLite, tools, tests of one process).
    fn default() -> Self {
        Self {
            sender: broadcast::channel(CAPACITY).0,
            node: Uuid::now_v7(),
            feed: Arc::default(),
            remote: None,
            streams: Arc::default(),
            next_stream: AtomicU64::new(0),
        }
    }
}

impl Hub {
    /// The hub for this database: on PostgreSQL it also starts the listener thread (which ends
    /// when the hub is dropped).
    pub fn start(
        backend: Backend,
        database_url: &str,
        feed: Arc<FeedIndex>,
    ) -> std::io::Result<Self> {
        let mut hub = Self {
            feed,
            ..Self::default()
        };
        if backend == Backend::Postgres {
            let (outgoing, queue) = mpsc::channel();
            let local = hub.sender.clone();
            let node = hub.node;
            let url = database_url.to_owned();
            let feed = hub.feed.clone();
            std::thread::Builder::new()
                .name("entraide-wakeups".to_owned())
                .spawn(move || listen(&url, node, &queue, &local, &feed))?;
            hub.remote = Some(Mutex::new(outgoing));
        }
        Ok(hub)
    }

    /// Wakes the streams of these members (no stream open: nothing happens).
    pub fn wake(&self, members: &[MemberId]) {
        for member in members {
            // An error only means no stream is open here.
            let _ = self.sender.send(Wake::Notifications(*member));
        }
        self.tell_others(members, None);
    }

    /// A direct message reached these members: a `message` event on their streams.
    pub fn message(
        &self,
        conversation: ConversationId,
        message: MessageId,
        recipients: &[MemberId],
    ) {
        for member in recipients {
            let _ = self.sender.send(Wake::Message {
                member: *member,
                conversation,
                message,
            });
        }
        self.tell_others(
            recipients,
            Some((conversation.as_uuid(), message.as_uuid())),
        );
    }

    /// A post was committed here: it joins this process's feed index now, the others' when
    /// their listener receives it (PostgreSQL).
    pub fn posted(&self, post: &Post) {
        self.feed.posted(post);
        let payload = Payload {
            node: self.node,
            members: Vec::new(),
            message: None,
            post: Some((
                post.id.as_uuid(),
                post.author_id.as_uuid(),
                post.group_id.map(|g| g.as_uuid()),
            )),
        };
        self.send(&payload);
    }

    /// Sends a payload to the other processes (PostgreSQL; nothing on SQLite).
    fn send(&self, payload: &Payload) {
        let Some(remote) = &self.remote else {
            return;
        };
        let Ok(remote) = remote.lock() else {
            return;
        };
        match serde_json::to_string(payload) {
            // Only fails once the listener thread is gone (the hub is being dropped).
            Ok(text) => {
                let _ = remote.send(text);
            }
            Err(error) => tracing::error!(%error, "cannot encode a wake-up"),
        }
    }

    fn tell_others(&self, members: &[MemberId], message: Option<(Uuid, Uuid)>) {
        if self.remote.is_none() {
            return;
        }
        for chunk in members.chunks(MEMBERS_PER_PAYLOAD) {
            self.send(&Payload {
                node: self.node,
                members: chunk.iter().map(MemberId::as_uuid).collect(),
                message,
                post: None,
            });
        }
    }

    /// A receiver of every wake-up from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Wake> {
        self.sender.subscribe()
    }

    /// Registers a stream of `member`; at most `limit` stay open: the oldest beyond it are
    /// told to close. The stream closes when the receiver fires, and unregisters when the
    /// returned guard is dropped.
    pub fn open_stream(
        &self,
        member: MemberId,
        limit: usize,
    ) -> (StreamGuard, oneshot::Receiver<()>) {
        let id = self.next_stream.fetch_add(1, Ordering::Relaxed);
        let (close, closed) = oneshot::channel();
        if let Ok(mut streams) = self.streams.lock() {
            let open = streams.entry(member).or_default();
            open.push((id, close));
            let excess = open.len().saturating_sub(limit.max(1));
            for (_, close) in open.drain(..excess) {
                let _ = close.send(());
            }
        }
        let guard = StreamGuard {
            streams: self.streams.clone(),
            member,
            id,
        };
        (guard, closed)
    }

    /// How many streams of `member` are open in this process.
    #[cfg(test)]
    fn open_streams(&self, member: MemberId) -> usize {
        self.streams
            .lock()
            .map_or(0, |s| s.get(&member).map_or(0, Vec::len))
    }
}

/// Unregisters a stream when it ends (the client left, the session ended, it was replaced).
pub struct StreamGuard {
    streams: OpenStreams,
    member: MemberId,
    id: u64,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        if let Ok(mut streams) = self.streams.lock()
            && let Some(open) = streams.get_mut(&self.member)
        {
            open.retain(|(id, _)| *id != self.id);
            if open.is_empty() {
                streams.remove(&self.member);
            }
        }
    }
}

/// The listener thread: sends this process's wake-ups to the database's channel and hands the
/// other processes' to the local streams; reconnects (with back-off) when the connection is
/// lost, then wakes every stream, as wake-ups may have been missed meanwhile.
fn listen(
    url: &str,
    node: Uuid,
    queue: &mpsc::Receiver<String>,
    local: &broadcast::Sender<Wake>,
    feed: &FeedIndex,
) {
    let mut backoff = RECONNECT_MIN;
    let mut lost = false;
    loop {
        let mut listener = match Listener::connect(url) {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for wake-ups; retrying");
                lost = true;
                // Wake-ups queued meanwhile are dropped: the streams' keep-alives catch up.
                match queue.recv_timeout(backoff) {
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                }
                backoff = (backoff * 2).min(RECONNECT_MAX);
                continue;
            }
        };
        backoff = RECONNECT_MIN;
        if lost {
            let _ = local.send(Wake::Everyone);
            // Other processes' posts may have been missed: every ring is read again.
            feed.clear();
        }
        loop {
            let mut outgoing = Vec::new();
            match queue.recv_timeout(POLL) {
                Ok(payload) => outgoing.push(payload),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
            outgoing.extend(queue.try_iter());
            let sent = outgoing
                .chunks(NOTIFY_BATCH)
                .try_for_each(|batch| listener.notify_all(batch));
            let received = sent.and_then(|()| listener.received());
            match received {
                Ok(payloads) => {
                    for text in payloads {
                        match serde_json::from_str::<Payload>(&text) {
                            Ok(payload) if payload.node != node => {
                                for wake in payload.wakes() {
                                    let _ = local.send(wake);
                                }
                                if let Some((post, author, group)) = payload.post {
                                    feed.posted_elsewhere(
                                        PostId::from_uuid(post),
                                        MemberId::from_uuid(author),
                                        group.map(GroupId::from_uuid),
                                    );
                                }
                            }
                            Ok(_) => {}
                            Err(error) => tracing::warn!(%error, "unreadable wake-up"),
                        }
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "lost the wake-up connection; reconnecting");
                    lost = true;
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_carry_ids_only_and_round_trip() {
        let member = MemberId::new();
        let conversation = ConversationId::new();
        let message = MessageId::new();
        let payload = Payload {
            node: Uuid::now_v7(),
            members: vec![member.as_uuid()],
            message: Some((conversation.as_uuid(), message.as_uuid())),
            post: None,
        };
        let text = serde_json::to_string(&payload).unwrap_or_default();
        let back: Option<Payload> = serde_json::from_str(&text).ok();
        assert_eq!(back.as_ref(), Some(&payload));
        assert_eq!(
            payload.wakes(),
            vec![Wake::Message {
                member,
                conversation,
                message
            }]
        );
        let plain = Payload {
            message: None,
            ..payload
        };
        assert_eq!(plain.wakes(), vec![Wake::Notifications(member)]);
    }

    #[test]
    fn the_oldest_streams_beyond_the_limit_are_closed() {
        let hub = Hub::default();
        let member = MemberId::new();
        let (first, mut first_closed) = hub.open_stream(member, 2);
        let (_second, mut second_closed) = hub.open_stream(member, 2);
        assert_eq!(hub.open_streams(member), 2);
        let (third, _) = hub.open_stream(member, 2);
        assert!(first_closed.try_recv().is_ok());
        assert!(second_closed.try_recv().is_err());
        assert_eq!(hub.open_streams(member), 2);
        drop(first);
        drop(third);
        assert_eq!(hub.open_streams(member), 1);
    }

    #[test]
    fn a_wake_up_concerns_its_member_or_everyone() {
        let me = MemberId::new();
        let other = MemberId::new();
        assert!(Wake::Notifications(me).concerns(me));
        assert!(!Wake::Notifications(other).concerns(me));
        assert!(Wake::Everyone.concerns(me));
    }
}
