//! The events calendar: events, RSVPs, attendees and iCalendar export.

pub mod calendar;
pub mod create;
pub mod list;
pub mod manage;
pub mod rsvp;
