//! Entraide's domain: the vocabulary of the platform and its rules.
//!
//! Everything here is pure: no database, no HTTP, no clock reads hidden in parsing. Values are
//! *parsed* once at the edge (`Pseudonym::parse`, `Email::parse`...) and carried as types that
//! cannot hold an invalid value. Authorization lives here as named policy functions, unit-tested
//! as tables, so handlers and SQL filters implement one written rule.

// Values from requests reach this crate's arithmetic: an overflow must be a parse error, never a
// panic halfway through a write.
#![warn(clippy::arithmetic_side_effects)]

#[macro_use]
mod macros;

pub mod association;
pub mod auth;
pub mod campaign;
pub mod condition;
pub mod consent;
pub mod discovery;
pub mod erasure;
pub mod error;
pub mod event;
pub mod geo;
pub mod group;
pub mod ids;
pub mod integration;
pub mod media;
pub mod member;
pub mod message;
pub mod moderation;
pub mod notification;
pub mod place;
pub mod policy;
pub mod post;
pub mod profile;
pub mod questionnaire;
pub mod recovery;
pub mod research;
pub mod resource;
pub mod rights;
pub mod search;
pub mod sponsor;
pub mod text;
pub mod time;
pub mod verification;
pub mod video_link;

pub use error::{FieldError, ParseError};
