//! Discussion groups: the directory, membership and moderation.

pub mod bans;
pub mod create;
pub mod get;
pub mod invitations;
pub mod join;
pub mod list;
pub mod members;
pub mod requests;
pub mod update;

use entraide_domain::group::{Group, Membership};
use entraide_domain::ids::{GroupId, MemberId};
use entraide_persistence::{DbConnection, groups};

use crate::error::ApiError;

/// The group and the member's standing in it; 404 when there is no such group.
fn load(
    conn: &mut DbConnection,
    id: GroupId,
    member: Option<MemberId>,
) -> Result<(Group, Option<Membership>), ApiError> {
    let group = groups::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let membership = match member {
        Some(member) => groups::membership(conn, id, member)?,
        None => None,
    };
    Ok((group, membership))
}

/// Maps a foreign-key violation on `condition_id` (the only foreign key a group write takes from
/// the client) to a field error.
fn unknown_condition(error: entraide_persistence::PersistenceError) -> ApiError {
    match error {
        entraide_persistence::PersistenceError::ForeignKeyViolation(_) => ApiError::field(
            "condition_id",
            "unknown_condition",
            "is not in GET /conditions",
        ),
        other => other.into(),
    }
}
