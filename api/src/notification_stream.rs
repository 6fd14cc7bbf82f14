//! The notification stream of one member (`GET /api/v1/notifications/stream`): Server-Sent
//! Events written as the hub wakes it.
//!
//! Every wake-up and every keep-alive re-reads the database: first the session (a revoked
//! session or a suspension ends the stream at once), then the notifications stored since the
//! last read, passed through the same view as the list (`views::notifications::items`: what
//! the member may not read now never leaves), then the unread count. A `message` event is sent
//! only if the member may read the message now. Events carry ids and the list's items, never
//! message text.
//!
//! Notification ids are time-ordered (UUID v7) but two transactions may commit out of order:
//! each read looks back [`LOOKBACK`] before the newest id read and skips the ids already read.

use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

use actix_web::web::{self, Bytes};
use chrono::Utc;
use entraide_domain::group::Reader;
use entraide_domain::ids::{ConversationId, MemberId, MessageId, SessionId};
use entraide_openapi::notifications::{
    NotificationItem, StreamClosedEvent, StreamClosedReason, StreamMessageEvent, UnreadCount,
};
use entraide_persistence::{DbConnection, messages, notifications, sessions};
use serde::Serialize;
use tokio::sync::{broadcast, oneshot};
use uuid::Uuid;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::hub::{StreamGuard, Wake};
use crate::state::AppState;
use crate::views::notifications::{items, unread_count};

/// How far back in id time each read looks for notifications committed late.
const LOOKBACK_MS: u64 = 5_000;
/// Stored notifications read per query, and queries per wake-up at most (the rest follow at
/// the next wake-up or keep-alive).
const BATCH: i64 = 100;
const MAX_BATCHES: usize = 10;

/// Where the stream has read up to: ids after `floor`, except those in `seen`.
#[derive(Debug, Clone, Default)]
struct Cursor {
    floor: Uuid,
    seen: BTreeSet<Uuid>,
}

impl Cursor {
    fn advance(&mut self, scanned: &[Uuid]) {
        let Some(newest) = scanned.iter().max().copied() else {
            return;
        };
        self.seen.extend(scanned.iter().copied());
        let floor = looked_back(newest);
        if floor > self.floor {
            self.floor = floor;
        }
        let floor = self.floor;
        self.seen.retain(|id| *id > floor);
    }
}

/// A v7 id [`LOOKBACK_MS`] older than `id` (the smallest of that millisecond).
fn looked_back(id: Uuid) -> Uuid {
    let Some(timestamp) = id.get_timestamp() else {
        return id;
    };
    let (secs, nanos) = timestamp.to_unix();
    let millis = secs
        .saturating_mul(1000)
        .saturating_add(u64::from(nanos / 1_000_000))
        .saturating_sub(LOOKBACK_MS);
    uuid::Builder::from_unix_timestamp_millis(millis, &[0; 10]).into_uuid()
}

/// What one read found.
enum Read {
    /// The session ended (revoked, suspended, erased).
    Ended,
    Found {
        new: Vec<NotificationItem>,
        unread: u64,
    },
}

/// The member's reader now, or `None` if the session no longer lets them in.
fn live_reader(
    conn: &mut DbConnection,
    session: SessionId,
    member: MemberId,
) -> Result<Option<Reader>, ApiError> {
    let Some(active) = sessions::active_member(conn, session, member)? else {
        return Ok(None);
    };
    if active
        .suspended_until
        .is_some_and(|until| until > Utc::now())
    {
        return Ok(None);
    }
    Ok(Some(Reader::Member {
        id: member,
        kind: active.kind,
    }))
}

