use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_openapi::events::{CreateEventRequest, Event};
use entraide_openapi::problem as p;
use entraide_persistence::events;

use crate::access::events::require_host;
use crate::access::integrations::require_key;
use crate::db;
use crate::error::ApiError;
use crate::extractors::Caller;
use crate::json::Json;
use crate::parse::parse_new_event;
use crate::state::AppState;
use crate::views::events::event_item;
use entraide_domain::event::Place;
use entraide_domain::integration::Scope;
use entraide_openapi::problem::ProblemCode;

/// The `event.created` webhook of the association: the event as the public sees it.
fn queue_created(
    conn: &mut entraide_persistence::DbConnection,
    association: entraide_domain::ids::AssociationId,
    item: &Event,
) -> Result<(), ApiError> {
    let data = serde_json::json!({
        "event_id": item.id,
        "title": item.title,
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "time_zone": item.time_zone,
    });
    crate::webhooks::queue(
        conn,
        association,
        entraide_domain::integration::WebhookEvent::EventCreated,
        data,
        Utc::now(),
    )
}

/// Create an event
///
/// Create an event: in a group (its moderators, or any member when the group allows it; 403
/// `cannot_create_events` otherwise), for a verified association (its admins and volunteers),
/// or your own. Times carry an offset and are held in the IANA `time_zone`; a recurring series
/// repeats at the same local time across DST changes. An association's API key with
/// `events:write` creates events of its own association only (`association_id`; 403
/// `insufficient_scope` otherwise), organised in the name of the admin who created the key.
#[utoipa::path(
    tag = "events",
    security(("bearer" = []), ("api_key" = [])),
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
    caller: Caller,
    body: Json<CreateEventRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = parse_new_event(body.into_inner())?;
    let event = db::write(&state, move |conn| match &caller {
        Caller::Member(member) => {
            require_host(conn, new.place, *member)?;
            let event = events::insert(conn, member.id, &new, Utc::now())?;
            let item = event_item(conn, Some(member.id), event)?;
            if let Place::Association(association) = new.place {
                queue_created(conn, association, &item)?;
            }
            Ok(item)
        }
        Caller::Key(key) => {
            let Place::Association(association) = new.place else {
                return Err(ApiError::refused(ProblemCode::InsufficientScope));
            };
            require_key(conn, key, association, Scope::EventsWrite)?;
            let event = events::insert(conn, key.created_by, &new, Utc::now())?;
            let item = event_item(conn, None, event)?;
            queue_created(conn, association, &item)?;
            Ok(item)
        }
    })
    .await?;
    let location = format!("/api/v1/events/{}", event.id);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(event))
}
