//! Full-text search: candidates from the index, each loaded through its own read policy.

//! Full-text search: candidates from the index, each loaded through its own read policy.

use actix_web::{get, web};
use entraide_domain::error::Errors;
use entraide_domain::search::{DocumentKind, Query};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::search::{SearchQuery, SearchResult};
use entraide_persistence::search::candidates;
use serde::{Deserialize, Serialize};

use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::pagination::PageRequest;
use crate::state::AppState;
use crate::views::search::resolve;

#[derive(Serialize, Deserialize)]
struct Cursor {
    p: i64,
}

/// How many candidate batches one page may read when many hits are not visible to the reader.
const MAX_BATCHES: usize = 10;

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
