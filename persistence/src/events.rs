//! Events, RSVPs with a waiting list, and personal calendar tokens.
//!
//! [`readable_by`] is the read policy of events as SQL: an event in a group is visible to who
//! may read the group's content (the same subqueries as posts); other events are public.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use entraide_domain::event::{
    Event, EventChanges, EventStatus, NewEvent, Place, Recurrence, RsvpStatus, Schedule,
    TimeZoneName, Venue,
};
use entraide_domain::geo::{BoundingBox, Point};
use entraide_domain::group::Reader;
use entraide_domain::ids::{AssociationId, EventId, GroupId, MemberId};
use entraide_domain::member::{MemberKind, Pseudonym};
use entraide_domain::text::{Description, Label, Title, WebUrl};

use crate::connection::{DbConnection, MultiBackend};
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::dialect::coalesce;
use crate::error::PersistenceError;
use crate::schema::{calendar_tokens, event_rsvps, events, members};

type EventFilter = Box<dyn BoxableExpression<events::table, MultiBackend, SqlType = Bool>>;

/// The read policy as SQL (see the module documentation). Like the posts filter, it cannot be
/// served by an index, so it never drives a query.
fn readable_by(reader: Reader) -> EventFilter {
    let group_key = coalesce(events::group_id, "");
    match reader {
        Reader::Anonymous => Box::new(
            events::group_id
                .is_null()
                .or(group_key.eq_any(open_group_ids!())),
        ),
        Reader::Member { id, kind } => {
            let me = id.to_string();
            Box::new(
                events::group_id
                    .is_null()
                    .or(group_key.eq_any(readable_group_ids!(me, kind))),
            )
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = events)]
struct EventRow {
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
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn corrupt(error: impl std::fmt::Display) -> PersistenceError {
    PersistenceError::Corrupt(error.to_string())
}

impl EventRow {
    fn into_domain(self) -> Result<Event, PersistenceError> {
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
    } = new;
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

/// Filters of a calendar query. Every query is bounded by a time range.
#[derive(Debug, Clone)]
pub struct EventQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub group: Option<GroupId>,
    pub association: Option<AssociationId>,
    /// Events with coordinates inside this box (the exact distance is the caller's).
    pub within: Option<BoundingBox>,
    /// Only events this member organises or answered going, interested or waitlisted.
    pub mine: Option<MemberId>,
}

/// Where a page of single events continues: after this (starts_at, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventKey {
    pub starts_at: DateTime<Utc>,
    pub id: EventId,
}

/// The filtered, readable events of a query, without its time condition.
fn filtered(reader: Reader, query: &EventQuery) -> events::BoxedQuery<'static, MultiBackend> {
    let mut select = events::table.filter(readable_by(reader)).into_boxed();
    if let Some(group) = query.group {
        select = select.filter(events::group_id.eq(group.to_string()));
    }
    if let Some(association) = query.association {
        select = select.filter(events::association_id.eq(association.to_string()));
    }
    if let Some(b) = query.within {
        select = select
            .filter(events::latitude.between(b.min_lat, b.max_lat))
            .filter(events::longitude.between(b.min_lon, b.max_lon));
    }
    if let Some(member) = query.mine {
        let me = member.to_string();
        let answered = event_rsvps::table
            .filter(event_rsvps::member_id.eq(me.clone()))
            .filter(event_rsvps::status.ne(RsvpStatus::NotGoing.as_str()))
            .select(event_rsvps::event_id);
        select = select.filter(events::organizer_id.eq(me).or(events::id.eq_any(answered)));
    }
    select
}

