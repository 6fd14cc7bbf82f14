pub mod create;
pub mod get;
pub mod respond;
