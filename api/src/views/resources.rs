//! Resources as the wire shows them to an actor, in batches.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entraide_domain::ids::{CommitteeId, MemberId, ResourceId, VersionId};
use entraide_domain::resource::{
    Decision, Resource, Version, VersionStatus, can_see_work, review_overdue,
};
use entraide_openapi::resources as wire;
use entraide_persistence::{DbConnection, places, resources};

use crate::convert::resources::{audience_to, decision_to, kind_to, reviewer_ref, version_to_wire};
use crate::error::ApiError;

/// A resource as `actor` sees it: 404 when nothing of it is published and they may not see
/// the work in progress.
pub(crate) fn resource_to_wire(
    conn: &mut DbConnection,
    resource: Resource,
    actor: Option<MemberId>,
    now: DateTime<Utc>,
) -> Result<wire::Resource, ApiError> {
    resource_items(conn, vec![resource], actor, now)?
        .pop()
        .flatten()
        .ok_or(ApiError::NotFound)
}

/// What one resource shows, before its reviews are loaded.
struct Parts {
    resource: Resource,
    work: bool,
    published: Option<Version>,
    latest: Option<Version>,
}

/// Resources as `actor` sees them, in order: `None` for one with nothing published that they
/// may not see the work of. A fixed number of queries whatever the number of resources
/// (versions, committees, the actor's seats, reviews, reviewers).
pub(crate) fn resource_items(
    conn: &mut DbConnection,
    page: Vec<Resource>,
    actor: Option<MemberId>,
    now: DateTime<Utc>,
) -> Result<Vec<Option<wire::Resource>>, ApiError> {
    let ids: Vec<ResourceId> = page.iter().map(|r| r.id).collect();
    let mut committee_ids: Vec<CommitteeId> = page.iter().map(|r| r.committee_id).collect();
    committee_ids.sort();
    committee_ids.dedup();
    let (is_editor, seats) = match actor {
        Some(actor) => (
            places::is_editor(conn, actor)?,
            resources::expertise_of(conn, actor, &committee_ids)?,
        ),
        None => (false, HashMap::new()),
    };
    let mut versions = resources::versions_of(conn, &ids)?;
    let committees: HashMap<CommitteeId, wire::CommitteeRef> =
        resources::committees_by_id(conn, &committee_ids)?
            .into_iter()
            .map(|c| {
                let reference = wire::CommitteeRef {
                    id: c.id.as_uuid(),
                    name: c.name.as_str().to_owned(),
                };
                (c.id, reference)
            })
            .collect();
    let parts: Vec<Parts> = page
        .into_iter()
        .map(|resource| {
            let all = versions.remove(&resource.id).unwrap_or_default();
            let work = actor.is_some_and(|actor| {
                can_see_work(
                    actor,
                    resource.author_id,
                    is_editor,
                    seats.contains_key(&resource.committee_id),
                )
            });
            let published = all
                .iter()
                .find(|v| v.status == VersionStatus::Published)
                .cloned();
            let latest = all
                .into_iter()
                .next()
                .filter(|v| !matches!(v.status, VersionStatus::Published | VersionStatus::Archived))
                .filter(|_| work);
            Parts {
                resource,
                work,
                published,
                latest,
            }
        })
        .collect();

    let version_ids: Vec<VersionId> = parts
        .iter()
        .flat_map(|p| p.published.iter().chain(p.latest.iter()).map(|v| v.id))
        .collect();
    let mut reviews = resources::reviews_of(conn, &version_ids)?;
    let mut pairs: Vec<(CommitteeId, MemberId)> = parts
        .iter()
        .flat_map(|p| {
            p.published
                .iter()
                .chain(p.latest.iter())
                .flat_map(|v| reviews.get(&v.id).into_iter().flatten())
                .map(|r| (p.resource.committee_id, r.reviewer_id))
        })
        .collect();
    pairs.sort();
    pairs.dedup();
    let reviewers = resources::reviewers(conn, &pairs)?;
    let reference = |committee: CommitteeId, member: MemberId| {
        reviewers.get(&(committee, member)).map(reviewer_ref)
    };

    parts
        .into_iter()
        .map(|parts| {
            let Parts {
                resource,
                work,
                published,
                latest,
            } = parts;
            if published.is_none() && !work {
                return Ok(None);
            }
            let committee = committees
                .get(&resource.committee_id)
                .cloned()
                .ok_or_else(|| ApiError::internal("resource without committee"))?;
            let validation = match &published {
                Some(version) => {
                    let mut validators: Vec<MemberId> = Vec::new();
                    for review in reviews.get(&version.id).into_iter().flatten() {
                        if review.decision == Decision::Validate
                            && !validators.contains(&review.reviewer_id)
                        {
                            validators.push(review.reviewer_id);
                        }
                    }
                    let reviewers = validators
                        .into_iter()
                        .filter_map(|m| reference(resource.committee_id, m))
                        .collect();
                    match (version.validated_at, version.review_due_at) {
                        (Some(validated_at), Some(review_due_at)) => Some(wire::Validation {
                            committee: committee.clone(),
                            reviewers,
                            validated_at,
                            review_due_at,
                            review_overdue: review_overdue(Some(review_due_at), now),
                        }),
                        _ => None,
                    }
                }
                None => None,
            };
            let (working, review_items) = match latest {
                Some(version) => {
                    let items = reviews
                        .remove(&version.id)
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|r| {
                            Some(wire::ReviewItem {
                                reviewer: reference(resource.committee_id, r.reviewer_id)?,
                                decision: decision_to(r.decision),
                                comment: r.comment,
                                created_at: r.created_at,
                            })
                        })
                        .collect();
                    (Some(version_to_wire(version)), Some(items))
                }
                None => (None, None),
            };
            let Resource {
                id,
                kind,
                language,
                audience,
                committee_id: _,
                author_id: _,
                condition_ids,
                sponsor,
                created_at,
            } = resource;
            Ok(Some(wire::Resource {
                id: id.as_uuid(),
                kind: kind_to(kind),
                language,
                audience: audience_to(audience),
                condition_ids: condition_ids.iter().map(|c| c.as_uuid()).collect(),
                committee,
                published: published.map(version_to_wire),
                validation,
                working,
                reviews: review_items,
                sponsor: crate::convert::sponsors::sponsor(sponsor),
                created_at,
            }))
        })
        .collect()
}
