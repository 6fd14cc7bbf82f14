//! The events calendar: events in groups, of associations or of members, RSVPs with a waiting
//! list, and iCalendar export.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::associations::AssociationRef;
use crate::groups::MemberSummary;
use crate::posts::GroupRef;
use crate::sponsors::Sponsor;

/// How a series repeats: `weekly` (same weekday and local time), `monthly_by_weekday` (e.g.
/// every second Tuesday; a series starting on a fifth weekday repeats on the last one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Weekly,
    MonthlyByWeekday,
}

/// `scheduled`, or `cancelled` (kept readable, marked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Scheduled,
    Cancelled,
}

/// An answer: `going`, `interested`, `not_going`; `waitlisted` when you asked `going` and the
/// event was full (you are promoted, in order, when a place frees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RsvpStatus {
    Going,
    Interested,
    NotGoing,
    Waitlisted,
}

/// What you may answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RsvpAnswer {
    Going,
    Interested,
    NotGoing,
}

/// A venue. `lat`/`lon` (WGS 84) make the event findable by distance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Venue {
    #[schema(example = "12 rue de la Santé")]
    pub address: Option<String>,
    #[schema(example = "Rennes")]
    pub city: Option<String>,
    #[schema(example = 48.1173)]
    pub lat: Option<f64>,
    #[schema(example = -1.6778)]
    pub lon: Option<f64>,
}

/// An event. Times are in the event's time zone, RFC 3339 with offset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-5555-7cc3-9a51-3c1f0e2b6d11",
    "title": "Café des aidants",
    "description": "Un moment d'échange autour d'un café.",
    "organizer": {
        "id": "01939a4e-1111-7cc3-9a51-3c1f0e2b6d11",
        "pseudonym": "Camille",
        "kind": "caregiver",
        "verified": null
    },
    "group": {
        "id": "01939a4e-2222-7cc3-9a51-3c1f0e2b6d11",
        "name": "Aidants Alzheimer Lyon"
    },
    "association": null,
    "starts_at": "2026-12-08T18:00:00+01:00",
    "ends_at": "2026-12-08T20:00:00+01:00",
    "time_zone": "Europe/Paris",
    "recurrence": "monthly_by_weekday",
    "recurrence_until": "2027-06-30T22:00:00Z",
    "online_url": null,
    "venue": {
        "address": "12 rue de la Santé",
        "city": "Lyon",
        "lat": 45.7485,
        "lon": 4.8467
    },
    "capacity": 12,
    "places_left": 4,
    "status": "scheduled",
    "cancelled_at": null,
    "rescheduled_at": null,
    "previous_starts_at": null,
    "going_count": 8,
    "interested_count": 3,
    "waitlist_count": 0,
    "my_rsvp": "going",
    "can_manage": false,
    "sponsor": null,
    "created_at": "2026-11-20T09:00:00Z"
}))]
pub struct Event {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub organizer: MemberSummary,
    /// The group it lives in (its members and readers see it).
    pub group: Option<GroupRef>,
    /// The association that holds it.
    pub association: Option<AssociationRef>,
    /// Start of the event (of the first occurrence for a series).
    #[schema(value_type = String, format = DateTime, example = "2026-12-08T18:00:00+01:00")]
    pub starts_at: DateTime<FixedOffset>,
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: DateTime<FixedOffset>,
    /// IANA time zone.
    #[schema(example = "Europe/Paris")]
    pub time_zone: String,
    pub recurrence: Option<Recurrence>,
    /// No occurrence starts after this.
    pub recurrence_until: Option<DateTime<Utc>>,
    pub online_url: Option<String>,
    pub venue: Option<Venue>,
    /// Places; `null`: unlimited.
    pub capacity: Option<i32>,
    pub places_left: Option<i64>,
    pub status: EventStatus,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Set when the time changed; `previous_starts_at` is where it was.
    pub rescheduled_at: Option<DateTime<Utc>>,
    pub previous_starts_at: Option<DateTime<Utc>>,
    pub going_count: i64,
    pub interested_count: i64,
    pub waitlist_count: i64,
    /// Your answer, when logged in and you answered.
    pub my_rsvp: Option<RsvpStatus>,
    /// Whether you may change it, cancel it and see its attendees.
    pub can_manage: bool,
    /// Who stands behind it, when declared (`null`: none declared).
    pub sponsor: Option<Sponsor>,
    pub created_at: DateTime<Utc>,
}

