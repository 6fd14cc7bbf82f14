//! Wake-ups across server processes on PostgreSQL: `LISTEN` / `NOTIFY` on one channel of the
//! database, on a connection of its own (not from the pool: it stays subscribed). The payloads
//! are opaque here (the API encodes member and message ids, never content). SQLite has no such
//! thing: one process serves a SQLite file, and its wake-ups stay in-process.

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, Text};

use crate::error::PersistenceError;

/// The channel every process of one database listens to.
pub const CHANNEL: &str = "entraide_wake";

/// The channel of the database's own triggers: a member whose sessions, kind, platform role,
/// suspension or waiting kind change was written (by any process) — payload: the member's id.
/// Sent at commit. See the migration `session_notifications`.
pub const AUTH_CHANNEL: &str = "entraide_auth";

/// A dedicated, listening PostgreSQL connection.
pub struct Listener {
    conn: PgConnection,
}

impl Listener {
    /// Connects to `url` and starts listening on [`CHANNEL`].
    pub fn connect(url: &str) -> Result<Self, PersistenceError> {
        Self::connect_to(url, CHANNEL)
    }

    /// Connects to `url` and starts listening on `channel` (one of this crate's constants: the
    /// name goes into the SQL as is).
    pub fn connect_to(url: &str, channel: &'static str) -> Result<Self, PersistenceError> {
        let mut conn = PgConnection::establish(url)
            .map_err(|e| PersistenceError::Unavailable(e.to_string()))?;
        diesel::sql_query(format!("LISTEN {channel}")).execute(&mut conn)?;
        Ok(Self { conn })
    }

    /// One round trip on the listening connection. The server sends what was notified to
    /// this connection before it answers, so once this returns, [`Listener::received`] holds
    /// every notification of the transactions that committed before it was called.
    pub fn round_trip(&mut self) -> Result<(), PersistenceError> {
        diesel::sql_query("SELECT 1").execute(&mut self.conn)?;
        Ok(())
    }

    /// Sends `payloads` to every listener of the database, this one included, in one
    /// statement and so one transaction (outside any other: call it after the commit of what
    /// they announce). Under load the listener thread sends what queued meanwhile with one
    /// commit, not one each: a `NOTIFY` transaction writes and flushes its own commit record.
    /// PostgreSQL delivers a payload repeated within one transaction once; the payloads are
    /// ids and wake-ups, which mean the same once or twice.
    pub fn notify_all(&mut self, payloads: &[String]) -> Result<(), PersistenceError> {
        if payloads.is_empty() {
            return Ok(());
        }
        diesel::sql_query("SELECT pg_notify($1, payload) FROM unnest($2) AS payload")
            .bind::<Text, _>(CHANNEL)
            .bind::<Array<Text>, _>(payloads)
            .execute(&mut self.conn)?;
        Ok(())
    }

    /// The payloads received since the last call (does not wait).
    pub fn received(&mut self) -> Result<Vec<String>, PersistenceError> {
        self.conn
            .notifications_iter()
            .map(|n| n.map(|n| n.payload).map_err(PersistenceError::from))
            .collect()
    }
}
