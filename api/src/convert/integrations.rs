//! API key and webhook conversions.

use chrono::{DateTime, Utc};
use entraide_domain::integration::{ApiKey, Scope};
use entraide_openapi::integrations as wire;

enum_conversions!(
    scope_to_wire,
    scope_from_wire,
    Scope,
    wire::ApiKeyScope,
    [
        EventsRead,
        EventsWrite,
        AnnouncementsWrite,
        MembersRead,
        CampaignsWrite
    ]
);

pub(crate) fn api_key(key: ApiKey, now: DateTime<Utc>) -> wire::ApiKey {
    let status = if key.revoked_at.is_some() {
        wire::ApiKeyStatus::Revoked
    } else if key.is_usable(now) {
        wire::ApiKeyStatus::Active
    } else {
        wire::ApiKeyStatus::Expired
    };
    let ApiKey {
        id,
        association_id,
        name,
        hint,
        scopes,
        created_by,
        created_at,
        expires_at,
        revoked_at,
        last_used_at,
    } = key;
    wire::ApiKey {
        id: id.as_uuid(),
        association_id: association_id.as_uuid(),
        name: name.as_str().to_owned(),
        hint,
        scopes: scopes
            .as_slice()
            .iter()
            .copied()
            .map(scope_to_wire)
            .collect(),
        status,
        created_by: created_by.as_uuid(),
        created_at,
        expires_at,
        revoked_at,
        last_used_at,
    }
}

enum_conversions!(
    event_to_wire,
    event_from_wire,
    entraide_domain::integration::WebhookEvent,
    wire::WebhookEventType,
    [
        EventCreated,
        EventRsvp,
        MemberJoined,
        DonationRecorded,
        AnnouncementPublished
    ]
);

enum_conversions!(
    delivery_status_to_wire,
    delivery_status_from_wire,
    entraide_domain::integration::DeliveryStatus,
    wire::DeliveryStatus,
    [Pending, Delivered, Failed]
);

pub(crate) fn webhook(webhook: entraide_domain::integration::Webhook) -> wire::Webhook {
    let entraide_domain::integration::Webhook {
        id,
        association_id,
        url,
        events,
        created_by,
        created_at,
    } = webhook;
    wire::Webhook {
        id: id.as_uuid(),
        association_id: association_id.as_uuid(),
        url,
        events: events.into_iter().map(event_to_wire).collect(),
        created_by: created_by.as_uuid(),
        created_at,
    }
}

pub(crate) fn delivery(delivery: entraide_domain::integration::Delivery) -> wire::WebhookDelivery {
    let entraide_domain::integration::Delivery {
        id,
        webhook_id,
        event,
        status,
        attempts,
        next_attempt_at,
        last_attempt_at,
        response_code,
        response_excerpt,
        error,
        created_at,
    } = delivery;
    wire::WebhookDelivery {
        id: id.as_uuid(),
        webhook_id: webhook_id.as_uuid(),
        event: event_to_wire(event),
        status: delivery_status_to_wire(status),
        attempts,
        next_attempt_at,
        last_attempt_at,
        response_code,
        response_excerpt,
        error,
        created_at,
    }
}
