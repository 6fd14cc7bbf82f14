//! Committees, resources, their versions and reviews: one file per table or concern, re-exported
//! here so callers write `resources::insert`, `resources::publish`... whatever file holds them.

mod committees;
mod library;
mod resource;
mod reviews;
mod versions;

pub use committees::{
    NewCommittee, Reviewer, committees_by_id, expertise_in, expertise_of, find_committee,
    insert_committee, list_committees, reviewers, set_committee_member,
};
pub use library::{ResourceFilter, count_published_about, list_published, published_about, queue};
pub use resource::{
    NewResource, contributors, find, insert, set_audience, set_conditions, set_sponsor,
};
pub use reviews::{add_review, reviews, reviews_of};
pub use versions::{
    insert_version, publish, revalidate, set_status, update_version, version, versions, versions_of,
};
