//! What the wire shows of conversations and messages to one participant: participants and
//! read receipts, and unread counts, for a page of conversations in two queries; message
//! bodies decrypted here, after the read, so no text crosses the persistence layer.

use std::collections::HashMap;

use entraide_domain::ids::{ConversationId, MemberId};
use entraide_openapi::messages as wire;
use entraide_persistence::DbConnection;
use entraide_persistence::messages::{self, ConversationRow, StoredMessage};

use crate::error::ApiError;
use crate::security::message_keys::MessageKeys;

/// A page of conversations as `reader` sees them.
pub(crate) fn conversations(
    conn: &mut DbConnection,
    reader: MemberId,
    rows: Vec<ConversationRow>,
) -> Result<Vec<wire::Conversation>, ApiError> {
    let ids: Vec<ConversationId> = rows.iter().map(|row| row.id).collect();
    let mut participants: HashMap<ConversationId, Vec<wire::ConversationParticipant>> =
        HashMap::new();
    for participant in messages::participants(conn, &ids)? {
        let messages::Participant {
            conversation_id,
            member_id,
            pseudonym,
            last_read,
            left,
        } = participant;
        participants
            .entry(conversation_id)
            .or_default()
            .push(wire::ConversationParticipant {
                member_id: member_id.as_uuid(),
                pseudonym: pseudonym.as_str().to_owned(),
                last_read_message_id: last_read.map(|id| id.as_uuid()),
                left,
            });
    }
    let unread: HashMap<ConversationId, i64> = messages::unread_counts(conn, reader, &ids)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let ConversationRow {
                id,
                created_at,
                last_message_at,
            } = row;
            wire::Conversation {
                id: id.as_uuid(),
                participants: participants.remove(&id).unwrap_or_default(),
                created_at,
                last_message_at,
                unread_count: unread.get(&id).copied().unwrap_or(0),
            }
        })
        .collect())
}

/// One conversation as `reader` sees it.
pub(crate) fn conversation(
    conn: &mut DbConnection,
    reader: MemberId,
    row: ConversationRow,
) -> Result<wire::Conversation, ApiError> {
    conversations(conn, reader, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("a conversation view went missing"))
}

/// A stored message, decrypted. A message that does not decrypt (a key removed too early, a
/// row altered) is a 500 whose cause — the message id, never its content — is logged.
pub(crate) fn message(
    keys: &MessageKeys,
    stored: StoredMessage,
) -> Result<wire::Message, ApiError> {
    let StoredMessage {
        id,
        conversation_id,
        author_id,
        author_pseudonym,
        sealed,
        created_at,
    } = stored;
    let body = keys
        .open(conversation_id, id, &sealed)
        .map_err(|e| ApiError::internal(format!("message {id}: {e}")))?;
    Ok(wire::Message {
        id: id.as_uuid(),
        conversation_id: conversation_id.as_uuid(),
        author_id: author_id.as_uuid(),
        author_pseudonym: author_pseudonym.as_str().to_owned(),
        body: body.into_string(),
        created_at,
    })
}

/// The member's conversations for their export: in those they take part in, every message they
/// can read (the API's own filter); in those they left, the messages they wrote. Decrypted.
pub(crate) fn export(
    conn: &mut DbConnection,
    keys: &MessageKeys,
    member: MemberId,
) -> Result<Vec<entraide_openapi::export::MemberExportConversation>, ApiError> {
    let participations = messages::participations(conn, member)?;
    let rows: Vec<ConversationRow> = participations.iter().map(|p| p.conversation).collect();
    let views = conversations(conn, member, rows)?;
    let mut out = Vec::with_capacity(views.len());
    for (participation, view) in participations.into_iter().zip(views) {
        let id = participation.conversation.id;
        let mut stored = if participation.left {
            messages::written_by(conn, id, member)?
        } else {
            messages::page(conn, id, member, None, i64::MAX)?
        };
        stored.sort_by_key(|m| m.id);
        out.push(entraide_openapi::export::MemberExportConversation {
            id: view.id,
            participants: view.participants,
            created_at: view.created_at,
            left: participation.left,
            messages: stored
                .into_iter()
                .map(|m| message(keys, m))
                .collect::<Result<_, _>>()?,
        });
    }
    Ok(out)
}
