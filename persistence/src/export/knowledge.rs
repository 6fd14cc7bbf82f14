//! The knowledge base: the editor right, committee seats, resources, versions and reviews the
//! member wrote, places they created or vouched for, and rights they granted.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{AssociationId, CommitteeId, MemberId, PlaceId, ResourceId, VersionId};
use entraide_domain::resource::{Decision, Expertise, ResourceKind, VersionStatus};

use super::community::{NamedRecord, created};
use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id};
use crate::error::PersistenceError;
use crate::schema::{
    committee_members, committees, editors, places, resource_reviews, resource_versions, resources,
};

/// The member's editor right: granted by an association (`Some`) or the platform (`None`),
/// and when. Who among the staff granted it is not said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorRecord {
    pub association_id: Option<AssociationId>,
    pub granted_at: DateTime<Utc>,
}

pub fn editor_right(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<EditorRecord>, PersistenceError> {
    editors::table
        .find(member.to_string())
        .select((editors::association_id, editors::granted_at))
        .first::<(Option<String>, NaiveDateTime)>(conn)
        .optional()?
        .map(|(association, granted_at)| {
            Ok(EditorRecord {
                association_id: association.as_deref().map(parse_id).transpose()?,
                granted_at: from_db_time(granted_at),
            })
        })
        .transpose()
}

/// A right the member granted to another member (still held by them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRecord {
    pub member_id: MemberId,
    pub granted_at: DateTime<Utc>,
}

fn grants(rows: Vec<(String, NaiveDateTime)>) -> Result<Vec<GrantRecord>, PersistenceError> {
    rows.into_iter()
        .map(|(member, granted_at)| {
            Ok(GrantRecord {
                member_id: parse_id(&member)?,
                granted_at: from_db_time(granted_at),
            })
        })
        .collect()
}

