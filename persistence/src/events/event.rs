//! The `events` table: creating, changing and cancelling an event, reading events by id, and
//! [`readable_by`], the read policy of events as SQL: an event in a group is visible to who may
//! read the group's content (the same subqueries as posts); other events are public. Events
//! organised by a member the reader blocked, or who blocked them, are left out.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use entraide_domain::event::{
    Event, EventChanges, EventStatus, NewEvent, Place, Recurrence, Schedule, TimeZoneName, Venue,
};
use entraide_domain::geo::Point;
use entraide_domain::group::Reader;
use entraide_domain::ids::{EventId, MemberId};
use entraide_domain::text::{Description, Label, Title, WebUrl};

use super::rsvps::promote_waitlisted;
use crate::connection::{DbConnection, MultiBackend};
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::dialect::coalesce;
use crate::error::PersistenceError;
use crate::schema::events;
use crate::sponsors::{cells, change, from_cells};

type EventFilter = Box<dyn BoxableExpression<events::table, MultiBackend, SqlType = Bool>>;

/// The read policy as SQL (see the module documentation). Like the posts filter, it cannot be
/// served by an index, so it never drives a query.
pub(super) fn readable_by(reader: Reader) -> EventFilter {
    let group_key = coalesce(events::group_id, "");
    match reader {
        Reader::Anonymous => Box::new(
            events::group_id
                .is_null()
                .or(group_key.eq_any(open_group_ids!())),
        ),
        Reader::Member { id, kind } => {
            let me = id.to_string();
            // What a member blocked (or who blocked them) organises is left out, as their
            // posts are: association events included, their organiser's pseudonym is on them.
            let unblocked = not_blocked!(events::organizer_id, me);
            Box::new(
                events::group_id
                    .is_null()
                    .or(group_key.eq_any(readable_group_ids!(me, kind)))
                    .and(unblocked),
            )
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = events)]
pub(super) struct EventRow {
    id: String,
    title: String,
    description: String,
    organizer_id: String,
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
    rescheduled_at: Option<NaiveDateTime>,
    previous_starts_at: Option<NaiveDateTime>,
    sequence: i32,
    going_count: i64,
    interested_count: i64,
    waitlist_count: i64,
    sponsor_name: Option<String>,
    sponsor_kind: Option<String>,
    sponsor_links: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

pub(super) fn corrupt(error: impl std::fmt::Display) -> PersistenceError {
    PersistenceError::Corrupt(error.to_string())
}

impl EventRow {
    pub(super) fn into_domain(self) -> Result<Event, PersistenceError> {
        let Self {
            id,
            title,
            description,
            organizer_id,
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
            rescheduled_at,
            previous_starts_at,
            sequence,
            going_count,
            interested_count,
            waitlist_count,
            sponsor_name,
            sponsor_kind,
            sponsor_links,
            created_at,
            updated_at,
        } = self;
        let place = match (group_id, association_id) {
            (Some(group), _) => Place::Group(parse_id(&group)?),
            (None, Some(association)) => Place::Association(parse_id(&association)?),
            (None, None) => Place::Personal,
        };
        let schedule = Schedule::parse(
            from_db_time(starts_at),
            from_db_time(ends_at),
            TimeZoneName::parse(&time_zone).map_err(corrupt)?,
            recurrence
                .as_deref()
                .map(|r| parse_enum(r, Recurrence::parse))
                .transpose()?,
            recurrence_until.map(from_db_time),
        )
        .map_err(corrupt)?;
        let point = match (latitude, longitude) {
            (Some(lat), Some(lon)) => Some(Point::parse(lat, lon).map_err(corrupt)?),
            _ => None,
        };
        let venue = (address.is_some() || city.is_some() || point.is_some()).then(|| Venue {
            address: address.map(Label::from_stored),
            city: city.map(Label::from_stored),
            point,
        });
        Ok(Event {
            id: parse_id(&id)?,
            title: Title::from_stored(title),
            description: Description::from_stored(description),
            organizer_id: parse_id(&organizer_id)?,
            place,
            schedule,
            online_url: online_url.map(WebUrl::from_stored),
            venue,
            capacity,
            status: parse_enum(&status, EventStatus::parse)?,
            cancelled_at: cancelled_at.map(from_db_time),
            rescheduled_at: rescheduled_at.map(from_db_time),
            previous_starts_at: previous_starts_at.map(from_db_time),
            sequence,
            going_count,
            interested_count,
            waitlist_count,
            sponsor: from_cells(sponsor_name, sponsor_kind, sponsor_links)?,
            created_at: from_db_time(created_at),
            updated_at: from_db_time(updated_at),
        })
    }
}

fn venue_columns(venue: Option<&Venue>) -> (Option<&str>, Option<&str>, Option<f64>, Option<f64>) {
    match venue {
        None => (None, None, None, None),
        Some(Venue {
            address,
            city,
            point,
        }) => (
            address.as_ref().map(Label::as_str),
            city.as_ref().map(Label::as_str),
            point.map(Point::lat),
            point.map(Point::lon),
        ),
    }
}

pub fn insert(
    conn: &mut DbConnection,
    organizer: MemberId,
    new: &NewEvent,
    now: DateTime<Utc>,
) -> Result<Event, PersistenceError> {
    let NewEvent {
        title,
        description,
        place,
        schedule,
        online_url,
        venue,
        capacity,
        sponsor,
    } = new;
    let sponsor = cells(sponsor.as_ref());
    let (group_id, association_id) = match place {
        Place::Group(group) => (Some(group.to_string()), None),
        Place::Association(association) => (None, Some(association.to_string())),
        Place::Personal => (None, None),
    };
    let (address, city, latitude, longitude) = venue_columns(venue.as_ref());
    let id = EventId::new();
    let at = to_db_time(now);
    diesel::insert_into(events::table)
        .values((
            (
                events::id.eq(id.to_string()),
                events::title.eq(title.as_str()),
                events::description.eq(description.as_str()),
                events::organizer_id.eq(organizer.to_string()),
                events::group_id.eq(group_id),
                events::association_id.eq(association_id),
                events::starts_at.eq(to_db_time(schedule.starts_at)),
                events::ends_at.eq(to_db_time(schedule.ends_at)),
                events::time_zone.eq(schedule.time_zone.as_str()),
                events::recurrence.eq(schedule.recurrence.map(Recurrence::as_str)),
                events::recurrence_until.eq(schedule.until.map(to_db_time)),
                events::last_ends_at.eq(to_db_time(schedule.last_ends_at())),
            ),
            (
                events::online_url.eq(online_url.as_ref().map(WebUrl::as_str)),
                events::address.eq(address),
                events::city.eq(city),
                events::latitude.eq(latitude),
                events::longitude.eq(longitude),
                events::capacity.eq(capacity),
                events::status.eq(EventStatus::Scheduled.as_str()),
                events::sequence.eq(0),
                events::going_count.eq(0_i64),
                events::interested_count.eq(0_i64),
                events::waitlist_count.eq(0_i64),
                events::created_at.eq(at),
                events::updated_at.eq(at),
            ),
            (
                events::sponsor_name.eq(sponsor.name),
                events::sponsor_kind.eq(sponsor.kind),
                events::sponsor_links.eq(sponsor.links),
            ),
        ))
        .execute(conn)?;
    let event = find(conn, id)?.ok_or(PersistenceError::NotFound)?;
    index_event(conn, &event)?;
    Ok(event)
}

/// Keeps an event's title, description and venue in the search index.
fn index_event(conn: &mut DbConnection, event: &Event) -> Result<(), PersistenceError> {
    let venue = event.venue.as_ref().map_or(String::new(), |v| {
        [v.address.as_ref(), v.city.as_ref()]
            .into_iter()
            .flatten()
            .map(Label::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    });
    let text = format!(
        "{}\n{}\n{venue}",
        event.title.as_str(),
        event.description.as_str()
    );
    crate::search::index(
        conn,
        entraide_domain::search::DocumentKind::Event,
        &event.id.to_string(),
        &text,
    )
}

/// An event by id, whoever asks (for writes, after the handler checked access).
pub fn find(conn: &mut DbConnection, id: EventId) -> Result<Option<Event>, PersistenceError> {
    events::table
        .find(id.to_string())
        .select(EventRow::as_select())
        .first::<EventRow>(conn)
        .optional()?
        .map(EventRow::into_domain)
        .transpose()
}

/// An event by id, only if `reader` may see it.
pub fn find_readable(
    conn: &mut DbConnection,
    reader: Reader,
    id: EventId,
) -> Result<Option<Event>, PersistenceError> {
    events::table
        .find(id.to_string())
        .filter(readable_by(reader))
        .select(EventRow::as_select())
        .first::<EventRow>(conn)
        .optional()?
        .map(EventRow::into_domain)
        .transpose()
}

/// Several events by id, only those `reader` may see: one query for a page of hits.
pub fn find_readable_many(
    conn: &mut DbConnection,
    reader: Reader,
    ids: &[EventId],
) -> Result<Vec<Event>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    events::table
        .filter(events::id.eq_any(keys))
        .filter(readable_by(reader))
        .select(EventRow::as_select())
        .load::<EventRow>(conn)?
        .into_iter()
        .map(EventRow::into_domain)
        .collect()
}

#[derive(AsChangeset)]
#[diesel(table_name = events)]
struct EventChangeset<'a> {
    title: Option<&'a str>,
    description: Option<&'a str>,
    starts_at: Option<NaiveDateTime>,
    ends_at: Option<NaiveDateTime>,
    time_zone: Option<&'a str>,
    recurrence_until: Option<Option<NaiveDateTime>>,
    last_ends_at: Option<NaiveDateTime>,
    rescheduled_at: Option<NaiveDateTime>,
    previous_starts_at: Option<NaiveDateTime>,
    online_url: Option<Option<&'a str>>,
    address: Option<Option<&'a str>>,
    city: Option<Option<&'a str>>,
    latitude: Option<Option<f64>>,
    longitude: Option<Option<f64>>,
    capacity: Option<Option<i32>>,
    sponsor_name: Option<Option<&'a str>>,
    sponsor_kind: Option<Option<&'static str>>,
    sponsor_links: Option<Option<String>>,
    updated_at: NaiveDateTime,
}

/// Applies changes; a new time marks the event rescheduled (keeping where it was). Every change
/// bumps the iCalendar sequence. Call in a transaction.
pub fn update(
    conn: &mut DbConnection,
    event: &Event,
    changes: &EventChanges,
    now: DateTime<Utc>,
) -> Result<Event, PersistenceError> {
    let EventChanges {
        title,
        description,
        schedule,
        online_url,
        venue,
        capacity,
        sponsor,
    } = changes;
    let sponsor = change(sponsor.as_ref());
    let moved = schedule
        .filter(|s| s.starts_at != event.schedule.starts_at || s.ends_at != event.schedule.ends_at);
    let venue_cols = venue.as_ref().map(|v| venue_columns(v.as_ref()));
    diesel::update(events::table.find(event.id.to_string()))
        .set((
            EventChangeset {
                title: title.as_ref().map(Title::as_str),
                description: description.as_ref().map(Description::as_str),
                starts_at: schedule.map(|s| to_db_time(s.starts_at)),
                ends_at: schedule.map(|s| to_db_time(s.ends_at)),
                time_zone: schedule.map(|s| s.time_zone.as_str()),
                recurrence_until: schedule.map(|s| s.until.map(to_db_time)),
                last_ends_at: schedule.map(|s| to_db_time(s.last_ends_at())),
                rescheduled_at: moved.map(|_| to_db_time(now)),
                previous_starts_at: moved.map(|_| to_db_time(event.schedule.starts_at)),
                online_url: online_url.as_ref().map(|u| u.as_ref().map(WebUrl::as_str)),
                address: venue_cols.map(|c| c.0),
                city: venue_cols.map(|c| c.1),
                latitude: venue_cols.map(|c| c.2),
                longitude: venue_cols.map(|c| c.3),
                capacity: *capacity,
                sponsor_name: sponsor.name,
                sponsor_kind: sponsor.kind,
                sponsor_links: sponsor.links,
                updated_at: to_db_time(now),
            },
            events::sequence.eq(events::sequence + 1),
        ))
        .execute(conn)?;
    promote_waitlisted(conn, event.id, now)?;
    let event = find(conn, event.id)?.ok_or(PersistenceError::NotFound)?;
    index_event(conn, &event)?;
    Ok(event)
}

/// Cancels the event: it stays readable, marked cancelled.
pub fn cancel(
    conn: &mut DbConnection,
    id: EventId,
    now: DateTime<Utc>,
) -> Result<Event, PersistenceError> {
    diesel::update(
        events::table
            .find(id.to_string())
            .filter(events::status.eq(EventStatus::Scheduled.as_str())),
    )
    .set((
        events::status.eq(EventStatus::Cancelled.as_str()),
        events::cancelled_at.eq(to_db_time(now)),
        events::sequence.eq(events::sequence + 1),
        events::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    find(conn, id)?.ok_or(PersistenceError::NotFound)
}
