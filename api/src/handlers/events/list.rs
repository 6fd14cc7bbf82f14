use actix_web::{get, web};
use chrono::{DateTime, Utc};
use entraide_domain::error::Errors;
use entraide_domain::event::{DEFAULT_QUERY_RANGE, check_range};
use entraide_domain::ids::{AssociationId, ConditionId, EventId, GroupId};
use entraide_openapi::events::{EventOccurrence, EventQuery};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_persistence::events::EventQuery as Query;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::integrations::require_key;
use crate::db;
use crate::error::ApiError;
use crate::extractors::{Caller, MaybeCaller, MaybeMember};
use crate::pagination::PageRequest;
use crate::state::AppState;
use crate::views::events::calendar_page;
use entraide_domain::integration::Scope;
use entraide_openapi::problem::ProblemCode;

/// Where a page of occurrences continues: after this (start, event id).
#[derive(Serialize, Deserialize)]
struct Cursor {
    #[serde(deserialize_with = "crate::pagination::instant")]
    t: DateTime<Utc>,
    i: Uuid,
}

/// List calendar occurrences
///
/// The calendar: occurrences between `from` and `to` (recurring series expanded, in order of
/// start), that you may see — filtered by group, association, distance from a point
/// (`lat`, `lon`, `radius_km`), or `mine=true`. Without `from`, the range starts now; without
/// `to`, it ends 90 days after `from`; it spans at most 366 days. An association's API key
/// with `events:read` lists its own association's events (`association_id` is required and
/// must be its association: 403 `insufficient_scope` otherwise; `mine` does not apply to a
/// key) and sees what a visitor sees.
#[utoipa::path(
    tag = "events",
    security((), ("bearer" = []), ("api_key" = [])),
    params(EventQuery, PageQuery),
    responses(
        (status = 200, description = "A page of occurrences", body = Page<EventOccurrence>),
        p::ListErrors,
    )
)]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: web::Query<EventQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<EventOccurrence>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let EventQuery {
        from,
        to,
        group_id,
        association_id,
        condition_id,
        lat,
        lon,
        radius_km,
        mine,
        sponsored,
    } = query.into_inner();
    let mut errors = Errors::new();
    let from = from.unwrap_or_else(Utc::now);
    let to = to.unwrap_or_else(|| {
        from.checked_add_signed(DEFAULT_QUERY_RANGE)
            .unwrap_or(chrono::DateTime::<Utc>::MAX_UTC)
    });
    // Keeps the field names of the errors (`from` out of range, `to` before `from`...).
    errors.keep(check_range(from, to));
    let near = crate::parse::near_query(&mut errors, lat, lon, radius_km);
    let (reader, key) = match caller.0 {
        None => (MaybeMember(None), None),
        Some(Caller::Member(member)) => (MaybeMember(Some(member)), None),
        Some(Caller::Key(key)) => (MaybeMember(None), Some(key)),
    };
    let mine = match (mine.unwrap_or(false), reader.0, &key) {
        (false, _, _) => None,
        (true, _, Some(_)) => return Err(ApiError::refused(ProblemCode::InsufficientScope)),
        (true, Some(member), None) => Some(member.id),
        (true, None, None) => return Err(ApiError::Unauthenticated),
    };
    errors.finish()?;
    if let Some(key) = key {
        // A key reads its own association's calendar only.
        let association = association_id
            .map(AssociationId::from_uuid)
            .ok_or_else(|| ApiError::refused(ProblemCode::InsufficientScope))?;
        db::read(&state, move |conn| {
            require_key(conn, &key, association, Scope::EventsRead).map(|_| ())
        })
        .await?;
    }
    let filter = Query {
        from,
        to,
        group: group_id.map(GroupId::from_uuid),
        association: association_id.map(AssociationId::from_uuid),
        condition: condition_id.map(ConditionId::from_uuid),
        within: near.map(|(point, radius)| point.bounding_box(radius)),
        mine,
        sponsored,
    };
    let after = page.after.as_ref().map(|c| (c.t, EventId::from_uuid(c.i)));
    let wanted = page.limit.saturating_add(1);
    let (who, me) = (reader.reader(), reader.0.map(|m| m.id));
    let found = db::read(&state, move |conn| {
        calendar_page(conn, who, me, &filter, near, after, wanted)
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
