//! Accounts: who a member is on the platform (kind and role) and the credentials they log in with.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};

use unicode_normalization::UnicodeNormalization;
use unicode_security::MixedScript;
use validator::ValidateEmail;

use crate::error::ParseError;
use crate::ids::MemberId;
use crate::policy::{Refusal, allow};

/// What a member is to the community. Spaces can be reserved to one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberKind {
    /// Lives with the condition.
    Patient,
    /// A relative or friend who helps (aidant).
    Caregiver,
    /// A health or social care professional.
    Professional,
}

impl MemberKind {
    pub const ALL: [Self; 3] = [Self::Patient, Self::Caregiver, Self::Professional];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::Caregiver => "caregiver",
            Self::Professional => "professional",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw)
            .ok_or_else(|| {
                ParseError::single(
                    "kind",
                    "invalid_member_kind",
                    "must be one of patient, caregiver, professional",
                )
            })
    }
}

/// A member's role on the whole platform (group roles are separate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlatformRole {
    Member,
    Moderator,
    Admin,
}

impl PlatformRole {
    pub const ALL: [Self; 3] = [Self::Member, Self::Moderator, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Moderator => "moderator",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == raw)
            .ok_or_else(|| {
                ParseError::single("role", "invalid_role", "must be member, moderator or admin")
            })
    }
}

/// How many days a requested kind change waits before it takes effect, unless a platform
/// moderator approves it sooner: a reserved space must not open to whoever declares its kind for
/// an afternoon.
pub const KIND_CHANGE_COOL_DOWN_DAYS: i64 = 7;

/// A kind change a member asked for, waiting to take effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingKindChange {
    pub from: MemberKind,
    pub to: MemberKind,
    pub requested_at: DateTime<Utc>,
    /// When it takes effect (at the member's next request from then on).
    pub effective_at: DateTime<Utc>,
}

/// What asking for a kind does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindChangeStep {
    /// Nothing: it is already the kind, or the change already waiting.
    Nothing,
    /// Back to the current kind: the waiting change is withdrawn.
    Cancel,
    /// A new change, effective after the cool-down (it replaces a waiting one, whose clock
    /// does not carry over).
    Schedule { effective_at: DateTime<Utc> },
}

/// Policy: what happens when a member whose kind is `current` (with `pending` waiting) asks for
/// `wanted` at `now`. Registration sets the first kind at once; every later change waits
/// [`KIND_CHANGE_COOL_DOWN_DAYS`] or a platform moderator's approval.
pub fn request_kind(
    current: MemberKind,
    pending: Option<&PendingKindChange>,
    wanted: MemberKind,
    now: DateTime<Utc>,
) -> KindChangeStep {
    match pending {
        _ if wanted == current && pending.is_none() => KindChangeStep::Nothing,
        Some(_) if wanted == current => KindChangeStep::Cancel,
        Some(p) if p.to == wanted => KindChangeStep::Nothing,
        _ => KindChangeStep::Schedule {
            effective_at: now
                .checked_add_signed(TimeDelta::days(KIND_CHANGE_COOL_DOWN_DAYS))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        },
    }
}

/// Policy: has a waiting change reached its time?
pub fn kind_change_due(effective_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    effective_at <= now
}

/// Policy: a member follows others, never themselves (their own posts are in their feed anyway).
pub fn can_follow(follower: MemberId, followed: MemberId) -> Result<(), Refusal> {
    allow(follower != followed, Refusal::SelfFollow)
}

/// Policy: may `blocker` block `blocked`? Anyone but themself. A block hides each member's
/// posts, comments and profile from the other and ends their follows both ways.
pub fn can_block(blocker: MemberId, blocked: MemberId) -> Result<(), Refusal> {
    allow(blocker != blocked, Refusal::SelfBlock)
}

/// Policy: who may add conditions to the shared catalogue.
pub fn can_manage_conditions(role: PlatformRole) -> Result<(), Refusal> {
    allow(role == PlatformRole::Admin, Refusal::Forbidden)
}

/// A normalised e-mail address: trimmed and lower-cased, so `Ana@Example.org ` and
/// `ana@example.org` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let normalised = raw.trim().to_lowercase();
        if normalised.is_empty() {
            return Err(ParseError::single("email", "required", "is required"));
        }
        if normalised.len() > Self::MAX_LEN {
            return Err(ParseError::single(
                "email",
                "too_long",
                format!("must be at most {} bytes", Self::MAX_LEN),
            ));
        }
        if !normalised.validate_email() {
            return Err(ParseError::single(
                "email",
                "invalid_email",
                "is not a valid e-mail address",
            ));
        }
        Ok(Self(normalised))
    }

    /// A value read back from storage, where it was parsed when written. Rules may tighten
    /// over time; old rows must still load.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `@`, used to refuse passwords built from it.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

