//! Entraide's HTTP API: actix-web handlers, authentication, configuration and start-up.
//!
//! `main.rs` and the end-to-end tests both go through [`startup::Application::build`].

pub mod configuration;
pub mod routes;
pub mod safety;
pub mod scheduled;
pub mod startup;
pub mod telemetry;
pub mod webhooks;

mod access;
mod announcement_cache;
mod context;
mod contract;
#[cfg(test)]
mod contract_examples;
#[cfg(test)]
mod contract_limits;
mod convert;
mod db;
mod error;
mod extractors;
pub mod faults;
mod feed_index;
mod handlers;
mod hub;
mod input;
mod json;
mod key_audit;
mod mail;
mod messages_realtime;
mod notices;
mod notification_stream;
mod pagination;
mod panics;
mod parse;
mod security;
mod state;
mod views;

pub mod admin;
pub mod condition_import;

/// Read models the end-to-end tests measure (the number of queries they cost), called on a
/// connection of the tests' own. Not an API: nothing but the tests uses it.
#[doc(hidden)]
pub mod measured {
    use chrono::{DateTime, Utc};
    use entraide_domain::group::Reader;
    use entraide_domain::ids::ConditionId;
    use entraide_openapi::conditions::ConditionHub;
    use entraide_persistence::DbConnection;

    /// `GET /conditions/{id}`'s read model.
    pub fn condition_hub(
        conn: &mut DbConnection,
        id: ConditionId,
        reader: Reader,
        now: DateTime<Utc>,
    ) -> Result<ConditionHub, String> {
        crate::views::conditions::hub(conn, id, reader, now).map_err(|e| e.to_string())
    }
}
pub mod media;
pub mod message_keys_cli;
pub mod seed;
pub mod session_cache;
