//! In-app notifications, their read state and per-kind preferences.
//!
//! A notification carries ids, never copied text: fetch the post, comment, event or group it
//! names to show it. What you may no longer read (a post made private or hidden, a member you
//! blocked) is not listed, and not counted as unread.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// What a notification is about.
///
/// `comment`: someone commented on your post. `reply`: someone replied to your comment.
/// `reaction`: members reacted to your post or comment (one notification per post or comment
/// counts the reactions since you read it, `count`, and names the latest, `actor`). `mention`:
/// someone wrote `@your_pseudonym` in a post or comment you may read. `join_request`: someone
/// asked to join a group you moderate. `join_decision`: your request was `approved` or
/// `refused` (`outcome`). `event_changed`: an event you answered (going,
/// interested, waiting list) moved to another time or place, or was cancelled (`outcome`
/// `changed` or `cancelled`; `event_id`). `event_reminder`: an event you are going to starts
/// within 24 hours (`event_id`). `questionnaire_due`: a questionnaire of a study you consent to
/// opened its answering window (`subject_id`: the questionnaire; shown while you consent).
/// `resource_validated`: a resource you wrote or edited was validated by its committee
/// (`subject_id`: the resource). `content_moderated`: moderators hid or removed something you
/// wrote; `sanctioned`: they warned, suspended or banned you (`subject_id`: the decision, in
/// `GET /members/me/moderation`). `report_decided`: a report you made was decided
/// (`subject_id`: your report, in `GET /members/me/reports`). Decisions never name a
/// moderator, a reporter or a reviewer (`actor` is `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    Comment,
    Reply,
    Reaction,
    Mention,
    JoinRequest,
    JoinDecision,
    EventChanged,
    EventReminder,
    QuestionnaireDue,
    ResourceValidated,
    ContentModerated,
    Sanctioned,
    ReportDecided,
}

/// Where a kind of notification goes: `in_app` (listed and streamed; the default),
/// `email_digest` (the same, and gathered in the periodic e-mail digest), `off` (not kept at
/// all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationChannel {
    InApp,
    EmailDigest,
    Off,
}

/// How often the e-mail digest comes: `daily` (the first pass of each UTC day), `weekly` (of
/// each ISO week, from Monday) or `never` (the default). It lists how many unread
/// notifications of each kind set to `email_digest` arrived since the previous digest, with a
/// link to the app: counts and generic labels only, never who, what group, post, event or text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DigestFrequency {
    Daily,
    Weekly,
    Never,
}

/// The outcome a notification reports (`join_decision`: `approved` or `refused`;
/// `event_changed`: `changed` or `cancelled`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationOutcome {
    Approved,
    Refused,
    Changed,
    Cancelled,
}

/// Who caused a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NotificationActor {
    pub id: Uuid,
    pub pseudonym: String,
}

/// A notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-7777-7cc3-9a51-3c1f0e2b6d11",
    "kind": "comment",
    "actor": {"id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11", "pseudonym": "Camille"},
    "post_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "comment_id": "01939a4e-9999-7cc3-9a51-3c1f0e2b6d11",
    "group_id": null,
    "event_id": null,
    "subject_id": null,
    "outcome": null,
    "count": 1,
    "created_at": "2026-12-07T09:30:00Z",
    "read": false
}))]
pub struct NotificationItem {
    pub id: Uuid,
    pub kind: NotificationKind,
    /// Who did it; `null` when nobody in particular (a decision by a group's moderators).
    pub actor: Option<NotificationActor>,
    /// The post concerned (a comment's or reaction's post, the post that mentions you).
    pub post_id: Option<Uuid>,
    /// The comment concerned (a new comment or reply, a comment reacted to or mentioning you).
    pub comment_id: Option<Uuid>,
    /// The group concerned (join requests and decisions).
    pub group_id: Option<Uuid>,
    /// The event concerned.
    pub event_id: Option<Uuid>,
    /// A resource, questionnaire or report, for the kinds about those.
    pub subject_id: Option<Uuid>,
    pub outcome: Option<NotificationOutcome>,
    /// How many reactions this notification gathers; 1 for the other kinds.
    pub count: i64,
    /// When it happened (for gathered reactions: the latest).
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// Which notifications to list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// `true`: unread ones only.
    pub unread: Option<bool>,
}

