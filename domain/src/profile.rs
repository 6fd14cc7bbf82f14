//! Profiles and who may see which part of them.
//!
//! A profile always shows its pseudonym and member kind (they sign every post). Each optional
//! part (bio, avatar, location, language, conditions of interest) carries its own [`Visibility`],
//! and [`Profile::view_for`] is the one place that decides what a reader gets. E-mail, platform
//! role and the visibility settings themselves are shown to the owner only.

use chrono::{DateTime, Utc};

use crate::discovery::{AgeBand, DiagnosedSince};
use crate::error::ParseError;
use crate::ids::{ConditionId, MemberId};
use crate::member::{MemberKind, PlatformRole, Pseudonym};

/// Who may see an optional part of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// The owner only.
    Private,
    /// Any logged-in member.
    Members,
    /// Anyone, including anonymous visitors.
    Public,
}

impl Visibility {
    pub const ALL: [Self; 3] = [Self::Private, Self::Members, Self::Public];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Private => "private",
            Self::Members => "members",
            Self::Public => "public",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == raw)
            .ok_or_else(|| {
                ParseError::single(
                    "visibility",
                    "invalid_visibility",
                    "must be private, members or public",
                )
            })
    }

    /// Policy: may a reader in this relation to the owner see a part with this visibility?
    pub fn allows(self, relation: Relation) -> bool {
        match (self, relation) {
            (_, Relation::Owner) => true,
            (Self::Public, _) => true,
            (Self::Members, Relation::OtherMember) => true,
            (Self::Members, Relation::Anonymous) => false,
            (Self::Private, Relation::OtherMember | Relation::Anonymous) => false,
        }
    }
}

/// What a reader sees of a member list (a group's, an association's). Each member chooses
/// whether they appear to other members (`listed_in_member_lists`, off by default: belonging to
/// a disease group is health data); those who moderate the list see everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberListView {
    /// Every member (group owners and moderators, association admins).
    Everyone,
    /// The members who chose to be listed, and oneself.
    Listed,
}

impl MemberListView {
    /// Policy: does a member who chose `listed` appear to this reader (`is_self`: the reader is
    /// that member)?
    pub fn shows(self, listed: bool, is_self: bool) -> bool {
        match self {
            Self::Everyone => true,
            Self::Listed => listed || is_self,
        }
    }
}

/// Who is reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Anonymous,
    Member(MemberId),
}

/// How a reader stands to the owner of what they read. Platform staff get no special sight of
/// private profile parts: `private` means the owner only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Owner,
    OtherMember,
    Anonymous,
}

impl Viewer {
    pub fn relation_to(self, owner: MemberId) -> Relation {
        match self {
            Self::Anonymous => Relation::Anonymous,
            Self::Member(id) if id == owner => Relation::Owner,
            Self::Member(_) => Relation::OtherMember,
        }
    }
}

/// Free text about oneself, at most 2,000 characters; blank means none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bio(String);

impl Bio {
    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub const MAX_CHARS: usize = 2000;

