//! The events calendar: times with a time zone, simple recurrence, RSVPs with a waiting list.
//!
//! Times are stored in UTC with the event's IANA time zone. A recurring series repeats at the
//! same *local* time, so a weekly meeting at 18:00 in Paris stays at 18:00 across the DST change
//! (its UTC time moves by an hour).

use chrono::{
    DateTime, Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, TimeDelta, TimeZone,
    Utc, Weekday,
};
use chrono_tz::Tz;

use crate::association::{AssociationMembership, AssociationRole};
use crate::error::{Errors, ParseError};
use crate::geo::Point;
use crate::group::{GroupRole, Membership};
use crate::ids::{AssociationId, EventId, GroupId, MemberId};
use crate::policy::{Refusal, allow};
use crate::sponsor::Sponsor;
use crate::text::{Description, Label, Title, WebUrl};
use crate::time::check_instant;

/// An IANA time zone (`Europe/Paris`, `America/Montreal`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZoneName(Tz);

impl TimeZoneName {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        raw.trim().parse::<Tz>().map(Self).map_err(|_| {
            ParseError::single(
                "time_zone",
                "invalid_time_zone",
                "must be an IANA time zone name such as Europe/Paris",
            )
        })
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    pub fn as_str(self) -> &'static str {
        self.0.name()
    }
}

/// How a series repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurrence {
    /// Every week, same weekday and local time.
    Weekly,
    /// Every month on the same weekday of the same rank ("second Tuesday"); a series that
    /// starts on a fifth weekday repeats on the last such weekday of each month.
    MonthlyByWeekday,
}

wire_enum!(Recurrence, "recurrence", "invalid_recurrence",
    Weekly => "weekly", MonthlyByWeekday => "monthly_by_weekday");

/// An RSVP answer. `waitlisted` is never asked for: a `going` answer to a full event gets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsvpStatus {
    Going,
    Interested,
    NotGoing,
    Waitlisted,
}

wire_enum!(RsvpStatus, "status", "invalid_status",
    Going => "going", Interested => "interested", NotGoing => "not_going",
    Waitlisted => "waitlisted");

/// Whether an event still takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    Scheduled,
    Cancelled,
}

wire_enum!(EventStatus, "status", "invalid_status",
    Scheduled => "scheduled", Cancelled => "cancelled");

/// The longest a single event may last.
pub const MAX_DURATION: TimeDelta = TimeDelta::days(31);
/// The longest one occurrence of a recurring series may last.
pub const MAX_RECURRING_DURATION: TimeDelta = TimeDelta::days(1);
/// The widest date range a calendar query may ask for.
pub const MAX_QUERY_RANGE: TimeDelta = TimeDelta::days(366);
/// The range a calendar query covers when it names no end: this long after its start.
pub const DEFAULT_QUERY_RANGE: TimeDelta = TimeDelta::days(90);
/// The largest capacity.
pub const MAX_CAPACITY: i32 = 100_000;

/// When the last occurrence of an endless series ends, for range queries: far enough.
pub fn endless() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MAX_UTC, |naive| naive.and_utc())
}

/// The time rules of an event: when it starts and ends, in which zone, how it repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: TimeZoneName,
    pub recurrence: Option<Recurrence>,
    /// No occurrence starts after this.
    pub until: Option<DateTime<Utc>>,
}

