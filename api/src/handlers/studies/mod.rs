pub mod answers;
pub mod consent;
pub mod create;
pub mod get;
pub mod list;
pub mod update;
