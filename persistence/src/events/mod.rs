//! Events, RSVPs with a waiting list, and personal calendar tokens: one file per table or
//! concern, re-exported here so callers write `events::insert`, `events::set_rsvp`... whatever
//! file holds them. The read policy of events as SQL is `event::readable_by`.

mod calendar;
mod event;
mod feed;
mod rsvps;

pub use calendar::{
    EventKey, EventQuery, MAX_SERIES, SeriesSchedule, count_upcoming_about, list_series,
    list_single, upcoming_about,
};
pub use event::{cancel, find, find_readable, find_readable_many, insert, update};
pub use feed::{
    MAX_CALENDAR_EVENTS, calendar_of, calendar_owner, revoke_calendar_token, set_calendar_token,
};
pub use rsvps::{Attendee, answered_members, attendees, rsvp_of, rsvps_of, set_rsvp};
