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

/// Who takes over a group or an association whose last owner (admin) erases their account:
/// the active member with the highest role, the longest-standing first among equals (ties
/// broken by id, so the choice is the same on every run). `None` when nobody else is left.
/// `candidates` are the other active members: (id, role, member since).
pub fn successor<R: Ord + Copy, T: Ord + Copy>(
    candidates: &[(MemberId, R, T)],
) -> Option<MemberId> {
    candidates
        .iter()
        .min_by(|(a_id, a_role, a_since), (b_id, b_role, b_since)| {
            b_role
                .cmp(a_role)
                .then(a_since.cmp(b_since))
                .then(a_id.to_string().cmp(&b_id.to_string()))
        })
        .map(|(id, _, _)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_successor_is_the_highest_role_then_the_longest_standing() {
        let [a, b, c] = [
            MemberId::from_uuid(Uuid::from_u128(1)),
            MemberId::from_uuid(Uuid::from_u128(2)),
            MemberId::from_uuid(Uuid::from_u128(3)),
        ];
        // (role rank, joined day)
        assert_eq!(successor::<u8, u32>(&[]), None);
        assert_eq!(
            successor(&[(a, 0, 1), (b, 1, 9)]),
            Some(b),
            "moderator before member"
        );
        assert_eq!(
            successor(&[(a, 1, 5), (b, 1, 2), (c, 0, 1)]),
            Some(b),
            "then seniority"
        );
        assert_eq!(successor(&[(b, 1, 2), (a, 1, 2)]), Some(a), "then the id");
    }

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
