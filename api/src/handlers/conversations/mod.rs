//! Direct messages: conversations, their messages and read receipts.

pub mod create;
pub mod leave;
pub mod list;
pub mod messages;
pub mod read;
