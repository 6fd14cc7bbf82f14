use actix_web::{get, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::ids::{ConditionId, ResourceId};
use entraide_domain::resource::parse_language;
use entraide_domain::text::Title;
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::resources::{Resource, ResourceQuery};
use entraide_persistence::resources::{self, ResourceFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::convert::resources::{audience_from, kind_from};
use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::pagination::PageRequest;
use crate::state::AppState;
use crate::views::resources::resource_items;

#[derive(Serialize, Deserialize)]
struct Cursor {
    t: String,
    i: Uuid,
}

/// List the library
///
/// The library: published resources only, in title order, with their validation — filtered by
/// `kind`, `condition_id`, `audience`, `language` and title text (`q`).
#[utoipa::path(
    tag = "resources",
    security((), ("bearer" = [])),
    params(ResourceQuery, PageQuery),
    responses(
        (status = 200, description = "A page of resources", body = Page<Resource>),
        p::ListErrors,
    )
)]
#[get("/resources")]
pub async fn list_resources(
    state: web::Data<AppState>,
    reader: MaybeMember,
    query: web::Query<ResourceQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<Resource>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let ResourceQuery {
        kind,
        condition_id,
        audience,
        language,
        q,
        sponsored,
    } = query.into_inner();
    let mut errors = Errors::new();
    let language = language.and_then(|l| errors.check("language", parse_language(&l)));
    let text = q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
    if text
        .as_ref()
        .is_some_and(|q| q.chars().count() > Title::MAX_CHARS)
    {
        errors.push(entraide_domain::FieldError::new(
            "q",
            "too_long",
            "must be at most 120 characters",
        ));
    }
    errors.finish()?;
    let filter = ResourceFilter {
        kind: kind.map(kind_from),
        condition_id: condition_id.map(ConditionId::from_uuid),
        audience: audience.map(audience_from),
        language,
        text,
        sponsored,
    };
    let after = page
        .after
        .as_ref()
        .map(|c| (c.t.clone(), ResourceId::from_uuid(c.i)));
    let fetch = page.fetch();
    let me = reader.0.map(|m| m.id);
    let now = Utc::now();
    let items = db::read(&state, move |conn| {
        let found = resources::list_published(conn, &filter, after, fetch)?;
        let (resources, keys): (Vec<_>, Vec<_>) = found
            .into_iter()
            .map(|(resource, version)| (resource, version.content.title.key()))
            .unzip();
        let items = resource_items(conn, resources, me, now)?;
        // Every listed resource is published, so each has an item.
        Ok(keys
            .into_iter()
            .zip(items)
            .filter_map(|(key, item)| item.map(|item| (key, item)))
            .collect::<Vec<_>>())
    })
    .await?;
    page.page(
        items,
        |(key, r)| Cursor {
            t: key.clone(),
            i: r.id,
        },
        |(_, r)| r,
    )
    .map(web::Json)
}
