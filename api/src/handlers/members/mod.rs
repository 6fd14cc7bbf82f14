//! Members and their profiles.

pub mod blocks;
pub mod discover;
pub mod editor;
pub mod email;
pub mod erase;
pub mod export;
pub mod follows;
pub mod get;
pub mod kind;
pub mod me;
pub mod message_settings;
pub mod research;
pub mod researcher;
pub mod role;
pub mod sessions;
pub mod settings;
pub mod update;
