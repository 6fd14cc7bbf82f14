//! Photos: upload, fetch, and the member's avatar.

pub mod avatar;
pub mod get;
pub mod upload;
