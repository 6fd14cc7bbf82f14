//! Groups: who may read a group and who may take part in it.

use entraide_domain::group::{Group, Membership, Reader, participation, reading};
use entraide_domain::ids::{GroupId, MemberId};
use entraide_persistence::{DbConnection, groups};

use crate::error::ApiError;

/// The group and the member's standing in it; 404 when there is no such group.
pub(crate) fn load(
    conn: &mut DbConnection,
    id: GroupId,
    member: Option<MemberId>,
) -> Result<(Group, Option<Membership>), ApiError> {
    let found = match member {
        Some(member) => groups::find_with_membership(conn, id, member)?,
        None => groups::find(conn, id)?.map(|group| (group, None)),
    };
    found.ok_or(ApiError::NotFound)
}

/// The group, if `reader` may read its content; 403 `not_readable` otherwise.
pub(crate) fn require_readable(
    conn: &mut DbConnection,
    id: GroupId,
    reader: Reader,
) -> Result<(Group, Option<Membership>), ApiError> {
    let (group, membership) = load(conn, id, reader.member_id())?;
    reading(group.visibility, group.audience, reader, membership)?;
    Ok((group, membership))
}

/// May `reader` post, comment or react in the group? 403 `not_a_member` when they may read it
/// but have not joined, `not_readable` when they may not even read it.
pub(crate) fn require_participation(
    conn: &mut DbConnection,
    id: GroupId,
    reader: Reader,
) -> Result<(), ApiError> {
    participating(conn, id, reader).map(|_| ())
}

/// [`require_participation`], answering the group (a new post's item shows its name).
pub(crate) fn participating(
    conn: &mut DbConnection,
    id: GroupId,
    reader: Reader,
) -> Result<Group, ApiError> {
    let (group, membership) = load(conn, id, reader.member_id())?;
    participation(group.visibility, group.audience, reader, membership)?;
    Ok(group)
}
