//! The catalogue of conditions.

pub mod create;
pub mod list;
