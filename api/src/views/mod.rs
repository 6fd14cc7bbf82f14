//! Read models: what the wire shows of a batch of domain values to one reader, assembled in a
//! fixed number of queries whatever the batch size (authors, group names, the reader's own
//! reactions and answers...). Single-item forms go through the batch form, so a list and a
//! `GET` of one item can never disagree.

pub(crate) mod announcements;
pub(crate) mod conditions;
pub(crate) mod events;
pub(crate) mod export;
pub(crate) mod members;
pub(crate) mod messages;
pub(crate) mod moderation;
pub(crate) mod notifications;
pub(crate) mod posts;
pub(crate) mod research;
pub(crate) mod resources;
pub(crate) mod search;
pub(crate) mod verification;
