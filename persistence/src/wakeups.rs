//! Wake-ups across server processes on PostgreSQL: `LISTEN` / `NOTIFY` on one channel of the
//! database, on a connection of its own (not from the pool: it stays subscribed). The payloads
//! are opaque here (the API encodes member and message ids, never content). SQLite has no such
//! thing: one process serves a SQLite file, and its wake-ups stay in-process.

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

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

    /// Sends `payload` to every listener of the database, this one included (outside any
    /// transaction: call it after the commit of what it announces).
    pub fn notify(&mut self, payload: &str) -> Result<(), PersistenceError> {
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<Text, _>(CHANNEL)
            .bind::<Text, _>(payload)
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
