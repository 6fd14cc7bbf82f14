//! HTTP handlers, one module per resource and one file per use case. Each follows the same
//! order: extract -> authenticate -> parse -> authorize -> one transaction -> map to DTO.

pub mod associations;
pub mod auth;
pub mod conditions;
pub mod events;
pub mod groups;
pub mod health;
pub mod members;
pub mod places;
pub mod posts;
pub mod resources;
pub mod search;
