use actix_web::{delete, get, patch, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::event::{EventChanges, EventStatus, Schedule, TimeZoneName, parse_capacity};
use entraide_domain::ids::EventId;
use entraide_domain::text::{Description, Title, WebUrl};
use entraide_openapi::events::{Event, UpdateEventRequest};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::events;
use uuid::Uuid;

use crate::access::events::{managed_event, readable_event};
use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, MaybeMember};
use crate::json::Json;
use crate::notices;
use crate::parse::parse_venue;
use crate::state::AppState;
use crate::views::events::event_item;

/// Get an event
///
/// One event, if you may see it (404 otherwise): a group's events are seen by who may read the
/// group. Cancelled and moved events stay readable, marked.
#[utoipa::path(
    tag = "events",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The event", body = Event),
        p::ReadErrors,
    )
)]
#[get("/events/{id}")]
pub async fn get_event(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<Event>, ApiError> {
    let id = EventId::from_uuid(path.into_inner());
    let who = reader.reader();
    let me = reader.0.map(|m| m.id);
    let event = db::read(&state, move |conn| {
        let event = readable_event(conn, who, id)?;
        event_item(conn, me, event)
    })
    .await?;
    Ok(web::Json(event))
}

/// Update an event
///
/// Change an event (its organiser and the staff of where it lives). A new time marks it
/// rescheduled and keeps where it was; raising the capacity promotes the waiting list. A
/// cancelled event cannot change (409 `event_cancelled`).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The event's id")),
    request_body = UpdateEventRequest,
    responses(
        (status = 200, description = "The event as changed", body = Event),
        p::WriteErrors, p::Conflict,
    )
)]
#[patch("/events/{id}")]
pub async fn update_event(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<UpdateEventRequest>,
) -> Result<web::Json<Event>, ApiError> {
    let id = EventId::from_uuid(path.into_inner());
    let UpdateEventRequest {
        title,
        description,
        starts_at,
        ends_at,
        time_zone,
        online_url,
        venue,
        capacity,
        sponsor,
    } = body.into_inner();
    let mut errors = Errors::new();
    let title = title.and_then(|t| errors.check("title", Title::parse(&t)));
    let description = description.and_then(|d| errors.check("description", Description::parse(&d)));
    let zone = time_zone.and_then(|z| errors.check("time_zone", TimeZoneName::parse(&z)));
    let online_url = errors.check_patch("online_url", online_url, WebUrl::parse);
    let venue = match venue {
        None => None,
        Some(None) => Some(None),
        Some(Some(v)) => Some(parse_venue(&mut errors, v)),
    };
    let capacity = match capacity {
        None => None,
        Some(None) => Some(None),
        Some(Some(c)) => errors.check("capacity", parse_capacity(c)).map(Some),
    };
    let sponsor = crate::convert::sponsors::parse_change(&mut errors, sponsor);
    errors.finish()?;
    let (event, woken) = db::write(&state, move |conn| {
        let event = managed_event(conn, member.reader(), member.id, id)?;
        if event.status == EventStatus::Cancelled {
            return Err(ApiError::Conflict {
                code: ProblemCode::EventCancelled,
                field: None,
            });
        }
        let retimed = starts_at.is_some() || ends_at.is_some() || zone.is_some();
        let schedule = if retimed {
            let current = event.schedule;
            Some(Schedule::parse(
                starts_at.map_or(current.starts_at, |s| s.with_timezone(&Utc)),
                ends_at.map_or(current.ends_at, |e| e.with_timezone(&Utc)),
                zone.unwrap_or(current.time_zone),
                current.recurrence,
                current.until,
            )?)
        } else {
            None
        };
        let changes = EventChanges {
            title,
            description,
            schedule,
            online_url,
            venue,
            capacity,
            sponsor,
        };
        let now = Utc::now();
        let after = events::update(conn, &event, &changes, now)?;
        let woken = notices::event_changed(conn, &event, &after, member.id, now)?;
        Ok((event_item(conn, Some(member.id), after)?, woken))
    })
    .await?;
    state.hub.wake(&woken);
    Ok(web::Json(event))
}

/// Cancel an event
///
/// Cancel an event (its organiser and staff). It stays readable, marked `cancelled`, so
/// attendees learn of it; answering it is then refused. Cancelling twice changes nothing.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The event, cancelled", body = Event),
        p::ActionErrors,
    )
)]
#[delete("/events/{id}")]
pub async fn cancel_event(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<Event>, ApiError> {
    let id = EventId::from_uuid(path.into_inner());
    let (event, woken) = db::write(&state, move |conn| {
        let before = managed_event(conn, member.reader(), member.id, id)?;
        let now = Utc::now();
        let after = events::cancel(conn, id, now)?;
        let woken = notices::event_changed(conn, &before, &after, member.id, now)?;
        Ok((event_item(conn, Some(member.id), after)?, woken))
    })
    .await?;
    state.hub.wake(&woken);
    Ok(web::Json(event))
}
