use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::ids::{ConversationId, MemberId, MessageId};
use entraide_domain::message::{CONVERSATIONS_PER_HOUR, MessageBody, parse_recipients};
use entraide_openapi::messages::{Message, NewConversation, NewConversationRequest};
use entraide_openapi::problem as p;
use entraide_persistence::messages;

use crate::access::messages::require_may_start;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::messages_realtime::message_committed;
use crate::state::AppState;
use crate::views::messages as view;

/// Start a conversation
///
/// Start a conversation with 1 to 7 other members (8 with you) and send its first message.
/// Each of them must accept messages from you — their `messages_from` setting: `everyone`,
/// `shared_group` (you are both active members of a group) or `nobody` — and neither of you may
/// have blocked the other; otherwise 403 `cannot_message`, which does not say which member or
/// why. Members cannot be added later. Each call starts a new conversation. At most 30 new
/// conversations an hour (429). Message bodies are stored encrypted; no administrator API reads
/// them.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    request_body = NewConversationRequest,
    responses(
        (status = 201, description = "Started", body = NewConversation),
        p::BodyErrors, p::Forbidden, p::TooManyRequests,
    )
)]
#[post("/conversations")]
pub async fn create_conversation(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<NewConversationRequest>,
) -> Result<HttpResponse, ApiError> {
    let NewConversationRequest {
        participant_ids,
        body,
    } = body.into_inner();
    let ids: Vec<MemberId> = participant_ids
        .into_iter()
        .map(MemberId::from_uuid)
        .collect();
    let (recipients, text) = match (parse_recipients(member.id, &ids), MessageBody::parse(&body)) {
        (Ok(recipients), Ok(text)) => (recipients, text),
        (recipients, text) => {
            let mut errors = Vec::new();
            if let Err(e) = recipients {
                errors.extend(e.into_errors());
            }
            if let Err(e) = text {
                errors.extend(e.into_errors());
            }
            return Err(ApiError::Validation(errors));
        }
    };
    let conversation_id = ConversationId::new();
    let message_id = MessageId::new();
    let sealed = state
        .message_keys
        .seal(conversation_id, message_id, &text)
        .map_err(ApiError::internal)?;
    let starter = member.id;
    let others = recipients.clone();
    let conversation = db::write(&state, move |conn| {
        let now = Utc::now();
        messages::lock_starter(conn, starter)?;
        let hour_ago = now - chrono::TimeDelta::hours(1);
        if messages::started_since(conn, starter, hour_ago)? >= CONVERSATIONS_PER_HOUR {
            return Err(ApiError::RateLimited {
                retry_after_secs: 600,
            });
        }
        require_may_start(conn, starter, &others, now)?;
        let row = messages::create(conn, conversation_id, starter, &others, now)?;
        messages::insert_message(conn, message_id, conversation_id, starter, &sealed, now)?;
        view::conversation(conn, starter, row)
    })
    .await?;
    message_committed(&state.hub, conversation_id, message_id, &recipients);
    let author_pseudonym = conversation
        .participants
        .iter()
        .find(|p| p.member_id == member.id.as_uuid())
        .map(|p| p.pseudonym.clone())
        .unwrap_or_default();
    let message = Message {
        id: message_id.as_uuid(),
        conversation_id: conversation_id.as_uuid(),
        author_id: member.id.as_uuid(),
        author_pseudonym,
        body: text.into_string(),
        created_at: conversation.last_message_at,
    };
    Ok(HttpResponse::Created().json(NewConversation {
        conversation,
        message,
    }))
}
