//! Reports, moderation queues and the moderation log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::groups::MemberSummary;
use crate::posts::GroupRef;

/// Why you report something. `self_harm` (someone may hurt themselves) and `minor_at_risk` go
/// straight to platform moderators, first in their queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Spam,
    Harassment,
    MedicalMisinformation,
    SelfHarm,
    MinorAtRisk,
    Privacy,
    /// A company or a body stands behind the content and it was not declared (sponsor
    /// transparency).
    UndeclaredSponsor,
    Other,
}

/// What a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportTargetKind {
    Post,
    Comment,
    Event,
    Resource,
    Member,
    /// A direct message (reported by a participant; moderators read only that message).
    Message,
}

/// A moderator's decision: `dismiss` (nothing wrong), `hide` (kept for an appeal, seen only by
/// its author and moderators), `remove` (deleted), `warn` (the author is told), `suspend` (the
/// author cannot log in for `duration_days`; platform queue), `ban` (platform queue: suspended
/// until reinstated; a group's queue: banned from the group). `hide` applies to posts and comments,
/// `remove` to posts, comments and direct messages. `reinstate` appears in the log when a suspension or ban is lifted, `restore`
/// when hidden content is shown again after its appeal was granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModerationDecision {
    Dismiss,
    Hide,
    Remove,
    Warn,
    Suspend,
    Ban,
    Reinstate,
    Restore,
}

/// Report something you can read. Reporting the same thing again while it waits answers your
/// first report.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "target_kind": "post",
    "target_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "reason": "medical_misinformation",
    "note": "Conseille d'arrêter un traitement sans avis médical."
}))]
pub struct NewReportRequest {
    pub target_kind: ReportTargetKind,
    pub target_id: Uuid,
    pub reason: ReportReason,
    /// What moderators should know (at most 1,000 characters).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// A report you made, and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-eeee-7cc3-9a51-3c1f0e2b6d11",
    "target_kind": "post",
    "target_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "reason": "medical_misinformation",
    "urgent": false,
    "created_at": "2026-12-05T08:00:00Z",
    "decided_at": null,
    "outcome": null
}))]
pub struct MyReport {
    pub id: Uuid,
    pub target_kind: ReportTargetKind,
    pub target_id: Uuid,
    pub reason: ReportReason,
    /// Sent to platform moderators first (`self_harm`, `minor_at_risk`).
    pub urgent: bool,
    pub created_at: DateTime<Utc>,
    /// `null` while it waits.
    pub decided_at: Option<DateTime<Utc>>,
    /// `dismissed` or `action_taken` once decided (which action, and any sanction, is between
    /// moderators and the author).
    pub outcome: Option<ReportOutcome>,
}

/// What became of a report, as its reporter learns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportOutcome {
    Dismissed,
    ActionTaken,
}

/// What was reported, as moderators see it now (hidden content included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportedTarget {
    pub kind: ReportTargetKind,
    pub id: Uuid,
    /// Who wrote or organised it (the member, for a member report); `null` once erased.
    pub author: Option<MemberSummary>,
    /// The group it lives in.
    pub group: Option<GroupRef>,
    /// The first 500 characters of its text now (a title for events and resources, the
    /// pseudonym for a member); `null` once deleted.
    pub excerpt: Option<String>,
    /// The same when it was reported: an author may edit between the report and the decision.
    pub reported_excerpt: Option<String>,
    pub hidden: bool,
    pub deleted: bool,
}

/// A report waiting in a moderation queue. Who reported is not shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-eeee-7cc3-9a51-3c1f0e2b6d11",
    "target": {
        "kind": "post",
        "id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
        "author": {"id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11", "pseudonym": "Lou", "kind": "patient", "verified": null},
        "group": {"id": "01939a4e-2222-7cc3-9a51-3c1f0e2b6d11", "name": "Aidants Alzheimer Lyon"},
        "excerpt": "Arrêtez tous la lévothyroxine, c'est du poison.",
        "reported_excerpt": "Arrêtez tous la lévothyroxine, c'est du poison.",
        "hidden": false,
        "deleted": false
    },
    "reason": "medical_misinformation",
    "urgent": false,
    "note": "Conseille d'arrêter un traitement sans avis médical.",
    "created_at": "2026-12-05T08:00:00Z"
}))]
pub struct QueuedReport {
    pub id: Uuid,
    pub target: ReportedTarget,
    pub reason: ReportReason,
    pub urgent: bool,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// Decide a report. One decision answers every open report of the same target in the queue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "action": "hide",
    "reason": "Conseil médical dangereux : arrêter un traitement sans avis médical."
}))]
pub struct DecisionRequest {
    pub action: ModerationDecision,
    /// Why (3 to 1,000 characters). The author reads it for every action but `dismiss`.
    #[schema(min_length = 3, max_length = 1000)]
    pub reason: String,
    /// For `suspend` only: 1 to 365 days.
    #[serde(default, deserialize_with = "crate::integer::option")]
    #[schema(minimum = 1, maximum = 365)]
    pub duration_days: Option<i64>,
}

