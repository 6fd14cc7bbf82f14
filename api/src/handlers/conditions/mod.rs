//! The catalogue of conditions and their hubs.

pub mod create;
pub mod feed;
pub mod follow;
pub mod get;
pub mod list;
