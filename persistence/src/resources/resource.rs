//! The `resources` table and the conditions a resource is about (`resource_conditions`).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{CommitteeId, ConditionId, MemberId, ResourceId};
use entraide_domain::resource::{Content, Resource, ResourceAudience, ResourceKind, Version};
use entraide_domain::sponsor::Sponsor;

use super::versions::insert_version;
use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::resources;
use crate::sponsors::{cells, from_cells};

#[derive(Queryable, Selectable)]
#[diesel(table_name = resources)]
pub(super) struct ResourceRow {
    id: String,
    kind: String,
    language: String,
    audience: String,
    committee_id: String,
    author_id: String,
    sponsor_name: Option<String>,
    sponsor_kind: Option<String>,
    sponsor_links: Option<String>,
    created_at: NaiveDateTime,
}

impl ResourceRow {
    pub(super) fn into_domain(
        self,
        condition_ids: Vec<ConditionId>,
    ) -> Result<Resource, PersistenceError> {
        let Self {
            id,
            kind,
            language,
            audience,
            committee_id,
            author_id,
            sponsor_name,
            sponsor_kind,
            sponsor_links,
            created_at,
        } = self;
        Ok(Resource {
            id: parse_id(&id)?,
            kind: parse_enum(&kind, ResourceKind::parse)?,
            language,
            audience: parse_enum(&audience, ResourceAudience::parse)?,
            committee_id: parse_id(&committee_id)?,
            author_id: parse_id(&author_id)?,
            condition_ids,
            sponsor: from_cells(sponsor_name, sponsor_kind, sponsor_links)?,
            created_at: from_db_time(created_at),
        })
    }
}

condition_links!(resource_conditions, resource_id);

pub(super) fn resources_with_conditions(
    conn: &mut DbConnection,
    rows: Vec<ResourceRow>,
) -> Result<Vec<Resource>, PersistenceError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut links = condition_links(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let conditions = links.remove(&row.id).unwrap_or_default();
            row.into_domain(conditions)
        })
        .collect()
}

/// What a new resource is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResource {
    pub kind: ResourceKind,
    pub language: String,
    pub audience: ResourceAudience,
    pub committee_id: CommitteeId,
    pub condition_ids: Vec<ConditionId>,
    pub sponsor: Option<Sponsor>,
}

/// Creates a resource with its first version, a draft. Call in a transaction.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewResource,
    content: &Content,
    author: MemberId,
    now: DateTime<Utc>,
) -> Result<(Resource, Version), PersistenceError> {
    let NewResource {
        kind,
        language,
        audience,
        committee_id,
        condition_ids,
        sponsor,
    } = new;
    let sponsor = cells(sponsor.as_ref());
    let id = ResourceId::new();
    let at = to_db_time(now);
    diesel::insert_into(resources::table)
        .values((
            resources::id.eq(id.to_string()),
            resources::kind.eq(kind.as_str()),
            resources::language.eq(language),
            resources::audience.eq(audience.as_str()),
            resources::committee_id.eq(committee_id.to_string()),
            resources::author_id.eq(author.to_string()),
            resources::sponsor_name.eq(sponsor.name),
            resources::sponsor_kind.eq(sponsor.kind),
            resources::sponsor_links.eq(sponsor.links),
            resources::created_at.eq(at),
            resources::updated_at.eq(at),
        ))
        .execute(conn)?;
    set_conditions(conn, id, condition_ids)?;
    let version = insert_version(conn, id, 1, content, author, now)?;
    let resource = find(conn, id)?.ok_or(PersistenceError::NotFound)?;
    Ok((resource, version))
}

/// Replaces a resource's conditions.
pub fn set_conditions(
    conn: &mut DbConnection,
    id: ResourceId,
    conditions: &[ConditionId],
) -> Result<(), PersistenceError> {
    replace_condition_links(conn, &id.to_string(), conditions)
}

pub fn find(conn: &mut DbConnection, id: ResourceId) -> Result<Option<Resource>, PersistenceError> {
    let row = resources::table
        .find(id.to_string())
        .select(ResourceRow::as_select())
        .first::<ResourceRow>(conn)
        .optional()?;
    Ok(match row {
        Some(row) => resources_with_conditions(conn, vec![row])?.pop(),
        None => None,
    })
}

/// Changes who a resource is for.
pub fn set_audience(
    conn: &mut DbConnection,
    id: ResourceId,
    audience: ResourceAudience,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(resources::table.find(id.to_string()))
        .set((
            resources::audience.eq(audience.as_str()),
            resources::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Declares, replaces or (with `None`) withdraws a resource's sponsor.
pub fn set_sponsor(
    conn: &mut DbConnection,
    id: ResourceId,
    sponsor: Option<&Sponsor>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let sponsor = cells(sponsor);
    diesel::update(resources::table.find(id.to_string()))
        .set((
            resources::sponsor_name.eq(sponsor.name),
            resources::sponsor_kind.eq(sponsor.kind),
            resources::sponsor_links.eq(sponsor.links),
            resources::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Who wrote the resource: its author and every member who made one of its versions.
pub fn contributors(
    conn: &mut DbConnection,
    resource: &Resource,
) -> Result<Vec<MemberId>, PersistenceError> {
    use crate::schema::resource_versions;
    let mut found = vec![resource.author_id];
    for id in resource_versions::table
        .filter(resource_versions::resource_id.eq(resource.id.to_string()))
        .select(resource_versions::created_by)
        .distinct()
        .load::<String>(conn)?
    {
        let member: MemberId = parse_id(&id)?;
        if !found.contains(&member) {
            found.push(member);
        }
    }
    Ok(found)
}
