//! Places: who may write the directory.

use entraide_domain::association::can_administer;
use entraide_domain::ids::{AssociationId, MemberId};
use entraide_domain::place::can_write_place;
use entraide_persistence::{DbConnection, associations, places};

use crate::error::ApiError;

/// 403 `not_an_editor` unless the actor is an editor, or an admin of `association` once it is
/// verified.
pub(crate) fn require_writer(
    conn: &mut DbConnection,
    actor: MemberId,
    association: Option<AssociationId>,
) -> Result<(), ApiError> {
    let is_editor = places::is_editor(conn, actor)?;
    let (admin, status) = match association {
        Some(association) => (
            can_administer(associations::membership(conn, association, actor)?),
            associations::find(conn, association)?.map(|a| a.status),
        ),
        None => (false, None),
    };
    Ok(can_write_place(is_editor, admin, status)?)
}
