//! Search hits as results: each loaded through its kind's read policy.

//! Full-text search: candidates from the index, each loaded through its own read policy.

use std::collections::HashMap;

use entraide_domain::group::Reader;
use entraide_domain::ids::{CommentId, EventId, GroupId, PlaceId, PostId, ResourceId};
use entraide_domain::resource::VersionStatus;
use entraide_domain::search::DocumentKind;
use entraide_openapi::search::{ResultType, SearchResult};
use entraide_persistence::search::Hit;
use entraide_persistence::{DbConnection, comments, events, groups, places, posts, resources};
use uuid::Uuid;

use crate::error::ApiError;

/// The longest excerpt, in characters.
const EXCERPT_CHARS: usize = 240;

fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

fn result_type(kind: DocumentKind) -> ResultType {
    match kind {
        DocumentKind::Group => ResultType::Group,
        DocumentKind::Post => ResultType::Post,
        DocumentKind::Comment => ResultType::Comment,
        DocumentKind::Resource => ResultType::Resource,
        DocumentKind::Event => ResultType::Event,
        DocumentKind::Place => ResultType::Place,
    }
}

pub(crate) type Resolved = HashMap<(DocumentKind, Uuid), SearchResult>;

/// Loads a batch of hits through their kinds' read policies — one query per kind (two for
/// places, with their conditions) — and keeps only what the reader may see (and what still exists), so nothing
/// hidden ever reaches the results.
pub(crate) fn resolve(
    conn: &mut DbConnection,
    reader: Reader,
    hits: &[Hit],
) -> Result<Resolved, ApiError> {
    let ids = |kind: DocumentKind| -> Vec<Uuid> {
        hits.iter()
            .filter(|h| h.kind == kind)
            .filter_map(|h| h.id.parse().ok())
            .collect()
    };
    let result =
        |kind, id: Uuid, title: Option<String>, text: &str, post_id, created_at| SearchResult {
            result_type: result_type(kind),
            id,
            title,
            excerpt: excerpt(text),
            post_id,
            created_at,
        };
    let mut found = Resolved::new();
    let post_ids: Vec<PostId> = ids(DocumentKind::Post)
        .into_iter()
        .map(PostId::from_uuid)
        .collect();
    for post in posts::find_readable_many(conn, reader, &post_ids)? {
        let id = post.id.as_uuid();
        let item = result(
            DocumentKind::Post,
            id,
            None,
            post.body.source(),
            None,
            Some(post.created_at),
        );
        found.insert((DocumentKind::Post, id), item);
    }
    let comment_ids: Vec<CommentId> = ids(DocumentKind::Comment)
        .into_iter()
        .map(CommentId::from_uuid)
        .collect();
    for comment in comments::find_readable_many(conn, reader, &comment_ids)? {
        let id = comment.id.as_uuid();
        let item = result(
            DocumentKind::Comment,
            id,
            None,
            comment.body.source(),
            Some(comment.post_id.as_uuid()),
            Some(comment.created_at),
        );
        found.insert((DocumentKind::Comment, id), item);
    }
    let event_ids: Vec<EventId> = ids(DocumentKind::Event)
        .into_iter()
        .map(EventId::from_uuid)
        .collect();
    for event in events::find_readable_many(conn, reader, &event_ids)? {
        let id = event.id.as_uuid();
        let item = result(
            DocumentKind::Event,
            id,
            Some(event.title.as_str().to_owned()),
            event.description.as_str(),
            None,
            Some(event.created_at),
        );
        found.insert((DocumentKind::Event, id), item);
    }
    // Groups (public directory entries), published resources and places: public, by id.
    let group_ids: Vec<GroupId> = ids(DocumentKind::Group)
        .into_iter()
        .map(GroupId::from_uuid)
        .collect();
    for g in groups::find_many(conn, &group_ids)? {
        let id = g.id.as_uuid();
        let item = result(
            DocumentKind::Group,
            id,
            Some(g.name.as_str().to_owned()),
            g.description.as_str(),
            None,
            Some(g.created_at),
        );
        found.insert((DocumentKind::Group, id), item);
    }
    let resource_ids: Vec<ResourceId> = ids(DocumentKind::Resource)
        .into_iter()
        .map(ResourceId::from_uuid)
        .collect();
    for (resource, versions) in resources::versions_of(conn, &resource_ids)? {
        let published = versions
            .into_iter()
            .find(|v| v.status == VersionStatus::Published);
        if let Some(v) = published {
            let id = resource.as_uuid();
            let item = result(
                DocumentKind::Resource,
                id,
                Some(v.content.title.as_str().to_owned()),
                v.content.summary.as_str(),
                None,
                v.published_at,
            );
            found.insert((DocumentKind::Resource, id), item);
        }
    }
    let place_ids: Vec<PlaceId> = ids(DocumentKind::Place)
        .into_iter()
        .map(PlaceId::from_uuid)
        .collect();
    for place in places::find_many(conn, &place_ids)? {
        let id = place.id.as_uuid();
        let text = format!("{}, {}", place.address.as_str(), place.city.as_str());
        let item = result(
            DocumentKind::Place,
            id,
            Some(place.name.as_str().to_owned()),
            &text,
            None,
            Some(place.created_at),
        );
        found.insert((DocumentKind::Place, id), item);
    }
    Ok(found)
}
