//! Reviewers' decisions on a version (`resource_reviews`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{MemberId, VersionId};
use entraide_domain::resource::{Decision, Review};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::resource_reviews;

pub fn add_review(
    conn: &mut DbConnection,
    version: VersionId,
    reviewer: MemberId,
    decision: Decision,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(resource_reviews::table)
        .values((
            resource_reviews::id.eq(uuid::Uuid::now_v7().to_string()),
            resource_reviews::version_id.eq(version.to_string()),
            resource_reviews::reviewer_id.eq(reviewer.to_string()),
            resource_reviews::decision.eq(decision.as_str()),
            resource_reviews::comment.eq(comment),
            resource_reviews::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The reviews of a version, oldest first.
pub fn reviews(
    conn: &mut DbConnection,
    version: VersionId,
) -> Result<Vec<Review>, PersistenceError> {
    Ok(reviews_of(conn, &[version])?
        .remove(&version)
        .unwrap_or_default())
}

/// The reviews of several versions, oldest first within each, in one query.
pub fn reviews_of(
    conn: &mut DbConnection,
    versions: &[VersionId],
) -> Result<HashMap<VersionId, Vec<Review>>, PersistenceError> {
    let mut out: HashMap<VersionId, Vec<Review>> = HashMap::new();
    if versions.is_empty() {
        return Ok(out);
    }
    let keys: Vec<String> = versions.iter().map(ToString::to_string).collect();
    let rows = resource_reviews::table
        .filter(resource_reviews::version_id.eq_any(&keys))
        .select((
            resource_reviews::version_id,
            resource_reviews::reviewer_id,
            resource_reviews::decision,
            resource_reviews::comment,
            resource_reviews::created_at,
        ))
        .order((resource_reviews::created_at, resource_reviews::id))
        .load::<(String, String, String, String, NaiveDateTime)>(conn)?;
    for (version, reviewer, decision, comment, at) in rows {
        out.entry(parse_id(&version)?).or_default().push(Review {
            reviewer_id: parse_id(&reviewer)?,
            decision: parse_enum(&decision, Decision::parse)?,
            comment,
            created_at: from_db_time(at),
        });
    }
    Ok(out)
}
