use actix_web::{get, web};
use entraide_domain::ids::{AssociationId, ConditionId};
use entraide_domain::text::Title;
use entraide_openapi::associations::{Association, AssociationQuery};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_persistence::associations::{self, AssociationFilter, AssociationKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::convert::associations as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::pagination::PageRequest;
use crate::state::AppState;

#[derive(Serialize, Deserialize)]
struct Cursor {
    n: String,
    i: Uuid,
}

/// List associations
///
/// The association directory, in name order: filter by name, condition, status (`verified`
/// for the badge), or `mine=true` for those you belong to.
#[utoipa::path(
    tag = "associations",
    security((), ("bearer" = [])),
    params(AssociationQuery, PageQuery),
    responses(
        (status = 200, description = "A page of associations", body = Page<Association>),
        p::ListErrors,
    )
)]
#[get("/associations")]
pub async fn list_associations(
    state: web::Data<AppState>,
    reader: MaybeMember,
    query: web::Query<AssociationQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<Association>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let AssociationQuery {
        q,
        condition_id,
        status,
        mine,
        sponsored,
    } = query.into_inner();
    let q = q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
    if q.as_ref()
        .is_some_and(|q| q.chars().count() > Title::MAX_CHARS)
    {
        return Err(ApiError::field(
            "q",
            "too_long",
            format!("must be at most {} characters", Title::MAX_CHARS),
        ));
    }
    let member = match (mine.unwrap_or(false), reader.0) {
        (false, _) => None,
        (true, Some(member)) => Some(member.id),
        (true, None) => return Err(ApiError::Unauthenticated),
    };
    let filter = AssociationFilter {
        query: q,
        condition_id: condition_id.map(ConditionId::from_uuid),
        status: status.map(convert::status_from_wire),
        member,
        sponsored,
    };
    let after = page.after.as_ref().map(|c| AssociationKey {
        name_key: c.n.clone(),
        id: AssociationId::from_uuid(c.i),
    });
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        Ok(associations::list(conn, &filter, after.as_ref(), fetch)?)
    })
    .await?;
    page.page(
        items,
        |a| Cursor {
            n: a.name.key(),
            i: a.id.as_uuid(),
        },
        |a| convert::association(a, None),
    )
    .map(web::Json)
}
