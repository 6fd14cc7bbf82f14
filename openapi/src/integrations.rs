//! The integration kit of associations: API keys (`Authorization: Bearer eak_...`) and outgoing
//! webhooks. See docs/INTEGRATION.md.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// What an API key may do, only on its own association's resources:
/// `events:read` (list its events), `events:write` (create events in its name),
/// `announcements:write` (publish announcements), `members:read` (its active members who chose
/// to be listed: pseudonym, kind, role), `campaigns:write` (open donation campaigns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum ApiKeyScope {
    #[serde(rename = "events:read")]
    EventsRead,
    #[serde(rename = "events:write")]
    EventsWrite,
    #[serde(rename = "announcements:write")]
    AnnouncementsWrite,
    #[serde(rename = "members:read")]
    MembersRead,
    #[serde(rename = "campaigns:write")]
    CampaignsWrite,
}

/// Whether a key works: `active`, `revoked` (by an admin) or `expired` (its `expires_at` passed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyStatus {
    Active,
    Revoked,
    Expired,
}

/// A new API key (admins of a verified association).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Agenda du site web",
    "scopes": ["events:read", "events:write"],
    "expires_at": "2027-12-31T23:00:00Z"
}))]
pub struct CreateApiKeyRequest {
    /// What the key is for, to recognise it later (3–120 characters).
    #[schema(min_length = 3, max_length = 120)]
    pub name: String,
    /// At least one scope.
    #[schema(min_items = 1)]
    pub scopes: Vec<ApiKeyScope>,
    /// When the key stops working (in the future); absent: until revoked.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// An API key as listed: never the key itself, only its first characters (`hint`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-aaaa-7cc3-9a51-3c1f0e2b6d11",
    "association_id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11",
    "name": "Agenda du site web",
    "hint": "eak_Xq3v9TzA",
    "scopes": ["events:read", "events:write"],
    "status": "active",
    "created_by": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "created_at": "2026-12-07T09:00:00Z",
    "expires_at": "2027-12-31T23:00:00Z",
    "revoked_at": null,
    "last_used_at": "2026-12-07T10:12:00Z"
}))]
pub struct ApiKey {
    pub id: Uuid,
    pub association_id: Uuid,
    pub name: String,
    /// The first 12 characters of the key (`eak_` and 8 more), to tell keys apart.
    pub hint: String,
    pub scopes: Vec<ApiKeyScope>,
    pub status: ApiKeyStatus,
    /// The admin who created it; what the key creates is signed with this member.
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The last request made with it (any status).
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A key just created: `key` is shown **this once** (only its hash is stored). Send it as
/// `Authorization: Bearer <key>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "key": "eak_Xq3v9TzA7bLm2pQr8sUv4wYx1zAb3cDe5fGh7iJk9lM",
    "api_key": {
        "id": "01939a4e-aaaa-7cc3-9a51-3c1f0e2b6d11",
        "association_id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11",
        "name": "Agenda du site web",
        "hint": "eak_Xq3v9TzA",
        "scopes": ["events:read", "events:write"],
        "status": "active",
        "created_by": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
        "created_at": "2026-12-07T09:00:00Z",
        "expires_at": "2027-12-31T23:00:00Z",
        "revoked_at": null,
        "last_used_at": null
    }
}))]
pub struct CreatedApiKey {
    /// The key: `eak_` and 43 characters. Keep it secret; it cannot be shown again.
    pub key: String,
    pub api_key: ApiKey,
}

/// What a webhook may subscribe to: `event.created` (an event of the association),
/// `event.rsvp` (someone answered one of its events: counts only), `member.joined` (an active
/// member more: the count only), `donation.recorded` (amount and campaign, never the donor),
/// `announcement.published` (sent at its publication time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum WebhookEventType {
    #[serde(rename = "event.created")]
    EventCreated,
    #[serde(rename = "event.rsvp")]
    EventRsvp,
    #[serde(rename = "member.joined")]
    MemberJoined,
    #[serde(rename = "donation.recorded")]
    DonationRecorded,
    #[serde(rename = "announcement.published")]
    AnnouncementPublished,
}

/// A new webhook (admins of a verified association). `url` is `https` to a public address
/// (unless the server allows private targets); it is checked now and again at each delivery.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "url": "https://crm.asso.example.org/hooks/entraide",
    "events": ["event.created", "member.joined"]
}))]
pub struct CreateWebhookRequest {
    #[schema(max_length = 2000)]
    pub url: String,
    /// At least one event.
    #[schema(min_items = 1)]
    pub events: Vec<WebhookEventType>,
}

/// A webhook subscription (never its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-bbbb-7cc3-9a51-3c1f0e2b6d11",
    "association_id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11",
    "url": "https://crm.asso.example.org/hooks/entraide",
    "events": ["event.created", "member.joined"],
    "created_by": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "created_at": "2026-12-07T09:00:00Z"
}))]
pub struct Webhook {
    pub id: Uuid,
    pub association_id: Uuid,
    pub url: String,
    pub events: Vec<WebhookEventType>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A webhook just created: `secret` is shown **this once**. Each delivery carries
/// `X-Entraide-Timestamp` and `X-Entraide-Signature: sha256=<hex HMAC-SHA256(secret,
/// timestamp + "." + raw body)>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "secret": "whsec_4mVq8bYt2nXc7pLr5sKd9fGh3jWz6aQe1uTy0iOp2lM",
    "webhook": {
        "id": "01939a4e-bbbb-7cc3-9a51-3c1f0e2b6d11",
        "association_id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11",
        "url": "https://crm.asso.example.org/hooks/entraide",
        "events": ["event.created", "member.joined"],
        "created_by": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
        "created_at": "2026-12-07T09:00:00Z"
    }
}))]
pub struct CreatedWebhook {
    pub secret: String,
    pub webhook: Webhook,
}

/// Where a delivery stands: `pending` (waiting for its next attempt), `delivered` (a 2xx
/// answer), `failed` (6 attempts over about 15 hours: 1 min, 5, 30, 2 h, 12 h apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

/// One delivery of a webhook: its log (no body beyond a short excerpt of the answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-cccc-7cc3-9a51-3c1f0e2b6d11",
    "webhook_id": "01939a4e-bbbb-7cc3-9a51-3c1f0e2b6d11",
    "event": "event.created",
    "status": "pending",
    "attempts": 1,
    "next_attempt_at": "2026-12-07T09:06:00Z",
    "last_attempt_at": "2026-12-07T09:01:00Z",
    "response_code": 500,
    "response_excerpt": "Internal Server Error",
    "error": null,
    "created_at": "2026-12-07T09:00:00Z"
}))]
pub struct WebhookDelivery {
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub event: WebhookEventType,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The HTTP status of the last answer.
    pub response_code: Option<u16>,
    /// The first 200 characters of the last answer's body.
    pub response_excerpt: Option<String>,
    /// Why the last attempt got no answer (refused target, timeout, connection).
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
}
