use actix_web::{get, web};
use entraide_domain::ids::StudyId;
use entraide_domain::member::PlatformRole;
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::research::Study as WireStudy;
use entraide_persistence::studies;

use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::pagination::IdCursor;
use crate::pagination::PageRequest;
use crate::state::AppState;
use crate::views::research::study_views;

/// List studies
///
/// Open and closed studies, newest first, for anyone (members read a study before
/// consenting); a researcher also sees their own drafts, a platform admin every draft.
#[utoipa::path(
    tag = "research",
    security((), ("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of studies", body = Page<WireStudy>),
        p::ListErrors,
    )
)]
#[get("/studies")]
pub async fn list_studies(
    state: web::Data<AppState>,
    reader: MaybeMember,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<WireStudy>>, ApiError> {
    let page = PageRequest::<IdCursor>::parse(&paging)?;
    let before = page.after.as_ref().map(|c| StudyId::from_uuid(c.id()));
    let fetch = page.fetch();
    let actor = reader.0;
    let items = db::read(&state, move |conn| {
        let found = studies::list(
            conn,
            actor.map(|a| a.id),
            actor.map_or(PlatformRole::Member, |a| a.role),
            before,
            fetch,
        )?;
        study_views(conn, found)
    })
    .await?;
    page.page(items, |s| IdCursor::of(s.id), |s| s)
        .map(web::Json)
}
