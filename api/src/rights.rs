//! What `domain::rights` needs to decide, loaded once for every route that confers a right
//! (the editor right, committees and their seats, platform roles), and its refusals as problems.

use entraide_domain::ids::{AssociationId, MemberId};
use entraide_domain::rights::{Authority, GrantRefusal, Right, can_confer};
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

/// A refused grant as a problem: 403 `self_grant`, `forbidden`,
/// `association_not_verified` or `not_association_member`.
pub(crate) fn refusal(refusal: GrantRefusal) -> ApiError {
    match refusal {
        GrantRefusal::SelfGrant => ApiError::Refused { code: "self_grant" },
        GrantRefusal::NotAuthorized => ApiError::Forbidden,
        GrantRefusal::AssociationNotVerified => ApiError::Refused {
            code: "association_not_verified",
        },
        GrantRefusal::TargetNotInAssociation => ApiError::Refused {
            code: "not_association_member",
        },
    }
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
    can_confer(actor.id, actor.role, target, right, authority).map_err(refusal)
}
