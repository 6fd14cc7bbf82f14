use actix_web::{get, web};
use entraide_openapi::notifications::{NotificationItem, NotificationQuery, UnreadCount};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::pagination::{IdCursor, PageRequest};
use crate::state::AppState;
use crate::views::notifications::{page, unread_count};

/// List your notifications
///
/// Your notifications, newest first (`?unread=true`: unread ones only). Only what you may read
/// now is listed: a notification about a post since made private or hidden, or from a member
/// you blocked (or who blocked you), is left out.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(NotificationQuery, PageQuery),
    responses(
        (status = 200, description = "A page of notifications", body = Page<NotificationItem>),
        p::ListErrors,
    )
)]
#[get("/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    member: AuthMember,
    query: web::Query<NotificationQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<NotificationItem>>, ApiError> {
    let request = PageRequest::<IdCursor>::parse(&paging)?;
    let before = request.after.as_ref().map(IdCursor::id);
    let unread_only = query.unread.unwrap_or(false);
    let fetch = request.fetch();
    let reader = member.reader();
    let items = db::read(&state, move |conn| {
        page(conn, reader, unread_only, before, fetch)
    })
    .await?;
    request
        .page(items, |item| IdCursor::of(item.id), |item| item)
        .map(web::Json)
}

/// Count your unread notifications
///
/// How many of your notifications are unread, counting only those the list would show.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your unread count", body = UnreadCount),
        p::SessionErrors,
    )
)]
#[get("/notifications/unread-count")]
pub async fn count_unread_notifications(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<web::Json<UnreadCount>, ApiError> {
    let reader = member.reader();
    let unread = db::read(&state, move |conn| unread_count(conn, reader)).await?;
    Ok(web::Json(UnreadCount { unread }))
}
