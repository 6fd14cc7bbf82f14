//! Direct messages: a conversation is visible only to its active participants (404 for anyone
//! else, whether or not it exists), and a new conversation needs every recipient's consent
//! under their message setting (one refusal for every reason).

use chrono::{DateTime, Utc};
use entraide_domain::ids::{ConversationId, MemberId};
use entraide_domain::message::can_start_with;
use entraide_persistence::DbConnection;
use entraide_persistence::messages::{self, ConversationRow};

use crate::error::ApiError;

/// The conversation if `member` takes part in it now; 404 otherwise.
pub(crate) fn conversation_of(
    conn: &mut DbConnection,
    member: MemberId,
    id: ConversationId,
) -> Result<ConversationRow, ApiError> {
    messages::find_for(conn, member, id)?.ok_or(ApiError::NotFound)
}

/// 403 `cannot_message` unless every recipient accepts a new conversation from `starter`.
pub(crate) fn require_may_start(
    conn: &mut DbConnection,
    starter: MemberId,
    recipients: &[MemberId],
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    for recipient in recipients {
        let facts = messages::recipient(conn, starter, *recipient, now)?;
        can_start_with(facts)?;
    }
    Ok(())
}

/// 403 unless `member` may write into `conversation` (they take part; in a one-to-one
/// conversation, neither blocked the other).
pub(crate) fn require_may_send(
    conn: &mut DbConnection,
    member: MemberId,
    conversation: ConversationId,
) -> Result<(), ApiError> {
    let participants = messages::participants(conn, &[conversation])?;
    let active = participants
        .iter()
        .any(|p| p.member_id == member && !p.left);
    let others: Vec<MemberId> = participants
        .iter()
        .filter(|p| p.member_id != member)
        .map(|p| p.member_id)
        .collect();
    let one_to_one = others.len() == 1;
    let mut blocked = false;
    if one_to_one {
        for other in &others {
            blocked |= entraide_persistence::blocks::blocked_either_way(conn, member, *other)?;
        }
    }
    Ok(entraide_domain::message::can_send(
        active, one_to_one, blocked,
    )?)
}
