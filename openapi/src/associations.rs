//! Patient associations, their members and followers, prevention announcements, donation
//! campaigns and the signed donation webhook.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::groups::MemberSummary;
use crate::members::MemberKind;
use crate::sponsors::Sponsor;

/// `pending` until a platform admin verifies the association; `verified` shows a badge and
/// lets it publish announcements and open campaigns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssociationStatus {
    Pending,
    Verified,
}

/// A role in an association: `admin` (manages it), `volunteer` (organises events, sees
/// members), `member`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssociationRole {
    Admin,
    Volunteer,
    Member,
}

/// `active`, or `pending` (asked to join; an admin decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssociationMembershipStatus {
    Active,
    Pending,
}

/// Your standing in an association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MyAssociationMembership {
    pub role: AssociationRole,
    pub status: AssociationMembershipStatus,
}

/// An association, as its public page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11",
    "name": "Association Bretonne contre la Mucoviscidose",
    "description": "Soutien aux familles et information sur la mucoviscidose en Bretagne.",
    "region": "Bretagne",
    "website": "https://abcm.example.org",
    "contact_email": "contact@abcm.example.org",
    "condition_ids": [
        "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"
    ],
    "open_membership": true,
    "status": "verified",
    "verified_at": "2026-03-01T12:00:00Z",
    "member_count": 42,
    "follower_count": 310,
    "sponsor": {
        "name": "Fondation Exemple",
        "kind": "foundation",
        "links": ["funding"]
    },
    "created_at": "2026-02-20T09:00:00Z",
    "following": true,
    "membership": null
}))]
pub struct Association {
    pub id: Uuid,
    #[schema(example = "Association Bretonne contre la Mucoviscidose")]
    pub name: String,
    pub description: String,
    pub website: Option<String>,
    #[schema(example = "Bretagne")]
    pub region: Option<String>,
    pub contact_email: Option<String>,
    /// The conditions it serves.
    pub condition_ids: Vec<Uuid>,
    /// `true`: members join at once; `false`: an admin approves each request.
    pub open_membership: bool,
    pub status: AssociationStatus,
    /// When a platform admin verified it.
    pub verified_at: Option<DateTime<Utc>>,
    /// Active members.
    pub member_count: i64,
    pub follower_count: i64,
    /// Who stands behind it, when declared (`null`: none declared).
    pub sponsor: Option<Sponsor>,
    pub created_at: DateTime<Utc>,
    /// Your standing (single-association answers, when logged in and a member).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<MyAssociationMembership>,
    /// Whether you follow it (single-association answers, when logged in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following: Option<bool>,
}

/// Register an association; you become its admin. It stays `pending` until verified.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Association Bretonne contre la Mucoviscidose",
    "description": "Soutien aux familles et information sur la mucoviscidose en Bretagne.",
    "region": "Bretagne",
    "website": "https://abcm.example.org",
    "contact_email": "contact@abcm.example.org",
    "condition_ids": [
        "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"
    ],
    "open_membership": true
}))]
pub struct CreateAssociationRequest {
    #[schema(min_length = 3, max_length = 120)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 8000)]
    pub description: Option<String>,
    #[schema(format = "uri")]
    pub website: Option<String>,
    pub region: Option<String>,
    #[schema(format = "email")]
    pub contact_email: Option<String>,
    /// At most 20.
    #[serde(default)]
    pub condition_ids: Vec<Uuid>,
    /// `true`: members join at once; `false` (the default): an admin approves each request.
    /// Either way, only members an admin approved (or gave a role) enter the association's
    /// private groups without a request.
    #[schema(default = false)]
    pub open_membership: Option<bool>,
    /// Who stands behind it (a company, a public body...) and how: declare it.
    pub sponsor: Option<Sponsor>,
}

/// Changes (admins). Absent fields stay; `null` clears an optional one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "website": "https://abcm.example.org/accueil",
    "open_membership": false
}))]
pub struct UpdateAssociationRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<String>, format = "uri")]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<String>)]
    pub region: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<String>, format = "email")]
    pub contact_email: Option<Option<String>>,
    /// Replaces the list.
    pub condition_ids: Option<Vec<Uuid>>,
    pub open_membership: Option<bool>,
    /// Declares or replaces the sponsor; `null` withdraws the declaration.
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<Sponsor>)]
    pub sponsor: Option<Option<Sponsor>>,
}