/// Single (non-recurring) events overlapping the range, by start then id, after `after`.
pub fn list_single(
    conn: &mut DbConnection,
    reader: Reader,
    query: &EventQuery,
    after: Option<EventKey>,
    limit: i64,
) -> Result<Vec<Event>, PersistenceError> {
    // A single event lasts at most `MAX_DURATION`, so one that ends after `from` starts after
    // `from - MAX_DURATION`: the bound that lets the walk by start skip the past.
    let earliest = query
        .from
        .checked_sub_signed(entraide_domain::event::MAX_DURATION)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut select = filtered(reader, query)
        .filter(events::recurrence.is_null())
        .filter(events::starts_at.ge(to_db_time(earliest)))
        .filter(events::starts_at.lt(to_db_time(query.to)))
        .filter(events::ends_at.gt(to_db_time(query.from)))
        .select(EventRow::as_select())
        .order((events::starts_at, events::id))
        .limit(limit);
    if let Some(EventKey { starts_at, id }) = after {
        let at = to_db_time(starts_at);
        select = select.filter(
            events::starts_at
                .gt(at)
                .or(events::starts_at.eq(at).and(events::id.gt(id.to_string()))),
        );
    }
    select
        .load::<EventRow>(conn)?
        .into_iter()
        .map(EventRow::into_domain)
        .collect()
}

/// The most recurring series one calendar query expands (a safety bound, far above what a
/// calendar holds; only their schedules are read).
pub const MAX_SERIES: i64 = 20_000;

/// What expanding a series needs: its schedule and where it is held.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesSchedule {
    pub id: EventId,
    pub schedule: Schedule,
    pub point: Option<Point>,
}

/// The schedules of the recurring series the reader may see with an occurrence that may
/// overlap the range — only the columns expansion needs, so that thousands of series stay
/// cheap; the caller loads the few whose occurrences make the page.
pub fn list_series(
    conn: &mut DbConnection,
    reader: Reader,
    query: &EventQuery,
) -> Result<Vec<SeriesSchedule>, PersistenceError> {
    type Columns = (
        String,
        NaiveDateTime,
        NaiveDateTime,
        String,
        Option<String>,
        Option<NaiveDateTime>,
        Option<f64>,
        Option<f64>,
    );
    filtered(reader, query)
        .filter(events::recurrence.is_not_null())
        .filter(events::starts_at.lt(to_db_time(query.to)))
        .filter(events::last_ends_at.gt(to_db_time(query.from)))
        .select((
            events::id,
            events::starts_at,
            events::ends_at,
            events::time_zone,
            events::recurrence,
            events::recurrence_until,
            events::latitude,
            events::longitude,
        ))
        .order((events::starts_at, events::id))
        .limit(MAX_SERIES)
        .load::<Columns>(conn)?
        .into_iter()
        .map(
            |(id, starts_at, ends_at, zone, recurrence, until, lat, lon)| {
                let schedule = Schedule::parse(
                    from_db_time(starts_at),
                    from_db_time(ends_at),
                    TimeZoneName::parse(&zone).map_err(corrupt)?,
                    recurrence
                        .as_deref()
                        .map(|r| parse_enum(r, Recurrence::parse))
                        .transpose()?,
                    until.map(from_db_time),
                )
                .map_err(corrupt)?;
                let point = match (lat, lon) {
                    (Some(lat), Some(lon)) => Some(Point::parse(lat, lon).map_err(corrupt)?),
                    _ => None,
                };
                Ok(SeriesSchedule {
                    id: parse_id(&id)?,
                    schedule,
                    point,
                })
            },
        )
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
    } = changes;
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

/// A member's RSVP to an event, if any.
pub fn rsvp_of(
    conn: &mut DbConnection,
    event: EventId,
    member: MemberId,
) -> Result<Option<RsvpStatus>, PersistenceError> {
    event_rsvps::table
        .find((event.to_string(), member.to_string()))
        .select(event_rsvps::status)
        .first::<String>(conn)
        .optional()?
        .map(|s| parse_enum(&s, RsvpStatus::parse))
        .transpose()
}

/// The reader's RSVPs to several events, in one query.
pub fn rsvps_of(
    conn: &mut DbConnection,
    events: &[EventId],
    member: MemberId,
) -> Result<Vec<(EventId, RsvpStatus)>, PersistenceError> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = events.iter().map(ToString::to_string).collect();
    event_rsvps::table
        .filter(event_rsvps::member_id.eq(member.to_string()))
        .filter(event_rsvps::event_id.eq_any(&keys))
        .select((event_rsvps::event_id, event_rsvps::status))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(event, status)| Ok((parse_id(&event)?, parse_enum(&status, RsvpStatus::parse)?)))
        .collect()
}

