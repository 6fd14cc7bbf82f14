//! Full-text search: candidates from the index, each loaded through its own read policy.

use actix_web::{get, web};
use entraide_domain::error::Errors;
use entraide_domain::search::{DocumentKind, Query};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::search::{SearchQuery, SearchResult};
use entraide_persistence::search::{Scan, ScanLimits};
use serde::{Deserialize, Serialize};

use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::pagination::PageRequest;
use crate::state::AppState;
use crate::views::search::resolve;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
///
/// A page may hold fewer results than `limit`, even none, while `next_cursor` is set: one
/// request reads a bounded share of the index (and of results you may not see); follow the
/// cursor to go on. `next_cursor` is null only when nothing older matches.
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
    // The cursor is sealed and bound to the reader and the search it continues: it may hold the
    // position of a match the reader may not see (a page stopped short), which they must be able
    // neither to read nor to forge (`security::cursor_seal`).
    let context = cursor_context(&reader, &parsed, &kinds);
    let seal = state.jwt.cursors();
    let page = PageRequest::<Cursor>::parse_with(&paging, |sealed| seal.open(sealed, &context))?;
    let fetch = page.fetch();
    let wanted = page.limit.saturating_add(1);
    let before = page.after.as_ref().map(|c| c.p);
    let who = reader.reader();
    let (found, resume) = db::read(&state, move |conn| {
        let mut scan = Scan::new(parsed, kinds, before, ScanLimits::default());
        let mut found: Vec<(i64, SearchResult)> = Vec::new();
        for _ in 0..MAX_BATCHES {
            let batch = scan.next_batch(conn, fetch)?;
            let mut visible = resolve(conn, who, &batch)?;
            for hit in &batch {
                if found.len() >= wanted {
                    break;
                }
                let key = hit.id.parse().ok().map(|id| (hit.kind, id));
                if let Some(result) = key.and_then(|key| visible.remove(&key)) {
                    found.push((hit.position, result));
                }
            }
            let short = i64::try_from(batch.len()).unwrap_or(i64::MAX) < fetch;
            if short || found.len() >= wanted {
                break;
            }
        }
        Ok((found, scan.resume()))
    })
    .await?;
    // A page the scan stopped short of filling (its reading budget spent, or batches of results
    // the reader may not see) goes on from where it stopped: fewer items, never lost ones.
    let resume = resume.map(|p| Cursor { p });
    let seal = state.jwt.cursors();
    page.page_with(
        found,
        |(position, _)| Cursor { p: *position },
        |(_, result)| result,
        resume,
        |cursor| seal.seal(cursor, &context),
    )
    .map(web::Json)
}

/// What a search cursor is bound to: the reader, the words (as stemmed) and the kinds.
fn cursor_context(reader: &MaybeMember, query: &Query, kinds: &[DocumentKind]) -> Vec<u8> {
    let who = reader
        .0
        .map_or_else(|| "anonymous".to_owned(), |member| member.id.to_string());
    let words: Vec<String> = query.words().iter().map(|stems| stems.join("|")).collect();
    let kinds: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
    format!("search\0{who}\0{}\0{}", words.join(" "), kinds.join(",")).into_bytes()
}