/// Filters of the association directory.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssociationQuery {
    /// Name contains this text (case-insensitive).
    pub q: Option<String>,
    pub condition_id: Option<Uuid>,
    pub status: Option<AssociationStatus>,
    /// `true`: only associations you are an active member of (requires login).
    pub mine: Option<bool>,
    /// `false`: leave out sponsored associations; `true`: only sponsored ones.
    pub sponsored: Option<bool>,
}

/// The result of joining: `active`, or `pending` when an admin approves members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "status": "pending"
}))]
pub struct AssociationJoinResult {
    pub status: AssociationMembershipStatus,
}

/// A line of an association's member list (admins and volunteers only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "member": {
        "id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11",
        "pseudonym": "Lou",
        "kind": "patient",
        "verified": null
    },
    "role": "volunteer",
    "status": "active",
    "since": "2026-04-02T14:00:00Z"
}))]
pub struct AssociationMember {
    pub member: MemberSummary,
    pub role: AssociationRole,
    pub status: AssociationMembershipStatus,
    pub since: DateTime<Utc>,
}

/// Filters of an association's member list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssociationMemberQuery {
    /// Only this status (`pending`: the requests to approve).
    pub status: Option<AssociationMembershipStatus>,
}

/// An admin's decision on a member: approve a request (`status: active`) and/or set the role.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "role": "volunteer",
    "status": "active"
}))]
pub struct UpdateAssociationMemberRequest {
    pub role: Option<AssociationRole>,
    /// Only `active` (approve) may be set.
    #[schema(value_type = Option<ApproveMembership>)]
    pub status: Option<AssociationMembershipStatus>,
}

/// The one status a request may set: `active` approves a pending member. (The schema of
/// `UpdateAssociationMemberRequest.status`; it reads as an `AssociationMembershipStatus`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApproveMembership {
    Active,
}

/// Whether you follow the association, and how many do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "following": true,
    "follower_count": 12
}))]
pub struct FollowState {
    pub following: bool,
    pub follower_count: i64,
}

/// The key the payment provider signs donation webhooks with. Keep it secret; asking for a new
/// one revokes this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "secret": "whsec_9d3e7f2b4c5f1c3b9e0a7d4e2f8b6c1a",
    "webhook_path": "/api/v1/webhooks/donations/01939a4e-3333-7cc3-9a51-3c1f0e2b6d11"
}))]
pub struct WebhookSecret {
    pub secret: String,
    /// Where the provider sends the webhook.
    pub webhook_path: String,
}

/// Who an announcement is for. Empty lists and `null` mean everyone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub struct Targeting {
    /// Members with any of these conditions in their profile.
    #[serde(default)]
    pub condition_ids: Vec<Uuid>,
    /// Members of these kinds.
    #[serde(default)]
    pub kinds: Vec<MemberKind>,
    /// Members whose profile region is this one (ignoring case).
    pub region: Option<String>,
}

/// The association an item comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AssociationRef {
    pub id: Uuid,
    pub name: String,
    pub verified: bool,
}

/// A prevention announcement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-cccc-7cc3-9a51-3c1f0e2b6d11",
    "association": {
        "id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11",
        "name": "Association Bretonne contre la Mucoviscidose",
        "verified": true
    },
    "title": "Journée de dépistage le 12 mars",
    "body": "Dépistage **gratuit** au CHU de Rennes, sans rendez-vous.",
    "body_html": "<p>Dépistage <strong>gratuit</strong> au CHU de Rennes, sans rendez-vous.</p>",
    "link": "https://abcm.example.org/depistage",
    "targeting": {
        "condition_ids": [
            "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"
        ],
        "kinds": [
            "patient",
            "caregiver"
        ],
        "region": "Bretagne"
    },
    "publish_at": "2027-02-20T08:00:00Z",
    "expires_at": "2027-03-13T00:00:00Z",
    "live": false,
    "created_at": "2027-02-10T16:30:00Z"
}))]
pub struct Announcement {
    pub id: Uuid,
    pub association: AssociationRef,
    pub title: String,
    /// Markdown source.
    pub body: String,
    /// Sanitised HTML rendering of `body`.
    pub body_html: String,
    pub link: Option<String>,
    pub targeting: Targeting,
    pub publish_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Published and not expired now.
    pub live: bool,
    pub created_at: DateTime<Utc>,
}

