//! What `domain::rights` needs to decide, loaded once for every route that confers a right
//! (the editor right, committees and their seats, platform roles), and its refusals as problems.

use entraide_domain::ids::{AssociationId, MemberId};
use entraide_domain::rights::{Authority, Right, can_confer};
use entraide_persistence::{DbConnection, associations};

use crate::error::ApiError;
use crate::extractors::AuthMember;

/// The authority behind a right: the platform (`None`), or the association with where `actor`
/// and `target` stand with it. 404 when there is no such association.
pub(crate) fn authority(
    conn: &mut DbConnection,
    association: Option<AssociationId>,
    actor: MemberId,
    target: Option<MemberId>,
) -> Result<Authority, ApiError> {
    let Some(association) = association else {
        return Ok(Authority::Platform);
    };
    let status = associations::find(conn, association)?
        .ok_or(ApiError::NotFound)?
        .status;
    let target = match target {
        Some(target) => associations::membership(conn, association, target)?,
        None => None,
    };
    Ok(Authority::Association {
        status,
        actor: associations::membership(conn, association, actor)?,
        target,
    })
}

/// Loads the authority and applies `domain::rights::can_confer`.
pub(crate) fn require_confer(
    conn: &mut DbConnection,
    actor: AuthMember,
    target: Option<MemberId>,
    right: Right,
    association: Option<AssociationId>,
) -> Result<(), ApiError> {
    let authority = authority(conn, association, actor.id, target)?;
    can_confer(actor.id, actor.role, target, right, authority).map_err(ApiError::from)
}
