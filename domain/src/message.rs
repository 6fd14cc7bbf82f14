//! Direct messages: who may start a conversation with whom, how many take part, what a message
//! may hold, and who may write into a conversation.
//!
//! A conversation has 2 to [`MAX_PARTICIPANTS`] members, fixed when it starts (nobody is added
//! later; anyone may leave). Each recipient's [`MessagesFrom`] setting decides whether the
//! starter may include them; a block either way between the starter and a recipient refuses it
//! too. Every such refusal is the same [`Refusal::CannotMessage`]: the starter never learns
//! whether the recipient's setting, a shared group or a block decided.

use std::collections::BTreeSet;

use crate::error::ParseError;
use crate::ids::MemberId;
use crate::policy::{Refusal, allow};

/// The most members a conversation holds, its starter included. Small groups only: a larger
/// audience is what discussion groups are for (with their moderators).
pub const MAX_PARTICIPANTS: usize = 8;

/// The longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 5000;

/// New conversations a member may start in an hour (429 beyond).
pub const CONVERSATIONS_PER_HOUR: i64 = 30;

/// Who may start a conversation with a member (their setting; `shared_group` by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MessagesFrom {
    /// Any signed-in member.
    Everyone,
    /// Members sharing an active membership of a group with them.
    #[default]
    SharedGroup,
    /// Nobody: they can still start conversations themselves.
    Nobody,
}

wire_enum!(MessagesFrom, "messages_from", "invalid_messages_from",
    Everyone => "everyone", SharedGroup => "shared_group", Nobody => "nobody");

/// What the policy knows about one recipient, as seen from the starter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipient {
    pub setting: MessagesFrom,
    /// The starter and the recipient are both active members of at least one group.
    pub shares_group: bool,
    /// Either has blocked the other.
    pub blocked_either_way: bool,
    /// The recipient's account can take part (not suspended, not the erased-member
    /// placeholder).
    pub reachable: bool,
}

/// May the starter include this recipient in a new conversation? One refusal whatever the
/// reason (see the module documentation).
pub fn can_start_with(recipient: Recipient) -> Result<(), Refusal> {
    let accepts = match recipient.setting {
        MessagesFrom::Everyone => true,
        MessagesFrom::SharedGroup => recipient.shares_group,
        MessagesFrom::Nobody => false,
    };
    allow(
        accepts && !recipient.blocked_either_way && recipient.reachable,
        Refusal::CannotMessage,
    )
}

/// May a participant write into a conversation? Only while they take part; in a one-to-one
/// conversation not while either has blocked the other. In a group conversation a block
/// between two participants does not silence either: each stops seeing the other's messages
/// (the read filter), and both keep talking with the rest.
pub fn can_send(
    is_active_participant: bool,
    one_to_one: bool,
    blocked_with_other_participant: bool,
) -> Result<(), Refusal> {
    allow(is_active_participant, Refusal::Forbidden)?;
    allow(
        !(one_to_one && blocked_with_other_participant),
        Refusal::CannotMessage,
    )
}

/// The other participants of a new conversation: 1 to `MAX_PARTICIPANTS - 1` distinct members,
/// never the starter. Duplicates are refused rather than merged (a client bug to see).
pub fn parse_recipients(starter: MemberId, raw: &[MemberId]) -> Result<Vec<MemberId>, ParseError> {
    let field = "participant_ids";
    if raw.is_empty() {
        return Err(ParseError::single(
            field,
            "required",
            "name at least one other member",
        ));
    }
    let others = MAX_PARTICIPANTS.saturating_sub(1);
    if raw.len() > others {
        return Err(ParseError::single(
            field,
            "too_many",
            format!("at most {others} other members ({MAX_PARTICIPANTS} with you)"),
        ));
    }
    if raw.contains(&starter) {
        return Err(ParseError::single(
            field,
            "self_included",
            "you take part already: name the others only",
        ));
    }
    let distinct: BTreeSet<MemberId> = raw.iter().copied().collect();
    if distinct.len() != raw.len() {
        return Err(ParseError::single(
            field,
            "duplicate",
            "name each member once",
        ));
    }
    Ok(raw.to_vec())
}

