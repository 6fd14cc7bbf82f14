//! The resource library: committees, resources, versions and the review workflow.

pub mod committees;
pub mod create;
pub mod get;
pub mod list;
pub mod update;
pub mod workflow;