/// Mark notifications read: some by id (at most 100; ids that are not yours are ignored), or
/// all of them with `"all": true`. Exactly one of the two.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "ids": ["01939a4e-7777-7cc3-9a51-3c1f0e2b6d11"]
}))]
pub struct MarkReadRequest {
    #[schema(max_items = 100)]
    pub ids: Option<Vec<Uuid>>,
    pub all: Option<bool>,
}

/// How many notifications you have not read (those the list would show).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"unread": 3}))]
pub struct UnreadCount {
    pub unread: u64,
}

/// Your channel for each kind of notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "comment": "in_app", "reply": "in_app", "reaction": "off", "mention": "in_app",
    "join_request": "email_digest", "join_decision": "in_app", "event_changed": "in_app",
    "event_reminder": "in_app", "questionnaire_due": "in_app", "resource_validated": "in_app",
    "content_moderated": "in_app", "sanctioned": "in_app", "report_decided": "in_app",
    "digest": "weekly"
}))]
pub struct NotificationSettings {
    pub comment: NotificationChannel,
    pub reply: NotificationChannel,
    pub reaction: NotificationChannel,
    pub mention: NotificationChannel,
    pub join_request: NotificationChannel,
    pub join_decision: NotificationChannel,
    pub event_changed: NotificationChannel,
    pub event_reminder: NotificationChannel,
    pub questionnaire_due: NotificationChannel,
    pub resource_validated: NotificationChannel,
    pub content_moderated: NotificationChannel,
    pub sanctioned: NotificationChannel,
    pub report_decided: NotificationChannel,
    /// How often the e-mail digest of the `email_digest` kinds comes (`never` by default).
    pub digest: DigestFrequency,
}

/// Changes to your notification channels and digest frequency; absent fields stay.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reaction": "off", "mention": "email_digest", "digest": "daily"}))]
pub struct UpdateNotificationSettingsRequest {
    pub comment: Option<NotificationChannel>,
    pub reply: Option<NotificationChannel>,
    pub reaction: Option<NotificationChannel>,
    pub mention: Option<NotificationChannel>,
    pub join_request: Option<NotificationChannel>,
    pub join_decision: Option<NotificationChannel>,
    pub event_changed: Option<NotificationChannel>,
    pub event_reminder: Option<NotificationChannel>,
    pub questionnaire_due: Option<NotificationChannel>,
    pub resource_validated: Option<NotificationChannel>,
    pub content_moderated: Option<NotificationChannel>,
    pub sanctioned: Option<NotificationChannel>,
    pub report_decided: Option<NotificationChannel>,
    pub digest: Option<DigestFrequency>,
}

/// A ticket to open the notification stream from a browser (`EventSource` cannot send an
/// `Authorization` header): `GET /api/v1/notifications/stream?ticket=...`. It works once,
/// until `expires_at` (about a minute), and only while the session that asked for it lasts.
/// Ask for a new one to reconnect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "ticket": "st_9aQm2v4tR0bXo1cL5wEeUu7yN3kDf8GhJs6pZq",
    "expires_at": "2026-12-08T09:15:00Z"
}))]
pub struct StreamTicket {
    pub ticket: String,
    pub expires_at: DateTime<Utc>,
}

/// Query of the notification stream.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// A ticket from `POST /api/v1/notifications/stream-ticket`, instead of the
    /// `Authorization` header (browsers).
    pub ticket: Option<String>,
}

/// Data of a `message` event on the notification stream: a direct message reached you. Ids
/// only: fetch it with `GET /api/v1/conversations/{conversation_id}/messages`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "conversation_id": "01938a4e-7c1d-7000-8000-0000000000c1",
    "message_id": "01938a4e-7c1d-7000-8000-0000000000d1"
}))]
pub struct StreamMessageEvent {
    pub conversation_id: Uuid,
    pub message_id: Uuid,
}

/// Why the server ended a notification stream (data of its last event, `closed`). Do not
/// reconnect on `session_ended` (sign in again); on `replaced` only if this client still needs
/// the stream (another one of yours took its place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StreamClosedReason {
    /// The session ended: logout, password change, suspension, ban or erasure.
    SessionEnded,
    /// You opened more streams than allowed: this one, the oldest, was closed.
    Replaced,
    /// The stream reached its longest life (15 minutes by default, one access token's):
    /// reconnect with a fresh access token or a new ticket.
    Expired,
}

/// Data of the `closed` event that ends a notification stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"reason": "session_ended"}))]
pub struct StreamClosedEvent {
    pub reason: StreamClosedReason,
}