/// A public pseudonym: 3 to 32 characters, letters (any script), digits, and `_ - .` or single
/// inner spaces; starts with a letter or a digit. Normalised to NFKC (`Ｐａｕｌ` is `Paul`), written
/// in one script (`Pаul` with a Cyrillic `а` is refused: `mixed_scripts`), unique
/// case-insensitively ([`Pseudonym::key`]) and by look ([`Pseudonym::skeleton`]: `Рере` in
/// Cyrillic is taken when `Pepe` is), so nobody can sign as someone else.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pseudonym(String);

impl Pseudonym {
    pub const MIN_CHARS: usize = 3;
    pub const MAX_CHARS: usize = 32;
    /// Names that would let a member impersonate the platform or its staff.
    const RESERVED: [&'static str; 9] = [
        "admin",
        "administrator",
        "administrateur",
        "moderator",
        "moderateur",
        "modérateur",
        "entraide",
        "support",
        "system",
    ];

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let normalised: String = raw.nfkc().collect();
        let value = normalised.trim();
        let count = value.chars().count();
        if count < Self::MIN_CHARS {
            return Err(ParseError::single(
                "pseudonym",
                "too_short",
                format!("must be at least {} characters", Self::MIN_CHARS),
            ));
        }
        if count > Self::MAX_CHARS {
            return Err(ParseError::single(
                "pseudonym",
                "too_long",
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        let starts_well = value.chars().next().is_some_and(char::is_alphanumeric);
        let allowed = value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '));
        if !starts_well || !allowed || value.contains("  ") {
            return Err(ParseError::single(
                "pseudonym",
                "invalid_pseudonym",
                "may contain letters, digits, '_', '-', '.' and single spaces, and must start with a letter or digit",
            ));
        }
        if !value.is_single_script() {
            return Err(ParseError::single(
                "pseudonym",
                "mixed_scripts",
                "must be written in one script (do not mix, e.g., Latin and Cyrillic letters)",
            ));
        }
        let pseudonym = Self(value.to_owned());
        let (key, skeleton) = (pseudonym.key(), pseudonym.skeleton());
        if Self::RESERVED
            .iter()
            .any(|reserved| *reserved == key || confusable_key(reserved) == skeleton)
        {
            return Err(ParseError::single(
                "pseudonym",
                "reserved_pseudonym",
                "is reserved",
            ));
        }
        Ok(pseudonym)
    }

    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The uniqueness key: `Marie.L` and `marie.l` are the same pseudonym.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// The look-alike key, also unique: the UTS #39 confusable skeleton, case-folded. Two
    /// pseudonyms a reader could take for one another (`Paul` and `PauI` with a capital i,
    /// `Pepe` and the Cyrillic `Рере`, `Camille` and `Carnille`) have the same skeleton.
    pub fn skeleton(&self) -> String {
        confusable_key(&self.0)
    }
}

/// Upper case, skeleton, lower case, skeleton again: case and look-alikes both fold (`I` and
/// `l` look alike in capitals, `ρ` and `p` in lower case). Starting from the upper case makes
/// the key the same whatever the case of the input (`pauli` and `PAULI` are one key; a key taken
/// from the text as typed would fold the capital `I` to `l` but not the small `i`).
fn confusable_key(text: &str) -> String {
    let first: String = unicode_security::skeleton(&text.to_uppercase()).collect();
    unicode_security::skeleton(&first.to_lowercase()).collect()
}

impl fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A clear-text password in transit to the hasher. Its `Debug` never prints it.
#[derive(Clone)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    pub const MIN_CHARS: usize = 10;
    /// Bounds the hashing cost an attacker can ask for.
    pub const MAX_BYTES: usize = 256;

    /// A new password must be long enough and hard to guess (zxcvbn score >= 3), also from the
    /// member's own e-mail and pseudonym (`context`).
    pub fn parse_new(raw: &str, context: &[&str]) -> Result<Self, ParseError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(ParseError::single(
                "password",
                "too_short",
                format!("must be at least {} characters", Self::MIN_CHARS),
            ));
        }
        if raw.len() > Self::MAX_BYTES {
            return Err(ParseError::single(
                "password",
                "too_long",
                format!("must be at most {} bytes", Self::MAX_BYTES),
            ));
        }
        let estimate = zxcvbn::zxcvbn(raw, context);
        if estimate.score() < zxcvbn::Score::Three {
            let hint = estimate
                .feedback()
                .and_then(|feedback| feedback.warning())
                .map(|warning| format!(": {warning}"))
                .unwrap_or_default();
            return Err(ParseError::single(
                "password",
                "weak_password",
                format!("is too easy to guess{hint}; a few unrelated words make a strong one"),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// A password typed at login: only bounded, never judged (old rules may have allowed it).
    pub fn parse_login(raw: &str) -> Result<Self, ParseError> {
        if raw.is_empty() {
            return Err(ParseError::single("password", "required", "is required"));
        }
        if raw.len() > Self::MAX_BYTES {
            return Err(ParseError::single(
                "password",
                "too_long",
                format!("must be at most {} bytes", Self::MAX_BYTES),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nobody_follows_themselves() {
        let (me, other) = (MemberId::new(), MemberId::new());
        assert_eq!(can_follow(me, other), Ok(()));
        assert_eq!(can_follow(me, me), Err(Refusal::SelfFollow));
        assert_eq!(can_block(me, me), Err(Refusal::SelfBlock));
        assert!(can_block(me, MemberId::new()).is_ok());
    }

    #[test]
    fn email_is_trimmed_and_lowercased() {
        let email = Email::parse("  Ana.Martin@Example.ORG ").unwrap();
        assert_eq!(email.as_str(), "ana.martin@example.org");
        assert_eq!(email.local_part(), "ana.martin");
    }

    #[test]
    fn email_rejects_garbage() {
        for bad in ["", "   ", "no-at-sign", "a@", "@b.org", "a b@c.org"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(
            Email::parse(&long).unwrap_err().errors()[0].code,
            "too_long"
        );
    }

    #[test]
    fn pseudonym_rules() {
        assert_eq!(Pseudonym::parse(" Marie L. ").unwrap().as_str(), "Marie L.");
        assert_eq!(Pseudonym::parse("Zoé_75").unwrap().key(), "zoé_75");
        assert_eq!(
            Pseudonym::parse("ab").unwrap_err().errors()[0].code,
            "too_short"
        );
        assert_eq!(
            Pseudonym::parse(&"x".repeat(33)).unwrap_err().errors()[0].code,
            "too_long"
        );
        for bad in [
            "_lead",
            "two  spaces",
            "semi;colon",
            "<script>",
            "tab\there",
        ] {
            assert_eq!(
                Pseudonym::parse(bad).unwrap_err().errors()[0].code,
                "invalid_pseudonym",
                "{bad:?}"
            );
        }
        assert_eq!(
            Pseudonym::parse("Admin").unwrap_err().errors()[0].code,
            "reserved_pseudonym"
        );
        // Look-alikes of reserved names are reserved too.
        for reserved in ["Adrnin", "AdmIn", "Моderator"] {
            let code = Pseudonym::parse(reserved).unwrap_err().errors()[0].code;
            assert!(
                code == "reserved_pseudonym" || code == "mixed_scripts",
                "{reserved}: {code}"
            );
        }
    }

    #[test]
    fn pseudonyms_are_normalised_single_script_and_keyed_by_look() {
        // NFKC: full-width letters are the ordinary ones.
        assert_eq!(Pseudonym::parse("Ｐａｕｌ").unwrap().as_str(), "Paul");
        // Mixed scripts: Latin with a Cyrillic а, Latin with a Greek Ρ.
        for mixed in ["P\u{430}ul", "\u{3A1}aul", "Zo\u{435}_75"] {
            assert_eq!(
                Pseudonym::parse(mixed).unwrap_err().errors()[0].code,
                "mixed_scripts",
                "{mixed:?}"
            );
        }
        // One script with digits and punctuation, in any script, is fine.
        for fine in ["Zoé_75", "Иван-42", "Ελένη", "さくら 3", "محمد"] {
            assert!(Pseudonym::parse(fine).is_ok(), "{fine:?}");
        }
        let skeleton = |p: &str| Pseudonym::parse(p).unwrap().skeleton();
        assert_eq!(skeleton("Paul"), skeleton("PauI"));
        assert_eq!(skeleton("Paul"), skeleton("PAUL"));
        assert_eq!(skeleton("Pepe"), skeleton("\u{420}\u{435}\u{440}\u{435}"));
        assert_eq!(skeleton("Camille"), skeleton("Carnille"));
        // Found by the property test: a small `i` and a capital `I` are one key.
        assert_eq!(skeleton("iaÀ"), skeleton("IAÀ"));
        assert_eq!(skeleton("pauli"), skeleton("PAULI"));
        assert_ne!(skeleton("Paul"), skeleton("Paula"));
        assert_ne!(skeleton("Marie"), skeleton("Mario"));
    }

    #[test]
    fn password_strength() {
        assert!(Password::parse_new("correct horse battery staple", &[]).is_ok());
        assert_eq!(
            Password::parse_new("short", &[]).unwrap_err().errors()[0].code,
            "too_short"
        );
        assert_eq!(
            Password::parse_new("password123", &[])
                .unwrap_err()
                .errors()[0]
                .code,
            "weak_password"
        );
        assert_eq!(
            Password::parse_new("aaaaaaaaaaaa", &[])
                .unwrap_err()
                .errors()[0]
                .code,
            "weak_password"
        );
        // Built from the member's own pseudonym: guessable by anyone who sees the profile.
        assert_eq!(
            Password::parse_new("marielefevre1984", &["marielefevre1984"])
                .unwrap_err()
                .errors()[0]
                .code,
            "weak_password"
        );
        assert_eq!(
            Password::parse_new(&"Zq9!".repeat(70), &[])
                .unwrap_err()
                .errors()[0]
                .code,
            "too_long"
        );
    }

    #[test]
    fn password_debug_is_redacted() {
        let password = Password::parse_login("hunter2-secret").unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
    }

    #[test]
    fn kinds_and_roles_round_trip() {
        for kind in MemberKind::ALL {
            assert_eq!(MemberKind::parse(kind.as_str()).unwrap(), kind);
        }
        for role in PlatformRole::ALL {
            assert_eq!(PlatformRole::parse(role.as_str()).unwrap(), role);
        }
        assert!(MemberKind::parse("Patient").is_err());
        assert!(PlatformRole::parse("root").is_err());
    }

    #[test]
    fn kind_change_table() {
        use MemberKind::*;
        let now = Utc::now();
        let later = now + TimeDelta::days(KIND_CHANGE_COOL_DOWN_DAYS);
        let waiting = PendingKindChange {
            from: Caregiver,
            to: Patient,
            requested_at: now - TimeDelta::days(2),
            effective_at: now + TimeDelta::days(5),
        };
        let table = [
            // current, pending, wanted, step
            (Caregiver, None, Caregiver, KindChangeStep::Nothing),
            (
                Caregiver,
                None,
                Patient,
                KindChangeStep::Schedule {
                    effective_at: later,
                },
            ),
            (Caregiver, Some(&waiting), Patient, KindChangeStep::Nothing),
            (Caregiver, Some(&waiting), Caregiver, KindChangeStep::Cancel),
            (
                Caregiver,
                Some(&waiting),
                Professional,
                KindChangeStep::Schedule {
                    effective_at: later,
                },
            ),
        ];
        for (current, pending, wanted, step) in table {
            assert_eq!(
                request_kind(current, pending, wanted, now),
                step,
                "{current:?} {pending:?} {wanted:?}"
            );
        }
        assert!(kind_change_due(now, now));
        assert!(!kind_change_due(later, now));
    }

    #[test]
    fn only_admins_manage_conditions() {
        assert!(can_manage_conditions(PlatformRole::Admin).is_ok());
        assert!(can_manage_conditions(PlatformRole::Moderator).is_err());
        assert!(can_manage_conditions(PlatformRole::Member).is_err());
    }

    proptest! {
        #[test]
        fn accepted_new_passwords_respect_the_rules(raw in "\\PC{0,40}") {
            if let Ok(p) = Password::parse_new(&raw, &[]) {
                prop_assert!(p.expose().chars().count() >= Password::MIN_CHARS);
                prop_assert!(p.expose().len() <= Password::MAX_BYTES);
                prop_assert!(zxcvbn::zxcvbn(p.expose(), &[]).score() >= zxcvbn::Score::Three);
            }
        }

        #[test]
        fn parsed_pseudonyms_respect_their_invariants(raw in "\\PC{0,40}") {
            if let Ok(p) = Pseudonym::parse(&raw) {
                let n = p.as_str().chars().count();
                prop_assert!((Pseudonym::MIN_CHARS..=Pseudonym::MAX_CHARS).contains(&n));
                prop_assert_eq!(p.as_str().trim(), p.as_str());
                prop_assert!(!p.as_str().contains("  "));
                // Parsing is idempotent, and the key is the lower-cased pseudonym.
                let again = Pseudonym::parse(p.as_str()).unwrap();
                prop_assert_eq!(&again, &p);
                prop_assert_eq!(again.key(), p.as_str().to_lowercase());
                // Case never changes the look-alike key.
                prop_assert_eq!(
                    Pseudonym::from_stored(p.as_str().to_uppercase()).skeleton(),
                    p.skeleton()
                );
            }
        }

        #[test]
        fn emails_parse_case_insensitively(local in "[a-z0-9]{1,20}", domain in "[a-z]{1,10}\\.(org|fr|com)") {
            let lower = Email::parse(&format!("{local}@{domain}")).unwrap();
            let upper = Email::parse(&format!(" {}@{} ", local.to_uppercase(), domain.to_uppercase())).unwrap();
            prop_assert_eq!(lower, upper);
        }

        #[test]
        fn login_password_never_panics_and_is_bounded(raw in "\\PC{0,300}") {
            if let Ok(p) = Password::parse_login(&raw) {
                prop_assert!(!p.expose().is_empty() && p.expose().len() <= Password::MAX_BYTES);
            }
        }
    }
}
