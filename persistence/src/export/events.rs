//! Events the member organises, their answers to events, their calendar feed.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::event::{EventStatus, Recurrence, RsvpStatus};
use entraide_domain::ids::{AssociationId, EventId, GroupId, MemberId};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id};
use crate::error::PersistenceError;
use crate::schema::{calendar_tokens, event_rsvps, events};

/// An event the member organises, as stored (times in UTC, with its zone).
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub id: EventId,
    pub title: String,
    pub description: String,
    pub group_id: Option<GroupId>,
    pub association_id: Option<AssociationId>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
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

#[derive(Queryable, Selectable)]
#[diesel(table_name = events)]
struct EventRow {
    id: String,
    title: String,
    description: String,
    group_id: Option<String>,
    association_id: Option<String>,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    time_zone: String,
    recurrence: Option<String>,
    recurrence_until: Option<NaiveDateTime>,
    online_url: Option<String>,
    address: Option<String>,
    city: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    capacity: Option<i32>,
    status: String,
    cancelled_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl EventRow {
    fn into_record(self) -> Result<EventRecord, PersistenceError> {
        let Self {
            id,
            title,
            description,
            group_id,
            association_id,
            starts_at,
            ends_at,
            time_zone,
            recurrence,
            recurrence_until,
            online_url,
            address,
            city,
            latitude,
            longitude,
            capacity,
            status,
            cancelled_at,
            created_at,
            updated_at,
        } = self;
        Ok(EventRecord {
            id: parse_id(&id)?,
            title,
            description,
            group_id: group_id.as_deref().map(parse_id).transpose()?,
            association_id: association_id.as_deref().map(parse_id).transpose()?,
            starts_at: from_db_time(starts_at),
            ends_at: from_db_time(ends_at),
            time_zone,
            recurrence: recurrence
                .as_deref()
                .map(|r| parse_enum(r, Recurrence::parse))
                .transpose()?,
            recurrence_until: recurrence_until.map(from_db_time),
            online_url,
            address,
            city,
            latitude,
            longitude,
            capacity,
            status: parse_enum(&status, EventStatus::parse)?,
            cancelled_at: cancelled_at.map(from_db_time),
            created_at: from_db_time(created_at),
            updated_at: from_db_time(updated_at),
        })
    }
}

/// The events the member organises, cancelled ones included, oldest first.
pub fn organised_events(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<EventRecord>, PersistenceError> {
    events::table
        .filter(events::organizer_id.eq(member.to_string()))
        .select(EventRow::as_select())
        .order(events::id.asc())
        .load(conn)?
        .into_iter()
        .map(EventRow::into_record)
        .collect()
}

/// The member's answer to an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsvpRecord {
    pub event_id: EventId,
    pub event_title: String,
    pub status: RsvpStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn rsvps(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<RsvpRecord>, PersistenceError> {
    event_rsvps::table
        .inner_join(events::table)
        .filter(event_rsvps::member_id.eq(member.to_string()))
        .select((
            event_rsvps::event_id,
            events::title,
            event_rsvps::status,
            event_rsvps::created_at,
            event_rsvps::updated_at,
        ))
        .order((event_rsvps::created_at.asc(), event_rsvps::event_id.asc()))
        .load::<(String, String, String, NaiveDateTime, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(event, title, status, created_at, updated_at)| {
            Ok(RsvpRecord {
                event_id: parse_id(&event)?,
                event_title: title,
                status: parse_enum(&status, RsvpStatus::parse)?,
                created_at: from_db_time(created_at),
                updated_at: from_db_time(updated_at),
            })
        })
        .collect()
}

/// When the member's personal calendar feed URL was made, if they have one. The token itself
/// is stored only as a hash and is never exported.
pub fn calendar_feed(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<DateTime<Utc>>, PersistenceError> {
    Ok(calendar_tokens::table
        .find(member.to_string())
        .select(calendar_tokens::created_at)
        .first::<NaiveDateTime>(conn)
        .optional()?
        .map(from_db_time))
}
