//! Discussion groups: the directory, membership and moderation.

pub mod bans;
pub mod create;
pub mod get;
pub mod invitations;
pub mod join;
pub mod list;
pub mod members;
pub mod requests;
pub mod update;
