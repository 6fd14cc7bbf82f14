//! Member summaries (authors, organisers), loaded in one query for a batch.

use std::collections::{BTreeSet, HashMap};

use entraide_domain::ids::MemberId;
use entraide_openapi::groups::MemberSummary;
use entraide_persistence::{DbConnection, members};

use crate::convert::posts as convert;
use crate::error::ApiError;

pub(crate) fn authors(
    conn: &mut DbConnection,
    ids: impl Iterator<Item = MemberId>,
) -> Result<HashMap<MemberId, MemberSummary>, ApiError> {
    let ids: Vec<_> = ids.collect::<BTreeSet<_>>().into_iter().collect();
    Ok(members::summaries(conn, &ids)?
        .into_iter()
        .map(|(id, pseudonym, kind, badge)| (id, convert::summary(id, &pseudonym, kind, badge)))
        .collect())
}

pub(crate) fn author_of(
    authors: &HashMap<MemberId, MemberSummary>,
    id: MemberId,
) -> Result<MemberSummary, ApiError> {
    authors
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("author {id} not found")))
}