/// One occurrence of an event (the event itself when it does not repeat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl Schedule {
    /// Checks the rules: ends after it starts, not too long, `until` not before the start.
    pub fn parse(
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        time_zone: TimeZoneName,
        recurrence: Option<Recurrence>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Self, ParseError> {
        let mut window = Errors::new();
        window.check("starts_at", check_instant("starts_at", starts_at));
        window.check("ends_at", check_instant("ends_at", ends_at));
        if let Some(until) = until {
            window.check("recurrence_until", check_instant("recurrence_until", until));
        }
        window.finish()?;
        if ends_at <= starts_at {
            return Err(ParseError::single(
                "ends_at",
                "before_start",
                "must be after starts_at",
            ));
        }
        let longest = if recurrence.is_some() {
            MAX_RECURRING_DURATION
        } else {
            MAX_DURATION
        };
        if ends_at.signed_duration_since(starts_at) > longest {
            return Err(ParseError::single(
                "ends_at",
                "too_long",
                format!(
                    "an event lasts at most {} days ({} for a recurring one)",
                    MAX_DURATION.num_days(),
                    MAX_RECURRING_DURATION.num_days()
                ),
            ));
        }
        match (recurrence, until) {
            (None, Some(_)) => Err(ParseError::single(
                "recurrence_until",
                "without_recurrence",
                "only a recurring event has an end of series",
            )),
            (Some(_), Some(until)) if until < starts_at => Err(ParseError::single(
                "recurrence_until",
                "before_start",
                "must not be before starts_at",
            )),
            _ => Ok(Self {
                starts_at,
                ends_at,
                time_zone,
                recurrence,
                until,
            }),
        }
    }

    pub fn duration(&self) -> TimeDelta {
        self.ends_at.signed_duration_since(self.starts_at)
    }

    /// When the last occurrence ends ([`endless`] for a series without end).
    pub fn last_ends_at(&self) -> DateTime<Utc> {
        match (self.recurrence, self.until) {
            (None, _) => self.ends_at,
            (Some(_), Some(until)) => until
                .checked_add_signed(self.duration())
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            (Some(_), None) => endless(),
        }
    }

    /// The occurrences that overlap `[from, to)`, in order, at most `max`.
    pub fn occurrences(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        max: usize,
    ) -> Vec<Occurrence> {
        let duration = self.duration();
        let overlaps = |o: &Occurrence| o.starts_at < to && o.ends_at > from;
        let Some(recurrence) = self.recurrence else {
            let single = Occurrence {
                starts_at: self.starts_at,
                ends_at: self.ends_at,
            };
            return if overlaps(&single) && max > 0 {
                vec![single]
            } else {
                Vec::new()
            };
        };
        let tz = self.time_zone.tz();
        let local_start = self.starts_at.with_timezone(&tz).naive_local();
        let until = self.until.unwrap_or_else(endless);
        // Skip the periods that end before `from` without walking them one by one.
        let skip = if from > self.starts_at {
            let gap = from
                .signed_duration_since(self.starts_at)
                .checked_sub(&duration)
                .unwrap_or_default();
            let periods = match recurrence {
                Recurrence::Weekly => gap.num_days().checked_div(7),
                Recurrence::MonthlyByWeekday => gap.num_days().checked_div(31),
            };
            periods.unwrap_or_default().saturating_sub(1).max(0)
        } else {
            0
        };
        let mut found = Vec::new();
        let mut index = u32::try_from(skip).unwrap_or(u32::MAX);
        while found.len() < max {
            let Some(local) = nth_local_start(recurrence, local_start, index) else {
                break;
            };
            index = index.saturating_add(1);
            let starts_at = to_utc(tz, local);
            if starts_at >= to || starts_at > until {
                break;
            }
            let Some(ends_at) = starts_at.checked_add_signed(duration) else {
                break;
            };
            let occurrence = Occurrence { starts_at, ends_at };
            if overlaps(&occurrence) {
                found.push(occurrence);
            }
        }
        found
    }

    /// The RFC 5545 RRULE value of the series (`FREQ=WEEKLY;BYDAY=TU`...), `None` for a single
    /// event.
    pub fn rrule(&self) -> Option<String> {
        let recurrence = self.recurrence?;
        let local = self.starts_at.with_timezone(&self.time_zone.tz());
        let day = weekday_code(local.weekday());
        let mut rule = match recurrence {
            Recurrence::Weekly => format!("FREQ=WEEKLY;BYDAY={day}"),
            Recurrence::MonthlyByWeekday => {
                format!(
                    "FREQ=MONTHLY;BYDAY={}{day}",
                    weekday_rank(local.date_naive())
                )
            }
        };
        if let Some(until) = self.until {
            rule.push_str(&format!(";UNTIL={}", until.format("%Y%m%dT%H%M%SZ")));
        }
        Some(rule)
    }
}

