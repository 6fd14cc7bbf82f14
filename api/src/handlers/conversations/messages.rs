use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entraide_domain::ids::{ConversationId, MemberId, MessageId};
use entraide_domain::message::MessageBody;
use entraide_openapi::messages::{Message, NewMessageRequest};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_persistence::messages;
use uuid::Uuid;

use crate::access::messages::{conversation_of, require_may_send};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::messages_realtime::message_committed;
use crate::pagination::{IdCursor, PageRequest};
use crate::state::AppState;
use crate::views::messages as view;

/// List a conversation's messages
///
/// The messages of a conversation you take part in, newest first. Messages by a member you
/// block, or who blocks you, are left out. 404 if you do not take part (or left).
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The conversation"), PageQuery),
    responses(
        (status = 200, description = "A page of messages", body = Page<Message>),
        p::ListErrors, p::NotFound,
    )
)]
#[get("/conversations/{id}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<Message>>, ApiError> {
    let id = ConversationId::from_uuid(path.into_inner());
    let page = PageRequest::<IdCursor>::parse(&paging)?;
    let before = page.after.as_ref().map(|c| MessageId::from_uuid(c.id()));
    let fetch = page.fetch();
    let stored = db::read(&state, move |conn| {
        conversation_of(conn, member.id, id)?;
        Ok(messages::page(conn, id, member.id, before, fetch)?)
    })
    .await?;
    let items = stored
        .into_iter()
        .map(|m| view::message(&state.message_keys, m))
        .collect::<Result<Vec<_>, _>>()?;
    page.page(items, |item| IdCursor::of(item.id), |item| item)
        .map(web::Json)
}

/// Send a message
///
/// Send a message into a conversation you take part in (1 to 5,000 characters). In a
/// one-to-one conversation, 403 `cannot_message` while either of you blocks the other; in a
/// group conversation a block only hides the two members' messages from each other. 404 if you
/// do not take part (or left).
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The conversation")),
    request_body = NewMessageRequest,
    responses(
        (status = 201, description = "Sent", body = Message),
        p::WriteErrors,
    )
)]
#[post("/conversations/{id}/messages")]
pub async fn send_message(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<NewMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = ConversationId::from_uuid(path.into_inner());
    let text = MessageBody::parse(&body.into_inner().body)?;
    let message_id = MessageId::new();
    let sealed = state
        .message_keys
        .seal(id, message_id, &text)
        .map_err(ApiError::internal)?;
    let author = member.id;
    let (stored, recipients) = db::write(&state, move |conn| {
        conversation_of(conn, author, id)?;
        require_may_send(conn, author, id)?;
        messages::insert_message(conn, message_id, id, author, &sealed, Utc::now())?;
        let recipients: Vec<MemberId> = messages::participants(conn, &[id])?
            .into_iter()
            .filter(|p| p.member_id != author && !p.left)
            .map(|p| p.member_id)
            .collect();
        let stored = messages::find_readable(conn, author, message_id)?
            .ok_or_else(|| ApiError::internal("a message just stored is not readable"))?;
        Ok((stored, recipients))
    })
    .await?;
    message_committed(&state.hub, id, message_id, &recipients);
    let message = view::message(&state.message_keys, stored)?;
    Ok(HttpResponse::Created().json(message))
}