/// A message's text: 1 to 5000 characters, line breaks and tabs allowed, no other control
/// characters; trimmed, line breaks normalised to `\n`.
#[derive(Clone, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        crate::text::bounded(raw, 1, MAX_MESSAGE_CHARS, true)
            .map(Self)
            .map_err(|e| e.in_field("body"))
    }

    /// A body decrypted from storage (it was parsed when written).
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Never prints the text: message bodies stay out of logs and panics.
impl std::fmt::Debug for MessageBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MessageBody({} chars)", self.0.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_start_a_conversation_with_whom() {
        use MessagesFrom::*;
        // (setting, shares a group, blocked either way, reachable) -> allowed
        let table = [
            (Everyone, false, false, true, true),
            (Everyone, true, false, true, true),
            (Everyone, true, true, true, false),
            (Everyone, false, false, false, false),
            (SharedGroup, true, false, true, true),
            (SharedGroup, false, false, true, false),
            (SharedGroup, true, true, true, false),
            (SharedGroup, true, false, false, false),
            (Nobody, true, false, true, false),
            (Nobody, false, false, true, false),
        ];
        for (setting, shares_group, blocked_either_way, reachable, allowed) in table {
            let answer = can_start_with(Recipient {
                setting,
                shares_group,
                blocked_either_way,
                reachable,
            });
            let expected = if allowed {
                Ok(())
            } else {
                Err(Refusal::CannotMessage)
            };
            assert_eq!(
                answer, expected,
                "{setting:?} shares={shares_group} blocked={blocked_either_way} reachable={reachable}"
            );
        }
    }

    #[test]
    fn who_may_write_into_a_conversation() {
        // (active participant, one-to-one, blocked with another participant) -> answer
        let table = [
            (true, true, false, Ok(())),
            (true, true, true, Err(Refusal::CannotMessage)),
            (true, false, true, Ok(())),
            (true, false, false, Ok(())),
            (false, true, false, Err(Refusal::Forbidden)),
            (false, false, false, Err(Refusal::Forbidden)),
        ];
        for (active, one_to_one, blocked, expected) in table {
            assert_eq!(
                can_send(active, one_to_one, blocked),
                expected,
                "active={active} one_to_one={one_to_one} blocked={blocked}"
            );
        }
    }

    #[test]
    fn recipients_are_one_to_seven_distinct_others() {
        let me = MemberId::new();
        let others: Vec<MemberId> = (0..8).map(|_| MemberId::new()).collect();
        assert!(parse_recipients(me, &others[..1]).is_ok());
        assert!(parse_recipients(me, &others[..7]).is_ok());
        let code = |r: Result<Vec<MemberId>, ParseError>| {
            r.err().map(|e| e.errors()[0].code).unwrap_or("ok")
        };
        assert_eq!(code(parse_recipients(me, &[])), "required");
        assert_eq!(code(parse_recipients(me, &others)), "too_many");
        assert_eq!(
            code(parse_recipients(me, &[others[0], me])),
            "self_included"
        );
        assert_eq!(
            code(parse_recipients(me, &[others[0], others[0]])),
            "duplicate"
        );
    }

    #[test]
    fn message_bodies() {
        assert_eq!(
            MessageBody::parse("  Bonjour\r\nça va ?\t ")
                .unwrap()
                .as_str(),
            "Bonjour\nça va ?"
        );
        assert!(MessageBody::parse("   ").is_err());
        assert!(MessageBody::parse(&"é".repeat(MAX_MESSAGE_CHARS)).is_ok());
        assert!(MessageBody::parse(&"é".repeat(MAX_MESSAGE_CHARS + 1)).is_err());
        assert!(MessageBody::parse("a\u{0007}b").is_err());
        let body = MessageBody::parse("secret santé").unwrap();
        assert!(!format!("{body:?}").contains("secret"));
    }

    #[test]
    fn settings_round_trip_and_default() {
        for setting in MessagesFrom::ALL {
            assert_eq!(MessagesFrom::parse(setting.as_str()), Ok(*setting));
        }
        assert_eq!(MessagesFrom::default(), MessagesFrom::SharedGroup);
        assert!(MessagesFrom::parse("friends").is_err());
    }
}
