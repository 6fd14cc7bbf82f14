//! The right to erasure (GDPR art. 17): what happens to a member's account and what they wrote.

use uuid::Uuid;

use crate::error::ParseError;
use crate::ids::MemberId;

/// What becomes of a member's posts and comments when they erase their account. Either way
/// threads stay readable: others' comments stay under a post, and replies under a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentChoice {
    /// Their text is deleted; placeholders keep the threads' shape.
    Delete,
    /// Their text stays, signed by "Ancien membre".
    Anonymise,
}

wire_enum!(ContentChoice, "content", "invalid_content_choice",
    Delete => "delete", Anonymise => "anonymise");

/// The pseudonym content of erased members is signed with. Nobody can register it (the
/// placeholder account holds it).
pub const FORMER_MEMBER_PSEUDONYM: &str = "Ancien membre";

/// The one placeholder account every erased member's kept content and shared work (groups,
/// events, resources...) is moved to: no e-mail, no password, no session, never listed.
pub fn former_member_id() -> MemberId {
    MemberId::from_uuid(Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0001))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_is_explicit_and_the_placeholder_fixed() {
        assert_eq!(
            ContentChoice::parse("anonymise"),
            Ok(ContentChoice::Anonymise)
        );
        assert!(ContentChoice::parse("keep").is_err());
        assert_eq!(
            former_member_id().to_string(),
            "00000000-0000-7000-8000-000000000001"
        );
    }
}
