//! End-to-end tests over HTTP, on SQLite by default or PostgreSQL with
//! `ENTRAIDE_TEST_DATABASE_URL=postgres://...`. One test binary, many independent tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure is a test failure"
)]

mod associations;
mod auth;
mod authorization;
mod campaigns;
mod condition_hubs;
mod conditions;
mod contract;
mod discovery;
mod erasure;
mod errors;
mod events;
mod export;
mod feed_index;
mod groups;
mod health;
mod hostile;
mod integrations;
mod kind_changes;
mod mailbox;
mod media;
mod media_s3;
mod members;
mod messages;
mod moderation;
mod notification_stream;
mod notifications;
mod places;
mod posts;
mod recovery;
mod reliability;
mod research;
mod resources;
mod rights;
mod search;
mod seed;
mod session_cache;
mod sponsors;
mod support;
mod tokens;
mod verification;
