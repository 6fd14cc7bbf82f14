use actix_web::{post, web};
use chrono::Utc;
use entraide_openapi::notifications::{MarkReadRequest, UnreadCount};
use entraide_openapi::problem as p;
use entraide_persistence::notifications;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;
use crate::views::notifications::unread_count;

/// At most this many ids per request.
const MAX_IDS: usize = 100;

/// Mark notifications read
///
/// Mark some of your notifications read (`ids`, at most 100; ids that are not yours change
/// nothing), or all of them (`"all": true`). Answers your unread count afterwards.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    request_body = MarkReadRequest,
    responses(
        (status = 200, description = "Your unread count now", body = UnreadCount),
        p::BodyErrors,
    )
)]
#[post("/notifications/read")]
pub async fn mark_notifications_read(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<MarkReadRequest>,
) -> Result<web::Json<UnreadCount>, ApiError> {
    let MarkReadRequest { ids, all } = body.into_inner();
    let ids = match (ids, all) {
        (Some(ids), None | Some(false)) => {
            if ids.len() > MAX_IDS {
                return Err(ApiError::field(
                    "ids",
                    "too_many",
                    format!("at most {MAX_IDS} ids"),
                ));
            }
            Some(ids)
        }
        (None, Some(true)) => None,
        _ => {
            return Err(ApiError::field(
                "ids",
                "ids_or_all",
                "give either `ids` or `\"all\": true`",
            ));
        }
    };
    let reader = member.reader();
    let unread = db::write(&state, move |conn| {
        notifications::mark_read(conn, member.id, ids.as_deref(), Utc::now())?;
        unread_count(conn, reader)
    })
    .await?;
    Ok(web::Json(UnreadCount { unread }))
}
