//! The integration kit: who manages an association's keys and webhooks, and what a key may do.

use entraide_domain::association::Association;
use entraide_domain::ids::{AssociationId, MemberId};
use entraide_domain::integration::{KeyRefusal, Scope, can_manage_integrations, key_allows};
use entraide_persistence::{DbConnection, associations};

use crate::access::associations::{load, require_publisher};
use crate::error::ApiError;
use crate::extractors::{Caller, KeyCaller};

/// The association, if `member` may create its keys and webhooks: an active admin of a
/// verified association (403 `not_association_admin`, `association_not_verified`).
pub(crate) fn require_integration_manager(
    conn: &mut DbConnection,
    id: AssociationId,
    member: MemberId,
) -> Result<Association, ApiError> {
    let (association, membership) = load(conn, id, Some(member))?;
    can_manage_integrations(association.status, membership)?;
    Ok(association)
}

/// The association, if the key may act on it with `scope`: its own association, a scope it
/// holds (403 `insufficient_scope`), while the association is verified. A key of another
/// association is refused before anything is loaded: it learns nothing about this one.
pub(crate) fn require_key(
    conn: &mut DbConnection,
    key: &KeyCaller,
    id: AssociationId,
    scope: Scope,
) -> Result<Association, ApiError> {
    if key.association_id != id {
        return Err(KeyRefusal::InsufficientScope.into());
    }
    let association = associations::find(conn, id)?.ok_or(ApiError::NotFound)?;
    key_allows(
        key.association_id,
        &key.scopes,
        id,
        association.status,
        scope,
    )?;
    Ok(association)
}

/// For operations an admin or a key may do in the association's name: the association and the
/// member the write is signed with (the admin, or the key's creator).
pub(crate) fn require_publisher_or_key(
    conn: &mut DbConnection,
    caller: &Caller,
    id: AssociationId,
    scope: Scope,
) -> Result<(Association, MemberId), ApiError> {
    match caller {
        Caller::Member(member) => Ok((require_publisher(conn, id, member.id)?, member.id)),
        Caller::Key(key) => Ok((require_key(conn, key, id, scope)?, key.created_by)),
    }
}
