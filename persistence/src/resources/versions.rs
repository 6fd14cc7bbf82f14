//! Versions of a resource (`resource_versions`) and their way through the review workflow;
//! the published version is kept in the search index.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{MemberId, ResourceId, VersionId};
use entraide_domain::post::Body;
use entraide_domain::resource::{Content, Version, VersionStatus};
use entraide_domain::text::{Description, Label, Title, WebUrl};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::resource_versions;

#[derive(Queryable, Selectable)]
#[diesel(table_name = resource_versions)]
pub(super) struct VersionRow {
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
    pub(super) fn into_domain(self) -> Result<Version, PersistenceError> {
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
