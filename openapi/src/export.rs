//! Your data export (`GET /members/me/export`): everything the platform holds about you, as one
//! JSON document — your right of access and to portability (GDPR articles 15 and 20).
//!
//! Times are UTC. Lists are complete (no pages) and oldest first. Other members appear by id
//! and public pseudonym only where you chose them (follows, blocks) or acted on them as staff;
//! what others chose about you (who follows or blocks you) is not theirs to give away: see
//! `not_included`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::associations::{AssociationMembershipStatus, AssociationRole, MemberSettings};
use crate::events::{EventStatus, Recurrence, RsvpStatus};
use crate::groups::{GroupRole, MembershipStatus};
use crate::members::{MemberKind, MyProfile};
use crate::posts::ReactionKind;
use crate::research::{AnswerValue, AuditAction, Consent, StudyStatus};
use crate::resources::{Decision, Expertise, ResourceKind, VersionStatus};

/// Everything the platform holds about you.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "generated_at": "2026-12-05T09:00:00Z",
    "member": {
        "profile": {
            "id": "01939a4e-1111-7cc3-9a51-3c1f0e2b6d11",
            "email": "camille@example.org",
            "email_verified": true,
            "pseudonym": "Camille",
            "kind": "caregiver",
            "role": "member",
            "bio": "Aidante de ma mère depuis 2021.",
            "avatar_url": null,
            "location": {"city": "Lyon", "region": "Auvergne-Rhône-Alpes", "country": "FR"},
            "language": "fr",
            "condition_ids": ["01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"],
            "visibility": {"bio": "members", "avatar_url": "public", "location": "private",
                "language": "members", "conditions": "private", "age_band": "private",
                "diagnosed_since": "private", "wall": "members"},
            "pending_kind_change": null,
            "verified": null,
            "member_since": "2026-01-15T10:00:00Z"
        },
        "settings": {"receive_announcements": true, "listed_in_member_lists": false,
            "discoverable": false, "discovery_parts": []},
        "conditions": [{"id": "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11", "name": "Lupus"}],
        "updated_at": "2026-11-02T18:00:00Z",
        "failed_logins": 0,
        "login_locked_until": null
    },
    "kind_changes": [],
    "sessions": [{
        "id": "0193a0b2-5c1e-7d3f-9a41-6b2e8c0d4f17",
        "created_at": "2026-12-01T08:30:00Z",
        "last_used_at": "2026-12-04T19:05:12Z",
        "device": "Mozilla/5.0 (Android 15; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
        "revoked_at": null
    }],
    "group_memberships": [{
        "group_id": "01939a4e-2222-7cc3-9a51-3c1f0e2b6d11",
        "group_name": "Aidants Lyon",
        "role": "member",
        "status": "active",
        "created_at": "2026-02-01T10:00:00Z",
        "updated_at": "2026-02-01T10:00:00Z"
    }],
    "groups_created": [],
    "posts": [{
        "id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11",
        "group_id": "01939a4e-2222-7cc3-9a51-3c1f0e2b6d11",
        "group_name": "Aidants Lyon",
        "body": "Quelqu'un connaît une solution de répit le week-end ?",
        "created_at": "2026-02-03T20:15:00Z",
        "edited_at": null,
        "deleted_at": null,
        "pinned_at": null
    }],
    "comments": [],
    "reactions": [{
        "post_id": "01939a4e-3334-7cc3-9a51-3c1f0e2b6d11",
        "comment_id": null,
        "kind": "support",
        "created_at": "2026-02-04T08:00:00Z"
    }],
    "follows": {"members": [], "associations": [], "conditions": [], "follower_count": 3},
    "blocks": [],
    "events": [],
    "rsvps": [],
    "calendar_feed": null,
    "association_memberships": [],
    "associations_created": [],
    "announcements": [],
    "campaigns": [],
    "editor_right": null,
    "committee_seats": [],
    "verification": {"badge": null, "granted_at": null, "requests": []},
    "committees_created": [],
    "resources": [],
    "resource_versions": [],
    "resource_reviews": [],
    "media": [],
    "places": [],
    "researcher_right": null,
    "studies_created": [],
    "research_reads": [],
    "consents": [],
    "questionnaire_responses": [],
    "notifications": [{
        "id": "01939a4e-7777-7cc3-9a51-3c1f0e2b6d11",
        "kind": "comment",
        "actor_id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11",
        "post_id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11",
        "comment_id": "01939a4e-9999-7cc3-9a51-3c1f0e2b6d11",
        "group_id": null,
        "event_id": null,
        "subject_id": null,
        "outcome": null,
        "count": 1,
        "created_at": "2026-02-03T21:00:00Z",
        "read_at": null,
        "shown": true
    }],
    "notification_settings": {
        "comment": "in_app", "reply": "in_app", "reaction": "off", "mention": "in_app",
        "join_request": "in_app", "join_decision": "in_app", "event_changed": "in_app",
        "event_reminder": "in_app", "questionnaire_due": "in_app",
        "resource_validated": "in_app", "content_moderated": "in_app", "sanctioned": "in_app",
        "report_decided": "in_app", "digest": "never"
    },
    "staff_actions": {
        "kind_changes_approved": [],
        "associations_verified": [],
        "donations_recorded": [],
        "editor_grants": [],
        "researcher_grants": []
    },
    "not_included": [{
        "field": "member.password_hash",
        "reason": "Only a one-way hash of your password is stored; it cannot give your password back and would help guess it."
    }]
}))]
pub struct MemberExport {
    /// When this document was read (one consistent snapshot).
    pub generated_at: DateTime<Utc>,
    pub member: MemberExportAccount,
    /// The changes of kind you asked for.
    pub kind_changes: Vec<MemberExportKindChange>,
    /// Every stored session (one per login), live or ended.
    pub sessions: Vec<MemberExportSession>,
    /// Groups you belong to, asked to join, were invited to or banned from.
    pub group_memberships: Vec<MemberExportGroupMembership>,
    pub groups_created: Vec<MemberExportNamedItem>,
    /// Every post you wrote, deleted ones included (a deleted post keeps no text).
    pub posts: Vec<MemberExportPost>,
    /// Every comment you wrote, deleted ones included (a deleted comment keeps no text).
    pub comments: Vec<MemberExportComment>,
    /// The photos you uploaded (attached or waiting to be); fetch their bytes with
    /// `GET /api/v1/media/{id}`. None of them kept the metadata of the original file.
    #[serde(default)]
    pub media: Vec<MemberExportMedia>,
    pub reactions: Vec<MemberExportReaction>,
    pub follows: MemberExportFollows,
    /// The members you block.
    pub blocks: Vec<MemberExportMemberChoice>,
    /// The events you organise, cancelled ones included.
    pub events: Vec<MemberExportEvent>,
    /// Your answers to events.
    pub rsvps: Vec<MemberExportRsvp>,
    /// Your personal calendar feed, if you made one (the secret URL itself is not exported).
    pub calendar_feed: Option<MemberExportCalendarFeed>,
    pub association_memberships: Vec<MemberExportAssociationMembership>,
    pub associations_created: Vec<MemberExportNamedItem>,
    /// The announcements you wrote for associations.
    pub announcements: Vec<MemberExportAnnouncement>,
    /// The donation campaigns you created.
    pub campaigns: Vec<MemberExportCampaign>,
    pub editor_right: Option<MemberExportEditorRight>,
    pub committee_seats: Vec<MemberExportCommitteeSeat>,
    /// Your verified status (badge) and your requests for one.
    #[serde(default)]
    pub verification: MemberExportVerification,
    pub committees_created: Vec<MemberExportNamedItem>,
    /// The resources you authored.
    pub resources: Vec<MemberExportResource>,
    /// The resource versions you wrote, with their text.
    pub resource_versions: Vec<MemberExportResourceVersion>,
    /// The reviews you gave on a committee.
    pub resource_reviews: Vec<MemberExportReview>,
    /// Places of the directory you created or vouched for.
    pub places: Vec<MemberExportPlace>,
    pub researcher_right: Option<MemberExportResearcherRight>,
    pub studies_created: Vec<MemberExportStudy>,
    /// Your reads of studies' answers as a researcher (the research audit log).
    pub research_reads: Vec<MemberExportResearchRead>,
    /// Your whole consent ledger, with the text of each version you agreed to.
    pub consents: Vec<Consent>,
    /// Your answers to questionnaires, those kept under your study pseudonym after a
    /// withdrawal included (`kept_pseudonymous`).
    pub questionnaire_responses: Vec<MemberExportResponse>,
    /// The reports you made and what became of them.
    #[serde(default)]
    pub reports_made: Vec<crate::moderation::MyReport>,
    /// What moderators decided about what you wrote or about you, and why (dismissals aside).
    #[serde(default)]
    pub moderation_decisions: Vec<crate::moderation::ModerationNotice>,
    /// What platform administration did to your rights and standing (roles, rights, kind
    /// changes approved), without naming who.
    #[serde(default)]
    pub administration: Vec<MemberExportAdministration>,
    /// Your direct conversations: those you take part in with every message you can read
    /// there (yours and those you received, decrypted), and those you left with the messages
    /// you wrote. Your message setting is under `message_settings`.
    #[serde(default)]
    pub conversations: Vec<MemberExportConversation>,
    #[serde(default)]
    pub message_settings: Option<crate::messages::MessageSettings>,
    /// Your notifications, oldest first. Those about what you may no longer read (a post made
    /// private, a member who blocks you...) keep only their kind and times (`shown: false`).
    pub notifications: Vec<MemberExportNotification>,
    /// Where each kind of notification goes.
    pub notification_settings: crate::notifications::NotificationSettings,
    /// What you did as platform or association staff.
    pub staff_actions: MemberExportStaffActions,
    /// What the platform stores about you but does not put in this document, and why.
    pub not_included: Vec<MemberExportLeftOut>,
}

