//! Members and profiles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// What a member is to the community: `patient`, `caregiver` (a relative or friend who helps,
/// "aidant") or `professional`. Spaces can be reserved to one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberKind {
    Patient,
    Caregiver,
    Professional,
}

/// A platform-wide role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlatformRole {
    Member,
    Moderator,
    Admin,
}

/// Who may see a profile part: `private` (you only), `members` (logged-in members) or `public`
/// (anyone, including visitors who are not logged in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Private,
    Members,
    Public,
}

/// An age band, coarse on purpose: `under_18`, `18_29`, `30_44`, `45_59`, `60_74`, `75_plus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum AgeBand {
    #[serde(rename = "under_18")]
    Under18,
    #[serde(rename = "18_29")]
    From18To29,
    #[serde(rename = "30_44")]
    From30To44,
    #[serde(rename = "45_59")]
    From45To59,
    #[serde(rename = "60_74")]
    From60To74,
    #[serde(rename = "75_plus")]
    From75,
}

/// How long ago the diagnosis was made (for a caregiver: of the person they help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum DiagnosedSince {
    #[serde(rename = "less_than_1_year")]
    LessThanOneYear,
    #[serde(rename = "1_to_5_years")]
    OneToFiveYears,
    #[serde(rename = "5_to_10_years")]
    FiveToTenYears,
    #[serde(rename = "more_than_10_years")]
    MoreThanTenYears,
}

/// A profile part a discoverable member allows to be used to match them (and shown in
/// `GET /members/discover`), when its profile visibility lets other members see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiscoveryPart {
    Conditions,
    Kind,
    AgeBand,
    Region,
    Language,
    DiagnosedSince,
}

/// A coarse location; never an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    #[schema(example = "Lyon", max_length = 100)]
    pub city: Option<String>,
    #[schema(example = "Auvergne-Rhône-Alpes", max_length = 100)]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    #[schema(example = "FR", min_length = 2, max_length = 2)]
    pub country: Option<String>,
}

/// A profile as another member or a visitor sees it. Optional parts are absent when empty
/// *or* hidden from this reader: the two cannot be told apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-1111-7cc3-9a51-3c1f0e2b6d11",
    "pseudonym": "Camille",
    "kind": "caregiver",
    "bio": "Aidante de ma mère depuis 2021.",
    "language": "fr",
    "member_since": "2026-01-15T10:00:00Z"
}))]
pub struct MemberProfile {
    pub id: Uuid,
    #[schema(example = "Camille")]
    pub pseudonym: String,
    pub kind: MemberKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bio: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// BCP 47 tag, e.g. `fr` or `fr-FR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Conditions of interest (ids from `GET /conditions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_ids: Option<Vec<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_band: Option<AgeBand>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosed_since: Option<DiagnosedSince>,
    pub member_since: DateTime<Utc>,
    /// Holds the researcher right (granted by a platform admin): runs studies on the platform.
    /// Public, so members know who asks them questions.
    #[serde(default)]
    pub researcher: bool,
    /// The verified status the member shows (`null`: none). Public, like the badge beside
    /// their posts.
    #[serde(default)]
    pub verified: Option<crate::verification::Badge>,
}

/// Who may see each optional part of your profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProfileVisibility {
    pub bio: Visibility,
    pub avatar_url: Visibility,
    pub location: Visibility,
    pub language: Visibility,
    pub conditions: Visibility,
    pub age_band: Visibility,
    pub diagnosed_since: Visibility,
    /// Who may read your activity wall (your wall posts).
    pub wall: Visibility,
}

/// Changes to visibility settings; absent ones stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileVisibilityChanges {
    pub bio: Option<Visibility>,
    pub avatar_url: Option<Visibility>,
    pub location: Option<Visibility>,
    pub language: Option<Visibility>,
    pub conditions: Option<Visibility>,
    pub age_band: Option<Visibility>,
    pub diagnosed_since: Option<Visibility>,
    pub wall: Option<Visibility>,
}

/// Your own account and profile, everything included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-1111-7cc3-9a51-3c1f0e2b6d11",
    "email": "camille@example.org",
    "email_verified": true,
    "pseudonym": "Camille",
    "kind": "caregiver",
    "role": "member",
    "bio": "Aidante de ma mère depuis 2021.",
    "avatar_url": null,
    "location": {
        "city": "Lyon",
        "region": "Auvergne-Rhône-Alpes",
        "country": "FR"
    },
    "language": "fr",
    "condition_ids": [
        "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"
    ],
    "visibility": {
        "bio": "members",
        "avatar_url": "public",
        "location": "private",
        "language": "members",
        "conditions": "private",
        "age_band": "private",
        "diagnosed_since": "private",
        "wall": "members"
    },
    "age_band": "45_59",
    "diagnosed_since": null,
    "pending_kind_change": null,
    "verified": null,
    "member_since": "2026-01-15T10:00:00Z"
}))]
pub struct MyProfile {
    pub id: Uuid,
    /// Private: shown to you only.
    #[schema(example = "camille@example.org")]
    pub email: String,
    /// Whether you used the verification link mailed to `email` (or a password reset link sent
    /// there). Logging in does not need it; ask for a new link with
    /// `POST /api/v1/auth/verify-email/resend`.
    pub email_verified: bool,
    pub pseudonym: String,
    pub kind: MemberKind,
    pub role: PlatformRole,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub location: Location,
    pub language: Option<String>,
    pub condition_ids: Vec<Uuid>,
    /// Your age band (`null`: none).
    pub age_band: Option<AgeBand>,
    /// How long ago the diagnosis was made (`null`: none).
    pub diagnosed_since: Option<DiagnosedSince>,
    pub visibility: ProfileVisibility,
    pub member_since: DateTime<Utc>,
    /// The kind change you asked for, waiting to take effect (`null`: none). `kind` above stays
    /// your kind, and decides which reserved spaces you enter, until `effective_at`.
    pub pending_kind_change: Option<PendingKindChange>,
    /// The verified status you show (`null`: none). A badge granted for another kind than
    /// yours is not shown (ask again after a kind change).
    pub verified: Option<crate::verification::Badge>,
}

