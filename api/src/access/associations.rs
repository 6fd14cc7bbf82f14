//! Associations: their admins and who may speak in their name.

use entraide_domain::association::{
    Association, AssociationMembership, can_administer, can_publish,
};
use entraide_domain::ids::{AssociationId, MemberId};
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::{DbConnection, associations};

use crate::error::ApiError;

/// The association and the member's standing in it; 404 when there is no such association.
pub(crate) fn load(
    conn: &mut DbConnection,
    id: AssociationId,
    member: Option<MemberId>,
) -> Result<(Association, Option<AssociationMembership>), ApiError> {
    let association = associations::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let membership = match member {
        Some(member) => associations::membership(conn, id, member)?,
        None => None,
    };
    Ok((association, membership))
}

/// The association, if `member` is one of its active admins; 403 `not_association_admin`
/// otherwise.
pub(crate) fn require_admin(
    conn: &mut DbConnection,
    id: AssociationId,
    member: MemberId,
) -> Result<(Association, AssociationMembership), ApiError> {
    let (association, membership) = load(conn, id, Some(member))?;
    match membership {
        Some(m) if can_administer(Some(m)) => Ok((association, m)),
        _ => Err(ApiError::Refused {
            code: ProblemCode::NotAssociationAdmin,
        }),
    }
}

/// The association, if `member` may speak in its name (an admin, once it is verified).
pub(crate) fn require_publisher(
    conn: &mut DbConnection,
    id: AssociationId,
    member: MemberId,
) -> Result<Association, ApiError> {
    let (association, membership) = load(conn, id, Some(member))?;
    can_publish(association.status, membership)?;
    Ok(association)
}
