//! Posts, comments, reactions, walls and feeds.

pub mod comments;
pub mod create;
pub mod feeds;
pub mod manage;
pub mod reactions;
