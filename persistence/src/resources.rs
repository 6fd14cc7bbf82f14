//! Committees, resources, their versions and reviews.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{
    AssociationId, CommitteeId, ConditionId, MemberId, ResourceId, VersionId,
};
use entraide_domain::member::{MemberKind, Pseudonym};
use entraide_domain::post::Body;
use entraide_domain::resource::{
    Committee, Content, Decision, Expertise, Resource, ResourceAudience, ResourceKind, Review,
    Version, VersionStatus,
};
use entraide_domain::text::{Description, Label, Title, WebUrl};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{
    committee_members, committees, members, resource_conditions, resource_reviews,
    resource_versions, resources,
};

// ---------------------------------------------------------------- committees

#[derive(Queryable, Selectable)]
#[diesel(table_name = committees)]
struct CommitteeRow {
    id: String,
    name: String,
    description: String,
    association_id: Option<String>,
    quorum: i32,
    created_at: NaiveDateTime,
}

fn committee_from(row: CommitteeRow, member_count: i64) -> Result<Committee, PersistenceError> {
    let CommitteeRow {
        id,
        name,
        description,
        association_id,
        quorum,
        created_at,
    } = row;
    Ok(Committee {
        id: parse_id(&id)?,
        name: Title::from_stored(name),
        description: Description::from_stored(description),
        association_id: association_id.as_deref().map(parse_id).transpose()?,
        quorum,
        member_count,
        created_at: from_db_time(created_at),
    })
}

/// Committees from their rows, with their member counts counted in one query.
fn committees_from(
    conn: &mut DbConnection,
    rows: Vec<CommitteeRow>,
) -> Result<Vec<Committee>, PersistenceError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let counts: HashMap<String, i64> = committee_members::table
        .filter(committee_members::committee_id.eq_any(&ids))
        .group_by(committee_members::committee_id)
        .select((committee_members::committee_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|row| {
            let count = counts.get(&row.id).copied().unwrap_or(0);
            committee_from(row, count)
        })
        .collect()
}

