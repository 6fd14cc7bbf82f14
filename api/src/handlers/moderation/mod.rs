//! Reports and moderation: members report what they read; moderators decide from their queue;
//! every decision is logged and its author told.

pub mod appeals;
pub mod audit;
pub mod decide;
pub mod reports;
pub mod review;
