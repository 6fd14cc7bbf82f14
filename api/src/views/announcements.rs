//! Announcements as the home feed shows them.

use chrono::Utc;
use entraide_openapi::associations::{Announcement, AssociationRef};
use entraide_persistence::{announcements, associations};

use crate::convert::associations as convert_associations;
use crate::error::ApiError;
use crate::extractors::AuthMember;

/// How many announcements the first feed page carries.
const FEED_ANNOUNCEMENTS: i64 = 5;

/// The announcements that open a member's first feed page, each with its association, in
/// two queries.
pub(crate) fn feed_announcements(
    conn: &mut entraide_persistence::DbConnection,
    member: AuthMember,
    now: chrono::DateTime<Utc>,
) -> Result<Vec<Announcement>, ApiError> {
    let found = announcements::for_member(conn, member.id, member.kind, now, FEED_ANNOUNCEMENTS)?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<_> = found.iter().map(|a| a.association_id).collect();
    ids.sort();
    ids.dedup();
    let refs = associations::refs(conn, &ids)?;
    found
        .into_iter()
        .map(|announcement| {
            let from = refs
                .iter()
                .find(|r| r.id == announcement.association_id)
                .ok_or_else(|| ApiError::internal("announcement without association"))?;
            Ok(convert_associations::announcement(
                announcement,
                AssociationRef {
                    id: from.id.as_uuid(),
                    name: from.name.clone(),
                    verified: from.verified,
                },
                now,
            ))
        })
        .collect()
}