pub fn insert_committee(
    conn: &mut DbConnection,
    name: &Title,
    description: &Description,
    association: Option<AssociationId>,
    quorum: i32,
    creator: MemberId,
    now: DateTime<Utc>,
) -> Result<Committee, PersistenceError> {
    let id = CommitteeId::new();
    diesel::insert_into(committees::table)
        .values((
            committees::id.eq(id.to_string()),
            committees::name.eq(name.as_str()),
            committees::name_key.eq(name.key()),
            committees::description.eq(description.as_str()),
            committees::association_id.eq(association.map(|a| a.to_string())),
            committees::quorum.eq(quorum),
            committees::created_by.eq(creator.to_string()),
            committees::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    find_committee(conn, id)?.ok_or(PersistenceError::NotFound)
}

pub fn find_committee(
    conn: &mut DbConnection,
    id: CommitteeId,
) -> Result<Option<Committee>, PersistenceError> {
    Ok(committees_by_id(conn, &[id])?.pop())
}

/// Committees by id (unknown ids are left out), in two queries whatever their number.
pub fn committees_by_id(
    conn: &mut DbConnection,
    ids: &[CommitteeId],
) -> Result<Vec<Committee>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows = committees::table
        .filter(committees::id.eq_any(&keys))
        .select(CommitteeRow::as_select())
        .load::<CommitteeRow>(conn)?;
    committees_from(conn, rows)
}

/// Committees in name order, after `after` (a lower-cased name and id).
pub fn list_committees(
    conn: &mut DbConnection,
    after: Option<(String, CommitteeId)>,
    limit: i64,
) -> Result<Vec<Committee>, PersistenceError> {
    let mut select = committees::table
        .select(CommitteeRow::as_select())
        .order((committees::name_key, committees::id))
        .limit(limit)
        .into_boxed();
    if let Some((name, id)) = after {
        select = select.filter(
            committees::name_key
                .gt(name.clone())
                .or(committees::name_key
                    .eq(name)
                    .and(committees::id.gt(id.to_string()))),
        );
    }
    let rows = select.load::<CommitteeRow>(conn)?;
    committees_from(conn, rows)
}

/// Adds a member to a committee, or changes their expertise.
pub fn set_committee_member(
    conn: &mut DbConnection,
    committee: CommitteeId,
    member: MemberId,
    expertise: Expertise,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::delete(committee_members::table.find((committee.to_string(), member.to_string())))
        .execute(conn)?;
    diesel::insert_into(committee_members::table)
        .values((
            committee_members::committee_id.eq(committee.to_string()),
            committee_members::member_id.eq(member.to_string()),
            committee_members::expertise.eq(expertise.as_str()),
            committee_members::added_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A member's expertise in a committee, if they sit on it.
pub fn expertise_in(
    conn: &mut DbConnection,
    committee: CommitteeId,
    member: MemberId,
) -> Result<Option<Expertise>, PersistenceError> {
    Ok(expertise_of(conn, member, &[committee])?.remove(&committee))
}

/// A committee member, as validation blocks show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    pub member_id: MemberId,
    pub pseudonym: Pseudonym,
    pub kind: MemberKind,
    /// `None` when they no longer sit on the committee.
    pub expertise: Option<Expertise>,
}

/// The committees among `committees` that `member` sits on, with their expertise. A seat on a
/// committee of an association that is not verified is inert and left out
/// (`domain::rights::grant_applies`).
pub fn expertise_of(
    conn: &mut DbConnection,
    member: MemberId,
    committees: &[CommitteeId],
) -> Result<HashMap<CommitteeId, Expertise>, PersistenceError> {
    if committees.is_empty() {
        return Ok(HashMap::new());
    }
    let keys: Vec<String> = committees.iter().map(ToString::to_string).collect();
    let live_committees = committees::table
        .filter(
            committees::association_id
                .is_null()
                .or(committees::association_id.eq_any(verified_association_ids!())),
        )
        .select(committees::id);
    committee_members::table
        .filter(committee_members::member_id.eq(member.to_string()))
        .filter(committee_members::committee_id.eq_any(&keys))
        .filter(committee_members::committee_id.eq_any(live_committees))
        .select((
            committee_members::committee_id,
            committee_members::expertise,
        ))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(committee, expertise)| {
            Ok((
                parse_id(&committee)?,
                parse_enum(&expertise, Expertise::parse)?,
            ))
        })
        .collect()
}

/// Reviewers as validation blocks show them, for `(committee, member)` pairs: pseudonym and
/// kind, and their expertise in that committee (`None` if they left it). Two queries whatever
/// the number of pairs; members who no longer exist are left out.
pub fn reviewers(
    conn: &mut DbConnection,
    pairs: &[(CommitteeId, MemberId)],
) -> Result<HashMap<(CommitteeId, MemberId), Reviewer>, PersistenceError> {
    if pairs.is_empty() {
        return Ok(HashMap::new());
    }
    let mut member_keys: Vec<String> = pairs.iter().map(|(_, m)| m.to_string()).collect();
    member_keys.sort();
    member_keys.dedup();
    let mut committee_keys: Vec<String> = pairs.iter().map(|(c, _)| c.to_string()).collect();
    committee_keys.sort();
    committee_keys.dedup();
    let people: HashMap<MemberId, (Pseudonym, MemberKind)> = members::table
        .filter(members::id.eq_any(&member_keys))
        .select((members::id, members::pseudonym, members::kind))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(id, pseudonym, kind)| {
            Ok((
                parse_id(&id)?,
                (
                    Pseudonym::from_stored(pseudonym),
                    parse_enum(&kind, MemberKind::parse)?,
                ),
            ))
        })
        .collect::<Result<_, PersistenceError>>()?;
    let seats: HashMap<(CommitteeId, MemberId), Expertise> = committee_members::table
        .filter(committee_members::member_id.eq_any(&member_keys))
        .filter(committee_members::committee_id.eq_any(&committee_keys))
        .select((
            committee_members::committee_id,
            committee_members::member_id,
            committee_members::expertise,
        ))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(committee, member, expertise)| {
            Ok((
                (parse_id(&committee)?, parse_id(&member)?),
                parse_enum(&expertise, Expertise::parse)?,
            ))
        })
        .collect::<Result<_, PersistenceError>>()?;
    Ok(pairs
        .iter()
        .filter_map(|&(committee, member)| {
            let (pseudonym, kind) = people.get(&member)?;
            Some((
                (committee, member),
                Reviewer {
                    member_id: member,
                    pseudonym: pseudonym.clone(),
                    kind: *kind,
                    expertise: seats.get(&(committee, member)).copied(),
                },
            ))
        })
        .collect())
}

// ---------------------------------------------------------------- resources

#[derive(Queryable, Selectable)]
#[diesel(table_name = resources)]
struct ResourceRow {
    id: String,
    kind: String,
    language: String,
    audience: String,
    committee_id: String,
    author_id: String,
    created_at: NaiveDateTime,
}

impl ResourceRow {
    fn into_domain(self, condition_ids: Vec<ConditionId>) -> Result<Resource, PersistenceError> {
        let Self {
            id,
            kind,
            language,
            audience,
            committee_id,
            author_id,
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
            created_at: from_db_time(created_at),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = resource_versions)]
struct VersionRow {
    id: String,
    resource_id: String,
    number: i32,
    status: String,
    title: String,
    summary: String,
    body: String,
    body_html: String,
    url: Option<String>,
    provider: Option<String>,
    duration_seconds: Option<i32>,
    book_authors: Option<String>,
    publisher: Option<String>,
    year: Option<i32>,
    isbn: Option<String>,
    format: Option<String>,
    tags: String,
    sources: String,
    created_by: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    submitted_at: Option<NaiveDateTime>,
    validated_at: Option<NaiveDateTime>,
    review_due_at: Option<NaiveDateTime>,
    published_at: Option<NaiveDateTime>,
}

fn lines(text: &str) -> Vec<Label> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| Label::from_stored(l.to_owned()))
        .collect()
}

