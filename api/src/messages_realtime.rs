//! Real-time delivery of direct messages: the one place called after a message is committed.
//! It wakes each recipient's notification stream with a `message` event (conversation id,
//! message id: never the text nor a pseudonym); the recipient fetches the message through the
//! API, where every rule applies again.

use entraide_domain::ids::{ConversationId, MemberId, MessageId};

use crate::hub::Hub;

/// Called by the handlers after the transaction that stored `message` committed.
pub(crate) fn message_committed(
    hub: &Hub,
    conversation: ConversationId,
    message: MessageId,
    recipients: &[MemberId],
) {
    hub.message(conversation, message, recipients);
}