/// One occurrence in a calendar query (the event itself for a single event).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "starts_at": "2026-12-08T17:00:00Z",
    "ends_at": "2026-12-08T19:00:00Z",
    "distance_km": null,
    "event": {
        "id": "01939a4e-5555-7cc3-9a51-3c1f0e2b6d11",
        "title": "Café des aidants",
        "description": "Un moment d'échange autour d'un café.",
        "organizer": {
            "id": "01939a4e-1111-7cc3-9a51-3c1f0e2b6d11",
            "pseudonym": "Camille",
            "kind": "caregiver",
            "verified": null
        },
        "group": {
            "id": "01939a4e-2222-7cc3-9a51-3c1f0e2b6d11",
            "name": "Aidants Alzheimer Lyon"
        },
        "association": null,
        "starts_at": "2026-12-08T18:00:00+01:00",
        "ends_at": "2026-12-08T20:00:00+01:00",
        "time_zone": "Europe/Paris",
        "recurrence": "monthly_by_weekday",
        "recurrence_until": "2027-06-30T22:00:00Z",
        "online_url": null,
        "venue": {
            "address": "12 rue de la Santé",
            "city": "Lyon",
            "lat": 45.7485,
            "lon": 4.8467
        },
        "capacity": 12,
        "places_left": 4,
        "status": "scheduled",
        "cancelled_at": null,
        "rescheduled_at": null,
        "previous_starts_at": null,
        "going_count": 8,
        "interested_count": 3,
        "waitlist_count": 0,
        "my_rsvp": "going",
        "can_manage": false,
        "sponsor": null,
        "created_at": "2026-11-20T09:00:00Z"
    }
}))]
pub struct EventOccurrence {
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: DateTime<FixedOffset>,
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: DateTime<FixedOffset>,
    /// Distance from the query point, when the query had one.
    pub distance_km: Option<f64>,
    pub event: Event,
}

/// A new event: in a group (`group_id`: its moderators, or members if the group allows), for
/// an association (`association_id`: its admins and volunteers, once verified), or your own.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Café des aidants",
    "description": "Un moment d'échange autour d'un café.",
    "group_id": "01939a4e-2222-7cc3-9a51-3c1f0e2b6d11",
    "starts_at": "2026-12-08T18:00:00+01:00",
    "ends_at": "2026-12-08T20:00:00+01:00",
    "time_zone": "Europe/Paris",
    "recurrence": "monthly_by_weekday",
    "recurrence_until": "2027-06-30T22:00:00Z",
    "venue": {
        "address": "12 rue de la Santé",
        "city": "Lyon",
        "lat": 45.7485,
        "lon": 4.8467
    },
    "capacity": 12
}))]
pub struct CreateEventRequest {
    #[schema(min_length = 3, max_length = 120)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub group_id: Option<Uuid>,
    pub association_id: Option<Uuid>,
    /// With an offset; stored in UTC.
    #[schema(value_type = String, format = DateTime, example = "2026-12-08T18:00:00+01:00")]
    pub starts_at: DateTime<FixedOffset>,
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: DateTime<FixedOffset>,
    /// IANA time zone in which it is held (and repeats).
    #[schema(example = "Europe/Paris")]
    pub time_zone: String,
    pub recurrence: Option<Recurrence>,
    pub recurrence_until: Option<DateTime<Utc>>,
    #[schema(format = "uri")]
    pub online_url: Option<String>,
    pub venue: Option<Venue>,
    #[serde(default, deserialize_with = "crate::integer::option")]
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity: Option<i32>,
    /// Who stands behind it (a company, a public body...) and how: declare it.
    pub sponsor: Option<Sponsor>,
}

