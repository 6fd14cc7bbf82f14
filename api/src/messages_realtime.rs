//! Real-time delivery of direct messages: the one place called after a message is committed.
//!
//! Today it only records that a message is ready to be delivered (no text, no pseudonym). When
//! the notification stream (issue 15, `GET /api/v1/notifications/stream`) is merged, this
//! function pushes a `message` event (conversation id, message id) to each recipient's stream;
//! the recipients fetch the message through the API, so the stream never carries the text.

use entraide_domain::ids::{ConversationId, MemberId, MessageId};

/// Called by the handlers after the transaction that stored `message` committed.
pub(crate) fn message_committed(
    conversation: ConversationId,
    message: MessageId,
    recipients: &[MemberId],
) {
    tracing::debug!(
        %conversation,
        %message,
        recipients = recipients.len(),
        "direct message committed (real-time delivery not wired yet)"
    );
}
