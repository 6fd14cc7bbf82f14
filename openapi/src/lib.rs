//! Entraide's wire contract: the JSON the API reads and writes, as Rust types.
//!
//! Every request and response body is defined here (serde + `utoipa::ToSchema`), with the error
//! envelope and pagination. This crate depends on no web framework and no database, so a Rust
//! client or another team can depend on it alone. `openapi.json` beside this crate is the
//! published document; a test checks the server serves exactly it.

pub mod associations;
pub mod auth;
pub mod conditions;
pub mod events;
pub mod groups;
pub mod health;
pub mod members;
pub mod pagination;
pub mod places;
pub mod posts;
pub mod problem;
pub mod research;
pub mod resources;
pub mod search;

/// The committed OpenAPI document (regenerate with `cargo run -- openapi > openapi/openapi.json`).
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

/// Deserialises a field that distinguishes *absent* (`None`: leave unchanged) from `null`
/// (`Some(None)`: clear), as JSON merge-patch does. Use with `#[serde(default)]`.
pub mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}
