use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::condition::NewCondition;
use entraide_domain::member::can_manage_conditions;
use entraide_openapi::conditions::{Condition, CreateConditionRequest};
use entraide_openapi::problem as p;
use entraide_persistence::conditions;

use crate::convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

/// Add a condition
///
/// Add a condition to the catalogue (platform admins). Names and ORPHA codes are unique.
#[utoipa::path(
    tag = "conditions",
    security(("bearer" = [])),
    request_body = CreateConditionRequest,
    responses(
        (status = 201, description = "Added", body = Condition),
        p::BodyErrors, p::Forbidden, p::Conflict,
    )
)]
#[post("/conditions")]
pub async fn create_condition(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<CreateConditionRequest>,
) -> Result<HttpResponse, ApiError> {
    let CreateConditionRequest {
        name,
        orpha_code,
        icd10_code,
    } = body.into_inner();
    let new = NewCondition::parse(&name, orpha_code.as_deref(), icd10_code.as_deref())?;
    can_manage_conditions(member.role)?;
    let condition = db::write(&state, move |conn| {
        Ok(conditions::insert(conn, &new, Utc::now())?)
    })
    .await?;
    Ok(HttpResponse::Created().json(convert::condition(condition)))
}
