//! Calendar queries over a time range: single events by a keyset walk on their start, and the
//! schedules of the recurring series the caller expands.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::event::{Event, EventStatus, Recurrence, RsvpStatus, Schedule, TimeZoneName};
use entraide_domain::geo::{BoundingBox, Point};
use entraide_domain::group::Reader;
use entraide_domain::ids::{AssociationId, ConditionId, EventId, GroupId, MemberId};

use super::event::{EventRow, corrupt, readable_by};
use crate::connection::{DbConnection, MultiBackend};
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{event_rsvps, events};

/// Filters of a calendar query. Every query is bounded by a time range.
#[derive(Debug, Clone)]
pub struct EventQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub group: Option<GroupId>,
    pub association: Option<AssociationId>,
    /// Events about this condition: in one of its groups or held by an association linked to
    /// it (the hub's rule, [`upcoming_about`]).
    pub condition: Option<ConditionId>,
    /// Events with coordinates inside this box (the exact distance is the caller's).
    pub within: Option<BoundingBox>,
    /// Only events this member organises or answered going, interested or waitlisted.
    pub mine: Option<MemberId>,
    /// Only sponsored events (`true`) or only events without a sponsor (`false`).
    pub sponsored: Option<bool>,
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
    if let Some(condition) = query.condition {
        select = select.filter(about_condition(condition));
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
    match query.sponsored {
        Some(true) => select = select.filter(events::sponsor_name.is_not_null()),
        Some(false) => select = select.filter(events::sponsor_name.is_null()),
        None => {}
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
    let load = move |conn: &mut DbConnection| Ok(select.load::<EventRow>(conn)?);
    // A map box: the latitude index or the walk by start, by the box's size (see
    // `dialect::with_custom_plans`).
    let rows = if query.within.is_some() {
        crate::dialect::with_custom_plans(conn, load)?
    } else {
        load(conn)?
    };
    rows.into_iter().map(EventRow::into_domain).collect()
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
    let series = filtered(reader, query)
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
        .limit(MAX_SERIES);
    let load = move |conn: &mut DbConnection| Ok(series.load::<Columns>(conn)?);
    let rows = if query.within.is_some() {
        crate::dialect::with_custom_plans(conn, load)?
    } else {
        load(conn)?
    };
    rows.into_iter()
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

type EventFilter =
    Box<dyn BoxableExpression<events::table, MultiBackend, SqlType = diesel::sql_types::Bool>>;

/// Events about any of `conditions`: in a group of one of them, or held by an association
/// working on one (the hub's rule and the calendar's `condition_id`).
fn about_any(conditions: &[ConditionId]) -> EventFilter {
    use crate::schema::{association_conditions, discussion_groups};
    let keys: Vec<String> = conditions.iter().map(ToString::to_string).collect();
    let groups = discussion_groups::table
        .filter(discussion_groups::condition_id.eq_any(keys.clone()))
        .select(discussion_groups::id.nullable());
    let associations = association_conditions::table
        .filter(association_conditions::condition_id.eq_any(keys))
        .select(association_conditions::association_id.nullable());
    Box::new(
        events::group_id
            .eq_any(groups)
            .or(events::association_id.eq_any(associations))
            .assume_not_null(),
    )
}

fn about_condition(condition: ConditionId) -> EventFilter {
    about_any(&[condition])
}

/// The readable, scheduled events about any of `conditions` that have not ended by `now`:
/// those in a group of one of the conditions, or held by an association working on one.
fn about_conditions(
    reader: Reader,
    conditions: &[ConditionId],
    now: DateTime<Utc>,
) -> events::BoxedQuery<'static, MultiBackend> {
    events::table
        .filter(readable_by(reader))
        .filter(events::status.eq(EventStatus::Scheduled.as_str()))
        .filter(events::last_ends_at.gt(to_db_time(now)))
        .filter(about_any(conditions))
        .into_boxed()
}

/// Upcoming events about any of `conditions` that `reader` may see, soonest first (a series
/// by its first occurrence).
pub fn upcoming_about(
    conn: &mut DbConnection,
    reader: Reader,
    conditions: &[ConditionId],
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Event>, PersistenceError> {
    if conditions.is_empty() {
        return Ok(Vec::new());
    }
    about_conditions(reader, conditions, now)
        .select(EventRow::as_select())
        .order((events::starts_at, events::id))
        .limit(limit)
        .load::<EventRow>(conn)?
        .into_iter()
        .map(EventRow::into_domain)
        .collect()
}

/// How many upcoming events about the condition `reader` may see (the hub's count).
pub fn count_upcoming_about(
    conn: &mut DbConnection,
    reader: Reader,
    condition: ConditionId,
    now: DateTime<Utc>,
) -> Result<i64, PersistenceError> {
    Ok(about_conditions(reader, &[condition], now)
        .count()
        .get_result(conn)?)
}