/// Moves the counters for an answer that went from `old` to `new`.
fn count_change(
    conn: &mut DbConnection,
    event: EventId,
    old: Option<RsvpStatus>,
    new: Option<RsvpStatus>,
) -> Result<(), PersistenceError> {
    let delta =
        |status: RsvpStatus| i64::from(new == Some(status)) - i64::from(old == Some(status));
    let (going, interested, waitlisted) = (
        delta(RsvpStatus::Going),
        delta(RsvpStatus::Interested),
        delta(RsvpStatus::Waitlisted),
    );
    if going != 0 || interested != 0 || waitlisted != 0 {
        diesel::update(events::table.find(event.to_string()))
            .set((
                events::going_count.eq(events::going_count + going),
                events::interested_count.eq(events::interested_count + interested),
                events::waitlist_count.eq(events::waitlist_count + waitlisted),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Stores an answer (already decided by `domain::event::answer`), moves the counters and fills
/// freed places from the waiting list, oldest first. Call in a transaction.
pub fn set_rsvp(
    conn: &mut DbConnection,
    event: EventId,
    member: MemberId,
    status: RsvpStatus,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let previous = rsvp_of(conn, event, member)?;
    if previous == Some(status) {
        return Ok(());
    }
    let at = to_db_time(now);
    let key = (event.to_string(), member.to_string());
    if previous.is_some() {
        diesel::update(event_rsvps::table.find((&key.0, &key.1)))
            .set((
                event_rsvps::status.eq(status.as_str()),
                event_rsvps::updated_at.eq(at),
            ))
            .execute(conn)?;
    } else {
        diesel::insert_into(event_rsvps::table)
            .values((
                event_rsvps::event_id.eq(&key.0),
                event_rsvps::member_id.eq(&key.1),
                event_rsvps::status.eq(status.as_str()),
                event_rsvps::created_at.eq(at),
                event_rsvps::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    count_change(conn, event, previous, Some(status))?;
    if previous == Some(RsvpStatus::Going) {
        promote_waitlisted(conn, event, now)?;
    }
    Ok(())
}

/// Gives free places to the waiting list, first come first served.
fn promote_waitlisted(
    conn: &mut DbConnection,
    event: EventId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let (capacity, going, waitlisted) = events::table
        .find(event.to_string())
        .select((
            events::capacity,
            events::going_count,
            events::waitlist_count,
        ))
        .first::<(Option<i32>, i64, i64)>(conn)?;
    let places = entraide_domain::event::places_to_fill(capacity, going, waitlisted);
    if places == 0 {
        return Ok(());
    }
    let next: Vec<String> = event_rsvps::table
        .filter(event_rsvps::event_id.eq(event.to_string()))
        .filter(event_rsvps::status.eq(RsvpStatus::Waitlisted.as_str()))
        .order((event_rsvps::updated_at, event_rsvps::member_id))
        .select(event_rsvps::member_id)
        .limit(places)
        .load(conn)?;
    for member in next {
        diesel::update(event_rsvps::table.find((event.to_string(), &member)))
            .set((
                event_rsvps::status.eq(RsvpStatus::Going.as_str()),
                event_rsvps::updated_at.eq(to_db_time(now)),
            ))
            .execute(conn)?;
        count_change(
            conn,
            event,
            Some(RsvpStatus::Waitlisted),
            Some(RsvpStatus::Going),
        )?;
    }
    Ok(())
}

/// A line of an event's attendee list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub member_id: MemberId,
    pub pseudonym: Pseudonym,
    pub kind: MemberKind,
    pub status: RsvpStatus,
    pub since: DateTime<Utc>,
}

/// Who answered (not `not_going`), by answer then in order (the waiting list in its order).
pub fn attendees(
    conn: &mut DbConnection,
    event: EventId,
    after: Option<MemberId>,
    limit: i64,
) -> Result<Vec<Attendee>, PersistenceError> {
    let mut select = event_rsvps::table
        .inner_join(members::table)
        .filter(event_rsvps::event_id.eq(event.to_string()))
        .filter(event_rsvps::status.ne(RsvpStatus::NotGoing.as_str()))
        .select((
            event_rsvps::member_id,
            members::pseudonym,
            members::kind,
            event_rsvps::status,
            event_rsvps::updated_at,
        ))
        .order(event_rsvps::member_id)
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        select = select.filter(event_rsvps::member_id.gt(after.to_string()));
    }
    select
        .load::<(String, String, String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(member_id, pseudonym, kind, status, since)| {
            Ok(Attendee {
                member_id: parse_id(&member_id)?,
                pseudonym: Pseudonym::from_stored(pseudonym),
                kind: parse_enum(&kind, MemberKind::parse)?,
                status: parse_enum(&status, RsvpStatus::parse)?,
                since: from_db_time(since),
            })
        })
        .collect()
}

/// Replaces the member's calendar token (its SHA-256): the previous one stops working.
pub fn set_calendar_token(
    conn: &mut DbConnection,
    member: MemberId,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::delete(calendar_tokens::table.find(member.to_string())).execute(conn)?;
    diesel::insert_into(calendar_tokens::table)
        .values((
            calendar_tokens::member_id.eq(member.to_string()),
            calendar_tokens::token_hash.eq(token_hash),
            calendar_tokens::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Revokes the member's calendar token, if any (after a password change, with the other
/// sessions): a feed URL is a credential too.
pub fn revoke_calendar_token(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<(), PersistenceError> {
    diesel::delete(calendar_tokens::table.find(member.to_string())).execute(conn)?;
    Ok(())
}

/// The member a calendar token belongs to, with their kind now.
pub fn calendar_owner(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(MemberId, MemberKind)>, PersistenceError> {
    calendar_tokens::table
        .inner_join(members::table.on(members::id.eq(calendar_tokens::member_id)))
        .filter(calendar_tokens::token_hash.eq(token_hash))
        .select((members::id, members::kind))
        .first::<(String, String)>(conn)
        .optional()?
        .map(|(id, kind)| Ok((parse_id(&id)?, parse_enum(&kind, MemberKind::parse)?)))
        .transpose()
}

/// The most events a calendar feed holds.
pub const MAX_CALENDAR_EVENTS: i64 = 500;

/// The events a member is going to or interested in, that they may still see, newest first.
pub fn calendar_of(
    conn: &mut DbConnection,
    member: MemberId,
    kind: MemberKind,
) -> Result<Vec<(Event, RsvpStatus)>, PersistenceError> {
    let me = member.to_string();
    let reader = Reader::Member { id: member, kind };
    let answered = event_rsvps::table
        .filter(event_rsvps::member_id.eq(me))
        .filter(
            event_rsvps::status
                .eq(RsvpStatus::Going.as_str())
                .or(event_rsvps::status.eq(RsvpStatus::Interested.as_str())),
        )
        .select(event_rsvps::event_id);
    let found: Vec<Event> = events::table
        .filter(events::id.eq_any(answered))
        .filter(readable_by(reader))
        .select(EventRow::as_select())
        .order(events::starts_at.desc())
        .limit(MAX_CALENDAR_EVENTS)
        .load::<EventRow>(conn)?
        .into_iter()
        .map(EventRow::into_domain)
        .collect::<Result<_, _>>()?;
    let ids: Vec<EventId> = found.iter().map(|e| e.id).collect();
    let answers = rsvps_of(conn, &ids, member)?;
    Ok(found
        .into_iter()
        .filter_map(|event| {
            let status = answers
                .iter()
                .find(|(id, _)| *id == event.id)
                .map(|(_, s)| *s)?;
            Some((event, status))
        })
        .collect())
}
