use actix_web::{post, web};
use chrono::Utc;
use entraide_domain::ids::ResourceId;
use entraide_domain::resource::{
    Decision, ReviewNote, Tally, VersionStatus, review, review_due, review_overdue, submit,
};
use entraide_domain::verification::{may_review, shown};
use entraide_openapi::problem as p;
use entraide_openapi::resources::{Resource, ReviewRequest};
use entraide_persistence::{places, resources};
use uuid::Uuid;

use crate::access::resources::{load, sees_work};
use crate::convert::resources::decision_from;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::notices;
use crate::state::AppState;
use crate::views::resources::resource_to_wire;

/// Submit a resource for review
///
/// Submit the working version for review (its author or an editor), from `draft` or
/// `changes_requested`; any other status is 409 `invalid_transition`.
#[utoipa::path(
    tag = "resources",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The resource's id")),
    responses(
        (status = 200, description = "Submitted", body = Resource),
        p::ActionErrors, p::Conflict,
    )
)]
#[post("/resources/{id}/submit")]
pub async fn submit_resource(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<Resource>, ApiError> {
    let id = ResourceId::from_uuid(path.into_inner());
    let now = Utc::now();
    let resource = db::write(&state, move |conn| {
        let resource = load(conn, id)?;
        if !sees_work(conn, &resource, Some(member.id))? {
            return Err(ApiError::NotFound);
        }
        let latest = resources::versions(conn, id)?
            .into_iter()
            .next()
            .ok_or(ApiError::NotFound)?;
        let is_editor = places::is_editor(conn, member.id)?;
        let next = submit(latest.status, member.id, resource.author_id, is_editor)
            .map_err(ApiError::from)?;
        resources::set_status(conn, latest.id, next, now)?;
        resource_to_wire(conn, resource, Some(member.id), now)
    })
    .await?;
    Ok(web::Json(resource))
}

/// Review a resource
///
/// Review the submitted version (members of the resource's committee, never on their own
/// resource: 403 `own_resource`). `validate` publishes it once the committee's quorum of
/// validations is reached (the re-review date is `review_in_months` later, 24 by default) —
/// and renews a published resource past its re-review date;
/// `request_changes` sends it back to its author; `reject` refuses it. A comment is required
/// unless validating. A committee that requires verified reviewers refuses a member showing
/// no verified status (403 `verification_required`).
#[utoipa::path(
    tag = "resources",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The resource's id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "Reviewed", body = Resource),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/resources/{id}/reviews")]
pub async fn review_resource(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<ReviewRequest>,
) -> Result<web::Json<Resource>, ApiError> {
    let id = ResourceId::from_uuid(path.into_inner());
    let ReviewRequest {
        decision,
        comment,
        review_in_months,
    } = body.into_inner();
    let decision = decision_from(decision);
    let ReviewNote { comment, months } =
        ReviewNote::parse(decision, comment.as_deref(), review_in_months)?;
    let now = Utc::now();
    let (resource, woken) = db::write(&state, move |conn| {
        let resource = load(conn, id)?;
        if !sees_work(conn, &resource, Some(member.id))? {
            return Err(ApiError::NotFound);
        }
        let committee = resources::find_committee(conn, resource.committee_id)?
            .ok_or_else(|| ApiError::internal("resource without committee"))?;
        let in_committee = resources::expertise_in(conn, committee.id, member.id)?.is_some();
        if in_committee {
            let granted = entraide_persistence::verification::granted(conn, member.id)?;
            may_review(
                committee.requires_verified_reviewers,
                shown(granted, member.kind),
            )
            .map_err(ApiError::from)?;
        }
        let latest = resources::versions(conn, id)?
            .into_iter()
            .next()
            .ok_or(ApiError::NotFound)?;
        let previous = resources::reviews(conn, latest.id)?;
        let mut validators: Vec<_> = previous
            .iter()
            .filter(|r| r.decision == Decision::Validate)
            .map(|r| r.reviewer_id)
            .collect();
        let reviewer_validated = validators.contains(&member.id);
        if decision == Decision::Validate {
            validators.push(member.id);
        }
        let next = review(
            latest.status,
            decision,
            member.id,
            resource.author_id,
            in_committee,
            Tally::new(
                u32::try_from(validators.len()).unwrap_or(u32::MAX),
                u32::try_from(committee.quorum).unwrap_or(1),
                review_overdue(latest.review_due_at, now),
            )
            .reviewer_validated(reviewer_validated),
        )
        .map_err(ApiError::from)?;
        resources::add_review(conn, latest.id, member.id, decision, comment.as_str(), now)?;
        let mut woken = Vec::new();
        if next == VersionStatus::Validated {
            resources::publish(conn, &latest, review_due(now, months), now)?;
            woken = notices::resource_validated(conn, &resource, now)?;
        } else if next == VersionStatus::Published {
            resources::revalidate(conn, latest.id, review_due(now, months), now)?;
            woken = notices::resource_validated(conn, &resource, now)?;
        } else {
            resources::set_status(conn, latest.id, next, now)?;
        }
        Ok((
            resource_to_wire(conn, resource, Some(member.id), now)?,
            woken,
        ))
    })
    .await?;
    state.hub.wake(&woken);
    Ok(web::Json(resource))
}