impl VersionRow {
    fn into_domain(self) -> Result<Version, PersistenceError> {
        let Self {
            id,
            resource_id,
            number,
            status,
            title,
            summary,
            body,
            body_html,
            url,
            provider,
            duration_seconds,
            book_authors,
            publisher,
            year,
            isbn,
            format,
            tags,
            sources,
            created_by,
            created_at,
            updated_at,
            submitted_at,
            validated_at,
            review_due_at,
            published_at,
        } = self;
        Ok(Version {
            id: parse_id(&id)?,
            resource_id: parse_id(&resource_id)?,
            number,
            status: parse_enum(&status, VersionStatus::parse)?,
            content: Content {
                title: Title::from_stored(title),
                summary: Description::from_stored(summary),
                body: (!body.is_empty()).then(|| Body::from_stored(body, body_html)),
                url: url.map(WebUrl::from_stored),
                provider: provider.map(Label::from_stored),
                duration_seconds,
                book_authors: book_authors.map(Label::from_stored),
                publisher: publisher.map(Label::from_stored),
                year,
                isbn,
                format: format.map(Label::from_stored),
                tags: lines(&tags),
                sources: lines(&sources),
            },
            created_by: parse_id(&created_by)?,
            created_at: from_db_time(created_at),
            updated_at: from_db_time(updated_at),
            submitted_at: submitted_at.map(from_db_time),
            validated_at: validated_at.map(from_db_time),
            review_due_at: review_due_at.map(from_db_time),
            published_at: published_at.map(from_db_time),
        })
    }
}

#[derive(AsChangeset, Insertable)]
#[diesel(table_name = resource_versions, treat_none_as_null = true)]
struct ContentValues<'a> {
    title: &'a str,
    title_key: String,
    summary: &'a str,
    body: &'a str,
    body_html: &'a str,
    url: Option<&'a str>,
    provider: Option<&'a str>,
    duration_seconds: Option<i32>,
    book_authors: Option<&'a str>,
    publisher: Option<&'a str>,
    year: Option<i32>,
    isbn: Option<&'a str>,
    format: Option<&'a str>,
    tags: String,
    sources: String,
}

fn join_lines(labels: &[Label]) -> String {
    labels
        .iter()
        .map(Label::as_str)
        .collect::<Vec<_>>()
        .join("\n")
}

fn content_values(content: &Content) -> ContentValues<'_> {
    let Content {
        title,
        summary,
        body,
        url,
        provider,
        duration_seconds,
        book_authors,
        publisher,
        year,
        isbn,
        format,
        tags,
        sources,
    } = content;
    ContentValues {
        title: title.as_str(),
        title_key: title.key(),
        summary: summary.as_str(),
        body: body.as_ref().map_or("", Body::source),
        body_html: body.as_ref().map_or("", Body::html),
        url: url.as_ref().map(WebUrl::as_str),
        provider: provider.as_ref().map(Label::as_str),
        duration_seconds: *duration_seconds,
        book_authors: book_authors.as_ref().map(Label::as_str),
        publisher: publisher.as_ref().map(Label::as_str),
        year: *year,
        isbn: isbn.as_deref(),
        format: format.as_ref().map(Label::as_str),
        tags: join_lines(tags),
        sources: join_lines(sources),
    }
}

condition_links!(resource_conditions, resource_id);

fn resources_with_conditions(
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
    } = new;
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

/// Adds a draft version numbered `number`.
pub fn insert_version(
    conn: &mut DbConnection,
    resource: ResourceId,
    number: i32,
    content: &Content,
    author: MemberId,
    now: DateTime<Utc>,
) -> Result<Version, PersistenceError> {
    let id = VersionId::new();
    let at = to_db_time(now);
    diesel::insert_into(resource_versions::table)
        .values((
            resource_versions::id.eq(id.to_string()),
            resource_versions::resource_id.eq(resource.to_string()),
            resource_versions::number.eq(number),
            resource_versions::status.eq(VersionStatus::Draft.as_str()),
            resource_versions::created_by.eq(author.to_string()),
            resource_versions::created_at.eq(at),
            resource_versions::updated_at.eq(at),
            content_values(content),
        ))
        .execute(conn)?;
    version(conn, id)?.ok_or(PersistenceError::NotFound)
}