/// The editor rights the member granted.
pub fn editor_grants_made(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<GrantRecord>, PersistenceError> {
    let rows = editors::table
        .filter(editors::granted_by.eq(member.to_string()))
        .select((editors::member_id, editors::granted_at))
        .order((editors::granted_at.asc(), editors::member_id.asc()))
        .load(conn)?;
    grants(rows)
}

/// The researcher rights the member granted.
pub fn researcher_grants_made(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<GrantRecord>, PersistenceError> {
    use crate::schema::researchers;
    let rows = researchers::table
        .filter(researchers::granted_by.eq(member.to_string()))
        .select((researchers::member_id, researchers::granted_at))
        .order((researchers::granted_at.asc(), researchers::member_id.asc()))
        .load(conn)?;
    grants(rows)
}

/// A seat on a scientific committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitteeSeatRecord {
    pub committee_id: CommitteeId,
    pub committee_name: String,
    pub expertise: Expertise,
    pub added_at: DateTime<Utc>,
    pub declared_interests: String,
}

pub fn committee_seats(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<CommitteeSeatRecord>, PersistenceError> {
    committee_members::table
        .inner_join(committees::table)
        .filter(committee_members::member_id.eq(member.to_string()))
        .select((
            committee_members::committee_id,
            committees::name,
            committee_members::expertise,
            committee_members::added_at,
            committee_members::declared_interests,
        ))
        .order((
            committee_members::added_at.asc(),
            committee_members::committee_id.asc(),
        ))
        .load::<(String, String, String, NaiveDateTime, String)>(conn)?
        .into_iter()
        .map(
            |(committee, name, expertise, added_at, declared_interests)| {
                Ok(CommitteeSeatRecord {
                    committee_id: parse_id(&committee)?,
                    committee_name: name,
                    expertise: parse_enum(&expertise, Expertise::parse)?,
                    added_at: from_db_time(added_at),
                    declared_interests,
                })
            },
        )
        .collect()
}

/// The committees the member created.
pub fn committees_created(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<NamedRecord>, PersistenceError> {
    let rows = committees::table
        .filter(committees::created_by.eq(member.to_string()))
        .select((committees::id, committees::name, committees::created_at))
        .order(committees::id.asc())
        .load(conn)?;
    created(rows)
}

/// A resource the member authored (what does not change between versions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRecord {
    pub id: ResourceId,
    pub kind: ResourceKind,
    pub language: String,
    pub committee_id: CommitteeId,
    pub created_at: DateTime<Utc>,
}

pub fn resources_authored(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<ResourceRecord>, PersistenceError> {
    resources::table
        .filter(resources::author_id.eq(member.to_string()))
        .select((
            resources::id,
            resources::kind,
            resources::language,
            resources::committee_id,
            resources::created_at,
        ))
        .order(resources::id.asc())
        .load::<(String, String, String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, kind, language, committee, created_at)| {
            Ok(ResourceRecord {
                id: parse_id(&id)?,
                kind: parse_enum(&kind, ResourceKind::parse)?,
                language,
                committee_id: parse_id(&committee)?,
                created_at: from_db_time(created_at),
            })
        })
        .collect()
}

/// A version of a resource the member wrote: its text as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    pub id: VersionId,
    pub resource_id: ResourceId,
    pub number: i32,
    pub status: VersionStatus,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

type VersionRow = (
    String,
    String,
    i32,
    String,
    String,
    String,
    String,
    Option<String>,
    NaiveDateTime,
    NaiveDateTime,
);

pub fn versions_written(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<VersionRecord>, PersistenceError> {
    resource_versions::table
        .filter(resource_versions::created_by.eq(member.to_string()))
        .select((
            resource_versions::id,
            resource_versions::resource_id,
            resource_versions::number,
            resource_versions::status,
            resource_versions::title,
            resource_versions::summary,
            resource_versions::body,
            resource_versions::url,
            resource_versions::created_at,
            resource_versions::updated_at,
        ))
        .order(resource_versions::id.asc())
        .load::<VersionRow>(conn)?
        .into_iter()
        .map(
            |(id, resource, number, status, title, summary, body, url, created_at, updated_at)| {
                Ok(VersionRecord {
                    id: parse_id(&id)?,
                    resource_id: parse_id(&resource)?,
                    number,
                    status: parse_enum(&status, VersionStatus::parse)?,
                    title,
                    summary,
                    body,
                    url,
                    created_at: from_db_time(created_at),
                    updated_at: from_db_time(updated_at),
                })
            },
        )
        .collect()
}

/// A review the member gave as a committee member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    pub id: uuid::Uuid,
    pub version_id: VersionId,
    pub decision: Decision,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

pub fn reviews_given(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<ReviewRecord>, PersistenceError> {
    resource_reviews::table
        .filter(resource_reviews::reviewer_id.eq(member.to_string()))
        .select((
            resource_reviews::id,
            resource_reviews::version_id,
            resource_reviews::decision,
            resource_reviews::comment,
            resource_reviews::created_at,
        ))
        .order(resource_reviews::id.asc())
        .load::<(String, String, String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, version, decision, comment, created_at)| {
            Ok(ReviewRecord {
                id: parse_id(&id)?,
                version_id: parse_id(&version)?,
                decision: parse_enum(&decision, Decision::parse)?,
                comment,
                created_at: from_db_time(created_at),
            })
        })
        .collect()
}

/// A place of the directory the member created or last vouched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceRecord {
    pub id: PlaceId,
    pub name: String,
    pub created: bool,
    pub verified: bool,
    pub created_at: DateTime<Utc>,
    pub verified_at: DateTime<Utc>,
}

pub fn places(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<PlaceRecord>, PersistenceError> {
    let me = member.to_string();
    places::table
        .filter(places::created_by.eq(&me).or(places::verified_by.eq(&me)))
        .select((
            places::id,
            places::name,
            places::created_by,
            places::verified_by,
            places::created_at,
            places::verified_at,
        ))
        .order(places::id.asc())
        .load::<(
            String,
            String,
            String,
            Option<String>,
            NaiveDateTime,
            NaiveDateTime,
        )>(conn)?
        .into_iter()
        .map(
            |(id, name, created_by, verified_by, created_at, verified_at)| {
                Ok(PlaceRecord {
                    id: parse_id(&id)?,
                    name,
                    created: created_by == me,
                    verified: verified_by.as_deref() == Some(me.as_str()),
                    created_at: from_db_time(created_at),
                    verified_at: from_db_time(verified_at),
                })
            },
        )
        .collect()
}