/// Lift a member's platform suspension or ban.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Recours accepté après échange avec le membre."}))]
pub struct ReinstateRequest {
    /// Why (3 to 1,000 characters); the member reads it.
    #[schema(min_length = 3, max_length = 1000)]
    pub reason: String,
}

/// One entry of the moderation log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-ffff-7cc3-9a51-3c1f0e2b6d11",
    "report_id": "01939a4e-eeee-7cc3-9a51-3c1f0e2b6d11",
    "moderator": {"id": "01939a4e-1113-7cc3-9a51-3c1f0e2b6d11", "pseudonym": "Modé", "kind": "professional", "verified": null},
    "target_kind": "post",
    "target_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "target_author": {"id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11", "pseudonym": "Lou", "kind": "patient", "verified": null},
    "group": {"id": "01939a4e-2222-7cc3-9a51-3c1f0e2b6d11", "name": "Aidants Alzheimer Lyon"},
    "action": "hide",
    "reason": "Conseil médical dangereux : arrêter un traitement sans avis médical.",
    "at": "2026-12-05T09:00:00Z",
    "until": null
}))]
pub struct ModerationLogEntry {
    pub id: Uuid,
    pub report_id: Option<Uuid>,
    /// `null` once the moderator's account is erased.
    pub moderator: Option<MemberSummary>,
    pub target_kind: ReportTargetKind,
    pub target_id: Uuid,
    pub target_author: Option<MemberSummary>,
    pub group: Option<GroupRef>,
    pub action: ModerationDecision,
    pub reason: String,
    pub at: DateTime<Utc>,
    /// Until when a suspension or ban holds (a ban: 9999-12-31, until reinstated).
    pub until: Option<DateTime<Utc>>,
}

/// A moderation decision about something you wrote (or about you): what, and why. Which
/// moderator decided and who reported are not shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-ffff-7cc3-9a51-3c1f0e2b6d11",
    "target_kind": "post",
    "target_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "action": "hide",
    "reason": "Conseil médical dangereux : arrêter un traitement sans avis médical.",
    "at": "2026-12-05T09:00:00Z",
    "until": null,
    "appealable": true,
    "appeal": null
}))]
pub struct ModerationNotice {
    pub id: Uuid,
    pub target_kind: ReportTargetKind,
    pub target_id: Uuid,
    pub action: ModerationDecision,
    pub reason: String,
    pub at: DateTime<Utc>,
    /// Until when a suspension or ban holds (a ban: 9999-12-31, until reinstated).
    pub until: Option<DateTime<Utc>>,
    /// Whether you may still appeal it (`POST /members/me/moderation/{id}/appeal`): a `hide`
    /// or a group's `ban`, within 30 days, once.
    pub appealable: bool,
    /// Your appeal of it, if you made one.
    pub appeal: Option<AppealItem>,
}

/// Ask the moderators who decided to look again at a decision about you.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "statement": "Je témoignais de mon propre parcours, sans conseiller personne."
}))]
pub struct AppealRequest {
    /// Why the decision should be undone (3 to 1,000 characters); the moderators read it.
    #[schema(min_length = 3, max_length = 1000)]
    pub statement: String,
}

/// Where an appeal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    /// Waiting for the moderators.
    Pending,
    /// The decision was undone: the content is shown again, the group's ban lifted.
    Granted,
    /// The decision stands.
    Upheld,
}

