//! Associations: the directory, membership, followers, announcements and donation campaigns.

pub mod announcements;
pub mod campaigns;
pub mod create;
pub mod follow;
pub mod get;
pub mod list;
pub mod members;
pub mod webhook;

use entraide_domain::association::{
    Association, AssociationMembership, PublishRefusal, can_administer, can_publish,
};
use entraide_domain::error::Errors;
use entraide_domain::ids::{AssociationId, ConditionId, MemberId};
use entraide_persistence::{DbConnection, PersistenceError, associations};
use uuid::Uuid;

use crate::error::ApiError;

/// The most conditions an association or an announcement may name.
pub const MAX_CONDITIONS: usize = 20;

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
            code: "not_association_admin",
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
    match can_publish(association.status, membership) {
        Ok(()) => Ok(association),
        Err(PublishRefusal::NotAdmin) => Err(ApiError::Refused {
            code: "not_association_admin",
        }),
        Err(PublishRefusal::NotVerified) => Err(ApiError::Refused {
            code: "association_not_verified",
        }),
    }
}

/// Condition ids from the wire: at most [`MAX_CONDITIONS`].
pub(crate) fn condition_ids(errors: &mut Errors, field: &str, ids: Vec<Uuid>) -> Vec<ConditionId> {
    if ids.len() > MAX_CONDITIONS {
        errors.push(entraide_domain::FieldError::new(
            field,
            "too_many",
            format!("at most {MAX_CONDITIONS} conditions"),
        ));
    }
    ids.into_iter().map(ConditionId::from_uuid).collect()
}

/// Maps a foreign-key violation on a condition id to a field error.
pub(crate) fn unknown_condition(field: &'static str) -> impl Fn(PersistenceError) -> ApiError {
    move |error| match error {
        PersistenceError::ForeignKeyViolation(_) => {
            ApiError::field(field, "unknown_condition", "is not in GET /conditions")
        }
        other => other.into(),
    }
}
