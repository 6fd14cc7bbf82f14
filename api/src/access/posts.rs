//! Posts: which post a reader may read and who may take part under it.

use entraide_domain::group::Reader;
use entraide_domain::ids::PostId;
use entraide_domain::post::Post;
use entraide_persistence::{DbConnection, posts};

use crate::error::ApiError;

/// A post the reader may read, or 404 (a post one may not read does not exist for them).
pub(crate) fn readable_post(
    conn: &mut DbConnection,
    reader: Reader,
    id: PostId,
) -> Result<Post, ApiError> {
    posts::find_readable(conn, reader, id)?.ok_or(ApiError::NotFound)
}

/// Policy check for commenting and reacting on a readable post: in a group, active members who
/// fit the audience; on a wall, any member who may read it.
pub(crate) fn require_participation(
    conn: &mut DbConnection,
    reader: Reader,
    post: &Post,
) -> Result<(), ApiError> {
    match post.group_id {
        Some(group) => super::groups::require_participation(conn, group, reader),
        None => Ok(()),
    }
}