fn read(
    conn: &mut DbConnection,
    session: SessionId,
    member: MemberId,
    cursor: &mut Cursor,
) -> Result<Read, ApiError> {
    let Some(reader) = live_reader(conn, session, member)? else {
        return Ok(Read::Ended);
    };
    let mut new = Vec::new();
    let mut after = cursor.floor;
    for _ in 0..MAX_BATCHES {
        let batch = notifications::after(conn, member, after, BATCH)?;
        let full = i64::try_from(batch.len()).is_ok_and(|n| n >= BATCH);
        let Some(last) = batch.last().map(|n| n.id) else {
            break;
        };
        after = last;
        let fresh: Vec<_> = batch
            .into_iter()
            .filter(|n| !cursor.seen.contains(&n.id))
            .collect();
        let scanned: Vec<Uuid> = fresh.iter().map(|n| n.id).collect();
        new.extend(items(conn, reader, fresh)?);
        cursor.advance(&scanned);
        if !full {
            break;
        }
    }
    let unread = unread_count(conn, reader)?;
    Ok(Read::Found { new, unread })
}

/// One event, `data` as one line of JSON.
fn event(name: &str, id: Option<Uuid>, data: &impl Serialize) -> Result<Bytes, ApiError> {
    let json = serde_json::to_string(data).map_err(ApiError::internal)?;
    let id = id.map(|id| format!("id: {id}\n")).unwrap_or_default();
    Ok(Bytes::from(format!("event: {name}\n{id}data: {json}\n\n")))
}

const KEEP_ALIVE: &[u8] = b": keep-alive\n\n";

pub(crate) struct NotificationStream {
    state: web::Data<AppState>,
    member: MemberId,
    session: SessionId,
    wake: broadcast::Receiver<Wake>,
    replaced: oneshot::Receiver<()>,
    _registered: StreamGuard,
    keepalive: tokio::time::Interval,
    /// When the stream ends with `closed: expired` (at most `stream_max_secs` after opening).
    ends_at: tokio::time::Instant,
    cursor: Cursor,
    last_unread: Option<u64>,
    out: VecDeque<Bytes>,
    done: bool,
}

impl NotificationStream {
    /// Opens the stream of `member`: subscribed before the first read, so nothing committed
    /// meanwhile is missed. `resume_after` is the `Last-Event-ID` of a reconnecting client:
    /// the notifications after it come first.
    pub(crate) async fn open(
        state: web::Data<AppState>,
        member: &AuthMember,
        resume_after: Option<Uuid>,
    ) -> Result<Self, ApiError> {
        let wake = state.hub.subscribe();
        let (registered, replaced) = state
            .hub
            .open_stream(member.id, state.settings.streams_per_member);
        let floor = match resume_after {
            Some(id) => id,
            None => {
                let me = member.id;
                db::read(&state, move |conn| Ok(notifications::newest_id(conn, me)?))
                    .await?
                    .unwrap_or_default()
            }
        };
        let period = Duration::from_millis(state.settings.stream_keepalive_ms);
        let mut keepalive = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        keepalive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let ends_at =
            tokio::time::Instant::now() + Duration::from_secs(state.settings.stream_max_secs);
        let mut stream = Self {
            member: member.id,
            session: member.session_id,
            state,
            wake,
            replaced,
            _registered: registered,
            keepalive,
            ends_at,
            cursor: Cursor {
                floor,
                seen: BTreeSet::new(),
            },
            last_unread: None,
            out: VecDeque::new(),
            done: false,
        };
        stream.refresh(true).await?;
        if stream.done {
            // The session ended between authentication and now.
            return Err(ApiError::InvalidToken);
        }
        Ok(stream)
    }

