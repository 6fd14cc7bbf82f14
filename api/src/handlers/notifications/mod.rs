//! In-app notifications: the list, read state, per-kind settings.

pub mod list;
pub mod read;
pub mod settings;
pub mod stream;
