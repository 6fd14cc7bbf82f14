//! Direct messages: conversations of 2 to 8 members, their messages and read receipts, and who
//! may start a conversation with you.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Who may start a conversation with you: `everyone` (any signed-in member),
/// `shared_group` (members who are, like you, active members of one of your groups; the
/// default) or `nobody`. It applies to new conversations; you can leave any conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessagesFrom {
    Everyone,
    SharedGroup,
    Nobody,
}

/// Your message setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"messages_from": "shared_group"}))]
pub struct MessageSettings {
    pub messages_from: MessagesFrom,
}

/// Changes to your message setting; an absent field stays as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"messages_from": "everyone"}))]
pub struct UpdateMessageSettingsRequest {
    #[serde(default)]
    pub messages_from: Option<MessagesFrom>,
}

/// Start a conversation with 1 to 7 other members (8 with you) and its first message. Each
/// of them must accept messages from you (their `messages_from` setting), and neither of you
/// may have blocked the other: otherwise 403 `cannot_message`, whichever the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "participant_ids": ["01939a4e-1112-7cc3-9a51-3c1f0e2b6d11"],
    "body": "Bonjour, je vous écris après votre message dans le groupe."
}))]
pub struct NewConversationRequest {
    /// The other members (not you), each once.
    #[schema(min_items = 1, max_items = 7)]
    pub participant_ids: Vec<Uuid>,
    /// The first message: 1 to 5,000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// Send a message into a conversation you take part in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Merci pour votre réponse !"}))]
pub struct NewMessageRequest {
    /// 1 to 5,000 characters; line breaks allowed.
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// Mark a conversation read up to a message (its id, from the message list). A receipt only
/// moves forward: an older message than your current receipt changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"last_read_message_id": "01939a4f-0001-7cc3-9a51-3c1f0e2b6d11"}))]
pub struct MarkConversationReadRequest {
    pub last_read_message_id: Uuid,
}

/// A member of a conversation, with their read receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ConversationParticipant {
    pub member_id: Uuid,
    pub pseudonym: String,
    /// The newest message they have read (`null`: none yet).
    pub last_read_message_id: Option<Uuid>,
    /// They left the conversation: they no longer read nor write it.
    pub left: bool,
}

/// A conversation you take part in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4f-0000-7cc3-9a51-3c1f0e2b6d11",
    "participants": [
        {"member_id": "01939a4e-1111-7cc3-9a51-3c1f0e2b6d11", "pseudonym": "Camille",
         "last_read_message_id": "01939a4f-0001-7cc3-9a51-3c1f0e2b6d11", "left": false},
        {"member_id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11", "pseudonym": "Lou",
         "last_read_message_id": null, "left": false}
    ],
    "created_at": "2026-12-07T09:00:00Z",
    "last_message_at": "2026-12-07T09:00:00Z",
    "unread_count": 0
}))]
pub struct Conversation {
    pub id: Uuid,
    /// Everyone who took part, you included, each with their read receipt.
    pub participants: Vec<ConversationParticipant>,
    pub created_at: DateTime<Utc>,
    /// When the last message was sent: lists are ordered by it, newest first.
    pub last_message_at: DateTime<Utc>,
    /// Messages from others newer than your read receipt (those from members you block, or
    /// who block you, are not counted).
    pub unread_count: i64,
}

/// A message, as its conversation's participants read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4f-0001-7cc3-9a51-3c1f0e2b6d11",
    "conversation_id": "01939a4f-0000-7cc3-9a51-3c1f0e2b6d11",
    "author_id": "01939a4e-1111-7cc3-9a51-3c1f0e2b6d11",
    "author_pseudonym": "Camille",
    "body": "Bonjour, je vous écris après votre message dans le groupe.",
    "created_at": "2026-12-07T09:00:00Z"
}))]
pub struct Message {
    pub id: Uuid,
    pub conversation_id: Uuid,
    /// The author (an erased member's kept messages are signed by the "Ancien membre"
    /// account).
    pub author_id: Uuid,
    pub author_pseudonym: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A new conversation with its first message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "conversation": {
        "id": "01939a4f-0000-7cc3-9a51-3c1f0e2b6d11",
        "participants": [
            {"member_id": "01939a4e-1111-7cc3-9a51-3c1f0e2b6d11", "pseudonym": "Camille",
             "last_read_message_id": null, "left": false},
            {"member_id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11", "pseudonym": "Lou",
             "last_read_message_id": null, "left": false}
        ],
        "created_at": "2026-12-07T09:00:00Z",
        "last_message_at": "2026-12-07T09:00:00Z",
        "unread_count": 0
    },
    "message": {
        "id": "01939a4f-0001-7cc3-9a51-3c1f0e2b6d11",
        "conversation_id": "01939a4f-0000-7cc3-9a51-3c1f0e2b6d11",
        "author_id": "01939a4e-1111-7cc3-9a51-3c1f0e2b6d11",
        "author_pseudonym": "Camille",
        "body": "Bonjour, je vous écris après votre message dans le groupe.",
        "created_at": "2026-12-07T09:00:00Z"
    }
}))]
pub struct NewConversation {
    pub conversation: Conversation,
    pub message: Message,
}
