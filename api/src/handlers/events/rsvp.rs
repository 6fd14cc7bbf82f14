use actix_web::{get, put, web};
use chrono::Utc;
use entraide_domain::event::{EventStatus, Place, answer};
use entraide_domain::group::participation;
use entraide_domain::ids::{EventId, MemberId};
use entraide_openapi::events::{Attendee, RsvpRequest, RsvpResult};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::{events, groups};
use uuid::Uuid;

use crate::access::events::{managed_event, readable_event};
use crate::convert::events::{answer_from_wire, rsvp_to_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Answer an event
///
/// Answer an event: `going` takes a place, or puts you on the waiting list when it is full
/// (answer `waitlisted`; you are promoted in order when a place frees); `interested`;
/// `not_going` (frees your place). A group's event is answered by its members (403
/// `not_a_member`). A cancelled event answers 409 `event_cancelled`, a past one `event_over`.
/// A recurring series is answered as a whole.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The event's id")),
    request_body = RsvpRequest,
    responses(
        (status = 200, description = "Your answer as recorded", body = RsvpResult),
        p::WriteErrors, p::Conflict,
    )
)]
#[put("/events/{id}/rsvp")]
pub async fn rsvp_event(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<RsvpRequest>,
) -> Result<web::Json<RsvpResult>, ApiError> {
    let id = EventId::from_uuid(path.into_inner());
    let requested = answer_from_wire(body.into_inner().status);
    let now = Utc::now();
    let result = db::write(&state, move |conn| {
        let event = readable_event(conn, member.reader(), id)?;
        if event.status == EventStatus::Cancelled {
            return Err(ApiError::Conflict {
                code: ProblemCode::EventCancelled,
                field: None,
            });
        }
        if event.schedule.last_ends_at() <= now {
            return Err(ApiError::Conflict {
                code: ProblemCode::EventOver,
                field: None,
            });
        }
        if let Place::Group(group) = event.place {
            let found = groups::find(conn, group)?.ok_or(ApiError::NotFound)?;
            let membership = groups::membership(conn, group, member.id)?;
            participation(
                found.visibility,
                found.audience,
                member.reader(),
                membership,
            )?;
        }
        let current = events::rsvp_of(conn, id, member.id)?;
        let status = answer(requested, current, event.capacity, event.going_count);
        events::set_rsvp(conn, id, member.id, status, now)?;
        let event = events::find(conn, id)?.ok_or(ApiError::NotFound)?;
        if let Place::Association(association) = event.place
            && current != Some(status)
        {
            crate::webhooks::queue_rsvp(conn, association, &event)?;
        }
        let status = events::rsvp_of(conn, id, member.id)?.unwrap_or(status);
        Ok(RsvpResult {
            status: rsvp_to_wire(status),
            going_count: event.going_count,
            interested_count: event.interested_count,
            waitlist_count: event.waitlist_count,
        })
    })
    .await?;
    Ok(web::Json(result))
}

/// List an event's attendees
///
/// Who answered (organiser and staff only; others see the counts on the event), by member.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The event's id"), PageQuery),
    responses(
        (status = 200, description = "A page of attendees", body = Page<Attendee>),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[get("/events/{id}/attendees")]
pub async fn list_attendees(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<Attendee>>, ApiError> {
    let page = PageRequest::<Uuid>::parse(&paging)?;
    let id = EventId::from_uuid(path.into_inner());
    let after = page.after.map(MemberId::from_uuid);
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        managed_event(conn, member.reader(), member.id, id)?;
        Ok(events::attendees(conn, id, after, fetch)?)
    })
    .await?;
    page.page(
        items,
        |a| a.member_id.as_uuid(),
        |a| Attendee {
            member: crate::convert::posts::summary(a.member_id, &a.pseudonym, a.kind, a.badge),
            status: rsvp_to_wire(a.status),
            since: a.since,
        },
    )
    .map(web::Json)
}
