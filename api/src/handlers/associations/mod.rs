//! Associations: the directory, membership, followers, announcements and donation campaigns.

pub mod announcements;
pub mod api_keys;
pub mod campaigns;
pub mod create;
pub mod follow;
pub mod get;
pub mod list;
pub mod members;
pub mod update;
pub mod verify;
pub mod webhook;
pub mod webhooks;
