use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::ids::ConversationId;
use entraide_openapi::problem as p;
use entraide_persistence::messages;
use uuid::Uuid;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::state::AppState;

/// Leave a conversation
///
/// Leave a conversation: it leaves your list, and you no longer read nor write it (404
/// afterwards). The others keep it, with your past messages, and see that you left. Nobody can
/// add you back; a new conversation needs your consent again (your message setting). 404 if you
/// do not take part.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The conversation")),
    responses(
        (status = 204, description = "Left"),
        p::ActionErrors,
    )
)]
#[post("/conversations/{id}/leave")]
pub async fn leave_conversation(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = ConversationId::from_uuid(path.into_inner());
    db::write(&state, move |conn| {
        if messages::leave(conn, id, member.id, Utc::now())? {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
