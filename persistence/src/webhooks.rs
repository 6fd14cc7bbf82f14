//! Outgoing webhooks of associations and their delivery queue (`webhook_outbox`). Deliveries
//! are queued by [`enqueue`] inside the caller's write transaction, so an acknowledged write
//! never loses its webhook; the API's worker sends them (`due`, `claim`, `record_attempt`).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{AssociationId, DeliveryId, MemberId, WebhookId};
use entraide_domain::integration::{Delivery, DeliveryStatus, Webhook, WebhookEvent};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{webhook_outbox, webhooks};

type WebhookRow = (String, String, String, String, String, NaiveDateTime);

fn webhook_columns() -> (
    webhooks::id,
    webhooks::association_id,
    webhooks::url,
    webhooks::events,
    webhooks::created_by,
    webhooks::created_at,
) {
    (
        webhooks::id,
        webhooks::association_id,
        webhooks::url,
        webhooks::events,
        webhooks::created_by,
        webhooks::created_at,
    )
}

fn events_to_stored(events: &[WebhookEvent]) -> String {
    events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn events_from_stored(stored: &str) -> Vec<WebhookEvent> {
    stored
        .split(' ')
        .filter_map(|e| WebhookEvent::parse(e).ok())
        .collect()
}

fn into_webhook(row: WebhookRow) -> Result<Webhook, PersistenceError> {
    let (id, association_id, url, events, created_by, created_at) = row;
    Ok(Webhook {
        id: parse_id(&id)?,
        association_id: parse_id(&association_id)?,
        url,
        events: events_from_stored(&events),
        created_by: parse_id(&created_by)?,
        created_at: from_db_time(created_at),
    })
}

/// A webhook to store.
#[derive(Debug)]
pub struct NewWebhook<'a> {
    pub id: WebhookId,
    pub association_id: AssociationId,
    pub url: &'a str,
    pub secret: &'a str,
    pub events: &'a [WebhookEvent],
    pub created_by: MemberId,
    pub created_at: DateTime<Utc>,
}

pub fn insert(conn: &mut DbConnection, new: &NewWebhook<'_>) -> Result<Webhook, PersistenceError> {
    let NewWebhook {
        id,
        association_id,
        url,
        secret,
        events,
        created_by,
        created_at,
    } = new;
    diesel::insert_into(webhooks::table)
        .values((
            webhooks::id.eq(id.to_string()),
            webhooks::association_id.eq(association_id.to_string()),
            webhooks::url.eq(*url),
            webhooks::secret.eq(*secret),
            webhooks::events.eq(events_to_stored(events)),
            webhooks::created_by.eq(created_by.to_string()),
            webhooks::created_at.eq(to_db_time(*created_at)),
        ))
        .execute(conn)?;
    find(conn, *association_id, *id)?
        .ok_or_else(|| PersistenceError::Corrupt("inserted webhook not found".to_owned()))
}

/// The association's webhook with this id.
pub fn find(
    conn: &mut DbConnection,
    association: AssociationId,
    id: WebhookId,
) -> Result<Option<Webhook>, PersistenceError> {
    webhooks::table
        .filter(webhooks::id.eq(id.to_string()))
        .filter(webhooks::association_id.eq(association.to_string()))
        .select(webhook_columns())
        .first::<WebhookRow>(conn)
        .optional()?
        .map(into_webhook)
        .transpose()
}

/// The association's webhooks, oldest first.
pub fn list(
    conn: &mut DbConnection,
    association: AssociationId,
    after: Option<WebhookId>,
    limit: i64,
) -> Result<Vec<Webhook>, PersistenceError> {
    let mut query = webhooks::table
        .filter(webhooks::association_id.eq(association.to_string()))
        .select(webhook_columns())
        .order(webhooks::id)
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(webhooks::id.gt(after.to_string()));
    }
    query
        .load::<WebhookRow>(conn)?
        .into_iter()
        .map(into_webhook)
        .collect()
}

pub fn count(conn: &mut DbConnection, association: AssociationId) -> Result<i64, PersistenceError> {
    Ok(webhooks::table
        .filter(webhooks::association_id.eq(association.to_string()))
        .count()
        .get_result(conn)?)
}

