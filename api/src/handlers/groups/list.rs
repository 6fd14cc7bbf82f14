use actix_web::{get, web};
use entraide_domain::group::GroupName;
use entraide_domain::ids::AssociationId;
use entraide_domain::ids::{ConditionId, GroupId};
use entraide_openapi::groups::{Group, GroupQuery};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_persistence::groups::{self, GroupFilter, GroupKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::convert::groups as convert;
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

/// List groups
///
/// The group directory, in name order: filter by text, condition, audience, or your own groups.
/// Every group is listed (names are public); reading content is another matter.
#[utoipa::path(
    tag = "groups",
    security((), ("bearer" = [])),
    params(GroupQuery, PageQuery),
    responses(
        (status = 200, description = "A page of groups", body = Page<Group>),
        p::ListErrors,
    )
)]
#[get("/groups")]
pub async fn list_groups(
    state: web::Data<AppState>,
    reader: MaybeMember,
    query: web::Query<GroupQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<Group>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let GroupQuery {
        q,
        condition_id,
        audience,
        mine,
        association_id,
        sponsored,
    } = query.into_inner();
    let q = q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
    if q.as_ref()
        .is_some_and(|q| q.chars().count() > GroupName::MAX_CHARS)
    {
        return Err(ApiError::field(
            "q",
            "too_long",
            "must be at most 80 characters",
        ));
    }
    let member = match (mine.unwrap_or(false), reader.0) {
        (false, _) => None,
        (true, Some(member)) => Some(member.id),
        (true, None) => return Err(ApiError::Unauthenticated),
    };
    let filter = GroupFilter {
        query: q,
        condition_id: condition_id.map(ConditionId::from_uuid),
        audience: audience.map(convert::audience_from_wire),
        member,
        association_id: association_id.map(AssociationId::from_uuid),
        sponsored,
        // The directory lists every group (names are public); a condition's hub does not.
        readable_to: None,
    };
    let after = page.after.as_ref().map(|c| GroupKey {
        name_key: c.n.clone(),
        id: GroupId::from_uuid(c.i),
    });
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        Ok(groups::list(conn, &filter, after.as_ref(), fetch)?)
    })
    .await?;
    page.page(
        items,
        |g| Cursor {
            n: g.name.key(),
            i: g.id.as_uuid(),
        },
        |g| convert::group(g, None),
    )
    .map(web::Json)
}
