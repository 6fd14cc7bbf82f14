//! The researcher right: who may create studies and read their pseudonymous answers. Granted
//! and withdrawn by platform admins only (`domain::rights`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::MemberId;

use crate::connection::DbConnection;
use crate::convert::to_db_time;
use crate::error::PersistenceError;
use crate::schema::researchers;

/// Grants the researcher right (replacing a previous grant).
pub fn grant(
    conn: &mut DbConnection,
    member: MemberId,
    granted_by: Option<MemberId>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::delete(researchers::table.find(member.to_string())).execute(conn)?;
    diesel::insert_into(researchers::table)
        .values((
            researchers::member_id.eq(member.to_string()),
            researchers::granted_by.eq(granted_by.map(|m| m.to_string())),
            researchers::granted_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Withdraws the researcher right; `false` when the member had none.
pub fn revoke(conn: &mut DbConnection, member: MemberId) -> Result<bool, PersistenceError> {
    Ok(diesel::delete(researchers::table.find(member.to_string())).execute(conn)? == 1)
}

/// Does the member hold the researcher right?
pub fn is_researcher(conn: &mut DbConnection, member: MemberId) -> Result<bool, PersistenceError> {
    Ok(researchers::table
        .find(member.to_string())
        .select(researchers::member_id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}