/// Changes (organiser and staff). A new time marks the event rescheduled. Absent fields stay;
/// `null` clears an optional one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "starts_at": "2026-12-08T18:30:00+01:00",
    "ends_at": "2026-12-08T20:30:00+01:00",
    "capacity": null
}))]
pub struct UpdateEventRequest {
    pub title: Option<String>,
    pub description: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<DateTime<FixedOffset>>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<DateTime<FixedOffset>>,
    pub time_zone: Option<String>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<String>, format = "uri")]
    pub online_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<Venue>)]
    pub venue: Option<Option<Venue>>,
    #[serde(default, deserialize_with = "crate::integer::double_option")]
    /// 1 to 100,000 places; `null`: unlimited.
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 100000)]
    pub capacity: Option<Option<i32>>,
    /// Declares or replaces the sponsor; `null` withdraws the declaration.
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<Sponsor>)]
    pub sponsor: Option<Option<Sponsor>>,
}

/// A calendar query. `from` defaults to now, `to` to 90 days later; at most 366 days.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Start of the range (RFC 3339). Absent: now.
    pub from: Option<DateTime<Utc>>,
    /// End of the range, after `from` and at most 366 days later. Absent: 90 days after `from`.
    pub to: Option<DateTime<Utc>>,
    pub group_id: Option<Uuid>,
    pub association_id: Option<Uuid>,
    /// Events about this condition: in a group of the condition, or held by an association
    /// linked to it (what a condition hub's `events` section shows). An unknown id: no events.
    pub condition_id: Option<Uuid>,
    /// Latitude in degrees: with `lon` and `radius_km`, events within that distance; `lat`, `lon` and `radius_km` go together (422 otherwise).
    #[param(minimum = -90, maximum = 90)]
    pub lat: Option<f64>,
    /// Longitude in degrees.
    #[param(minimum = -180, maximum = 180)]
    pub lon: Option<f64>,
    /// Distance from (`lat`, `lon`) in km: 0 < radius ≤ 500 (`geo::MAX_RADIUS_KM`).
    #[param(exclusive_minimum = 0, maximum = 500)]
    pub radius_km: Option<f64>,
    /// `true`: events you organise or answered (requires login).
    pub mine: Option<bool>,
    /// `false`: leave out sponsored events; `true`: only sponsored ones.
    pub sponsored: Option<bool>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "status": "going"
}))]
pub struct RsvpRequest {
    pub status: RsvpAnswer,
}

/// Your answer as recorded (`waitlisted` when full) and the event's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "status": "waitlisted",
    "going_count": 12,
    "interested_count": 3,
    "waitlist_count": 1
}))]
pub struct RsvpResult {
    pub status: RsvpStatus,
    pub going_count: i64,
    pub interested_count: i64,
    pub waitlist_count: i64,
}

/// A line of the attendee list (organisers only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "member": {
        "id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11",
        "pseudonym": "Lou",
        "kind": "patient",
        "verified": null
    },
    "status": "going",
    "since": "2026-11-21T18:04:00Z"
}))]
pub struct Attendee {
    pub member: MemberSummary,
    pub status: RsvpStatus,
    pub since: DateTime<Utc>,
}

/// Your personal calendar feed: subscribe to `webcal_url` in a calendar application. Anyone
/// with the URL reads your events: asking again revokes it and gives a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "webcal_url": "webcal://entraide.example.org/api/v1/calendar/cal_3b9e0a7d4e2f8b6c",
    "https_url": "https://entraide.example.org/api/v1/calendar/cal_3b9e0a7d4e2f8b6c"
}))]
pub struct CalendarFeed {
    pub webcal_url: String,
    pub https_url: String,
}