/// An appeal of a moderation decision, as its author sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4f-1111-7cc3-9a51-3c1f0e2b6d11",
    "action_id": "01939a4e-ffff-7cc3-9a51-3c1f0e2b6d11",
    "statement": "Je témoignais de mon propre parcours, sans conseiller personne.",
    "status": "pending",
    "created_at": "2026-12-06T10:00:00Z",
    "decided_at": null,
    "reason": null
}))]
pub struct AppealItem {
    pub id: Uuid,
    /// The decision appealed (`ModerationNotice.id`).
    pub action_id: Uuid,
    pub statement: String,
    pub status: AppealStatus,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why the moderators granted or upheld it.
    pub reason: Option<String>,
}

/// What moderators answer an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppealOutcome {
    /// Undo the decision: show the hidden content again, lift the group's ban.
    Granted,
    /// The decision stands.
    Upheld,
}

/// Answer an appeal, with a reason its author reads.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "outcome": "granted",
    "reason": "Témoignage personnel, pas un conseil : le message est rétabli."
}))]
pub struct AppealDecisionRequest {
    pub outcome: AppealOutcome,
    /// Why (3 to 1,000 characters).
    #[schema(min_length = 3, max_length = 1000)]
    pub reason: String,
}

/// An appeal waiting in a queue: the decision and what its author says. Who appeals is the
/// decision's `target_author`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4f-1111-7cc3-9a51-3c1f0e2b6d11",
    "statement": "Je témoignais de mon propre parcours, sans conseiller personne.",
    "created_at": "2026-12-06T10:00:00Z",
    "decision": {
        "id": "01939a4e-ffff-7cc3-9a51-3c1f0e2b6d11",
        "report_id": "01939a4e-eeee-7cc3-9a51-3c1f0e2b6d11",
        "moderator": null,
        "target_kind": "post",
        "target_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
        "target_author": null,
        "group": null,
        "action": "hide",
        "reason": "Conseil médical dangereux : arrêter un traitement sans avis médical.",
        "at": "2026-12-05T09:00:00Z",
        "until": null
    }
}))]
pub struct QueuedAppeal {
    pub id: Uuid,
    pub statement: String,
    pub created_at: DateTime<Utc>,
    pub decision: ModerationLogEntry,
}

/// Which queue or log to read: a group's (its owners and moderators), or the platform's
/// (platform moderators) when absent.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// The group whose queue or log to read.
    pub group_id: Option<Uuid>,
}

/// A helpline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HelplineItem {
    pub name: String,
    pub phone: Option<String>,
    pub url: Option<String>,
    pub hours: Option<String>,
}

/// Sent back to an author whose words express distress: helplines to reach now. The post or
/// comment is published as written; platform moderators are asked to look at it first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "message": "Vous n'êtes pas seul·e. Des personnes formées peuvent vous écouter dès maintenant.",
    "helplines": [{"name": "3114 — numéro national de prévention du suicide", "phone": "3114",
        "url": "https://3114.fr", "hours": "24 h/24, 7 j/7, gratuit"}]
}))]
pub struct SafetyNotice {
    pub message: String,
    pub helplines: Vec<HelplineItem>,
}

/// What a platform admin or moderator did to a member's rights or standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdminAuditAction {
    RoleChanged,
    EditorGranted,
    EditorRevoked,
    ResearcherGranted,
    ResearcherRevoked,
    KindChangeApproved,
    /// A verification request approved (by a platform admin or a verified association's admin).
    VerificationApproved,
    /// A verification request refused.
    VerificationRefused,
    /// A verified badge withdrawn by a platform admin.
    BadgeRevoked,
}

/// One entry of the administration audit log. Moderation decisions and sanctions are in the
/// moderation log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-abcd-7cc3-9a51-3c1f0e2b6d11",
    "actor": {"id": "01939a4e-1113-7cc3-9a51-3c1f0e2b6d11", "pseudonym": "Sacha", "kind": "professional", "verified": null},
    "action": "role_changed",
    "member": {"id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11", "pseudonym": "Camille", "kind": "caregiver", "verified": null},
    "detail": "member -> moderator",
    "at": "2026-12-05T10:00:00Z"
}))]
pub struct AdminAuditEntry {
    pub id: Uuid,
    /// `null` once their account is erased.
    pub actor: Option<MemberSummary>,
    pub action: AdminAuditAction,
    /// `null` once their account is erased.
    pub member: Option<MemberSummary>,
    pub detail: String,
    pub at: DateTime<Utc>,
}