    pub fn parse(raw: &str) -> Result<Option<Self>, ParseError> {
        let normalised = crate::text::normalise_line_breaks(raw);
        let value = normalised.trim();
        if value.is_empty() {
            return Ok(None);
        }
        if value.chars().count() > Self::MAX_CHARS {
            return Err(ParseError::single(
                "bio",
                "too_long",
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        Ok(Some(Self(value.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An `https` (or `http`) URL to a picture; other schemes (`javascript:`, `data:`) are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvatarUrl(String);

impl AvatarUrl {
    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub const MAX_LEN: usize = 2048;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim();
        if value.len() > Self::MAX_LEN {
            return Err(ParseError::single(
                "avatar_url",
                "too_long",
                format!("must be at most {} bytes", Self::MAX_LEN),
            ));
        }
        let url = url::Url::parse(value).map_err(|_| {
            ParseError::single("avatar_url", "invalid_url", "is not a valid absolute URL")
        })?;
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
            return Err(ParseError::single(
                "avatar_url",
                "invalid_url",
                "must be an http(s) URL",
            ));
        }
        Ok(Self(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A coarse location: city, region, country (ISO 3166-1 alpha-2). Never an address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
}

impl Location {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(
        city: Option<&str>,
        region: Option<&str>,
        country: Option<&str>,
    ) -> Result<Self, ParseError> {
        let text = |field: &str, raw: Option<&str>| -> Result<Option<String>, ParseError> {
            let Some(value) = raw.map(str::trim).filter(|v| !v.is_empty()) else {
                return Ok(None);
            };
            if value.chars().count() > Self::MAX_CHARS {
                return Err(ParseError::single(
                    field,
                    "too_long",
                    format!("must be at most {} characters", Self::MAX_CHARS),
                ));
            }
            if value.chars().any(char::is_control) {
                return Err(ParseError::single(
                    field,
                    "invalid_text",
                    "must not contain control characters",
                ));
            }
            Ok(Some(value.to_owned()))
        };
        let country = match country.map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(code) if code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic()) => {
                Some(code.to_ascii_uppercase())
            }
            Some(_) => {
                return Err(ParseError::single(
                    "location.country",
                    "invalid_country",
                    "must be an ISO 3166-1 alpha-2 code such as FR",
                ));
            }
        };
        Ok(Self {
            city: text("location.city", city)?,
            region: text("location.region", region)?,
            country,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.city.is_none() && self.region.is_none() && self.country.is_none()
    }
}

/// A preferred language as a BCP 47 tag of the simple form `fr` or `fr-FR` (normalised case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageTag(String);

impl LanguageTag {
    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let invalid = || {
            ParseError::single(
                "language",
                "invalid_language",
                "must be a language tag such as fr or fr-FR",
            )
        };
        let mut parts = raw.trim().split('-');
        let language = parts.next().ok_or_else(invalid)?;
        if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_alphabetic())
        {
            return Err(invalid());
        }
        let mut tag = language.to_ascii_lowercase();
        if let Some(region) = parts.next() {
            if region.len() != 2 || !region.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(invalid());
            }
            tag.push('-');
            tag.push_str(&region.to_ascii_uppercase());
        }
        if parts.next().is_some() {
            return Err(invalid());
        }
        Ok(Self(tag))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An optional profile part and who may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<T> {
    pub value: T,
    pub visibility: Visibility,
}

impl<T> Field<T> {
    pub fn new(value: T, visibility: Visibility) -> Self {
        Self { value, visibility }
    }

    fn for_relation(&self, relation: Relation) -> Option<&T> {
        self.visibility.allows(relation).then_some(&self.value)
    }
}

/// A member's profile as stored. Defaults protect health data: conditions and location start
/// private, bio and language visible to members, the avatar public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub id: MemberId,
    pub pseudonym: Pseudonym,
    pub kind: MemberKind,
    pub role: PlatformRole,
    pub bio: Field<Option<Bio>>,
    pub avatar_url: Field<Option<AvatarUrl>>,
    pub location: Field<Location>,
    pub language: Field<Option<LanguageTag>>,
    pub conditions: Field<Vec<ConditionId>>,
    /// An age band (private by default).
    pub age_band: Field<Option<AgeBand>>,
    /// How long ago the diagnosis was made (private by default: health data).
    pub diagnosed_since: Field<Option<DiagnosedSince>>,
    /// Who may read the member's activity wall (their wall posts).
    pub wall_visibility: Visibility,
    pub created_at: DateTime<Utc>,
}

/// Default visibilities for a new profile.
pub mod defaults {
    use super::Visibility;
    pub const BIO: Visibility = Visibility::Members;
    pub const AVATAR: Visibility = Visibility::Public;
    pub const LOCATION: Visibility = Visibility::Private;
    pub const LANGUAGE: Visibility = Visibility::Members;
    pub const CONDITIONS: Visibility = Visibility::Private;
    pub const AGE_BAND: Visibility = Visibility::Private;
    pub const DIAGNOSED_SINCE: Visibility = Visibility::Private;
    pub const WALL: Visibility = Visibility::Members;
    /// Appear in the member lists of one's groups and associations: no, until one opts in.
    pub const LISTED_IN_MEMBER_LISTS: bool = false;
}

/// What one reader may see of a profile. `None` means absent *or* hidden: a reader cannot tell
/// which, so hiding a part does not reveal that it is filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileView<'a> {
    pub id: MemberId,
    pub pseudonym: &'a Pseudonym,
    pub kind: MemberKind,
    pub bio: Option<&'a Bio>,
    pub avatar_url: Option<&'a AvatarUrl>,
    pub location: Option<&'a Location>,
    pub language: Option<&'a LanguageTag>,
    pub conditions: Option<&'a [ConditionId]>,
    pub age_band: Option<AgeBand>,
    pub diagnosed_since: Option<DiagnosedSince>,
    pub created_at: DateTime<Utc>,
}

impl Profile {
    /// The one place that decides what `viewer` sees of this profile.
    pub fn view_for(&self, viewer: Viewer) -> ProfileView<'_> {
        let relation = viewer.relation_to(self.id);
        ProfileView {
            id: self.id,
            pseudonym: &self.pseudonym,
            kind: self.kind,
            bio: self.bio.for_relation(relation).and_then(Option::as_ref),
            avatar_url: self
                .avatar_url
                .for_relation(relation)
                .and_then(Option::as_ref),
            location: self
                .location
                .for_relation(relation)
                .filter(|location| !location.is_empty()),
            language: self
                .language
                .for_relation(relation)
                .and_then(Option::as_ref),
            conditions: self
                .conditions
                .for_relation(relation)
                .map(Vec::as_slice)
                .filter(|conditions| !conditions.is_empty()),
            age_band: self.age_band.for_relation(relation).copied().flatten(),
            diagnosed_since: self
                .diagnosed_since
                .for_relation(relation)
                .copied()
                .flatten(),
            created_at: self.created_at,
        }
    }
}

/// A change to one's own profile. `None` leaves a part as it is; `Some(None)` clears it. The
/// kind is not here: it changes through [`crate::member::request_kind`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChanges {
    pub pseudonym: Option<Pseudonym>,
    pub bio: Option<Option<Bio>>,
    pub bio_visibility: Option<Visibility>,
    pub avatar_url: Option<Option<AvatarUrl>>,
    pub avatar_visibility: Option<Visibility>,
    pub location: Option<Location>,
    pub location_visibility: Option<Visibility>,
    pub language: Option<Option<LanguageTag>>,
    pub language_visibility: Option<Visibility>,
    pub conditions: Option<Vec<ConditionId>>,
    pub conditions_visibility: Option<Visibility>,
    pub age_band: Option<Option<AgeBand>>,
    pub age_band_visibility: Option<Visibility>,
    pub diagnosed_since: Option<Option<DiagnosedSince>>,
    pub diagnosed_since_visibility: Option<Visibility>,
    pub wall_visibility: Option<Visibility>,
}

impl ProfileChanges {
    /// At most this many conditions of interest per profile.
    pub const MAX_CONDITIONS: usize = 20;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(visibility: Visibility) -> Profile {
        Profile {
            id: MemberId::new(),
            pseudonym: Pseudonym::parse("Camille").unwrap(),
            kind: MemberKind::Caregiver,
            role: PlatformRole::Member,
            bio: Field::new(Bio::parse("Aidante de ma mère").unwrap(), visibility),
            avatar_url: Field::new(
                Some(AvatarUrl::parse("https://img.example.org/c.png").unwrap()),
                visibility,
            ),
            location: Field::new(
                Location::parse(Some("Lyon"), Some("Auvergne-Rhône-Alpes"), Some("fr")).unwrap(),
                visibility,
            ),
            language: Field::new(Some(LanguageTag::parse("fr").unwrap()), visibility),
            conditions: Field::new(vec![ConditionId::new()], visibility),
            age_band: Field::new(Some(AgeBand::From30To44), visibility),
            diagnosed_since: Field::new(Some(DiagnosedSince::OneToFiveYears), visibility),
            wall_visibility: visibility,
            created_at: Utc::now(),
        }
    }

    /// The policy as a table: reader x visibility -> every optional part shown or not.
    #[test]
    fn visibility_table() {
        let other = Viewer::Member(MemberId::new());
        let table = [
            (Visibility::Private, "owner", true),
            (Visibility::Private, "member", false),
            (Visibility::Private, "anonymous", false),
            (Visibility::Members, "owner", true),
            (Visibility::Members, "member", true),
            (Visibility::Members, "anonymous", false),
            (Visibility::Public, "owner", true),
            (Visibility::Public, "member", true),
            (Visibility::Public, "anonymous", true),
        ];
        for (visibility, reader, shown) in table {
            let profile = profile(visibility);
            let viewer = match reader {
                "owner" => Viewer::Member(profile.id),
                "member" => other,
                _ => Viewer::Anonymous,
            };
            let view = profile.view_for(viewer);
            let parts = [
                ("bio", view.bio.is_some()),
                ("avatar_url", view.avatar_url.is_some()),
                ("location", view.location.is_some()),
                ("language", view.language.is_some()),
                ("conditions", view.conditions.is_some()),
                ("age_band", view.age_band.is_some()),
                ("diagnosed_since", view.diagnosed_since.is_some()),
            ];
            for (part, is_shown) in parts {
                assert_eq!(is_shown, shown, "{part} at {visibility:?} for {reader}");
            }
            // Pseudonym and kind sign every post: always shown.
            assert_eq!(view.pseudonym.as_str(), "Camille");
            assert_eq!(view.kind, MemberKind::Caregiver);
        }
    }

    #[test]
    fn member_list_table() {
        let table = [
            // view, listed, is self, shown
            (MemberListView::Everyone, false, false, true),
            (MemberListView::Everyone, true, false, true),
            (MemberListView::Listed, true, false, true),
            (MemberListView::Listed, false, false, false),
            (MemberListView::Listed, false, true, true),
        ];
        for (view, listed, is_self, shown) in table {
            assert_eq!(
                view.shows(listed, is_self),
                shown,
                "{view:?} {listed} {is_self}"
            );
        }
        const { assert!(!defaults::LISTED_IN_MEMBER_LISTS) };
    }

    #[test]
    fn parts_have_independent_visibility() {
        let mut p = profile(Visibility::Public);
        p.conditions.visibility = Visibility::Private;
        let view = p.view_for(Viewer::Member(MemberId::new()));
        assert!(view.bio.is_some());
        assert!(view.conditions.is_none());
    }

    #[test]
    fn empty_parts_are_not_shown_even_when_public() {
        let mut p = profile(Visibility::Public);
        p.location.value = Location::default();
        p.conditions.value.clear();
        let view = p.view_for(Viewer::Anonymous);
        assert!(view.location.is_none());
        assert!(view.conditions.is_none());
    }

    #[test]
    fn avatar_url_refuses_dangerous_schemes() {
        for bad in [
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "ftp://x.org/a.png",
            "/relative.png",
        ] {
            assert!(AvatarUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(AvatarUrl::parse("https://cdn.example.org/a.png").is_ok());
    }

    #[test]
    fn location_and_language_are_normalised() {
        let loc = Location::parse(Some(" Nantes "), None, Some("fr")).unwrap();
        assert_eq!(loc.city.as_deref(), Some("Nantes"));
        assert_eq!(loc.country.as_deref(), Some("FR"));
        assert!(Location::parse(None, None, Some("France")).is_err());
        assert!(Location::parse(Some(&"x".repeat(101)), None, None).is_err());
        assert_eq!(LanguageTag::parse("fr-fr").unwrap().as_str(), "fr-FR");
        assert_eq!(LanguageTag::parse("EN").unwrap().as_str(), "en");
        for bad in ["", "f", "french", "fr-FRA", "fr-FR-x", "f1"] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bio_blank_is_none_and_bounded() {
        assert_eq!(Bio::parse("   ").unwrap(), None);
        assert!(Bio::parse(&"é".repeat(2001)).is_err());
        assert!(Bio::parse(&"é".repeat(2000)).unwrap().is_some());
    }
}
