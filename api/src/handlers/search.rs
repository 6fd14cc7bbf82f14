//! Full-text search: candidates from the index, each loaded through its own read policy.

use std::collections::HashMap;

use actix_web::{get, web};
use entraide_domain::error::Errors;
use entraide_domain::group::Reader;
use entraide_domain::ids::{CommentId, EventId, GroupId, PlaceId, PostId, ResourceId};
use entraide_domain::resource::VersionStatus;
use entraide_domain::search::{DocumentKind, Query};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::search::{ResultType, SearchQuery, SearchResult};
use entraide_persistence::search::{Hit, candidates};
use entraide_persistence::{DbConnection, comments, events, groups, places, posts, resources};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::pagination::PageRequest;
use crate::state::AppState;

#[derive(Serialize, Deserialize)]
struct Cursor {
    p: i64,
}

/// How many candidate batches one page may read when many hits are not visible to the reader.
const MAX_BATCHES: usize = 10;

/// The longest excerpt, in characters.
const EXCERPT_CHARS: usize = 240;

fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

fn result_type(kind: DocumentKind) -> ResultType {
    match kind {
        DocumentKind::Group => ResultType::Group,
        DocumentKind::Post => ResultType::Post,
        DocumentKind::Comment => ResultType::Comment,
        DocumentKind::Resource => ResultType::Resource,
        DocumentKind::Event => ResultType::Event,
        DocumentKind::Place => ResultType::Place,
    }
}

type Resolved = HashMap<(DocumentKind, Uuid), SearchResult>;

/// Loads a batch of hits through their kinds' read policies — one query per kind (two for
/// places, with their conditions) — and keeps only what the reader may see (and what still exists), so nothing
/// hidden ever reaches the results.
fn resolve(conn: &mut DbConnection, reader: Reader, hits: &[Hit]) -> Result<Resolved, ApiError> {
    let ids = |kind: DocumentKind| -> Vec<Uuid> {
        hits.iter()
            .filter(|h| h.kind == kind)
            .filter_map(|h| h.id.parse().ok())
            .collect()
    };
    let result =
        |kind, id: Uuid, title: Option<String>, text: &str, post_id, created_at| SearchResult {
            result_type: result_type(kind),
            id,
            title,
            excerpt: excerpt(text),
            post_id,
            created_at,
        };
    let mut found = Resolved::new();
    let post_ids: Vec<PostId> = ids(DocumentKind::Post)
        .into_iter()
        .map(PostId::from_uuid)
        .collect();
    for post in posts::find_readable_many(conn, reader, &post_ids)? {
        let id = post.id.as_uuid();
        let item = result(
            DocumentKind::Post,
            id,
            None,
            post.body.source(),
            None,
            Some(post.created_at),
        );
        found.insert((DocumentKind::Post, id), item);
    }
    let comment_ids: Vec<CommentId> = ids(DocumentKind::Comment)
        .into_iter()
        .map(CommentId::from_uuid)
        .collect();
    for comment in comments::find_readable_many(conn, reader, &comment_ids)? {
        let id = comment.id.as_uuid();
        let item = result(
            DocumentKind::Comment,
            id,
            None,
            comment.body.source(),
            Some(comment.post_id.as_uuid()),
            Some(comment.created_at),
        );
        found.insert((DocumentKind::Comment, id), item);
    }
    let event_ids: Vec<EventId> = ids(DocumentKind::Event)
        .into_iter()
        .map(EventId::from_uuid)
        .collect();
    for event in events::find_readable_many(conn, reader, &event_ids)? {
        let id = event.id.as_uuid();
        let item = result(
            DocumentKind::Event,
            id,
            Some(event.title.as_str().to_owned()),
            event.description.as_str(),
            None,
            Some(event.created_at),
        );
        found.insert((DocumentKind::Event, id), item);
    }
    // Groups (public directory entries), published resources and places: public, by id.
    let group_ids: Vec<GroupId> = ids(DocumentKind::Group)
        .into_iter()
        .map(GroupId::from_uuid)
        .collect();
    for g in groups::find_many(conn, &group_ids)? {
        let id = g.id.as_uuid();
        let item = result(
            DocumentKind::Group,
            id,
            Some(g.name.as_str().to_owned()),
            g.description.as_str(),
            None,
            Some(g.created_at),
        );
        found.insert((DocumentKind::Group, id), item);
    }
    let resource_ids: Vec<ResourceId> = ids(DocumentKind::Resource)
        .into_iter()
        .map(ResourceId::from_uuid)
        .collect();
    for (resource, versions) in resources::versions_of(conn, &resource_ids)? {
        let published = versions
            .into_iter()
            .find(|v| v.status == VersionStatus::Published);
        if let Some(v) = published {
            let id = resource.as_uuid();
            let item = result(
                DocumentKind::Resource,
                id,
                Some(v.content.title.as_str().to_owned()),
                v.content.summary.as_str(),
                None,
                v.published_at,
            );
            found.insert((DocumentKind::Resource, id), item);
        }
    }
    let place_ids: Vec<PlaceId> = ids(DocumentKind::Place)
        .into_iter()
        .map(PlaceId::from_uuid)
        .collect();
    for place in places::find_many(conn, &place_ids)? {
        let id = place.id.as_uuid();
        let text = format!("{}, {}", place.address.as_str(), place.city.as_str());
        let item = result(
            DocumentKind::Place,
            id,
            Some(place.name.as_str().to_owned()),
            &text,
            None,
            Some(place.created_at),
        );
        found.insert((DocumentKind::Place, id), item);
    }
    Ok(found)
}