/// Your account: the profile as you see it, settings, conditions by name, and the account's
/// own counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportAccount {
    pub profile: MyProfile,
    pub settings: MemberSettings,
    /// Your conditions of interest, with their names.
    pub conditions: Vec<MemberExportCondition>,
    /// The last change to your account.
    pub updated_at: DateTime<Utc>,
    /// A counter of failed sign-ins from before the current throttling (no longer used).
    pub failed_logins: i32,
    pub login_locked_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportCondition {
    pub id: Uuid,
    pub name: String,
}

/// A change of kind you asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportKindChange {
    pub id: Uuid,
    pub from: MemberKind,
    pub to: MemberKind,
    /// `pending`, `applied` or `cancelled`.
    #[schema(example = "applied")]
    pub status: String,
    pub requested_at: DateTime<Utc>,
    pub effective_at: DateTime<Utc>,
    /// A platform moderator approved it before the 7 days ran out.
    pub approved: bool,
    pub applied_at: Option<DateTime<Utc>>,
}

/// A session (a login on one device).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportSession {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    /// The client's `User-Agent` at login, cleaned; no IP address is kept.
    pub device: Option<String>,
    /// When it was logged out or revoked; `null`: not revoked (it may still have expired).
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportGroupMembership {
    pub group_id: Uuid,
    pub group_name: String,
    pub role: GroupRole,
    pub status: MembershipStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Something you created, followed or verified: its id, name and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportNamedItem {
    pub id: Uuid,
    pub name: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportPost {
    pub id: Uuid,
    /// `null`: on your wall.
    pub group_id: Option<Uuid>,
    pub group_name: Option<String>,
    /// The Markdown you wrote; `null` once deleted.
    pub body: Option<String>,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub pinned_at: Option<DateTime<Utc>>,
}

/// A comment you wrote; the post it answers is someone else's, so only its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportComment {
    pub id: Uuid,
    pub post_id: Uuid,
    pub parent_id: Option<Uuid>,
    /// `null` once deleted.
    pub body: Option<String>,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A reaction you gave, to a post (`post_id`) or a comment (`comment_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportReaction {
    pub post_id: Option<Uuid>,
    pub comment_id: Option<Uuid>,
    pub kind: ReactionKind,
    pub created_at: DateTime<Utc>,
}

/// Whom and what you follow, and how many follow you (who they are is their choice, not your
/// data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportFollows {
    pub members: Vec<MemberExportMemberChoice>,
    pub associations: Vec<MemberExportNamedItem>,
    /// The conditions you follow (their hubs' news reach `GET /feed/conditions`).
    pub conditions: Vec<MemberExportNamedItem>,
    pub follower_count: u64,
}

/// Another member you chose (to follow, to block), by id and public pseudonym.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportMemberChoice {
    pub member_id: Uuid,
    pub pseudonym: String,
    pub since: DateTime<Utc>,
}

/// An event you organise, as stored: times in UTC, with the event's IANA time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportEvent {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub group_id: Option<Uuid>,
    pub association_id: Option<Uuid>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[schema(example = "Europe/Paris")]
    pub time_zone: String,
    pub recurrence: Option<Recurrence>,
    pub recurrence_until: Option<DateTime<Utc>>,
    pub online_url: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub capacity: Option<i32>,
    pub status: EventStatus,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportRsvp {
    pub event_id: Uuid,
    pub event_title: String,
    pub status: RsvpStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Your calendar feed exists since `created_at`; its URL is a secret stored only as a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportCalendarFeed {
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportAssociationMembership {
    pub association_id: Uuid,
    pub association_name: String,
    pub role: AssociationRole,
    pub status: AssociationMembershipStatus,
    pub vouched: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportAnnouncement {
    pub id: Uuid,
    pub association_id: Uuid,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub publish_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportCampaign {
    pub id: Uuid,
    pub association_id: Uuid,
    pub title: String,
    pub description: String,
    pub goal_cents: i64,
    pub currency: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub payment_url: String,
    pub created_at: DateTime<Utc>,
}

/// Your editor right: from an association (`association_id`) or the platform (`null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportEditorRight {
    pub association_id: Option<Uuid>,
    pub granted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportCommitteeSeat {
    pub committee_id: Uuid,
    pub committee_name: String,
    pub expertise: Expertise,
    pub added_at: DateTime<Utc>,
    /// The conflicts of interest you declared on this committee.
    #[serde(default)]
    pub declared_interests: String,
}

/// Your verified status and the requests you made for one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportVerification {
    /// The badge granted to you, as stored (even when your current kind hides it).
    pub badge: Option<crate::verification::Badge>,
    pub granted_at: Option<DateTime<Utc>>,
    /// Every request you made, oldest first, with its document reference and decision.
    pub requests: Vec<MemberExportVerificationRequest>,
}

/// A verification request you made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportVerificationRequest {
    pub id: Uuid,
    pub badge: crate::verification::Badge,
    pub document_reference: String,
    pub association_id: Option<Uuid>,
    pub status: crate::verification::VerificationStatus,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportResource {
    pub id: Uuid,
    pub kind: ResourceKind,
    pub language: String,
    pub committee_id: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportResourceVersion {
    pub id: Uuid,
    pub resource_id: Uuid,
    pub number: i32,
    pub status: VersionStatus,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportReview {
    pub id: Uuid,
    pub version_id: Uuid,
    pub decision: Decision,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

/// A place you created (`created`) or were the last to vouch for (`verified`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportPlace {
    pub id: Uuid,
    pub name: String,
    pub created: bool,
    pub verified: bool,
    pub created_at: DateTime<Utc>,
    pub verified_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportResearcherRight {
    pub granted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportStudy {
    pub id: Uuid,
    pub title: String,
    pub status: StudyStatus,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportResearchRead {
    pub study_id: Uuid,
    pub action: AuditAction,
    pub at: DateTime<Utc>,
}

/// One answer set you gave, with the questionnaire and consent versions it was given under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportResponse {
    pub id: Uuid,
    pub questionnaire_id: Uuid,
    pub study_id: Uuid,
    pub version: u32,
    pub consent_version: u32,
    pub answers: BTreeMap<String, AnswerValue>,
    pub answered_at: DateTime<Utc>,
    /// You withdrew and kept this answer for the study under your study pseudonym only: it is
    /// no longer linked to your account, and out of the study's exports since `excluded_at`.
    pub kept_pseudonymous: bool,
    pub excluded_at: Option<DateTime<Utc>>,
}

/// What you did as staff: approvals, verifications, donations recorded, rights granted. Other
/// members appear by id only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportStaffActions {
    pub kind_changes_approved: Vec<MemberExportApproval>,
    /// Associations you verified as a platform admin (`at`: when).
    pub associations_verified: Vec<MemberExportNamedItem>,
    /// Donations you recorded as an association admin (the donor's name is the donor's).
    pub donations_recorded: Vec<MemberExportDonation>,
    /// Editor rights you granted that are still held.
    pub editor_grants: Vec<MemberExportGrant>,
    /// Researcher rights you granted that are still held.
    pub researcher_grants: Vec<MemberExportGrant>,
    /// The moderation decisions you took.
    #[serde(default)]
    pub moderation_decisions: Vec<MemberExportModerationDecision>,
    /// What you did to members' rights and standing as a platform admin or moderator.
    #[serde(default)]
    pub administration: Vec<MemberExportAdministration>,
}

/// A moderation decision you took as a moderator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportModerationDecision {
    pub id: Uuid,
    pub target_kind: crate::moderation::ReportTargetKind,
    pub target_id: Uuid,
    pub action: crate::moderation::ModerationDecision,
    pub reason: String,
    pub at: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

/// An entry of the administration audit log that concerns you (`member_id`: whom it was about,
/// for what you did).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportAdministration {
    pub action: crate::moderation::AdminAuditAction,
    pub member_id: Option<Uuid>,
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// A kind change of another member you approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportApproval {
    pub kind_change_id: Uuid,
    pub member_id: Uuid,
    pub effective_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportDonation {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub amount_cents: i64,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportGrant {
    pub member_id: Uuid,
    pub granted_at: DateTime<Utc>,
}

/// Something stored about you that this document leaves out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportLeftOut {
    #[schema(example = "member.password_hash")]
    pub field: String,
    pub reason: String,
}

/// A direct conversation you take part in or left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportConversation {
    pub id: Uuid,
    /// Everyone who took part, you included (their public pseudonyms).
    pub participants: Vec<crate::messages::ConversationParticipant>,
    pub created_at: DateTime<Utc>,
    /// You left it: only the messages you wrote are included.
    pub left: bool,
    /// Oldest first.
    pub messages: Vec<crate::messages::Message>,
}

/// One of your notifications as stored. `shown: false`: it names what you may no longer read,
/// so only its kind and times are given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportNotification {
    pub id: Uuid,
    pub kind: crate::notifications::NotificationKind,
    pub actor_id: Option<Uuid>,
    pub post_id: Option<Uuid>,
    pub comment_id: Option<Uuid>,
    pub group_id: Option<Uuid>,
    pub event_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub outcome: Option<crate::notifications::NotificationOutcome>,
    pub count: i64,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub shown: bool,
}

/// A photo you uploaded, and what it illustrates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberExportMedia {
    pub id: Uuid,
    pub format: crate::media::MediaFormat,
    pub width: u32,
    pub height: u32,
    /// Bytes stored, all sizes together.
    pub byte_size: i64,
    /// `post`, `comment`, `avatar`, or `null` while unattached (deleted after a day).
    pub attached_to: Option<String>,
    pub post_id: Option<Uuid>,
    pub comment_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub attached_at: Option<DateTime<Utc>>,
}
