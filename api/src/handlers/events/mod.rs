//! The events calendar: events, RSVPs, attendees and iCalendar export.

pub mod calendar;
pub mod create;
pub mod list;
pub mod manage;
pub mod rsvp;

use std::collections::{BTreeSet, HashMap};

use entraide_domain::error::Errors;
use entraide_domain::event::{Event, Host, Place, Venue, can_manage};
use entraide_domain::geo::Point;
use entraide_domain::group::Reader;
use entraide_domain::ids::{EventId, MemberId};
use entraide_domain::text::Label;
use entraide_openapi::associations::AssociationRef;
use entraide_openapi::events as wire;
use entraide_openapi::posts::GroupRef;
use entraide_persistence::{DbConnection, associations, events, groups, posts};

use crate::convert::events::{self as convert, Context};
use crate::error::ApiError;
use crate::handlers::posts::{author_of, authors};

/// The actor's standing where the event lives.
pub(crate) fn host_of(
    conn: &mut DbConnection,
    place: Place,
    actor: Option<MemberId>,
) -> Result<Host, ApiError> {
    Ok(match (place, actor) {
        (Place::Group(group), actor) => {
            let found = groups::find(conn, group)?.ok_or(ApiError::NotFound)?;
            let membership = match actor {
                Some(actor) => groups::membership(conn, group, actor)?,
                None => None,
            };
            Host::Group {
                membership,
                members_can_create: found.members_can_create_events,
            }
        }
        (Place::Association(association), Some(actor)) => {
            Host::Association(associations::membership(conn, association, actor)?)
        }
        (Place::Association(_), None) => Host::Association(None),
        (Place::Personal, _) => Host::Personal,
    })
}

/// The event if `reader` may see it; 404 otherwise (whether or not it exists).
pub(crate) fn readable_event(
    conn: &mut DbConnection,
    reader: Reader,
    id: EventId,
) -> Result<Event, ApiError> {
    events::find_readable(conn, reader, id)?.ok_or(ApiError::NotFound)
}

/// The event if `actor` may manage it: 404 when they may not see it, 403 when they may see
/// but not manage it.
pub(crate) fn managed_event(
    conn: &mut DbConnection,
    reader: Reader,
    actor: MemberId,
    id: EventId,
) -> Result<Event, ApiError> {
    let event = readable_event(conn, reader, id)?;
    let host = host_of(conn, event.place, Some(actor))?;
    if can_manage(actor, event.organizer_id, host) {
        Ok(event)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Wire events for a batch of events: organisers, group names, associations and the reader's
/// answers in one query each; management rights per distinct place.
pub(crate) fn event_items(
    conn: &mut DbConnection,
    reader: Option<MemberId>,
    found: Vec<Event>,
) -> Result<Vec<wire::Event>, ApiError> {
    let organizers = authors(conn, found.iter().map(|e| e.organizer_id))?;
    let group_ids: Vec<_> = found
        .iter()
        .filter_map(|e| match e.place {
            Place::Group(g) => Some(g),
            _ => None,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let group_names: HashMap<_, _> = posts::group_names(conn, &group_ids)?.into_iter().collect();
    let association_ids: Vec<_> = found
        .iter()
        .filter_map(|e| match e.place {
            Place::Association(a) => Some(a),
            _ => None,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let association_refs = associations::refs(conn, &association_ids)?;
    let answers: HashMap<_, _> = match reader {
        Some(me) => {
            let ids: Vec<_> = found.iter().map(|e| e.id).collect();
            events::rsvps_of(conn, &ids, me)?.into_iter().collect()
        }
        None => HashMap::new(),
    };
    let mut hosts = HashMap::new();
    found
        .into_iter()
        .map(|event| {
            let can_manage = match reader {
                Some(me) => {
                    let host = match hosts.get(&event.place) {
                        Some(host) => *host,
                        None => {
                            let host = host_of(conn, event.place, Some(me))?;
                            hosts.insert(event.place, host);
                            host
                        }
                    };
                    can_manage(me, event.organizer_id, host)
                }
                None => false,
            };
            let group = match event.place {
                Place::Group(id) => Some(GroupRef {
                    id: id.as_uuid(),
                    name: group_names.get(&id).cloned().unwrap_or_default(),
                }),
                _ => None,
            };
            let association = match event.place {
                Place::Association(id) => {
                    association_refs
                        .iter()
                        .find(|r| r.id == id)
                        .map(|r| AssociationRef {
                            id: r.id.as_uuid(),
                            name: r.name.clone(),
                            verified: r.verified,
                        })
                }
                _ => None,
            };
            let context = Context {
                organizer: author_of(&organizers, event.organizer_id)?,
                group,
                association,
                my_rsvp: answers.get(&event.id).copied(),
                can_manage,
            };
            Ok(convert::event(event, context))
        })
        .collect()
}

/// One event as the wire shows it to `reader`.
pub(crate) fn event_item(
    conn: &mut DbConnection,
    reader: Option<MemberId>,
    event: Event,
) -> Result<wire::Event, ApiError> {
    event_items(conn, reader, vec![event])?
        .pop()
        .ok_or_else(|| ApiError::internal("event item missing"))
}

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
