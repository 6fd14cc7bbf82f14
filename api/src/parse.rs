//! Request values that several handlers read the same way: a "near me" query, condition
//! ids, a venue, a resource's content. Each pushes field errors into [`Errors`] and returns the
//! parsed value when it is valid. Also the database constraint violations that point at a
//! request field (an unknown condition id, a payment id already recorded).

use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::event::{NewEvent, Place, Schedule, TimeZoneName, Venue, parse_capacity};
use entraide_domain::geo::Point;
use entraide_domain::ids::{AssociationId, ConditionId, GroupId};
use entraide_domain::post::Body;
use entraide_domain::resource::{
    Content, MAX_LIST, ResourceKind, parse_duration, parse_isbn, parse_year,
};
use entraide_domain::text::{Description, Label, Title, WebUrl};
use entraide_openapi::events::CreateEventRequest;
use entraide_openapi::problem::ProblemCode;
use entraide_openapi::{events as wire, resources as resource_wire};
use entraide_persistence::PersistenceError;
use uuid::Uuid;

use crate::convert::events::recurrence_from_wire;
use crate::error::ApiError;

/// A venue from the wire: labels parsed; coordinates both or neither.
pub(crate) fn parse_venue(errors: &mut Errors, venue: wire::Venue) -> Option<Venue> {
    let wire::Venue {
        address,
        city,
        lat,
        lon,
    } = venue;
    let address = address.and_then(|a| errors.check("venue.address", Label::parse(&a)));
    let city = city.and_then(|c| errors.check("venue.city", Label::parse(&c)));
    let point = match (lat, lon) {
        (Some(lat), Some(lon)) => match Point::parse(lat, lon) {
            Ok(point) => Some(point),
            Err(error) => {
                for mut e in error.into_errors() {
                    e.field = format!("venue.{}", e.field);
                    errors.push(e);
                }
                None
            }
        },
        (None, None) => None,
        (Some(_), None) | (None, Some(_)) => {
            errors.push(entraide_domain::FieldError::new(
                "venue.lat",
                "incomplete_coordinates",
                "give both lat and lon, or neither",
            ));
            None
        }
    };
    Some(Venue {
        address,
        city,
        point,
    })
}

fn labels(errors: &mut Errors, field: &str, raw: Vec<String>) -> Vec<Label> {
    if raw.len() > MAX_LIST {
        errors.push(entraide_domain::FieldError::new(
            field,
            "too_many",
            format!("at most {MAX_LIST}"),
        ));
        return Vec::new();
    }
    raw.iter()
        .enumerate()
        .filter_map(|(i, item)| errors.check(&format!("{field}[{i}]"), Label::parse(item)))
        .collect()
}

/// Parses a version's content, field by field, then checks what its kind needs.
pub(crate) fn parse_content(
    errors: &mut Errors,
    kind: ResourceKind,
    input: resource_wire::ContentInput,
) -> Option<Content> {
    let resource_wire::ContentInput {
        title,
        summary,
        body,
        url,
        provider,
        duration_seconds,
        book_authors,
        publisher,
        year,
        isbn,
        format,
        tags,
        sources,
    } = input;
    let prefix = |field: &str| format!("content.{field}");
    let title = errors.check(&prefix("title"), Title::parse(&title));
    let summary = errors.check(
        &prefix("summary"),
        Description::parse(summary.as_deref().unwrap_or_default()),
    );
    let body =
        body.and_then(|b| errors.check(&prefix("body"), Body::parse(&b, Body::POST_MAX_CHARS)));
    let url = url.and_then(|u| errors.check(&prefix("url"), WebUrl::parse(&u)));
    let label = |errors: &mut Errors, field: &str, value: Option<String>| {
        value.and_then(|v| errors.check(&prefix(field), Label::parse(&v)))
    };
    let provider = label(errors, "provider", provider);
    let book_authors = label(errors, "book_authors", book_authors);
    let publisher = label(errors, "publisher", publisher);
    let format = label(errors, "format", format);
    // Out-of-range values stay in the content so that the kind's own checks do not also
    // report them missing; the error recorded here refuses the request.
    if let Some(seconds) = duration_seconds {
        errors.check(&prefix("duration_seconds"), parse_duration(seconds));
    }
    if let Some(year) = year {
        errors.check(&prefix("year"), parse_year(year));
    }
    let isbn = isbn.and_then(|i| errors.check(&prefix("isbn"), parse_isbn(&i)));
    let tags = labels(errors, &prefix("tags"), tags);
    let sources = labels(errors, &prefix("sources"), sources);
    let content = Content {
        title: title?,
        summary: summary?,
        body,
        url,
        provider,
        duration_seconds,
        book_authors,
        publisher,
        year,
        isbn,
        format,
        tags,
        sources,
    };
    match content.check(kind) {
        Ok(()) => Some(content),
        Err(error) => {
            for mut e in error.into_errors() {
                e.field = prefix(&e.field);
                errors.push(e);
            }
            None
        }
    }
}

