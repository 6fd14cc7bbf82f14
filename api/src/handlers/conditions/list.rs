use actix_web::{get, web};
use entraide_domain::condition::ConditionCode;
use entraide_domain::ids::ConditionId;
use entraide_openapi::conditions::{Condition, ConditionQuery};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::conditions::{self, ConditionKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::convert;
use crate::db;
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// The key a page of conditions continues after.
#[derive(Serialize, Deserialize)]
struct Cursor {
    n: String,
    i: Uuid,
}

/// List conditions
///
/// The conditions communities form around, in name order. Public. `?code=ORPHA:586` (or
/// `ICD10:`, `ICD11:`, `SNOMED:`, `MESH:`) finds a condition by its code.
#[utoipa::path(
    tag = "conditions",
    params(ConditionQuery, PageQuery),
    responses(
        (status = 200, description = "A page of conditions", body = Page<Condition>),
        p::BadRequest, p::UnprocessableEntity, p::ServerErrors,
    )
)]
#[get("/conditions")]
pub async fn list_conditions(
    state: web::Data<AppState>,
    filter: web::Query<ConditionQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<Condition>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let ConditionQuery { q, code } = filter.into_inner();
    let code = match code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(raw) => Some(ConditionCode::parse(raw).map_err(|_| {
            ApiError::BadRequest {
                code: ProblemCode::InvalidQuery,
                detail:
                    "code must be SYSTEM:value, SYSTEM one of ORPHA, ICD10, ICD11, SNOMED, MESH \
                     (e.g. ORPHA:586)"
                        .to_owned(),
            }
        })?),
        None => None,
    };
    let query = match q.map(|q| q.trim().to_owned()) {
        Some(q) if q.chars().count() > 100 => {
            return Err(ApiError::field(
                "q",
                "too_long",
                "must be at most 100 characters",
            ));
        }
        Some(q) if q.is_empty() => None,
        other => other,
    };
    let after = page.after.as_ref().map(|c| ConditionKey {
        name_key: c.n.clone(),
        id: ConditionId::from_uuid(c.i),
    });
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        Ok(conditions::list(
            conn,
            query.as_deref(),
            code.as_ref(),
            after.as_ref(),
            fetch,
        )?)
    })
    .await?;
    page.page(
        items,
        |c| {
            let key = ConditionKey::of(c);
            Cursor {
                n: key.name_key,
                i: key.id.as_uuid(),
            }
        },
        convert::condition,
    )
    .map(web::Json)
}