/// A new announcement (admins of a verified association).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Journée de dépistage le 12 mars",
    "body": "Dépistage **gratuit** au CHU de Rennes, sans rendez-vous.",
    "link": "https://abcm.example.org/depistage",
    "targeting": {
        "kinds": [
            "patient",
            "caregiver"
        ],
        "region": "Bretagne"
    },
    "publish_at": "2027-02-20T08:00:00Z",
    "expires_at": "2027-03-13T00:00:00Z"
}))]
pub struct CreateAnnouncementRequest {
    #[schema(min_length = 3, max_length = 120)]
    pub title: String,
    /// Markdown, at most 20,000 characters.
    pub body: String,
    #[schema(format = "uri")]
    pub link: Option<String>,
    #[serde(default)]
    pub targeting: Targeting,
    /// When it appears (default: now). A future time schedules it.
    pub publish_at: Option<DateTime<Utc>>,
    /// When it stops appearing.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Your settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "receive_announcements": true,
    "listed_in_member_lists": false,
    "discoverable": true,
    "discovery_parts": ["conditions", "kind", "region"]
}))]
pub struct MemberSettings {
    /// Receive, in your home feed, announcements targeted at your profile from associations you
    /// neither joined nor follow. Those you joined or follow always reach you.
    pub receive_announcements: bool,
    /// Appear in the member lists of your groups and associations, to their other members.
    /// Off by default: belonging to a disease group is health data. Group owners and
    /// moderators, and association admins, always see every member.
    pub listed_in_member_lists: bool,
    /// Appear in other members' `GET /members/discover` and @mention completion. Off by
    /// default.
    pub discoverable: bool,
    /// The profile parts that may be used to match you and shown in the discover list (each
    /// still only as far as its profile visibility lets the reader see it). Empty while you are
    /// not discoverable: turning discoverability off forgets them.
    pub discovery_parts: Vec<crate::members::DiscoveryPart>,
}

/// Changes to your settings; absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "listed_in_member_lists": false,
    "discoverable": true,
    "discovery_parts": ["conditions", "region"]
}))]
pub struct UpdateMemberSettingsRequest {
    pub receive_announcements: Option<bool>,
    pub listed_in_member_lists: Option<bool>,
    /// `false` removes you from discovery and forgets your parts.
    pub discoverable: Option<bool>,
    /// Replaces the parts allowed for discovery (at most the 6 parts; duplicates are ignored).
    /// Only while discoverable (or turning it on in the same request): 422
    /// `not_discoverable` otherwise.
    #[schema(max_items = 6)]
    pub discovery_parts: Option<Vec<crate::members::DiscoveryPart>>,
}

/// A donation campaign and its public progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-6666-7cc3-9a51-3c1f0e2b6d11",
    "association": {
        "id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11",
        "name": "Association Bretonne contre la Mucoviscidose",
        "verified": true
    },
    "title": "Un répit pour les aidants",
    "description": "Financer des séjours de répit pour les familles.",
    "goal_cents": 1500000,
    "currency": "EUR",
    "starts_at": "2026-11-01T00:00:00Z",
    "ends_at": "2027-01-31T23:59:59Z",
    "payment_url": "https://pay.example.org/abcm/repit",
    "raised_cents": 487500,
    "donor_count": 61,
    "percent": 32,
    "open": true,
    "created_at": "2026-10-20T10:00:00Z"
}))]
pub struct Campaign {
    pub id: Uuid,
    pub association: AssociationRef,
    pub title: String,
    pub description: String,
    /// In the currency's smallest unit (cents).
    pub goal_cents: i64,
    #[schema(example = "EUR")]
    pub currency: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The association's payment page: Entraide never handles card data.
    pub payment_url: String,
    pub raised_cents: i64,
    /// Donations recorded (each gift counts once; anonymous gifts included).
    pub donor_count: i64,
    /// Raised as a whole percentage of the goal (may pass 100).
    pub percent: i64,
    /// Accepting donations now.
    pub open: bool,
    pub created_at: DateTime<Utc>,
}

