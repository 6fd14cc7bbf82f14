use actix_web::{get, web};
use entraide_openapi::messages::Conversation;
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_persistence::messages;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::pagination::{ActivityCursor, PageRequest};
use crate::state::AppState;
use crate::views::messages as view;

/// List my conversations
///
/// The conversations you take part in, by last activity (newest first), each with its
/// participants, their read receipts and your unread count. Conversations you left are not
/// listed.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of your conversations", body = Page<Conversation>),
        p::ListErrors,
    )
)]
#[get("/conversations")]
pub async fn list_conversations(
    state: web::Data<AppState>,
    member: AuthMember,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<Conversation>>, ApiError> {
    let page = PageRequest::<ActivityCursor>::parse(&paging)?;
    let before = page.after.as_ref().map(ActivityCursor::key);
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        let rows = messages::list_for(conn, member.id, before, fetch)?;
        view::conversations(conn, member.id, rows)
    })
    .await?;
    page.page(
        items,
        |item| ActivityCursor::of(item.last_message_at, item.id),
        |item| item,
    )
    .map(web::Json)
}