/// Rewrites a version's content (a draft being edited); it is a draft again.
pub fn update_version(
    conn: &mut DbConnection,
    id: VersionId,
    content: &Content,
    now: DateTime<Utc>,
) -> Result<Version, PersistenceError> {
    diesel::update(resource_versions::table.find(id.to_string()))
        .set((
            content_values(content),
            resource_versions::status.eq(VersionStatus::Draft.as_str()),
            resource_versions::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    version(conn, id)?.ok_or(PersistenceError::NotFound)
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

pub fn version(
    conn: &mut DbConnection,
    id: VersionId,
) -> Result<Option<Version>, PersistenceError> {
    resource_versions::table
        .find(id.to_string())
        .select(VersionRow::as_select())
        .first::<VersionRow>(conn)
        .optional()?
        .map(VersionRow::into_domain)
        .transpose()
}

/// Every version of a resource, newest first.
pub fn versions(
    conn: &mut DbConnection,
    resource: ResourceId,
) -> Result<Vec<Version>, PersistenceError> {
    Ok(versions_of(conn, &[resource])?
        .remove(&resource)
        .unwrap_or_default())
}

/// Every version of several resources, newest first within each, in one query.
pub fn versions_of(
    conn: &mut DbConnection,
    ids: &[ResourceId],
) -> Result<HashMap<ResourceId, Vec<Version>>, PersistenceError> {
    let mut out: HashMap<ResourceId, Vec<Version>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows = resource_versions::table
        .filter(resource_versions::resource_id.eq_any(&keys))
        .select(VersionRow::as_select())
        .order((
            resource_versions::resource_id,
            resource_versions::number.desc(),
        ))
        .load::<VersionRow>(conn)?;
    for row in rows {
        let version = row.into_domain()?;
        out.entry(version.resource_id).or_default().push(version);
    }
    Ok(out)
}

/// Moves a version along the workflow, stamping when it was submitted.
pub fn set_status(
    conn: &mut DbConnection,
    id: VersionId,
    status: VersionStatus,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let at = to_db_time(now);
    let submitted = (status == VersionStatus::Submitted).then_some(at);
    diesel::update(resource_versions::table.find(id.to_string()))
        .set((
            resource_versions::status.eq(status.as_str()),
            resource_versions::updated_at.eq(at),
        ))
        .execute(conn)?;
    if let Some(at) = submitted {
        diesel::update(resource_versions::table.find(id.to_string()))
            .set(resource_versions::submitted_at.eq(at))
            .execute(conn)?;
    }
    Ok(())
}

/// Publishes a validated version: the previous published version is archived. Call in a
/// transaction.
pub fn publish(
    conn: &mut DbConnection,
    version: &Version,
    review_due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let at = to_db_time(now);
    diesel::update(
        resource_versions::table
            .filter(resource_versions::resource_id.eq(version.resource_id.to_string()))
            .filter(resource_versions::status.eq(VersionStatus::Published.as_str())),
    )
    .set(resource_versions::status.eq(VersionStatus::Archived.as_str()))
    .execute(conn)?;
    diesel::update(resource_versions::table.find(version.id.to_string()))
        .set((
            resource_versions::status.eq(VersionStatus::Published.as_str()),
            resource_versions::validated_at.eq(at),
            resource_versions::published_at.eq(at),
            resource_versions::review_due_at.eq(to_db_time(review_due_at)),
            resource_versions::updated_at.eq(at),
        ))
        .execute(conn)?;
    index_published(conn, version)
}

/// Keeps the published version's text in the search index, under the resource's id.
fn index_published(conn: &mut DbConnection, version: &Version) -> Result<(), PersistenceError> {
    let content = &version.content;
    let tags: Vec<&str> = content.tags.iter().map(Label::as_str).collect();
    let text = format!(
        "{}\n{}\n{}\n{}",
        content.title.as_str(),
        content.summary.as_str(),
        content.body.as_ref().map_or("", Body::source),
        tags.join(" "),
    );
    crate::search::index(
        conn,
        entraide_domain::search::DocumentKind::Resource,
        &version.resource_id.to_string(),
        &text,
    )
}

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

/// Filters of the library.
#[derive(Debug, Clone, Default)]
pub struct ResourceFilter {
    pub kind: Option<ResourceKind>,
    pub condition_id: Option<ConditionId>,
    pub audience: Option<ResourceAudience>,
    pub language: Option<String>,
    /// Title contains (case-insensitive).
    pub text: Option<String>,
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

/// A published version validated again (a re-review): new validation and re-review dates.
pub fn revalidate(
    conn: &mut DbConnection,
    id: VersionId,
    review_due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(resource_versions::table.find(id.to_string()))
        .set((
            resource_versions::validated_at.eq(to_db_time(now)),
            resource_versions::review_due_at.eq(to_db_time(review_due_at)),
            resource_versions::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}
