//! Event conversions. Times go out in the event's own time zone, with their offset.

use chrono::{DateTime, FixedOffset, Utc};
use entraide_domain::event::{
    Event, EventStatus, Recurrence, RsvpStatus, Schedule, TimeZoneName, Venue,
};
use entraide_domain::geo::Point;
use entraide_domain::text::{Label, WebUrl};
use entraide_openapi::associations::AssociationRef;
use entraide_openapi::events as wire;
use entraide_openapi::groups::MemberSummary;
use entraide_openapi::posts::GroupRef;

/// A UTC instant as the event's local time with its offset.
pub fn local(at: DateTime<Utc>, zone: TimeZoneName) -> DateTime<FixedOffset> {
    at.with_timezone(&zone.tz()).fixed_offset()
}

enum_conversions!(
    recurrence_to_wire,
    recurrence_from_wire,
    Recurrence,
    wire::Recurrence,
    [Weekly, MonthlyByWeekday]
);

enum_conversions!(
    status_to_wire,
    status_from_wire,
    EventStatus,
    wire::EventStatus,
    [Scheduled, Cancelled]
);

enum_conversions!(
    rsvp_to_wire,
    rsvp_from_wire,
    RsvpStatus,
    wire::RsvpStatus,
    [Going, Interested, NotGoing, Waitlisted]
);

pub fn answer_from_wire(answer: wire::RsvpAnswer) -> RsvpStatus {
    match answer {
        wire::RsvpAnswer::Going => RsvpStatus::Going,
        wire::RsvpAnswer::Interested => RsvpStatus::Interested,
        wire::RsvpAnswer::NotGoing => RsvpStatus::NotGoing,
    }
}

fn venue_to_wire(venue: &Venue) -> wire::Venue {
    let Venue {
        address,
        city,
        point,
    } = venue;
    wire::Venue {
        address: address.as_ref().map(Label::as_str).map(str::to_owned),
        city: city.as_ref().map(Label::as_str).map(str::to_owned),
        lat: point.map(Point::lat),
        lon: point.map(Point::lon),
    }
}

/// What an event shows besides its own columns, resolved by the caller in batches.
pub struct Context {
    pub organizer: MemberSummary,
    pub group: Option<GroupRef>,
    pub association: Option<AssociationRef>,
    pub my_rsvp: Option<RsvpStatus>,
    pub can_manage: bool,
}

pub fn event(event: Event, context: Context) -> wire::Event {
    let Event {
        id,
        title,
        description,
        organizer_id: _,
        place: _,
        schedule,
        online_url,
        venue,
        capacity,
        status,
        cancelled_at,
        rescheduled_at,
        previous_starts_at,
        sequence: _,
        going_count,
        interested_count,
        waitlist_count,
        sponsor,
        created_at,
        updated_at: _,
    } = event;
    let Schedule {
        starts_at,
        ends_at,
        time_zone,
        recurrence,
        until,
    } = schedule;
    let Context {
        organizer,
        group,
        association,
        my_rsvp,
        can_manage,
    } = context;
    wire::Event {
        id: id.as_uuid(),
        title: title.as_str().to_owned(),
        description: description.as_str().to_owned(),
        organizer,
        group,
        association,
        starts_at: local(starts_at, time_zone),
        ends_at: local(ends_at, time_zone),
        time_zone: time_zone.as_str().to_owned(),
        recurrence: recurrence.map(recurrence_to_wire),
        recurrence_until: until,
        online_url: online_url.as_ref().map(WebUrl::as_str).map(str::to_owned),
        venue: venue.as_ref().map(venue_to_wire),
        capacity,
        places_left: capacity.map(|c| i64::from(c).saturating_sub(going_count).max(0)),
        status: status_to_wire(status),
        cancelled_at,
        rescheduled_at,
        previous_starts_at,
        going_count,
        interested_count,
        waitlist_count,
        my_rsvp: my_rsvp.map(rsvp_to_wire),
        can_manage,
        sponsor: super::sponsors::sponsor(sponsor),
        created_at,
    }
}
