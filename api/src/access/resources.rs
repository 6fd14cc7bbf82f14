//! Resources: loading one, and who may see its work in progress.

use entraide_domain::ids::{MemberId, ResourceId};
use entraide_domain::resource::{Resource, can_see_work};
use entraide_persistence::{DbConnection, places, resources};

use crate::error::ApiError;

/// May `actor` see the resource's work in progress?
pub(crate) fn sees_work(
    conn: &mut DbConnection,
    resource: &Resource,
    actor: Option<MemberId>,
) -> Result<bool, ApiError> {
    let Some(actor) = actor else {
        return Ok(false);
    };
    let is_editor = places::is_editor(conn, actor)?;
    let in_committee = resources::expertise_in(conn, resource.committee_id, actor)?.is_some();
    Ok(can_see_work(
        actor,
        resource.author_id,
        is_editor,
        in_committee,
    ))
}

/// The resource; 404 when there is none.
pub(crate) fn load(conn: &mut DbConnection, id: ResourceId) -> Result<Resource, ApiError> {
    resources::find(conn, id)?.ok_or(ApiError::NotFound)
}
