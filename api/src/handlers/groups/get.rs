use actix_web::{get, web};
use entraide_domain::group::can_read_content;
use entraide_domain::ids::GroupId;
use entraide_openapi::groups::Group;
use entraide_openapi::problem as p;
use uuid::Uuid;

use crate::access::groups::load;
use crate::convert::groups as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::state::AppState;

/// Get a group
///
/// A group's directory entry, with your standing in it and whether you may read its content.
#[utoipa::path(
    tag = "groups",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group's id")),
    responses(
        (status = 200, description = "The group", body = Group),
        p::ReadErrors,
    )
)]
#[get("/groups/{id}")]
pub async fn get_group(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<Group>, ApiError> {
    let id = GroupId::from_uuid(path.into_inner());
    let member = reader.0.map(|m| m.id);
    let (group, membership) = db::read(&state, move |conn| load(conn, id, member)).await?;
    let can_read = can_read_content(
        group.visibility,
        group.audience,
        reader.reader(),
        membership,
    );
    Ok(web::Json(convert::group(
        group,
        Some((membership, can_read)),
    )))
}
