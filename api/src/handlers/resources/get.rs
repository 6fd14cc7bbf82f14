use actix_web::{get, patch, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::ids::ResourceId;
use entraide_domain::resource::{EditOutcome, VersionStatus, WorkflowRefusal, edit};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_openapi::resources::{Resource, ResourceVersion, UpdateResourceRequest};
use entraide_persistence::{places, resources};
use uuid::Uuid;

use super::{audience_from, load, parse_content, resource_to_wire, sees_work, version_to_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, MaybeMember};
use crate::handlers::conditions::{condition_ids, unknown_condition};
use crate::json::Json;
use crate::state::AppState;

/// A resource: its published version with "validated by … on …", and — for its author, editors
/// and its committee — the version being worked on with its reviews. 404 when nothing of it is
/// published and you may not see the work.
#[utoipa::path(
    tag = "resources",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The resource's id")),
    responses(
        (status = 200, description = "The resource", body = Resource),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
        (status = 500, response = p::InternalError),
        (status = 503, response = p::ServiceUnavailable),
    )
)]
#[get("/resources/{id}")]
pub async fn get_resource(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<Resource>, ApiError> {
    let id = ResourceId::from_uuid(path.into_inner());
    let me = reader.0.map(|m| m.id);
    let resource = db::read(&state, move |conn| {
        let resource = load(conn, id)?;
        resource_to_wire(conn, resource, me, Utc::now())
    })
    .await?;
    Ok(web::Json(resource))
}

/// Change a resource (its author and editors). New content edits the working draft (a version
/// sent back or refused becomes a draft again); on a published resource it starts a new draft
/// version while the validated one stays published. A version under review cannot change (409
/// `under_review`).
#[utoipa::path(
    tag = "resources",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The resource's id")),
    request_body = UpdateResourceRequest,
    responses(
        (status = 200, description = "The resource as changed", body = Resource),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
        (status = 413, response = p::PayloadTooLarge),
        (status = 415, response = p::UnsupportedMediaType),
        (status = 422, response = p::UnprocessableEntity),
        (status = 500, response = p::InternalError),
        (status = 503, response = p::ServiceUnavailable),
    )
)]
#[patch("/resources/{id}")]
pub async fn update_resource(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<UpdateResourceRequest>,
) -> Result<web::Json<Resource>, ApiError> {
    let id = ResourceId::from_uuid(path.into_inner());
    let UpdateResourceRequest {
        content,
        audience,
        condition_ids: conditions,
    } = body.into_inner();
    let now = Utc::now();
    let resource = db::write(&state, move |conn| {
        let resource = load(conn, id)?;
        let is_editor = places::is_editor(conn, member.id)?;
        if member.id != resource.author_id && !is_editor {
            // Outsiders learn nothing of unpublished resources.
            return Err(if sees_work(conn, &resource, Some(member.id))? {
                ApiError::Forbidden
            } else {
                resources::versions(conn, id)?
                    .iter()
                    .find(|v| v.status == VersionStatus::Published)
                    .map_or(ApiError::NotFound, |_| ApiError::Forbidden)
            });
        }
        let mut errors = Errors::new();
        let content = content.and_then(|c| parse_content(&mut errors, resource.kind, c));
        let conditions = conditions.map(|c| condition_ids(&mut errors, "condition_ids", c));
        errors.finish()?;
        if let Some(content) = content {
            let versions = resources::versions(conn, id)?;
            let latest = versions.first();
            match edit(latest.map(|v| v.status)) {
                Ok(EditOutcome::InPlace) => {
                    if let Some(latest) = latest {
                        resources::update_version(conn, latest.id, &content, now)?;
                    }
                }
                Ok(EditOutcome::NewVersion) => {
                    let number = latest.map_or(1, |v| v.number + 1);
                    resources::insert_version(conn, id, number, &content, member.id, now)?;
                }
                Err(
                    WorkflowRefusal::InvalidTransition
                    | WorkflowRefusal::NotAllowed
                    | WorkflowRefusal::OwnResource,
                ) => {
                    return Err(ApiError::Conflict {
                        code: ProblemCode::UnderReview,
                        field: None,
                    });
                }
            }
        }
        if let Some(conditions) = conditions {
            resources::set_conditions(conn, id, &conditions)
                .map_err(unknown_condition("condition_ids"))?;
        }
        if let Some(audience) = audience {
            resources::set_audience(conn, id, audience_from(audience), now)?;
        }
        let resource = load(conn, id)?;
        resource_to_wire(conn, resource, Some(member.id), now)
    })
    .await?;
    Ok(web::Json(resource))
}

/// A resource's version history, newest first: every version for its author, editors and
/// committee; the published and archived ones for everyone else.
#[utoipa::path(
    tag = "resources",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The resource's id")),
    responses(
        (status = 200, description = "The versions", body = Vec<ResourceVersion>),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
        (status = 500, response = p::InternalError),
        (status = 503, response = p::ServiceUnavailable),
    )
)]
#[get("/resources/{id}/versions")]
pub async fn list_versions(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<Vec<ResourceVersion>>, ApiError> {
    let id = ResourceId::from_uuid(path.into_inner());
    let me = reader.0.map(|m| m.id);
    let versions = db::read(&state, move |conn| {
        let resource = load(conn, id)?;
        let work = sees_work(conn, &resource, me)?;
        let versions: Vec<_> = resources::versions(conn, id)?
            .into_iter()
            .filter(|v| {
                work || matches!(v.status, VersionStatus::Published | VersionStatus::Archived)
            })
            .collect();
        if versions.is_empty() {
            return Err(ApiError::NotFound);
        }
        Ok(versions)
    })
    .await?;
    Ok(web::Json(
        versions.into_iter().map(version_to_wire).collect(),
    ))
}
