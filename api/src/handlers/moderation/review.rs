use actix_web::{get, web};
use entraide_domain::ids::{ModerationActionId, ReportId};
use entraide_domain::moderation::Queue;
use entraide_openapi::moderation::{ModerationLogEntry, QueueQuery, QueuedReport};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_persistence::moderation::{self, LogScope, QueuePosition};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::moderation::{queue_of, require_moderator};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::pagination::{IdCursor, PageRequest};
use crate::state::AppState;
use crate::views::moderation::{log_entries, queue_items};

/// Where a queue page starts: urgent reports come first, then by id.
#[derive(Serialize, Deserialize)]
struct QueueCursor {
    u: bool,
    i: Uuid,
}

/// Read a moderation queue
///
/// The reports waiting for a decision: urgent ones (`self_harm`, `minor_at_risk`) first, then
/// oldest first. Without `group_id`, the platform queue (platform moderators): reports about
/// content outside groups and every urgent report. With `group_id`, that group's queue (its
/// owners and moderators, and platform moderators). Each shows the content as it is now and
/// who wrote it, never who reported it.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(QueueQuery, PageQuery),
    responses(
        (status = 200, description = "A page of open reports", body = Page<QueuedReport>),
        p::ListErrors, p::Forbidden, p::NotFound,
    )
)]
#[get("/moderation/queue")]
pub async fn read_queue(
    state: web::Data<AppState>,
    member: AuthMember,
    query: web::Query<QueueQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<QueuedReport>>, ApiError> {
    let queue = queue_of(&query);
    let page = PageRequest::<QueueCursor>::parse(&paging)?;
    let after = page.after.as_ref().map(|c| QueuePosition {
        urgent: c.u,
        id: ReportId::from_uuid(c.i),
    });
    let fetch = page.fetch();
    let keys = state.clone();
    let items = db::read(&state, move |conn| {
        require_moderator(conn, &member, queue)?;
        let reports = moderation::queue(conn, queue, member.id, after, fetch)?;
        queue_items(conn, &keys.message_keys, reports)
    })
    .await?;
    page.page(
        items,
        |item| QueueCursor {
            u: item.urgent,
            i: item.id,
        },
        |item| item,
    )
    .map(web::Json)
}

/// Read the moderation log
///
/// Every decision, newest first: who decided, about what, and why. Without `group_id`, the
/// whole log (platform moderators); with it, that group's entries (its owners and moderators,
/// and platform moderators).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(QueueQuery, PageQuery),
    responses(
        (status = 200, description = "A page of the log", body = Page<ModerationLogEntry>),
        p::ListErrors, p::Forbidden, p::NotFound,
    )
)]
#[get("/moderation/log")]
pub async fn read_log(
    state: web::Data<AppState>,
    member: AuthMember,
    query: web::Query<QueueQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<ModerationLogEntry>>, ApiError> {
    let queue = queue_of(&query);
    let scope = match queue {
        Queue::Platform => LogScope::All,
        Queue::Group(group) => LogScope::Group(group),
    };
    let page = PageRequest::<IdCursor>::parse(&paging)?;
    let before = page
        .after
        .as_ref()
        .map(|c| ModerationActionId::from_uuid(c.id()));
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        require_moderator(conn, &member, queue)?;
        let entries = moderation::log(conn, scope, before, fetch)?;
        log_entries(conn, entries)
    })
    .await?;
    page.page(items, |item| IdCursor::of(item.id), |item| item)
        .map(web::Json)
}
