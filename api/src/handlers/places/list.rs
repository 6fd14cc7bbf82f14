use actix_web::{get, web};
use entraide_domain::error::Errors;
use entraide_domain::ids::{ConditionId, PlaceId};
use entraide_domain::text::Title;
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::places::{Place, PlaceQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::places::{self, PlaceFilter, PlaceKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::convert::groups::audience_from_wire;
use crate::convert::places::{kind_from_wire, to_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::pagination::PageRequest;
use crate::state::AppState;

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Cursor {
    Distance { d: f64, i: Uuid },
    Name { n: String, i: Uuid },
}

/// Search places
///
/// Search the directory (public): near a point (`lat`, `lon`, `radius_km`: nearest first, each
/// with `distance_km`, great-circle), by `kind`, `condition_id`, `audience`, and by name, city
/// or postcode (`q`). Without a point, in name order.
#[utoipa::path(
    tag = "places",
    security((), ("bearer" = [])),
    params(PlaceQuery, PageQuery),
    responses(
        (status = 200, description = "A page of places", body = Page<Place>),
        p::ListErrors,
    )
)]
#[get("/places")]
pub async fn list_places(
    state: web::Data<AppState>,
    _reader: MaybeMember,
    query: web::Query<PlaceQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<Place>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let PlaceQuery {
        lat,
        lon,
        radius_km,
        kind,
        condition_id,
        audience,
        q,
    } = query.into_inner();
    let mut errors = Errors::new();
    let near = crate::parse::near_query(&mut errors, lat, lon, radius_km);
    let text = q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
    if text
        .as_ref()
        .is_some_and(|q| q.chars().count() > Title::MAX_CHARS)
    {
        errors.push(entraide_domain::FieldError::new(
            "q",
            "too_long",
            format!("must be at most {} characters", Title::MAX_CHARS),
        ));
    }
    errors.finish()?;
    let filter = PlaceFilter {
        near,
        kind: kind.map(kind_from_wire),
        condition_id: condition_id.map(ConditionId::from_uuid),
        audience: audience.map(audience_from_wire),
        text,
    };
    let after = match (&page.after, near) {
        (None, _) => None,
        (Some(Cursor::Distance { d, i }), Some(_)) => {
            Some(PlaceKey::Distance(*d, PlaceId::from_uuid(*i)))
        }
        (Some(Cursor::Name { n, i }), None) => {
            Some(PlaceKey::Name(n.clone(), PlaceId::from_uuid(*i)))
        }
        _ => {
            return Err(ApiError::BadRequest {
                code: ProblemCode::InvalidCursor,
                detail: "the cursor belongs to another search; start again without it".to_owned(),
            });
        }
    };
    let fetch = page.fetch();
    let found = db::read(&state, move |conn| {
        Ok(places::search(conn, &filter, after.as_ref(), fetch)?)
    })
    .await?;
    page.page(
        found,
        |(place, distance)| match distance {
            Some(d) => Cursor::Distance {
                d: *d,
                i: place.id.as_uuid(),
            },
            None => Cursor::Name {
                n: place.name.key(),
                i: place.id.as_uuid(),
            },
        },
        |(place, distance)| to_wire(place, distance),
    )
    .map(web::Json)
}