/// The most conditions an association, announcement, place or resource may name.
pub const MAX_CONDITIONS: usize = 20;

/// Condition ids from the wire: at most [`MAX_CONDITIONS`].
pub(crate) fn condition_ids(errors: &mut Errors, field: &str, ids: Vec<Uuid>) -> Vec<ConditionId> {
    if ids.len() > MAX_CONDITIONS {
        errors.push(entraide_domain::FieldError::new(
            field,
            "too_many",
            format!("at most {MAX_CONDITIONS} conditions"),
        ));
    }
    ids.into_iter().map(ConditionId::from_uuid).collect()
}

/// Maps a foreign-key violation on a condition id to a field error.
pub(crate) fn unknown_condition(field: &'static str) -> impl Fn(PersistenceError) -> ApiError {
    move |error| match error {
        PersistenceError::ForeignKeyViolation(_) => {
            ApiError::field(field, "unknown_condition", "is not in GET /conditions")
        }
        other => other.into(),
    }
}

/// A "near me" query from `lat`, `lon` and `radius_km`: all three or none (422 on `radius_km`
/// otherwise), coordinates and radius in range (422 on the field).
pub(crate) fn near_query(
    errors: &mut entraide_domain::error::Errors,
    lat: Option<f64>,
    lon: Option<f64>,
    radius_km: Option<f64>,
) -> Option<(entraide_domain::geo::Point, f64)> {
    match (lat, lon, radius_km) {
        (None, None, None) => None,
        (Some(lat), Some(lon), Some(radius)) => {
            let point = errors.keep(entraide_domain::geo::Point::parse(lat, lon));
            let radius = errors.check("radius_km", entraide_domain::geo::parse_radius(radius));
            point.zip(radius)
        }
        _ => {
            errors.push(entraide_domain::FieldError::new(
                "radius_km",
                "incomplete_location",
                "give lat, lon and radius_km together",
            ));
            None
        }
    }
}

/// Maps the unique violation of a provider payment id already recorded.
pub(crate) fn duplicate_payment(error: PersistenceError) -> ApiError {
    match error {
        PersistenceError::UniqueViolation { .. } => ApiError::Conflict {
            code: ProblemCode::PaymentAlreadyRecorded,
            field: Some("payment_id".to_owned()),
        },
        other => other.into(),
    }
}

/// A new event from the wire: every field parsed (all errors at once), its place from
/// `group_id` / `association_id` (not both: 422 `one_place` on `association_id`).
pub(crate) fn parse_new_event(request: CreateEventRequest) -> Result<NewEvent, ApiError> {
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
        sponsor,
    } = request;
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
    let sponsor = crate::convert::sponsors::parse_declared(&mut errors, sponsor);
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
        sponsor,
    };
    Ok(new)
}