/// A new campaign (admins of a verified association).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Un répit pour les aidants",
    "description": "Financer des séjours de répit pour les familles.",
    "goal_cents": 1500000,
    "currency": "EUR",
    "starts_at": "2026-11-01T00:00:00Z",
    "ends_at": "2027-01-31T23:59:59Z",
    "payment_url": "https://pay.example.org/abcm/repit"
}))]
pub struct CreateCampaignRequest {
    #[schema(min_length = 3, max_length = 120)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(deserialize_with = "crate::integer::deserialize")]
    #[schema(minimum = 1)]
    pub goal_cents: i64,
    #[schema(example = "EUR")]
    pub currency: String,
    /// Default: now.
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: DateTime<Utc>,
    #[schema(format = "uri")]
    pub payment_url: String,
}

/// `manual` (entered by an admin) or `webhook` (reported by the payment provider).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DonationSource {
    Manual,
    Webhook,
}

/// A recorded donation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-bbbb-7cc3-9a51-3c1f0e2b6d11",
    "campaign_id": "01939a4e-6666-7cc3-9a51-3c1f0e2b6d11",
    "amount_cents": 5000,
    "donor_name": "Famille Le Goff",
    "source": "manual",
    "received_at": "2026-11-12T15:20:00Z"
}))]
pub struct Donation {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub amount_cents: i64,
    /// `null` when the donor stays anonymous.
    pub donor_name: Option<String>,
    pub source: DonationSource,
    pub received_at: DateTime<Utc>,
}

/// A donation an association admin records by hand (a cheque, a transfer...).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "amount_cents": 5000,
    "currency": "EUR",
    "donor_name": "Famille Le Goff",
    "received_at": "2026-11-12T15:20:00Z",
    "payment_id": "cheque-2026-0042"
}))]
pub struct RecordDonationRequest {
    #[serde(deserialize_with = "crate::integer::deserialize")]
    #[schema(minimum = 1)]
    pub amount_cents: i64,
    /// Must be the campaign's currency.
    pub currency: String,
    /// Leave out (or `null`) for an anonymous donor.
    pub donor_name: Option<String>,
    /// Default: now.
    pub received_at: Option<DateTime<Utc>>,
    /// An external reference; recording it twice answers 409.
    pub payment_id: Option<String>,
}

/// What the payment provider sends to `POST /webhooks/donations/{association_id}`, signed:
/// header `X-Entraide-Timestamp` (Unix seconds) and `X-Entraide-Signature:
/// sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "campaign_id": "01939a4e-6666-7cc3-9a51-3c1f0e2b6d11",
    "payment_id": "pi_3Q8x2LkT9",
    "amount_cents": 2500,
    "currency": "EUR",
    "donor_name": null,
    "anonymous": true,
    "paid_at": "2026-11-13T08:45:00Z"
}))]
pub struct DonationWebhook {
    pub campaign_id: Uuid,
    /// The provider's payment id: the same id is recorded once.
    pub payment_id: String,
    #[serde(deserialize_with = "crate::integer::deserialize")]
    #[schema(minimum = 1)]
    pub amount_cents: i64,
    pub currency: String,
    pub donor_name: Option<String>,
    /// `true`: do not record the donor's name.
    #[serde(default)]
    pub anonymous: bool,
    /// Default: when received.
    pub paid_at: Option<DateTime<Utc>>,
}

/// The webhook's answer: `recorded: false` when this payment id was already recorded (the
/// existing donation is returned).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "recorded": true,
    "donation": {
        "id": "01939a4e-bbbb-7cc3-9a51-3c1f0e2b6d11",
        "campaign_id": "01939a4e-6666-7cc3-9a51-3c1f0e2b6d11",
        "amount_cents": 2500,
        "donor_name": null,
        "source": "webhook",
        "received_at": "2026-11-13T08:45:00Z"
    }
}))]
pub struct WebhookResult {
    pub recorded: bool,
    pub donation: Donation,
}