/// A kind change waiting to take effect: 7 days after it was asked for, or earlier if a platform
/// moderator approves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PendingKindChange {
    pub kind: MemberKind,
    pub requested_at: DateTime<Utc>,
    pub effective_at: DateTime<Utc>,
}

/// A kind change a platform moderator approved: in effect now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "member_id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11",
    "from": "caregiver",
    "kind": "patient",
    "effective_at": "2026-12-02T09:30:00Z",
    "approved_by": "01939a4e-1113-7cc3-9a51-3c1f0e2b6d11"
}))]
pub struct ApprovedKindChange {
    pub member_id: Uuid,
    pub from: MemberKind,
    pub kind: MemberKind,
    pub effective_at: DateTime<Utc>,
    pub approved_by: Uuid,
}

/// A partial update of your profile (JSON merge-patch style): absent fields stay as they are,
/// `null` clears an optional part.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "bio": "Aidante de ma mère depuis 2021.",
    "location": {
        "city": "Lyon",
        "region": "Auvergne-Rhône-Alpes",
        "country": "FR"
    },
    "condition_ids": [
        "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"
    ],
    "visibility": {
        "location": "members"
    }
}))]
pub struct UpdateProfileRequest {
    #[schema(example = "Camille L")]
    pub pseudonym: Option<String>,
    /// Asks for another kind. It takes effect 7 days later (or when a platform moderator
    /// approves it), then changes which reserved spaces you may enter and leaves those the new
    /// kind may not; until then your profile shows it as `pending_kind_change`. Asking for your
    /// current kind withdraws a waiting change.
    pub kind: Option<MemberKind>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub bio: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<String>, format = "uri")]
    pub avatar_url: Option<Option<String>>,
    /// Replaces the whole location; `null` clears it.
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<Location>)]
    pub location: Option<Option<Location>>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<String>, example = "fr")]
    pub language: Option<Option<String>>,
    /// Replaces the list of conditions of interest (at most 20).
    pub condition_ids: Option<Vec<Uuid>>,
    /// Your age band; `null` clears it. Private by default.
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<AgeBand>)]
    pub age_band: Option<Option<AgeBand>>,
    /// How long ago the diagnosis was made; `null` clears it. Private by default.
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<DiagnosedSince>)]
    pub diagnosed_since: Option<Option<DiagnosedSince>>,
    pub visibility: Option<ProfileVisibilityChanges>,
}

/// A platform role to give a member (platform admins).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "role": "moderator"
}))]
pub struct RoleChange {
    pub role: PlatformRole,
}

/// A member's platform role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11",
    "role": "moderator"
}))]
pub struct MemberRole {
    pub id: Uuid,
    pub role: PlatformRole,
}

/// What becomes of your posts and comments when you erase your account: `delete` (their text
/// is deleted; placeholders keep threads whole) or `anonymise` (kept, signed "Ancien membre").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContentChoice {
    Delete,
    Anonymise,
}

/// Erase your account, confirmed with your password.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "password": "lanterne verte sous la pluie",
    "content": "anonymise",
    "research_answers": "delete"
}))]
pub struct EraseAccountRequest {
    pub password: String,
    pub content: ContentChoice,
    /// Your answers to research questionnaires under a consent still in force: `delete` (the
    /// default) or `keep_pseudonymous` (kept under the study's pseudonymous id only, unlinked
    /// from anyone, excluded from later exports), as withdrawing a consent does.
    #[serde(default)]
    pub research_answers: Option<crate::research::PastAnswers>,
}

/// The discover filters. Each matches only members who allowed that part to be matched and
/// whose profile shows it to members: a filter never tells anything about anyone else.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiscoverQuery {
    /// Members who have this condition of interest.
    pub condition_id: Option<Uuid>,
    pub kind: Option<MemberKind>,
    /// Exact region, as members write it on their profile.
    #[param(max_length = 100)]
    pub region: Option<String>,
    pub age_band: Option<AgeBand>,
    /// BCP 47 tag, e.g. `fr` or `fr-FR` (normalised).
    #[param(example = "fr")]
    pub language: Option<String>,
}

/// A discoverable member as the discover list shows them: the pseudonym, and each part only
/// when the member allowed it for discovery *and* its profile visibility lets you see it.
/// Absent parts are absent, hidden or not allowed: the three cannot be told apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11",
    "pseudonym": "Lou",
    "kind": "patient",
    "condition_ids": ["01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"],
    "shared_condition_ids": ["01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"],
    "region": "Bretagne",
    "age_band": "30_44"
}))]
pub struct DiscoveredMember {
    pub id: Uuid,
    #[schema(example = "Lou")]
    pub pseudonym: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MemberKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_ids: Option<Vec<Uuid>>,
    /// The shown conditions you have on your profile too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_condition_ids: Option<Vec<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_band: Option<AgeBand>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosed_since: Option<DiagnosedSince>,
}

/// An @mention search: the start of a pseudonym.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MentionQuery {
    /// At least 2 characters, case-insensitive; `%` and `_` are taken literally.
    #[param(min_length = 2, max_length = 32, example = "ca")]
    pub prefix: String,
    /// At most this many members (1 to 20, 10 by default).
    #[param(minimum = 1, maximum = 20)]
    pub limit: Option<u32>,
}

impl MentionQuery {
    pub const DEFAULT_LIMIT: u32 = 10;
    pub const MAX_LIMIT: u32 = 20;
}
