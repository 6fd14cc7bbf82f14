use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_openapi::events::{CreateEventRequest, Event};
use entraide_openapi::problem as p;
use entraide_persistence::events;

use crate::access::events::require_host;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::parse::parse_new_event;
use crate::state::AppState;
use crate::views::events::event_item;

/// Create an event
///
/// Create an event: in a group (its moderators, or any member when the group allows it; 403
/// `cannot_create_events` otherwise), for a verified association (its admins and volunteers),
/// or your own. Times carry an offset and are held in the IANA `time_zone`; a recurring series
/// repeats at the same local time across DST changes.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    request_body = CreateEventRequest,
    responses(
        (status = 201, description = "Created", body = Event,
            headers(("Location" = String, description = "The event's URL"))),
        p::WriteErrors,
    )
)]
#[post("/events")]
pub async fn create_event(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<CreateEventRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = parse_new_event(body.into_inner())?;
    let event = db::write(&state, move |conn| {
        require_host(conn, new.place, member)?;
        let event = events::insert(conn, member.id, &new, Utc::now())?;
        event_item(conn, Some(member.id), event)
    })
    .await?;
    let location = format!("/api/v1/events/{}", event.id);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(event))
}