/// The local start of the `index`-th occurrence.
fn nth_local_start(
    recurrence: Recurrence,
    first: NaiveDateTime,
    index: u32,
) -> Option<NaiveDateTime> {
    match recurrence {
        Recurrence::Weekly => first.checked_add_days(Days::new(u64::from(index).checked_mul(7)?)),
        Recurrence::MonthlyByWeekday => {
            let rank = weekday_rank(first.date());
            let month_start = first
                .date()
                .with_day(1)?
                .checked_add_months(Months::new(index))?;
            let day = day_of_rank(month_start, first.weekday(), rank)?;
            Some(day.and_time(first.time()))
        }
    }
}

/// 1 to 4 for the first to fourth such weekday of the month; -1 (the last) for a fifth.
#[expect(
    clippy::arithmetic_side_effects,
    reason = "day-of-month arithmetic on values below 32"
)]
fn weekday_rank(date: NaiveDate) -> i32 {
    match date.day0() / 7 {
        rank @ 0..=3 => rank.cast_signed() + 1,
        _ => -1,
    }
}

/// The date of the `rank`-th `weekday` of the month starting at `month_start` (-1: the last).
#[expect(
    clippy::arithmetic_side_effects,
    reason = "weekday numbers below 7 and ranks 1 to 4 (from weekday_rank)"
)]
fn day_of_rank(month_start: NaiveDate, weekday: Weekday, rank: i32) -> Option<NaiveDate> {
    if rank > 0 {
        let offset =
            (7 + weekday.num_days_from_monday() - month_start.weekday().num_days_from_monday()) % 7;
        let day = 1 + offset + 7 * (rank.cast_unsigned() - 1);
        month_start.with_day(day)
    } else {
        let last = month_start.checked_add_months(Months::new(1))?.pred_opt()?;
        let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        last.checked_sub_days(Days::new(u64::from(back)))
    }
}

/// A local time to UTC: the earlier instant when the clock falls back, the first valid time
/// after a gap when it springs forward.
pub fn to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.with_timezone(&Utc),
        LocalResult::None => {
            let later = local.checked_add_signed(TimeDelta::hours(1));
            match later.map(|later| tz.from_local_datetime(&later)) {
                Some(LocalResult::Single(at) | LocalResult::Ambiguous(at, _)) => {
                    at.with_timezone(&Utc)
                }
                Some(LocalResult::None) | None => local.and_utc(),
            }
        }
    }
}

fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

/// What an RSVP becomes: a `going` answer takes a place if one is free (or keeps the one it
/// has), otherwise joins the waiting list (keeping its rank if it is already on it).
pub fn answer(
    requested: RsvpStatus,
    current: Option<RsvpStatus>,
    capacity: Option<i32>,
    going_count: i64,
) -> RsvpStatus {
    match requested {
        RsvpStatus::Going => match current {
            Some(RsvpStatus::Going) => RsvpStatus::Going,
            Some(RsvpStatus::Waitlisted) => RsvpStatus::Waitlisted,
            _ if capacity.is_some_and(|c| going_count >= i64::from(c)) => RsvpStatus::Waitlisted,
            _ => RsvpStatus::Going,
        },
        other => other,
    }
}

/// How many waitlisted answers to promote now that `going_count` take places.
pub fn places_to_fill(capacity: Option<i32>, going_count: i64, waitlisted: i64) -> i64 {
    match capacity {
        None => waitlisted,
        Some(capacity) => i64::from(capacity)
            .saturating_sub(going_count)
            .clamp(0, waitlisted),
    }
}

/// Where an event lives: its visibility follows (a group's events are seen by who may read the
/// group; association and personal events are public).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    Group(GroupId),
    Association(AssociationId),
    Personal,
}

