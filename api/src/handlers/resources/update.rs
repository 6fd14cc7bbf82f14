use actix_web::{patch, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::ids::ResourceId;
use entraide_domain::resource::{EditOutcome, VersionStatus, edit};
use entraide_openapi::problem as p;
use entraide_openapi::resources::{Resource, UpdateResourceRequest};
use entraide_persistence::{places, resources};
use uuid::Uuid;

use crate::access::resources::{load, sees_work};
use crate::convert::resources::audience_from;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::parse::{condition_ids, parse_content, unknown_condition};
use crate::state::AppState;
use crate::views::resources::resource_to_wire;

/// Update a resource
///
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
        p::WriteErrors, p::Conflict,
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
        sponsor,
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
        let sponsor = crate::convert::sponsors::parse_change(&mut errors, sponsor);
        errors.finish()?;
        if let Some(content) = content {
            let versions = resources::versions(conn, id)?;
            let latest = versions.first();
            match edit(latest.map(|v| v.status))? {
                EditOutcome::InPlace => {
                    if let Some(latest) = latest {
                        resources::update_version(conn, latest.id, &content, now)?;
                    }
                }
                EditOutcome::NewVersion => {
                    let number = latest.map_or(1, |v| v.number + 1);
                    resources::insert_version(conn, id, number, &content, member.id, now)?;
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
        if let Some(sponsor) = sponsor {
            resources::set_sponsor(conn, id, sponsor.as_ref(), now)?;
        }
        let resource = load(conn, id)?;
        resource_to_wire(conn, resource, Some(member.id), now)
    })
    .await?;
    Ok(web::Json(resource))
}
