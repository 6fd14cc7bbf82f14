//! Events as the wire shows them to a reader, in batches.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entraide_domain::event::{Event, Occurrence, Place, can_manage, merge_series};
use entraide_domain::geo::Point;
use entraide_domain::group::Reader;
use entraide_domain::ids::{EventId, MemberId};
use entraide_openapi::associations::AssociationRef;
use entraide_openapi::events as wire;
use entraide_openapi::events::EventOccurrence;
use entraide_openapi::posts::GroupRef;
use entraide_persistence::events::{EventKey, EventQuery};
use entraide_persistence::{DbConnection, associations, events, posts};

use crate::access::events::host_of;
use crate::convert::events::{self as convert, Context, local};
use crate::error::ApiError;
use crate::views::members::{author_of, authors};

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
                    can_manage(me, event.organizer_id, host).is_ok()
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

/// How many extra batches of single events a distance query may read to fill a page.
const MAX_NEAR_BATCHES: usize = 20;

/// A page of the calendar as `reader` may see it: the first `wanted` occurrences after
/// `after`, recurring series merged by the domain (`merge_series`) with single events, each
/// with its distance from the `near` point when there is one.
pub(crate) fn calendar_page(
    conn: &mut DbConnection,
    reader: Reader,
    me: Option<MemberId>,
    filter: &EventQuery,
    near: Option<(Point, f64)>,
    after: Option<(DateTime<Utc>, EventId)>,
    wanted: usize,
) -> Result<Vec<EventOccurrence>, ApiError> {
    let distance_to = move |venue: Option<Point>| -> Option<f64> {
        let (point, _) = near?;
        venue.map(|p| point.distance_km(p))
    };
    let within = move |venue: Option<Point>| match near {
        None => true,
        Some((_, radius)) => distance_to(venue).is_some_and(|d| d <= radius),
    };
    // Series: expand the schedules, keep the first occurrences, then load only those series.
    let all_series = events::list_series(conn, reader, filter)?;
    let series_occurrences = merge_series(
        all_series
            .iter()
            .filter(|series| within(series.point))
            .map(|series| (series.id, &series.schedule)),
        filter.from,
        filter.to,
        after,
        wanted,
    );
    let mut needed: Vec<EventId> = series_occurrences.iter().map(|(_, id)| *id).collect();
    needed.sort();
    needed.dedup();
    let loaded: HashMap<EventId, Event> = events::find_readable_many(conn, reader, &needed)?
        .into_iter()
        .map(|event| (event.id, event))
        .collect();
    let mut occurrences: Vec<(Occurrence, Event)> = series_occurrences
        .into_iter()
        .filter_map(|(occurrence, id)| loaded.get(&id).map(|e| (occurrence, e.clone())))
        .collect();
    // Single events: read in batches until the page is full (a distance filter may drop some).
    let fetch = i64::try_from(wanted).unwrap_or(i64::MAX);
    let mut key = after.map(|(starts_at, id)| EventKey { starts_at, id });
    let mut singles = 0;
    for _ in 0..MAX_NEAR_BATCHES {
        let batch = events::list_single(conn, reader, filter, key, fetch)?;
        let full = i64::try_from(batch.len()).unwrap_or(i64::MAX) >= fetch;
        key = batch.last().map(|e| EventKey {
            starts_at: e.schedule.starts_at,
            id: e.id,
        });
        for event in batch {
            if within(event.venue.as_ref().and_then(|v| v.point)) {
                singles += 1;
                let occurrence = Occurrence {
                    starts_at: event.schedule.starts_at,
                    ends_at: event.schedule.ends_at,
                };
                occurrences.push((occurrence, event));
            }
        }
        if !full || singles >= wanted {
            break;
        }
    }
    occurrences.sort_by_key(|(a, x)| (a.starts_at, x.id));
    occurrences.truncate(wanted);
    let (times, found): (Vec<Occurrence>, Vec<Event>) = occurrences.into_iter().unzip();
    let distances: Vec<Option<f64>> = found
        .iter()
        .map(|event| distance_to(event.venue.as_ref().and_then(|v| v.point)))
        .collect();
    let zones: Vec<_> = found.iter().map(|e| e.schedule.time_zone).collect();
    let items = event_items(conn, me, found)?;
    Ok(times
        .into_iter()
        .zip(items)
        .zip(distances.into_iter().zip(zones))
        .map(
            |((occurrence, event), (distance_km, zone))| EventOccurrence {
                starts_at: local(occurrence.starts_at, zone),
                ends_at: local(occurrence.ends_at, zone),
                distance_km: distance_km.map(|d| (d * 10.0).round() / 10.0),
                event,
            },
        )
        .collect())
}
