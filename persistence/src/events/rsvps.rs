//! Answers to events (`event_rsvps`), the counters they move on `events`, and the waiting list.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::event::RsvpStatus;
use entraide_domain::ids::{EventId, MemberId};
use entraide_domain::member::{MemberKind, Pseudonym};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{event_rsvps, events, member_badges, members};
use entraide_domain::verification::Badge;

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
pub(super) fn promote_waitlisted(
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
    /// The badge granted (shown while it fits `kind`).
    pub badge: Option<Badge>,
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
        .left_join(member_badges::table.on(member_badges::member_id.eq(event_rsvps::member_id)))
        .filter(event_rsvps::event_id.eq(event.to_string()))
        .filter(event_rsvps::status.ne(RsvpStatus::NotGoing.as_str()))
        .select((
            event_rsvps::member_id,
            members::pseudonym,
            members::kind,
            member_badges::badge.nullable(),
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
        .load::<(
            String,
            String,
            String,
            Option<String>,
            String,
            NaiveDateTime,
        )>(conn)?
        .into_iter()
        .map(|(member_id, pseudonym, kind, badge, status, since)| {
            Ok(Attendee {
                member_id: parse_id(&member_id)?,
                pseudonym: Pseudonym::from_stored(pseudonym),
                kind: parse_enum(&kind, MemberKind::parse)?,
                badge: crate::verification::badge_cell(badge)?,
                status: parse_enum(&status, RsvpStatus::parse)?,
                since: from_db_time(since),
            })
        })
        .collect()
}

/// The members who answered `going`, `interested` or joined the waiting list: who is told when
/// the event changes.
pub fn answered_members(
    conn: &mut DbConnection,
    event: EventId,
) -> Result<Vec<MemberId>, PersistenceError> {
    event_rsvps::table
        .filter(event_rsvps::event_id.eq(event.to_string()))
        .filter(event_rsvps::status.ne(RsvpStatus::NotGoing.as_str()))
        .select(event_rsvps::member_id)
        .order(event_rsvps::member_id.asc())
        .load::<String>(conn)?
        .iter()
        .map(|id| parse_id(id))
        .collect()
}
