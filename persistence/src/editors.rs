//! The editor right: who may add and vouch for places and write resources. A grant comes from
//! the platform or from an association, and one from an association applies only while it is
//! verified (`domain::rights::grant_applies`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{AssociationId, MemberId};

use crate::connection::DbConnection;
use crate::convert::{parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::editors;

/// Grants the editor right (replacing a previous grant).
pub fn grant_editor(
    conn: &mut DbConnection,
    member: MemberId,
    association: Option<AssociationId>,
    granted_by: MemberId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::delete(editors::table.find(member.to_string())).execute(conn)?;
    diesel::insert_into(editors::table)
        .values((
            editors::member_id.eq(member.to_string()),
            editors::association_id.eq(association.map(|a| a.to_string())),
            editors::granted_by.eq(granted_by.to_string()),
            editors::granted_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Withdraws the editor right; `false` when the member had none.
pub fn revoke_editor(conn: &mut DbConnection, member: MemberId) -> Result<bool, PersistenceError> {
    Ok(diesel::delete(editors::table.find(member.to_string())).execute(conn)? == 1)
}

/// Does the member hold the editor right now? A grant of the platform, or of an association
/// that is verified (`domain::rights::grant_applies`): a grant from an association that is not
/// verified is inert.
pub fn is_editor(conn: &mut DbConnection, member: MemberId) -> Result<bool, PersistenceError> {
    let found = editors::table
        .filter(editors::member_id.eq(member.to_string()))
        .filter(
            editors::association_id
                .is_null()
                .or(editors::association_id.eq_any(verified_association_ids!())),
        )
        .select(editors::member_id)
        .first::<String>(conn)
        .optional()?;
    Ok(found.is_some())
}

/// The editor grant of a member as stored, if any: which association granted it (`None`: the
/// platform), whether it applies or not (to withdraw it; use [`is_editor`] to check the right).
pub fn editor_grant(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<Option<AssociationId>>, PersistenceError> {
    editors::table
        .find(member.to_string())
        .select(editors::association_id)
        .first::<Option<String>>(conn)
        .optional()?
        .map(|a| a.as_deref().map(parse_id).transpose())
        .transpose()
}
