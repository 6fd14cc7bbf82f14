//! Full-text search: candidates from the index, each loaded through its own read policy.

use actix_web::{get, web};
use entraide_domain::error::Errors;
use entraide_domain::group::Reader;
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

/// Loads a hit through its kind's read policy: `None` when the reader may not see it (or it
/// is gone), so nothing hidden ever reaches the results.
fn resolve(
    conn: &mut DbConnection,
    reader: Reader,
    hit: &Hit,
) -> Result<Option<SearchResult>, ApiError> {
    let Ok(uuid) = hit.id.parse::<Uuid>() else {
        return Ok(None);
    };
    let result =
        |title: Option<String>, text: &str, post_id: Option<Uuid>, created_at| SearchResult {
            result_type: result_type(hit.kind),
            id: uuid,
            title,
            excerpt: excerpt(text),
            post_id,
            created_at,
        };
    Ok(match hit.kind {
        DocumentKind::Group => groups::find(conn, uuid.into())?.map(|g| {
            result(
                Some(g.name.as_str().to_owned()),
                g.description.as_str(),
                None,
                Some(g.created_at),
            )
        }),
        DocumentKind::Post => posts::find_readable(conn, reader, uuid.into())?
            .filter(|post| !post.deleted)
            .map(|post| result(None, post.body.source(), None, Some(post.created_at))),
        DocumentKind::Comment => comments::find_readable(conn, reader, uuid.into())?
            .filter(|comment| !comment.deleted)
            .map(|c| {
                result(
                    None,
                    c.body.source(),
                    Some(c.post_id.as_uuid()),
                    Some(c.created_at),
                )
            }),
        DocumentKind::Resource => {
            let published = resources::versions(conn, uuid.into())?
                .into_iter()
                .find(|v| v.status == VersionStatus::Published);
            published.map(|v| {
                result(
                    Some(v.content.title.as_str().to_owned()),
                    v.content.summary.as_str(),
                    None,
                    v.published_at,
                )
            })
        }
        DocumentKind::Event => events::find_readable(conn, reader, uuid.into())?.map(|e| {
            result(
                Some(e.title.as_str().to_owned()),
                e.description.as_str(),
                None,
                Some(e.created_at),
            )
        }),
        DocumentKind::Place => places::find(conn, uuid.into())?.map(|place| {
            result(
                Some(place.name.as_str().to_owned()),
                &format!("{}, {}", place.address.as_str(), place.city.as_str()),
                None,
                Some(place.created_at),
            )
        }),
    })
}

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
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 422, response = p::UnprocessableEntity),
        (status = 500, response = p::InternalError),
        (status = 503, response = p::ServiceUnavailable),
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
    let wanted = page.limit + 1;
    let mut before = page.after.as_ref().map(|c| c.p);
    let who = reader.reader();
    let found = db::read(&state, move |conn| {
        let mut found: Vec<(i64, SearchResult)> = Vec::new();
        for _ in 0..MAX_BATCHES {
            let batch = candidates(conn, &parsed, &kinds, before, fetch)?;
            let exhausted = i64::try_from(batch.len()).unwrap_or(i64::MAX) < fetch;
            for hit in &batch {
                if found.len() >= wanted {
                    break;
                }
                if let Some(result) = resolve(conn, who, hit)? {
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
