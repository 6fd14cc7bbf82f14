use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::association::AssociationStatus;
use entraide_domain::error::Errors;
use entraide_domain::event::{
    Host, NewEvent, Place, Schedule, TimeZoneName, can_create, parse_capacity,
};
use entraide_domain::group::reading;
use entraide_domain::ids::{AssociationId, GroupId};
use entraide_domain::text::{Description, Title, WebUrl};
use entraide_openapi::events::{CreateEventRequest, Event};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::events;

use crate::access::associations::load as load_association;
use crate::access::events::host_of;
use crate::convert::events::recurrence_from_wire;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::parse::parse_venue;
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
    let CreateEventRequest {
        title,
        description,
        group_id,
        association_id,
        starts_at,
        ends_at,
        time_zone,
        recurrence,
        recurrence_until,
        online_url,
        venue,
        capacity,
    } = body.into_inner();
    let mut errors = Errors::new();
    let title = errors.check("title", Title::parse(&title));
    let description = errors.check(
        "description",
        Description::parse(description.as_deref().unwrap_or_default()),
    );
    let zone = errors.check("time_zone", TimeZoneName::parse(&time_zone));
    let schedule = zone.and_then(|zone| {
        errors.keep(Schedule::parse(
            starts_at.with_timezone(&Utc),
            ends_at.with_timezone(&Utc),
            zone,
            recurrence.map(recurrence_from_wire),
            recurrence_until,
        ))
    });
    let online_url =
        online_url.and_then(|u| errors.check("online_url", WebUrl::parse(&u)).map(Some));
    let venue = venue.and_then(|v| parse_venue(&mut errors, v));
    let capacity = capacity.and_then(|c| errors.check("capacity", parse_capacity(c)).map(Some));
    let place = match (group_id, association_id) {
        (Some(group), None) => Place::Group(GroupId::from_uuid(group)),
        (None, Some(association)) => Place::Association(AssociationId::from_uuid(association)),
        (None, None) => Place::Personal,
        (Some(_), Some(_)) => {
            errors.push(entraide_domain::FieldError::new(
                "association_id",
                "one_place",
                "an event lives in a group or belongs to an association, not both",
            ));
            Place::Personal
        }
    };
    errors.finish()?;
    let (Some(title), Some(description), Some(schedule)) = (title, description, schedule) else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };
    let new = NewEvent {
        title,
        description,
        place,
        schedule,
        online_url: online_url.flatten(),
        venue,
        capacity: capacity.flatten(),
    };
    let event = db::write(&state, move |conn| {
        match place {
            Place::Group(group) => {
                let found =
                    entraide_persistence::groups::find(conn, group)?.ok_or(ApiError::NotFound)?;
                let host = host_of(conn, place, Some(member.id))?;
                let Host::Group { membership, .. } = host else {
                    return Err(ApiError::internal("group host expected"));
                };
                reading(
                    found.visibility,
                    found.audience,
                    member.reader(),
                    membership,
                )?;
                can_create(host)?;
            }
            Place::Association(association) => {
                let (found, membership) = load_association(conn, association, Some(member.id))?;
                can_create(Host::Association(membership))?;
                if found.status != AssociationStatus::Verified {
                    return Err(ApiError::Refused {
                        code: ProblemCode::AssociationNotVerified,
                    });
                }
            }
            Place::Personal => {}
        }
        let event = events::insert(conn, member.id, &new, Utc::now())?;
        event_item(conn, Some(member.id), event)
    })
    .await?;
    let location = format!("/api/v1/events/{}", event.id);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(event))
}