/// A physical venue. Coordinates make the event findable by distance.
#[derive(Debug, Clone, PartialEq)]
pub struct Venue {
    pub address: Option<Label>,
    pub city: Option<Label>,
    pub point: Option<Point>,
}

/// An event (a single one, or a recurring series).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub title: Title,
    pub description: Description,
    pub organizer_id: MemberId,
    pub place: Place,
    pub schedule: Schedule,
    pub online_url: Option<WebUrl>,
    pub venue: Option<Venue>,
    pub capacity: Option<i32>,
    pub status: EventStatus,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub rescheduled_at: Option<DateTime<Utc>>,
    pub previous_starts_at: Option<DateTime<Utc>>,
    /// Bumped by every change attendees should see (iCalendar SEQUENCE).
    pub sequence: i32,
    pub going_count: i64,
    pub interested_count: i64,
    pub waitlist_count: i64,
    /// Who stands behind the event, when declared.
    pub sponsor: Option<Sponsor>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub title: Title,
    pub description: Description,
    pub place: Place,
    pub schedule: Schedule,
    pub online_url: Option<WebUrl>,
    pub venue: Option<Venue>,
    pub capacity: Option<i32>,
    pub sponsor: Option<Sponsor>,
}

/// Changes to an event; absent fields stay, `Some(None)` clears.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventChanges {
    pub title: Option<Title>,
    pub description: Option<Description>,
    /// A new time: the event is marked rescheduled.
    pub schedule: Option<Schedule>,
    pub online_url: Option<Option<WebUrl>>,
    pub venue: Option<Option<Venue>>,
    pub capacity: Option<Option<i32>>,
    /// `Some(None)` withdraws the declaration.
    pub sponsor: Option<Option<Sponsor>>,
}

/// A capacity: 1 to [`MAX_CAPACITY`] places.
pub fn parse_capacity(capacity: i32) -> Result<i32, ParseError> {
    if (1..=MAX_CAPACITY).contains(&capacity) {
        Ok(capacity)
    } else {
        Err(ParseError::single(
            "capacity",
            "out_of_range",
            format!("must be between 1 and {MAX_CAPACITY}"),
        ))
    }
}

/// Checks a calendar query range: `to` after `from`, at most [`MAX_QUERY_RANGE`] wide.
pub fn check_range(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<(), ParseError> {
    let mut window = Errors::new();
    window.check("from", check_instant("from", from));
    window.check("to", check_instant("to", to));
    window.finish()?;
    if to <= from {
        Err(ParseError::single(
            "to",
            "before_start",
            "must be after from",
        ))
    } else if to.signed_duration_since(from) > MAX_QUERY_RANGE {
        Err(ParseError::single(
            "to",
            "range_too_wide",
            format!(
                "the range covers at most {} days",
                MAX_QUERY_RANGE.num_days()
            ),
        ))
    } else {
        Ok(())
    }
}

/// Where an event lives, and the actor's standing there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// In a group: the actor's membership, and whether the group lets members create events.
    Group {
        membership: Option<Membership>,
        members_can_create: bool,
    },
    /// For an association: the actor's membership.
    Association(Option<AssociationMembership>),
    /// A member's own event.
    Personal,
}

/// Policy: may the actor create an event there? In a group its moderators and owners, or any
/// active member when the group allows it; for an association its admins and volunteers;
/// anyone for themselves.
pub fn can_create(host: Host) -> Result<(), Refusal> {
    match host {
        Host::Group {
            membership,
            members_can_create,
        } => allow(
            membership.is_some_and(|m| {
                m.is_active() && (members_can_create || m.role >= GroupRole::Moderator)
            }),
            Refusal::CannotCreateEvents,
        ),
        Host::Association(membership) => allow(
            membership.is_some_and(|m| m.is_active() && m.role >= AssociationRole::Volunteer),
            Refusal::NotAssociationStaff,
        ),
        Host::Personal => Ok(()),
    }
}

