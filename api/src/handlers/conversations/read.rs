use actix_web::{post, web};
use entraide_domain::ids::{ConversationId, MessageId};
use entraide_openapi::messages::{Conversation, MarkConversationReadRequest};
use entraide_openapi::problem as p;
use entraide_persistence::messages;
use uuid::Uuid;

use crate::access::messages::conversation_of;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;
use crate::views::messages as view;

/// Mark a conversation read
///
/// Move your read receipt to a message of the conversation: the other participants see it,
/// and your unread count counts only newer messages. A receipt only moves forward. A message
/// id that is not in this conversation is 422. 404 if you do not take part (or left).
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The conversation")),
    request_body = MarkConversationReadRequest,
    responses(
        (status = 200, description = "The conversation with your receipt", body = Conversation),
        p::WriteErrors,
    )
)]
#[post("/conversations/{id}/read")]
pub async fn mark_conversation_read(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<MarkConversationReadRequest>,
) -> Result<web::Json<Conversation>, ApiError> {
    let id = ConversationId::from_uuid(path.into_inner());
    let message = MessageId::from_uuid(body.into_inner().last_read_message_id);
    let conversation = db::write(&state, move |conn| {
        let row = conversation_of(conn, member.id, id)?;
        if !messages::mark_read(conn, id, member.id, message)? {
            return Err(ApiError::field(
                "last_read_message_id",
                "unknown_message",
                "must be the id of a message of this conversation",
            ));
        }
        view::conversation(conn, member.id, row)
    })
    .await?;
    Ok(web::Json(conversation))
}