    /// The body: events until the session ends, the stream is replaced or the client leaves.
    pub(crate) fn into_body(
        self,
    ) -> impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> + 'static {
        futures_util::stream::unfold(self, |mut stream| async move {
            stream.next().await.map(|bytes| (Ok(bytes), stream))
        })
    }

    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if let Some(bytes) = self.out.pop_front() {
                return Some(bytes);
            }
            if self.done {
                return None;
            }
            let outcome = tokio::select! {
                () = tokio::time::sleep_until(self.ends_at) => {
                    self.close(StreamClosedReason::Expired);
                    Ok(())
                }
                _ = &mut self.replaced => {
                    self.close(StreamClosedReason::Replaced);
                    Ok(())
                }
                wake = self.wake.recv() => match wake {
                    Ok(Wake::Message { member, conversation, message }) if member == self.member => {
                        self.message(conversation, message).await
                    }
                    Ok(wake) if wake.concerns(self.member) => self.refresh(true).await,
                    Ok(_) => Ok(()),
                    // Wake-ups were missed: read anyway.
                    Err(broadcast::error::RecvError::Lagged(_)) => self.refresh(true).await,
                    Err(broadcast::error::RecvError::Closed) => {
                        self.done = true;
                        Ok(())
                    }
                },
                _ = self.keepalive.tick() => {
                    let read = self.refresh(false).await;
                    if !self.done {
                        self.out.push_back(Bytes::from_static(KEEP_ALIVE));
                    }
                    read
                }
            };
            if let Err(error) = outcome {
                // The database failed: end the stream (the client reconnects), do not guess.
                tracing::warn!(%error, "notification stream ended on an error");
                self.done = true;
            }
        }
    }

    fn close(&mut self, reason: StreamClosedReason) {
        if let Ok(bytes) = event("closed", None, &StreamClosedEvent { reason }) {
            self.out.push_back(bytes);
        }
        self.done = true;
    }

    /// Reads what is new; `always` sends the unread count even if unchanged.
    async fn refresh(&mut self, always: bool) -> Result<(), ApiError> {
        let (session, member) = (self.session, self.member);
        let mut cursor = self.cursor.clone();
        let (read, cursor) = db::read(&self.state, move |conn| {
            read(conn, session, member, &mut cursor).map(|r| (r, cursor))
        })
        .await?;
        self.cursor = cursor;
        match read {
            Read::Ended => self.close(StreamClosedReason::SessionEnded),
            Read::Found { new, unread } => {
                let changed = !new.is_empty() || self.last_unread != Some(unread);
                for item in new {
                    let id = item.id;
                    self.out.push_back(event("notification", Some(id), &item)?);
                }
                if always || changed {
                    self.out
                        .push_back(event("unread", None, &UnreadCount { unread })?);
                    self.last_unread = Some(unread);
                }
            }
        }
        Ok(())
    }

    /// A direct message reached the member: its ids, if they may read it now.
    async fn message(
        &mut self,
        conversation: ConversationId,
        message: MessageId,
    ) -> Result<(), ApiError> {
        let (session, member) = (self.session, self.member);
        let readable = db::read(&self.state, move |conn| {
            if live_reader(conn, session, member)?.is_none() {
                return Ok(None);
            }
            Ok(Some(
                messages::find_readable(conn, member, message)?.is_some(),
            ))
        })
        .await?;
        match readable {
            None => self.close(StreamClosedReason::SessionEnded),
            Some(false) => {}
            Some(true) => {
                let data = StreamMessageEvent {
                    conversation_id: conversation.as_uuid(),
                    message_id: message.as_uuid(),
                };
                self.out.push_back(event("message", None, &data)?);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_looks_back_and_skips_what_it_read() {
        let first = Uuid::now_v7();
        let second = Uuid::now_v7();
        let mut cursor = Cursor::default();
        cursor.advance(&[first, second]);
        assert!(cursor.floor < first, "it looks back");
        assert!(cursor.seen.contains(&first) && cursor.seen.contains(&second));
        let floor = cursor.floor;
        cursor.advance(&[]);
        assert_eq!(cursor.floor, floor);
    }

    #[test]
    fn events_are_one_line_of_json() {
        let bytes = event("unread", None, &UnreadCount { unread: 2 }).ok();
        assert_eq!(
            bytes.as_deref(),
            Some(&b"event: unread\ndata: {\"unread\":2}\n\n"[..])
        );
    }
}