/// Policy: may the actor change or cancel the event and see who comes? Its organiser, and the
/// staff of where it lives (group moderators, association admins and volunteers).
pub fn can_manage(actor: MemberId, organizer: MemberId, host: Host) -> Result<(), Refusal> {
    let staff = match host {
        Host::Group { membership, .. } => {
            membership.is_some_and(|m| m.is_active() && m.role >= GroupRole::Moderator)
        }
        Host::Association(membership) => {
            membership.is_some_and(|m| m.is_active() && m.role >= AssociationRole::Volunteer)
        }
        Host::Personal => false,
    };
    allow(actor == organizer || staff, Refusal::Forbidden)
}

/// The first `wanted` occurrences of several recurring series between `from` and `to`, in
/// order of (start, series id), strictly after `after` (a page cursor): a k-way merge keeps
/// each series' next occurrence in a heap, so only the occurrences that make the page are
/// computed, not `wanted` per series.
pub fn merge_series<'a>(
    series: impl IntoIterator<Item = (EventId, &'a Schedule)>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    after: Option<(DateTime<Utc>, EventId)>,
    wanted: usize,
) -> Vec<(Occurrence, EventId)> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    let is_after =
        |o: &Occurrence, id: EventId| after.is_none_or(|(t, last)| (o.starts_at, id) > (t, last));
    let window_start = after.map_or(from, |(t, _)| t.max(from));
    let next_from = |schedule: &Schedule, from: DateTime<Utc>| {
        schedule.occurrences(from, to, 1).into_iter().next()
    };
    let schedules: Vec<(EventId, &Schedule)> = series.into_iter().collect();
    let mut heap = BinaryHeap::new();
    for (index, (id, schedule)) in schedules.iter().enumerate() {
        let mut from_here = window_start;
        while let Some(occurrence) = next_from(schedule, from_here) {
            if is_after(&occurrence, *id) {
                heap.push(Reverse((
                    occurrence.starts_at,
                    *id,
                    occurrence.ends_at,
                    index,
                )));
                break;
            }
            from_here = occurrence.ends_at;
        }
    }
    let mut merged = Vec::with_capacity(wanted.min(1024));
    while merged.len() < wanted {
        let Some(Reverse((starts_at, id, ends_at, index))) = heap.pop() else {
            break;
        };
        merged.push((Occurrence { starts_at, ends_at }, id));
        if let Some((_, schedule)) = schedules.get(index)
            && let Some(next) = next_from(schedule, ends_at)
        {
            heap.push(Reverse((next.starts_at, id, next.ends_at, index)));
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::MembershipStatus;

    fn paris() -> TimeZoneName {
        TimeZoneName::parse("Europe/Paris").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn series_merge_in_start_order_after_the_cursor() {
        let weekly = Schedule::parse(
            utc("2026-10-06T16:00:00Z"),
            utc("2026-10-06T18:00:00Z"),
            paris(),
            Some(Recurrence::Weekly),
            None,
        )
        .unwrap();
        let thursdays = Schedule::parse(
            utc("2026-10-08T08:00:00Z"),
            utc("2026-10-08T09:00:00Z"),
            paris(),
            Some(Recurrence::Weekly),
            Some(utc("2026-10-20T00:00:00Z")),
        )
        .unwrap();
        let (a, b) = (EventId::new(), EventId::new());
        let from = utc("2026-10-07T00:00:00Z");
        let to = utc("2026-10-31T00:00:00Z");
        let all = merge_series([(a, &weekly), (b, &thursdays)], from, to, None, 100);
        let starts: Vec<_> = all.iter().map(|(o, id)| (o.starts_at, *id)).collect();
        assert_eq!(
            starts,
            [
                (utc("2026-10-08T08:00:00Z"), b),
                (utc("2026-10-13T16:00:00Z"), a),
                (utc("2026-10-15T08:00:00Z"), b),
                (utc("2026-10-20T16:00:00Z"), a),
                (utc("2026-10-27T17:00:00Z"), a),
            ]
        );
        // A page of two, then the next page after its last occurrence.
        let first = merge_series([(a, &weekly), (b, &thursdays)], from, to, None, 2);
        assert_eq!(first, all[..2]);
        let (last, id) = first[1];
        let next = merge_series(
            [(a, &weekly), (b, &thursdays)],
            from,
            to,
            Some((last.starts_at, id)),
            3,
        );
        assert_eq!(next, all[2..5]);
        assert!(merge_series([(a, &weekly)], from, to, None, 0).is_empty());
    }

    #[test]
    fn weekly_series_keeps_local_time_across_dst() {
        // Tuesdays 18:00-20:00 in Paris; summer time ends on Sunday 25 October 2026.
        let schedule = Schedule::parse(
            utc("2026-10-13T16:00:00Z"),
            utc("2026-10-13T18:00:00Z"),
            paris(),
            Some(Recurrence::Weekly),
            None,
        )
        .unwrap();
        let found =
            schedule.occurrences(utc("2026-10-15T00:00:00Z"), utc("2026-11-04T00:00:00Z"), 10);
        let starts: Vec<_> = found.iter().map(|o| o.starts_at).collect();
        assert_eq!(
            starts,
            [
                utc("2026-10-20T16:00:00Z"),
                utc("2026-10-27T17:00:00Z"),
                utc("2026-11-03T17:00:00Z"),
            ]
        );
        assert!(
            found
                .iter()
                .all(|o| o.ends_at - o.starts_at == TimeDelta::hours(2))
        );
        assert_eq!(schedule.rrule().unwrap(), "FREQ=WEEKLY;BYDAY=TU");
    }

    #[test]
    fn monthly_by_weekday() {
        // Second Thursday, 14:00 Paris, from 8 January 2026, until June.
        let schedule = Schedule::parse(
            utc("2026-01-08T13:00:00Z"),
            utc("2026-01-08T15:00:00Z"),
            paris(),
            Some(Recurrence::MonthlyByWeekday),
            Some(utc("2026-06-30T00:00:00Z")),
        )
        .unwrap();
        let found =
            schedule.occurrences(utc("2026-01-01T00:00:00Z"), utc("2027-01-01T00:00:00Z"), 50);
        let starts: Vec<_> = found.iter().map(|o| o.starts_at).collect();
        assert_eq!(
            starts,
            [
                utc("2026-01-08T13:00:00Z"),
                utc("2026-02-12T13:00:00Z"),
                utc("2026-03-12T13:00:00Z"),
                utc("2026-04-09T12:00:00Z"),
                utc("2026-05-14T12:00:00Z"),
                utc("2026-06-11T12:00:00Z"),
            ]
        );
        assert_eq!(
            schedule.rrule().unwrap(),
            "FREQ=MONTHLY;BYDAY=2TH;UNTIL=20260630T000000Z"
        );
        // The last Friday of the month.
        let last = Schedule::parse(
            utc("2026-01-30T17:00:00Z"),
            utc("2026-01-30T18:00:00Z"),
            paris(),
            Some(Recurrence::MonthlyByWeekday),
            None,
        )
        .unwrap();
        let found = last.occurrences(utc("2026-02-01T00:00:00Z"), utc("2026-04-01T00:00:00Z"), 5);
        assert_eq!(found[0].starts_at, utc("2026-02-27T17:00:00Z"));
        assert_eq!(found[1].starts_at, utc("2026-03-27T17:00:00Z"));
        assert_eq!(last.rrule().unwrap(), "FREQ=MONTHLY;BYDAY=-1FR");
    }

    #[test]
    fn far_ranges_skip_ahead_and_single_events_overlap() {
        let schedule = Schedule::parse(
            utc("2020-01-06T09:00:00Z"),
            utc("2020-01-06T10:00:00Z"),
            TimeZoneName::parse("UTC").unwrap(),
            Some(Recurrence::Weekly),
            None,
        )
        .unwrap();
        let found =
            schedule.occurrences(utc("2026-06-01T00:00:00Z"), utc("2026-06-15T00:00:00Z"), 10);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].starts_at, utc("2026-06-01T09:00:00Z"));
        let single = Schedule::parse(
            utc("2026-06-01T09:00:00Z"),
            utc("2026-06-03T09:00:00Z"),
            paris(),
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            single
                .occurrences(utc("2026-06-02T00:00:00Z"), utc("2026-06-02T01:00:00Z"), 5)
                .len(),
            1
        );
        assert!(
            single
                .occurrences(utc("2026-06-03T09:00:00Z"), utc("2026-06-04T00:00:00Z"), 5)
                .is_empty()
        );
        assert_eq!(single.last_ends_at(), utc("2026-06-03T09:00:00Z"));
    }

    #[test]
    fn schedules_refuse_bad_times() {
        let start = utc("2026-06-01T09:00:00Z");
        let code = |r: Result<Schedule, ParseError>| r.unwrap_err().errors()[0].code;
        assert_eq!(
            code(Schedule::parse(start, start, paris(), None, None)),
            "before_start"
        );
        assert_eq!(
            code(Schedule::parse(
                start,
                start + TimeDelta::days(2),
                paris(),
                Some(Recurrence::Weekly),
                None
            )),
            "too_long"
        );
        assert_eq!(
            code(Schedule::parse(
                start,
                start + TimeDelta::hours(1),
                paris(),
                None,
                Some(start)
            )),
            "without_recurrence"
        );
        assert!(TimeZoneName::parse("Europe/Lutece").is_err());
        assert_eq!(paris().as_str(), "Europe/Paris");
    }

    #[test]
    fn rsvp_table() {
        use RsvpStatus::*;
        assert_eq!(answer(Going, None, Some(2), 1), Going);
        assert_eq!(answer(Going, None, Some(2), 2), Waitlisted);
        assert_eq!(answer(Going, Some(Going), Some(2), 2), Going);
        assert_eq!(answer(Going, Some(Waitlisted), Some(2), 1), Waitlisted);
        assert_eq!(answer(Going, Some(Interested), None, 500), Going);
        assert_eq!(answer(NotGoing, Some(Going), Some(2), 2), NotGoing);
        assert_eq!(places_to_fill(Some(3), 2, 5), 1);
        assert_eq!(places_to_fill(Some(3), 3, 5), 0);
        assert_eq!(places_to_fill(None, 10, 2), 2);
    }

    #[test]
    fn who_creates_and_manages() {
        let member = Some(Membership {
            role: GroupRole::Member,
            status: MembershipStatus::Active,
        });
        let moderator = Some(Membership {
            role: GroupRole::Moderator,
            status: MembershipStatus::Active,
        });
        assert!(
            can_create(Host::Group {
                membership: member,
                members_can_create: false
            })
            .is_err()
        );
        assert!(
            can_create(Host::Group {
                membership: member,
                members_can_create: true
            })
            .is_ok()
        );
        assert!(
            can_create(Host::Group {
                membership: moderator,
                members_can_create: false
            })
            .is_ok()
        );
        assert!(
            can_create(Host::Group {
                membership: None,
                members_can_create: true
            })
            .is_err()
        );
        let volunteer = Some(AssociationMembership {
            role: AssociationRole::Volunteer,
            status: crate::association::AssociationMembershipStatus::Active,
        });
        assert!(can_create(Host::Association(volunteer)).is_ok());
        assert!(can_create(Host::Association(None)).is_err());
        let (me, other) = (MemberId::new(), MemberId::new());
        assert!(can_manage(me, me, Host::Personal).is_ok());
        assert!(can_manage(me, other, Host::Personal).is_err());
        assert!(
            can_manage(
                me,
                other,
                Host::Group {
                    membership: moderator,
                    members_can_create: false
                }
            )
            .is_ok()
        );
        assert!(
            can_manage(
                me,
                other,
                Host::Group {
                    membership: member,
                    members_can_create: true
                }
            )
            .is_err()
        );
    }
}
