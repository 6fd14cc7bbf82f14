//! A condition's hub and the followed conditions' feed, as the wire shows them to one reader.
//!
//! The hub costs a fixed number of queries whatever the data (see `hub`); every list and every
//! count goes through the SQL read filter of its kind, so nothing the reader may not see is
//! loaded or counted.

use chrono::{DateTime, Utc};
use entraide_domain::association::AssociationStatus;
use entraide_domain::group::Reader;
use entraide_domain::ids::{ConditionId, MemberId};
use entraide_openapi::conditions as wire;
use entraide_persistence::associations::{self, AssociationFilter};
use entraide_persistence::groups::{self, GroupFilter};
use entraide_persistence::places::{self, PlaceFilter};
use entraide_persistence::{DbConnection, conditions, events, resources};

use crate::convert;
use crate::error::ApiError;
use crate::views::events::event_items;
use crate::views::resources::resource_items;

/// How many items of each kind a hub shows.
pub(crate) const HUB_ITEMS: i64 = 5;

/// How many resources and events the followed conditions' feed shows of each.
pub(crate) const FEED_ITEMS: i64 = 20;

/// The list endpoint filtered on the condition, when the section holds more than it shows.
fn more(shown: usize, count: i64, link: Option<String>) -> Option<String> {
    let shown = i64::try_from(shown).unwrap_or(i64::MAX);
    if count > shown { link } else { None }
}

/// A condition's hub as `reader` sees it, or 404. Queries, whatever the data: the condition;
/// groups (page, count); associations (page, their conditions, count); resources (page, their
/// conditions, the resource read model's fixed batch, count); events (page, the event read
/// model's batches, count); places (page, their conditions, count); follower count; and, for a
/// member, whether they follow. The event read model checks management rights once per
/// distinct group or association among the (at most `HUB_ITEMS`) events.
pub(crate) fn hub(
    conn: &mut DbConnection,
    id: ConditionId,
    reader: Reader,
    now: DateTime<Utc>,
) -> Result<wire::ConditionHub, ApiError> {
    let condition = conditions::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let me: Option<MemberId> = reader.member_id();

    let group_filter = GroupFilter {
        condition_id: Some(id),
        readable_to: Some(reader),
        ..GroupFilter::default()
    };
    let groups_found = groups::list(conn, &group_filter, None, HUB_ITEMS)?;
    let groups_count = groups::count_readable_for_condition(conn, id, reader)?;

    let association_filter = AssociationFilter {
        condition_id: Some(id),
        status: Some(AssociationStatus::Verified),
        ..AssociationFilter::default()
    };
    let associations_found = associations::list(conn, &association_filter, None, HUB_ITEMS)?;
    let associations_count = associations::count_verified_for_condition(conn, id)?;

    let resources_found = resources::published_about(conn, &[id], HUB_ITEMS)?;
    let resources_found = resource_items(
        conn,
        resources_found.into_iter().map(|(r, _)| r).collect(),
        me,
        now,
    )?;
    let resources_count = resources::count_published_about(conn, id)?;

    let events_found = events::upcoming_about(conn, reader, &[id], now, HUB_ITEMS)?;
    let events_found = event_items(conn, me, events_found)?;
    let events_count = events::count_upcoming_about(conn, reader, id, now)?;

    let place_filter = PlaceFilter {
        near: None,
        kind: None,
        condition_id: Some(id),
        audience: None,
        text: None,
    };
    let places_found = places::search(conn, &place_filter, None, HUB_ITEMS)?;
    let places_count = places::count_for_condition(conn, id)?;

    let follower_count = conditions::follower_count(conn, id)?;
    let followed = match me {
        Some(me) => Some(conditions::is_following(conn, id, me)?),
        None => None,
    };

    let key = id.as_uuid();
    let groups: Vec<_> = groups_found
        .into_iter()
        .map(|g| convert::groups::group(g, None))
        .collect();
    let associations: Vec<_> = associations_found
        .into_iter()
        .map(|a| convert::associations::association(a, None))
        .collect();
    let resources: Vec<_> = resources_found.into_iter().flatten().collect();
    let places: Vec<_> = places_found
        .into_iter()
        .map(|(place, distance)| convert::places::to_wire(place, distance))
        .collect();
    Ok(wire::ConditionHub {
        condition: convert::condition(condition),
        followed,
        follower_count,
        groups: wire::HubGroups {
            more: more(
                groups.len(),
                groups_count,
                Some(format!("/api/v1/groups?condition_id={key}")),
            ),
            items: groups,
            count: groups_count,
        },
        associations: wire::HubAssociations {
            more: more(
                associations.len(),
                associations_count,
                Some(format!(
                    "/api/v1/associations?condition_id={key}&status=verified"
                )),
            ),
            items: associations,
            count: associations_count,
        },
        resources: wire::HubResources {
            more: more(
                resources.len(),
                resources_count,
                Some(format!("/api/v1/resources?condition_id={key}")),
            ),
            items: resources,
            count: resources_count,
        },
        events: wire::HubEvents {
            more: more(
                events_found.len(),
                events_count,
                Some(format!("/api/v1/events?condition_id={key}")),
            ),
            items: events_found,
            count: events_count,
        },
        places: wire::HubPlaces {
            more: more(
                places.len(),
                places_count,
                Some(format!("/api/v1/places?condition_id={key}")),
            ),
            items: places,
            count: places_count,
        },
    })
}

/// What is new for the conditions `member` follows: the latest published resources about
/// them and the upcoming events about them the member may see (the same read filters as the
/// hub and the calendar). Queries: the followed conditions, resources (page, conditions, the
/// read model's batch), events (page, the read model's batches).
pub(crate) fn followed_feed(
    conn: &mut DbConnection,
    reader: Reader,
    member: MemberId,
    now: DateTime<Utc>,
) -> Result<wire::ConditionFeed, ApiError> {
    let followed = conditions::followed_ids(conn, member)?;
    let found = resources::published_about(conn, &followed, FEED_ITEMS)?;
    let resources = resource_items(
        conn,
        found.into_iter().map(|(r, _)| r).collect(),
        Some(member),
        now,
    )?
    .into_iter()
    .flatten()
    .collect();
    let found = events::upcoming_about(conn, reader, &followed, now, FEED_ITEMS)?;
    let events = event_items(conn, Some(member), found)?;
    Ok(wire::ConditionFeed { resources, events })
}
