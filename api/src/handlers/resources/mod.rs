//! The resource library: committees, resources, versions and the review workflow.

pub mod committees;
pub mod create;
pub mod get;
pub mod list;
pub mod workflow;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entraide_domain::error::Errors;
use entraide_domain::ids::{CommitteeId, MemberId, ResourceId, VersionId};
use entraide_domain::post::Body;
use entraide_domain::resource::{
    Content, Decision, Expertise, Resource, ResourceAudience, ResourceKind, Version, VersionStatus,
    can_see_work, parse_isbn, review_overdue,
};
use entraide_domain::text::{Description, Label, Title, WebUrl};
use entraide_openapi::resources as wire;
use entraide_persistence::{DbConnection, places, resources};

use crate::convert::kind_to_wire;
use crate::error::ApiError;

/// Writes the `match`es between a domain enum and its wire twin, both ways.
macro_rules! enum_conversions {
    ($to:ident, $from:ident, $domain:ty, $wire:ty, [$($variant:ident),+ $(,)?]) => {
        pub(crate) fn $to(value: $domain) -> $wire {
            match value {
                $(<$domain>::$variant => <$wire>::$variant),+
            }
        }
        #[allow(dead_code, reason = "not every enum is read from the wire")]
        pub(crate) fn $from(value: $wire) -> $domain {
            match value {
                $(<$wire>::$variant => <$domain>::$variant),+
            }
        }
    };
}

enum_conversions!(
    kind_to,
    kind_from,
    ResourceKind,
    wire::ResourceKind,
    [FactSheet, Video, Book, Link, Document]
);
enum_conversions!(
    audience_to,
    audience_from,
    ResourceAudience,
    wire::ResourceAudience,
    [Patients, Caregivers, Everyone]
);
enum_conversions!(
    status_to,
    status_from,
    VersionStatus,
    wire::VersionStatus,
    [
        Draft,
        Submitted,
        InReview,
        ChangesRequested,
        Rejected,
        Validated,
        Published,
        Archived
    ]
);
enum_conversions!(
    decision_to,
    decision_from,
    Decision,
    wire::Decision,
    [Validate, RequestChanges, Reject]
);
enum_conversions!(
    expertise_to,
    expertise_from,
    Expertise,
    wire::Expertise,
    [
        Physician,
        Nurse,
        Pharmacist,
        Psychologist,
        PatientExpert,
        SocialWorker,
        Researcher,
        Other
    ]
);

/// The most tags or sources a version carries.
const MAX_LIST: usize = 50;

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
    input: wire::ContentInput,
) -> Option<Content> {
    let wire::ContentInput {
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
    if duration_seconds.is_some_and(|d| !(1..=86_400).contains(&d)) {
        errors.push(entraide_domain::FieldError::new(
            prefix("duration_seconds"),
            "out_of_range",
            "must be between 1 and 86400",
        ));
    }
    if year.is_some_and(|y| !(1450..=2100).contains(&y)) {
        errors.push(entraide_domain::FieldError::new(
            prefix("year"),
            "out_of_range",
            "must be between 1450 and 2100",
        ));
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

fn content_to_wire(content: Content) -> wire::ContentOutput {
    let Content {
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
    } = content;
    let text = |l: Option<Label>| l.map(|l| l.as_str().to_owned());
    wire::ContentOutput {
        title: title.as_str().to_owned(),
        summary: summary.as_str().to_owned(),
        body_html: body.as_ref().map(|b| b.html().to_owned()),
        body: body.map(|b| b.source().to_owned()),
        url: url.map(|u| u.as_str().to_owned()),
        provider: text(provider),
        duration_seconds,
        book_authors: text(book_authors),
        publisher: text(publisher),
        year,
        isbn,
        format: text(format),
        tags: tags.iter().map(|t| t.as_str().to_owned()).collect(),
        sources: sources.iter().map(|s| s.as_str().to_owned()).collect(),
    }
}

pub(crate) fn version_to_wire(version: Version) -> wire::ResourceVersion {
    let Version {
        id: _,
        resource_id: _,
        number,
        status,
        content,
        created_by: _,
        created_at,
        updated_at: _,
        submitted_at,
        validated_at,
        review_due_at,
        published_at,
    } = version;
    wire::ResourceVersion {
        number,
        status: status_to(status),
        content: content_to_wire(content),
        created_at,
        submitted_at,
        validated_at,
        published_at,
        review_due_at,
    }
}

/// May `actor` see the resource's work in progress?
pub(crate) fn sees_work(
    conn: &mut DbConnection,
    resource: &Resource,
    actor: Option<MemberId>,
) -> Result<bool, ApiError> {
    let Some(actor) = actor else {
        return Ok(false);
    };
    let is_editor = places::is_editor(conn, actor)?;
    let in_committee = resources::expertise_in(conn, resource.committee_id, actor)?.is_some();
    Ok(can_see_work(
        actor,
        resource.author_id,
        is_editor,
        in_committee,
    ))
}

fn reviewer_ref(reviewer: &resources::Reviewer) -> wire::ReviewerRef {
    wire::ReviewerRef {
        member: entraide_openapi::groups::MemberSummary {
            id: reviewer.member_id.as_uuid(),
            pseudonym: reviewer.pseudonym.as_str().to_owned(),
            kind: kind_to_wire(reviewer.kind),
        },
        expertise: reviewer.expertise.map(expertise_to),
    }
}

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
                created_at,
            }))
        })
        .collect()
}

/// The resource; 404 when there is none.
pub(crate) fn load(conn: &mut DbConnection, id: ResourceId) -> Result<Resource, ApiError> {
    resources::find(conn, id)?.ok_or(ApiError::NotFound)
}
