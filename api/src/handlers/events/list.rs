use std::cmp::Reverse;
use std::collections::BinaryHeap;

use actix_web::{get, web};
use chrono::{DateTime, TimeDelta, Utc};
use entraide_domain::error::Errors;
use entraide_domain::event::{Event, Occurrence, check_range};
use entraide_domain::geo::Point;
use entraide_domain::ids::{AssociationId, EventId, GroupId};
use entraide_openapi::events::{EventOccurrence, EventQuery};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_persistence::events::{self, EventKey, EventQuery as Query};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::event_items;
use crate::convert::events::local;
use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Where a page of occurrences continues: after this (start, event id).
#[derive(Serialize, Deserialize)]
struct Cursor {
    #[serde(deserialize_with = "crate::pagination::instant")]
    t: DateTime<Utc>,
    i: Uuid,
}

/// The default width of a calendar query.
const DEFAULT_RANGE: TimeDelta = TimeDelta::days(90);

/// How many extra batches of single events a distance query may read to fill a page.
const MAX_NEAR_BATCHES: usize = 20;

/// The calendar: occurrences between `from` and `to` (recurring series expanded, in order of
/// start), that you may see — filtered by group, association, distance from a point
/// (`lat`, `lon`, `radius_km`), or `mine=true`.
#[utoipa::path(
    tag = "events",
    security((), ("bearer" = [])),
    params(EventQuery, PageQuery),
    responses(
        (status = 200, description = "A page of occurrences", body = Page<EventOccurrence>),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 422, response = p::UnprocessableEntity),
        (status = 500, response = p::InternalError),
        (status = 503, response = p::ServiceUnavailable),
    )
)]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    reader: MaybeMember,
    query: web::Query<EventQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<EventOccurrence>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let EventQuery {
        from,
        to,
        group_id,
        association_id,
        lat,
        lon,
        radius_km,
        mine,
    } = query.into_inner();
    let mut errors = Errors::new();
    let from = from.unwrap_or_else(Utc::now);
    let to = to.unwrap_or_else(|| {
        from.checked_add_signed(DEFAULT_RANGE)
            .unwrap_or(chrono::DateTime::<Utc>::MAX_UTC)
    });
    // Keeps the field names of the errors (`from` out of range, `to` before `from`...).
    errors.keep(check_range(from, to));
    let near = crate::handlers::near_query(&mut errors, lat, lon, radius_km);
    let mine = match (mine.unwrap_or(false), reader.0) {
        (false, _) => None,
        (true, Some(member)) => Some(member.id),
        (true, None) => return Err(ApiError::Unauthenticated),
    };
    errors.finish()?;
    let filter = Query {
        from,
        to,
        group: group_id.map(GroupId::from_uuid),
        association: association_id.map(AssociationId::from_uuid),
        within: near.map(|(point, radius)| point.bounding_box(radius)),
        mine,
    };
    let after = page.after.as_ref().map(|c| (c.t, EventId::from_uuid(c.i)));
    let fetch = page.fetch();
    let wanted = page.limit.saturating_add(1);
    let who = reader.reader();
    let me = reader.0.map(|m| m.id);
    let distance_to = move |venue: Option<Point>| -> Option<f64> {
        let (point, _) = near?;
        venue.map(|p| point.distance_km(p))
    };
    let within = move |venue: Option<Point>| match near {
        None => true,
        Some((_, radius)) => distance_to(venue).is_some_and(|d| d <= radius),
    };
    let distance = move |event: &Event| distance_to(event.venue.as_ref().and_then(|v| v.point));
    let found = db::read(&state, move |conn| {
        let is_after = |o: &Occurrence, id: EventId| {
            after.is_none_or(|(t, last)| (o.starts_at, id) > (t, last))
        };
        // Series: expand the schedules, keep the first occurrences, then load only those series.
        let window_start = after.map_or(from, |(t, _)| t.max(from));
        // A k-way merge: each series' next occurrence in a heap, so only the occurrences that
        // make the page are computed (not `wanted` per series).
        let all_series = events::list_series(conn, who, &filter)?;
        let next_after = |i: usize, from: chrono::DateTime<Utc>| {
            all_series[i]
                .schedule
                .occurrences(from, to, 1)
                .into_iter()
                .next()
        };
        let mut heap = BinaryHeap::new();
        for (i, series) in all_series.iter().enumerate() {
            if !within(series.point) {
                continue;
            }
            let mut from_here = window_start;
            while let Some(occurrence) = next_after(i, from_here) {
                if is_after(&occurrence, series.id) {
                    heap.push(Reverse((
                        occurrence.starts_at,
                        series.id,
                        occurrence.ends_at,
                        i,
                    )));
                    break;
                }
                from_here = occurrence.ends_at;
            }
        }
        let mut series_occurrences: Vec<(Occurrence, EventId)> = Vec::with_capacity(wanted);
        while series_occurrences.len() < wanted {
            let Some(Reverse((starts_at, id, ends_at, i))) = heap.pop() else {
                break;
            };
            series_occurrences.push((Occurrence { starts_at, ends_at }, id));
            if let Some(next) = next_after(i, ends_at) {
                heap.push(Reverse((next.starts_at, id, next.ends_at, i)));
            }
        }
        let mut needed: Vec<EventId> = series_occurrences.iter().map(|(_, id)| *id).collect();
        needed.sort();
        needed.dedup();
        let loaded = events::find_readable_many(conn, who, &needed)?;
        let mut occurrences: Vec<(Occurrence, Event)> = series_occurrences
            .into_iter()
            .filter_map(|(occurrence, id)| {
                loaded
                    .iter()
                    .find(|e| e.id == id)
                    .map(|e| (occurrence, e.clone()))
            })
            .collect();
        let mut key = after.map(|(starts_at, id)| EventKey { starts_at, id });
        let mut singles = 0;
        for _ in 0..MAX_NEAR_BATCHES {
            let batch = events::list_single(conn, who, &filter, key, fetch)?;
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
        let distances: Vec<Option<f64>> = found.iter().map(distance).collect();
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
            .collect::<Vec<_>>())
    })
    .await?;
    page.page(
        found,
        |o| Cursor {
            t: o.starts_at.with_timezone(&Utc),
            i: o.event.id,
        },
        |o| o,
    )
    .map(web::Json)
}