/// Deletes the webhook and its deliveries; `false` when the association has no such webhook.
pub fn delete(
    conn: &mut DbConnection,
    association: AssociationId,
    id: WebhookId,
) -> Result<bool, PersistenceError> {
    let deleted = diesel::delete(
        webhooks::table
            .filter(webhooks::id.eq(id.to_string()))
            .filter(webhooks::association_id.eq(association.to_string())),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}

/// Queues `payload` for every webhook of the association subscribed to `event`, to be sent
/// from `send_at` (now, or an announcement's publication time). Returns how many were queued.
pub fn enqueue(
    conn: &mut DbConnection,
    association: AssociationId,
    event: WebhookEvent,
    payload: &str,
    send_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    let subscribed: Vec<(String, String)> = webhooks::table
        .filter(webhooks::association_id.eq(association.to_string()))
        .select((webhooks::id, webhooks::events))
        .load(conn)?;
    let mut queued = 0;
    for (webhook_id, events) in subscribed {
        if !events_from_stored(&events).contains(&event) {
            continue;
        }
        insert_delivery(conn, &webhook_id, event, payload, send_at, now)?;
        queued += 1;
    }
    Ok(queued)
}

fn insert_delivery(
    conn: &mut DbConnection,
    webhook_id: &str,
    event: WebhookEvent,
    payload: &str,
    send_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<DeliveryId, PersistenceError> {
    let id = DeliveryId::new();
    diesel::insert_into(webhook_outbox::table)
        .values((
            webhook_outbox::id.eq(id.to_string()),
            webhook_outbox::webhook_id.eq(webhook_id),
            webhook_outbox::event.eq(event.as_str()),
            webhook_outbox::payload.eq(payload),
            webhook_outbox::status.eq(DeliveryStatus::Pending.as_str()),
            webhook_outbox::attempts.eq(0),
            webhook_outbox::next_attempt_at.eq(Some(to_db_time(send_at))),
            webhook_outbox::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(id)
}

type DeliveryRow = (
    String,
    String,
    String,
    String,
    i32,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<i32>,
    Option<String>,
    Option<String>,
    NaiveDateTime,
);

fn delivery_columns() -> (
    webhook_outbox::id,
    webhook_outbox::webhook_id,
    webhook_outbox::event,
    webhook_outbox::status,
    webhook_outbox::attempts,
    webhook_outbox::next_attempt_at,
    webhook_outbox::last_attempt_at,
    webhook_outbox::response_code,
    webhook_outbox::response_excerpt,
    webhook_outbox::error,
    webhook_outbox::created_at,
) {
    (
        webhook_outbox::id,
        webhook_outbox::webhook_id,
        webhook_outbox::event,
        webhook_outbox::status,
        webhook_outbox::attempts,
        webhook_outbox::next_attempt_at,
        webhook_outbox::last_attempt_at,
        webhook_outbox::response_code,
        webhook_outbox::response_excerpt,
        webhook_outbox::error,
        webhook_outbox::created_at,
    )
}

fn into_delivery(row: DeliveryRow) -> Result<Delivery, PersistenceError> {
    let (
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
    ) = row;
    Ok(Delivery {
        id: parse_id(&id)?,
        webhook_id: parse_id(&webhook_id)?,
        event: parse_enum(&event, WebhookEvent::parse)?,
        status: parse_enum(&status, DeliveryStatus::parse)?,
        attempts: u32::try_from(attempts)
            .map_err(|_| PersistenceError::Corrupt(format!("attempts {attempts}")))?,
        next_attempt_at: next_attempt_at.map(from_db_time),
        last_attempt_at: last_attempt_at.map(from_db_time),
        response_code: response_code.and_then(|c| u16::try_from(c).ok()),
        response_excerpt,
        error,
        created_at: from_db_time(created_at),
    })
}

/// A webhook's deliveries, newest first.
pub fn deliveries(
    conn: &mut DbConnection,
    webhook: WebhookId,
    before: Option<DeliveryId>,
    limit: i64,
) -> Result<Vec<Delivery>, PersistenceError> {
    let mut query = webhook_outbox::table
        .filter(webhook_outbox::webhook_id.eq(webhook.to_string()))
        .select(delivery_columns())
        .order(webhook_outbox::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(webhook_outbox::id.lt(before.to_string()));
    }
    query
        .load::<DeliveryRow>(conn)?
        .into_iter()
        .map(into_delivery)
        .collect()
}

pub fn find_delivery(
    conn: &mut DbConnection,
    webhook: WebhookId,
    id: DeliveryId,
) -> Result<Option<Delivery>, PersistenceError> {
    webhook_outbox::table
        .filter(webhook_outbox::id.eq(id.to_string()))
        .filter(webhook_outbox::webhook_id.eq(webhook.to_string()))
        .select(delivery_columns())
        .first::<DeliveryRow>(conn)
        .optional()?
        .map(into_delivery)
        .transpose()
}

/// Queues a new delivery of the same payload, due now; `None` when the webhook has no such
/// delivery.
pub fn redeliver(
    conn: &mut DbConnection,
    webhook: WebhookId,
    id: DeliveryId,
    now: DateTime<Utc>,
) -> Result<Option<Delivery>, PersistenceError> {
    let found: Option<(String, String)> = webhook_outbox::table
        .filter(webhook_outbox::id.eq(id.to_string()))
        .filter(webhook_outbox::webhook_id.eq(webhook.to_string()))
        .select((webhook_outbox::event, webhook_outbox::payload))
        .first(conn)
        .optional()?;
    let Some((event, payload)) = found else {
        return Ok(None);
    };
    let event = parse_enum(&event, WebhookEvent::parse)?;
    let new = insert_delivery(conn, &webhook.to_string(), event, &payload, now, now)?;
    find_delivery(conn, webhook, new)
}

/// A delivery the worker may send now, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: DeliveryId,
    pub event: WebhookEvent,
    pub payload: String,
    pub attempts: u32,
    pub url: String,
    pub secret: String,
}

/// Pending deliveries due at `now`, oldest due first.
pub fn due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DueDelivery>, PersistenceError> {
    let rows: Vec<(String, String, String, i32, String, String)> = webhook_outbox::table
        .inner_join(webhooks::table)
        .filter(webhook_outbox::status.eq(DeliveryStatus::Pending.as_str()))
        .filter(webhook_outbox::next_attempt_at.le(to_db_time(now)))
        .order((webhook_outbox::next_attempt_at, webhook_outbox::id))
        .limit(limit)
        .select((
            webhook_outbox::id,
            webhook_outbox::event,
            webhook_outbox::payload,
            webhook_outbox::attempts,
            webhooks::url,
            webhooks::secret,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, event, payload, attempts, url, secret)| {
            Ok(DueDelivery {
                id: parse_id(&id)?,
                event: parse_enum(&event, WebhookEvent::parse)?,
                payload,
                attempts: u32::try_from(attempts)
                    .map_err(|_| PersistenceError::Corrupt(format!("attempts {attempts}")))?,
                url,
                secret,
            })
        })
        .collect()
}

/// Takes a due delivery for one attempt: moves its next attempt to `lease_until`, only if it is
/// still pending and due (another worker or process may have taken it). `true`: this caller
/// sends it; if it dies meanwhile, the delivery is due again at `lease_until`.
pub fn claim(
    conn: &mut DbConnection,
    id: DeliveryId,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let claimed = diesel::update(
        webhook_outbox::table
            .filter(webhook_outbox::id.eq(id.to_string()))
            .filter(webhook_outbox::status.eq(DeliveryStatus::Pending.as_str()))
            .filter(webhook_outbox::next_attempt_at.le(to_db_time(now))),
    )
    .set(webhook_outbox::next_attempt_at.eq(Some(to_db_time(lease_until))))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// The outcome of one attempt.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
    pub response_code: Option<u16>,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
}

pub fn record_attempt(
    conn: &mut DbConnection,
    id: DeliveryId,
    attempt: &Attempt,
) -> Result<(), PersistenceError> {
    let Attempt {
        status,
        attempts,
        next_attempt_at,
        at,
        response_code,
        response_excerpt,
        error,
    } = attempt;
    diesel::update(webhook_outbox::table.filter(webhook_outbox::id.eq(id.to_string())))
        .set((
            webhook_outbox::status.eq(status.as_str()),
            webhook_outbox::attempts.eq(i32::try_from(*attempts).unwrap_or(i32::MAX)),
            webhook_outbox::next_attempt_at.eq(next_attempt_at.map(to_db_time)),
            webhook_outbox::last_attempt_at.eq(Some(to_db_time(*at))),
            webhook_outbox::response_code.eq(response_code.map(i32::from)),
            webhook_outbox::response_excerpt.eq(response_excerpt.as_deref()),
            webhook_outbox::error.eq(error.as_deref()),
        ))
        .execute(conn)?;
    Ok(())
}
