use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entraide_domain::event::{Event, EventStatus, Place, RsvpStatus, Venue};
use entraide_domain::ids::EventId;
use entraide_domain::text::normalise_line_breaks;
use entraide_openapi::events::CalendarFeed;
use entraide_openapi::problem as p;
use entraide_persistence::events;
use icalendar::{Calendar, Component, EventLike, EventStatus as IcalStatus};
use uuid::Uuid;

use crate::access::events::readable_event;
use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, MaybeMember};
use crate::security::tokens::{hash_token, random_token};
use crate::state::AppState;

/// The iCalendar VEVENT of an event: times in its IANA zone (`TZID`), the series as `RRULE`,
/// `SEQUENCE` bumped by every change, `STATUS:CANCELLED` once cancelled.
fn vevent(event: &Event, rsvp: Option<RsvpStatus>) -> icalendar::Event {
    let zone = event.schedule.time_zone.tz();
    let mut vevent = icalendar::Event::new();
    vevent
        .uid(&format!("{}@entraide", event.id))
        .summary(event.title.as_str())
        .starts((
            event.schedule.starts_at.with_timezone(&zone).naive_local(),
            zone,
        ))
        .ends((
            event.schedule.ends_at.with_timezone(&zone).naive_local(),
            zone,
        ))
        .timestamp(event.updated_at)
        .last_modified(event.updated_at)
        .created(event.created_at)
        .sequence(u32::try_from(event.sequence).unwrap_or_default())
        .status(match event.status {
            EventStatus::Scheduled if rsvp == Some(RsvpStatus::Interested) => IcalStatus::Tentative,
            EventStatus::Scheduled => IcalStatus::Confirmed,
            EventStatus::Cancelled => IcalStatus::Cancelled,
        });
    if !event.description.as_str().is_empty() {
        // Stored descriptions hold `\n` only; older rows may still carry a `\r`.
        vevent.description(&normalise_line_breaks(event.description.as_str()));
    }
    if let Some(rule) = event.schedule.rrule() {
        vevent.add_property("RRULE", rule);
    }
    if let Some(url) = &event.online_url {
        vevent.url(url.as_str());
    }
    let place = match &event.venue {
        Some(Venue { address, city, .. }) => [address.as_ref(), city.as_ref()]
            .into_iter()
            .flatten()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        None => String::new(),
    };
    match (place.is_empty(), &event.online_url) {
        (false, _) => {
            vevent.location(&place);
        }
        (true, Some(url)) => {
            vevent.location(url.as_str());
        }
        (true, None) => {}
    }
    if let Some(point) = event.venue.as_ref().and_then(|v| v.point) {
        vevent.add_property("GEO", format!("{};{}", point.lat(), point.lon()));
    }
    if matches!(event.place, Place::Group(_)) {
        // Group events are not public: ask calendar applications to keep them private.
        vevent.class(icalendar::Class::Private);
    }
    vevent.done()
}

fn calendar_response(name: &str, events: Vec<icalendar::Event>) -> HttpResponse {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for event in events {
        calendar.push(event);
    }
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(calendar.done().to_string())
}

/// Get an event as iCalendar
///
/// One event as an iCalendar file (`.ics`), if you may see it.
#[utoipa::path(
    tag = "events",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The event as iCalendar", content_type = "text/calendar", body = String,
            example = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Entraide//Entraide API//FR\r\nBEGIN:VEVENT\r\nUID:01939a4e-5555-7cc3-9a51-3c1f0e2b6d11@entraide\r\nDTSTAMP:20261120T090000Z\r\nDTSTART;TZID=Europe/Paris:20261208T180000\r\nDTEND;TZID=Europe/Paris:20261208T200000\r\nSUMMARY:Café des aidants\r\nLOCATION:12 rue de la Santé\\, Lyon\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
        p::ReadErrors,
    )
)]
#[get("/events/{id}/ical")]
pub async fn get_event_ical(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = EventId::from_uuid(path.into_inner());
    let who = reader.reader();
    let event = db::read(&state, move |conn| readable_event(conn, who, id)).await?;
    let title = event.title.as_str().to_owned();
    Ok(calendar_response(&title, vec![vevent(&event, None)]))
}

/// Create your calendar feed URL
///
/// Your personal calendar feed URL: the events you are going to or interested in, for any
/// calendar application (`webcal`). The token is unguessable (256 bits) and stored hashed;
/// calling this again revokes the previous URL.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your feed URL", body = CalendarFeed),
        p::SessionErrors,
    )
)]
#[post("/members/me/calendar-token")]
pub async fn create_calendar_token(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<web::Json<CalendarFeed>, ApiError> {
    let token = random_token(32);
    let hash = hash_token(&token);
    db::write(&state, move |conn| {
        Ok(events::set_calendar_token(
            conn,
            member.id,
            &hash,
            Utc::now(),
        )?)
    })
    .await?;
    // Built from configuration, never from `Host` / `X-Forwarded-*`, which the client controls.
    let https_url = format!("{}/api/v1/calendar/{token}", state.settings.public_url());
    let webcal_url = match https_url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => return Err(ApiError::internal("the public URL has no scheme")),
    };
    Ok(web::Json(CalendarFeed {
        webcal_url,
        https_url,
    }))
}

/// Get a personal calendar feed
///
/// A personal calendar feed (`text/calendar`), by its token: the events its owner is going to
/// or interested in and may still see. An unknown or revoked token is 404.
#[utoipa::path(
    tag = "events",
    params(("token" = String, Path, description = "The feed's token")),
    responses(
        (status = 200, description = "The calendar", content_type = "text/calendar", body = String,
            example = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Entraide//Entraide API//FR\r\nBEGIN:VEVENT\r\nUID:01939a4e-5555-7cc3-9a51-3c1f0e2b6d11@entraide\r\nDTSTAMP:20261120T090000Z\r\nDTSTART;TZID=Europe/Paris:20261208T180000\r\nDTEND;TZID=Europe/Paris:20261208T200000\r\nSUMMARY:Café des aidants\r\nLOCATION:12 rue de la Santé\\, Lyon\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
        p::BadRequest, p::NotFound, p::ServerErrors,
    )
)]
#[get("/calendar/{token}")]
pub async fn get_calendar_feed(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let token = path.into_inner();
    if token.len() > 128 {
        return Err(ApiError::NotFound);
    }
    let hash = hash_token(&token);
    let found = db::read(&state, move |conn| {
        let (member, kind) = events::calendar_owner(conn, &hash)?.ok_or(ApiError::NotFound)?;
        Ok(events::calendar_of(conn, member, kind)?)
    })
    .await?;
    let vevents = found
        .iter()
        .map(|(event, rsvp)| vevent(event, Some(*rsvp)))
        .collect();
    Ok(calendar_response("Entraide", vevents))
}
