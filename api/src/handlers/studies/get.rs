use actix_web::{get, web};
use entraide_domain::ids::StudyId;
use entraide_openapi::problem as p;
use entraide_openapi::research::Study as WireStudy;
use uuid::Uuid;

use crate::access::research::readable_study;
use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::state::AppState;
use crate::views::research::study_view;

/// Get a study
///
/// A study with its current consent text: a public page once open (members read it before
/// consenting). A draft is 404 to all but its researcher and platform admins.
#[utoipa::path(
    tag = "research",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The study's id")),
    responses(
        (status = 200, description = "The study", body = WireStudy),
        p::ReadErrors,
    )
)]
#[get("/studies/{id}")]
pub async fn get_study(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<WireStudy>, ApiError> {
    let id = StudyId::from_uuid(path.into_inner());
    let reader = reader.0;
    db::read(&state, move |conn| {
        let study = readable_study(conn, id, reader)?;
        study_view(conn, study)
    })
    .await
    .map(web::Json)
}
