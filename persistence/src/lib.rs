//! Entraide's persistence: diesel over SQLite or PostgreSQL, one code path for both.
//!
//! Functions take a `&mut DbConnection` so the caller chooses the transaction. They return domain
//! types or [`PersistenceError`], never HTTP types. Diesel is synchronous: the API runs these on
//! actix's blocking pool.

#[macro_use]
mod slots;
#[macro_use]
mod visibility;
mod sponsors;

pub mod account_tokens;
pub mod admin_audit;
pub mod announcements;
pub mod api_keys;
pub mod appeals;
pub mod associations;
pub mod blocks;
pub mod bulk;
pub mod campaigns;
pub mod comments;
pub mod conditions;
pub mod connection;
pub mod consents;
pub mod dialect;
pub mod discovery;
pub mod editors;
pub mod erasure;
pub mod error;
pub mod events;
pub mod export;
pub mod follows;
pub mod groups;
pub mod kind_changes;
pub mod login_throttles;
pub mod media;
pub mod members;
pub mod messages;
pub mod moderation;
pub mod notifications;
pub mod outbox;
pub mod places;
pub mod posts;
pub mod questionnaires;
pub mod reactions;
pub mod research_audit;
pub mod researchers;
pub mod resources;
pub mod responses;
pub mod scheduled_notices;
pub mod schema;
pub mod search;
pub mod sessions;
pub mod stream_tickets;
pub mod studies;
#[cfg(feature = "testing")]
pub mod testing;
pub mod verification;
pub mod wakeups;
pub mod webhooks;

mod convert;

pub use connection::{Backend, Database, DbConnection, PoolOptions};
pub use error::PersistenceError;
