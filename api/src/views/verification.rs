//! Verification requests as lists show them: with who asked, and their cursor.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a page of requests continues: after this (created_at, id).
#[derive(Serialize, Deserialize)]
pub(crate) struct Cursor {
    #[serde(deserialize_with = "crate::pagination::instant")]
    t: DateTime<Utc>,
    i: Uuid,
}

impl Cursor {
    pub(crate) fn of(item: &entraide_openapi::verification::VerificationRequestItem) -> Self {
        Self {
            t: item.created_at,
            i: item.id,
        }
    }

    pub(crate) fn key(&self) -> entraide_persistence::verification::RequestKey {
        (
            self.t,
            entraide_domain::ids::VerificationRequestId::from_uuid(self.i),
        )
    }
}

/// Requests with the summaries of who asked, loaded in one query.
pub(crate) fn with_members(
    conn: &mut entraide_persistence::DbConnection,
    requests: Vec<entraide_domain::verification::VerificationRequest>,
) -> Result<Vec<entraide_openapi::verification::VerificationRequestItem>, crate::error::ApiError> {
    let people = crate::views::members::authors(conn, requests.iter().map(|r| r.member_id))?;
    requests
        .into_iter()
        .map(|r| {
            let member = crate::views::members::author_of(&people, r.member_id)?;
            Ok(crate::convert::verification::request(r, member))
        })
        .collect()
}