/// Search
///
/// Search groups, posts, comments, resources, events and places, newest first. Every word
/// must match; French and English forms of a word match each other ("douleurs" finds
/// "douleur") and accents are ignored ("fatigue" finds "fatigué"). Results hold only what you
/// may see: posts and comments of groups you may read, published resources, events you may
/// see. An empty query is 422.
#[utoipa::path(
    tag = "search",
    security((), ("bearer" = [])),
    params(SearchQuery, PageQuery),
    responses(
        (status = 200, description = "A page of results", body = Page<SearchResult>),
        p::ListErrors,
    )
)]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    reader: MaybeMember,
    query: web::Query<SearchQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<SearchResult>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let SearchQuery { q, types } = query.into_inner();
    let mut errors = Errors::new();
    let parsed = errors.check("q", Query::parse(q.as_deref().unwrap_or_default()));
    let mut kinds = Vec::new();
    for raw in types
        .iter()
        .flat_map(|t| t.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if let Some(kind) = errors.check("type", DocumentKind::parse(raw)) {
            kinds.push(kind);
        }
    }
    errors.finish()?;
    let Some(parsed) = parsed else {
        return Err(ApiError::internal("parsed query missing without errors"));
    };
    kinds.sort();
    kinds.dedup();
    let fetch = page.fetch();
    let wanted = page.limit.saturating_add(1);
    let mut before = page.after.as_ref().map(|c| c.p);
    let who = reader.reader();
    let found = db::read(&state, move |conn| {
        let mut found: Vec<(i64, SearchResult)> = Vec::new();
        for _ in 0..MAX_BATCHES {
            let batch = candidates(conn, &parsed, &kinds, before, fetch)?;
            let exhausted = i64::try_from(batch.len()).unwrap_or(i64::MAX) < fetch;
            let mut visible = resolve(conn, who, &batch)?;
            for hit in &batch {
                if found.len() >= wanted {
                    break;
                }
                let key = hit.id.parse().ok().map(|id| (hit.kind, id));
                if let Some(result) = key.and_then(|key| visible.remove(&key)) {
                    found.push((hit.position, result));
                }
                before = Some(hit.position);
            }
            if exhausted || found.len() >= wanted {
                break;
            }
        }
        Ok(found)
    })
    .await?;
    page.page(
        found,
        |(position, _)| Cursor { p: *position },
        |(_, result)| result,
    )
    .map(web::Json)
}
