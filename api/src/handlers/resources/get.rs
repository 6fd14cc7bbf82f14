use actix_web::{get, web};
use chrono::Utc;
use entraide_domain::ids::ResourceId;
use entraide_domain::resource::VersionStatus;
use entraide_openapi::problem as p;
use entraide_openapi::resources::{Resource, ResourceVersion};
use entraide_persistence::resources;
use uuid::Uuid;

use crate::access::resources::{load, sees_work};
use crate::convert::resources::version_to_wire;
use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::state::AppState;
use crate::views::resources::resource_to_wire;

/// Get a resource
///
/// A resource: its published version with "validated by … on …", and — for its author, editors
/// and its committee — the version being worked on with its reviews. 404 when nothing of it is
/// published and you may not see the work.
#[utoipa::path(
    tag = "resources",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The resource's id")),
    responses(
        (status = 200, description = "The resource", body = Resource),
        p::ReadErrors,
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

/// List a resource's versions
///
/// A resource's version history, newest first: every version for its author, editors and
/// committee; the published and archived ones for everyone else.
#[utoipa::path(
    tag = "resources",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The resource's id")),
    responses(
        (status = 200, description = "The versions", body = Vec<ResourceVersion>),
        p::ReadErrors,
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
