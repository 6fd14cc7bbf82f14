//! Reads across resources and their versions: the published library and a committee's queue.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{CommitteeId, ConditionId, ResourceId};
use entraide_domain::resource::{Resource, ResourceAudience, ResourceKind, Version, VersionStatus};

use super::resource::{ResourceRow, find, resources_with_conditions};
use super::versions::VersionRow;
use crate::connection::DbConnection;
use crate::convert::to_db_time;
use crate::error::PersistenceError;
use crate::schema::{resource_conditions, resource_versions, resources};

/// Filters of the library.
#[derive(Debug, Clone, Default)]
pub struct ResourceFilter {
    pub kind: Option<ResourceKind>,
    pub condition_id: Option<ConditionId>,
    pub audience: Option<ResourceAudience>,
    pub language: Option<String>,
    /// Title contains (case-insensitive).
    pub text: Option<String>,
    /// Only sponsored resources (`true`) or only those without a sponsor (`false`).
    pub sponsored: Option<bool>,
}

/// Published resources with their published version, in title order after (title key, id).
pub fn list_published(
    conn: &mut DbConnection,
    filter: &ResourceFilter,
    after: Option<(String, ResourceId)>,
    limit: i64,
) -> Result<Vec<(Resource, Version)>, PersistenceError> {
    let mut select = resource_versions::table
        .inner_join(resources::table)
        .filter(resource_versions::status.eq(VersionStatus::Published.as_str()))
        .select((ResourceRow::as_select(), VersionRow::as_select()))
        .order((resource_versions::title_key, resource_versions::resource_id))
        .limit(limit)
        .into_boxed();
    if let Some(kind) = filter.kind {
        select = select.filter(resources::kind.eq(kind.as_str()));
    }
    if let Some(audience) = filter.audience {
        select = select.filter(resources::audience.eq(audience.as_str()));
    }
    if let Some(language) = &filter.language {
        select = select.filter(resources::language.eq(language.clone()));
    }
    if let Some(condition) = filter.condition_id {
        select = select.filter(
            resources::id.eq_any(
                resource_conditions::table
                    .filter(resource_conditions::condition_id.eq(condition.to_string()))
                    .select(resource_conditions::resource_id),
            ),
        );
    }
    if let Some(text) = &filter.text {
        select = select.filter(
            resource_versions::title_key
                .like(crate::dialect::like_contains(text))
                .escape('\\'),
        );
    }
    match filter.sponsored {
        Some(true) => select = select.filter(resources::sponsor_name.is_not_null()),
        Some(false) => select = select.filter(resources::sponsor_name.is_null()),
        None => {}
    }
    if let Some((title, id)) = after {
        select = select.filter(
            resource_versions::title_key
                .gt(title.clone())
                .or(resource_versions::title_key
                    .eq(title)
                    .and(resource_versions::resource_id.gt(id.to_string()))),
        );
    }
    let rows = select.load::<(ResourceRow, VersionRow)>(conn)?;
    let (resource_rows, version_rows): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    let found = resources_with_conditions(conn, resource_rows)?;
    found
        .into_iter()
        .zip(version_rows)
        .map(|(r, v)| Ok((r, v.into_domain()?)))
        .collect()
}

/// Published resources about any of `conditions`, with their published version, most
/// recently published first (a condition's hub, the followed conditions' feed). Resources are
/// public once published: no reader filter applies.
pub fn published_about(
    conn: &mut DbConnection,
    conditions: &[ConditionId],
    limit: i64,
) -> Result<Vec<(Resource, Version)>, PersistenceError> {
    if conditions.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = conditions.iter().map(ToString::to_string).collect();
    let rows = resource_versions::table
        .inner_join(resources::table)
        .filter(resource_versions::status.eq(VersionStatus::Published.as_str()))
        .filter(
            resources::id.eq_any(
                resource_conditions::table
                    .filter(resource_conditions::condition_id.eq_any(keys))
                    .select(resource_conditions::resource_id),
            ),
        )
        .select((ResourceRow::as_select(), VersionRow::as_select()))
        .order((
            resource_versions::published_at.desc(),
            resource_versions::resource_id.desc(),
        ))
        .limit(limit)
        .load::<(ResourceRow, VersionRow)>(conn)?;
    let (resource_rows, version_rows): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    let found = resources_with_conditions(conn, resource_rows)?;
    found
        .into_iter()
        .zip(version_rows)
        .map(|(r, v)| Ok((r, v.into_domain()?)))
        .collect()
}

/// How many published resources are about the condition (the hub's count).
pub fn count_published_about(
    conn: &mut DbConnection,
    condition: ConditionId,
) -> Result<i64, PersistenceError> {
    Ok(resource_versions::table
        .filter(resource_versions::status.eq(VersionStatus::Published.as_str()))
        .filter(
            resource_versions::resource_id.eq_any(
                resource_conditions::table
                    .filter(resource_conditions::condition_id.eq(condition.to_string()))
                    .select(resource_conditions::resource_id),
            ),
        )
        .count()
        .get_result(conn)?)
}

/// A committee's work: versions waiting for review (oldest submission first), then published
/// versions past their re-review date.
pub fn queue(
    conn: &mut DbConnection,
    committee: CommitteeId,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(Resource, Version)>, PersistenceError> {
    let of_committee = resources::table
        .filter(resources::committee_id.eq(committee.to_string()))
        .select(resources::id);
    let waiting = resource_versions::table
        .filter(resource_versions::resource_id.eq_any(of_committee))
        .filter(
            resource_versions::status
                .eq(VersionStatus::Submitted.as_str())
                .or(resource_versions::status.eq(VersionStatus::InReview.as_str()))
                .or(resource_versions::status
                    .eq(VersionStatus::Published.as_str())
                    .and(resource_versions::review_due_at.le(to_db_time(now)))),
        )
        .select(VersionRow::as_select())
        .order((resource_versions::submitted_at, resource_versions::id))
        .limit(limit)
        .load::<VersionRow>(conn)?;
    let mut out = Vec::with_capacity(waiting.len());
    for row in waiting {
        let version = row.into_domain()?;
        let resource = find(conn, version.resource_id)?.ok_or(PersistenceError::NotFound)?;
        out.push((resource, version));
    }
    Ok(out)
}
