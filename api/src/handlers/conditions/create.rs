use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::condition::{ConditionInput, NewCondition};
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
/// Add a condition to the catalogue (platform admins). Names and ORPHA codes are unique; each
/// code is checked for its system's form (422 with the field).
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
        name_fr,
        name_en,
        orpha_code,
        icd10_code,
        icd11_code,
        snomed_code,
        mesh_code,
    } = body.into_inner();
    let new = NewCondition::parse(ConditionInput {
        name: Some(&name),
        name_fr: name_fr.as_deref(),
        name_en: name_en.as_deref(),
        orpha_code: orpha_code.as_deref(),
        icd10_code: icd10_code.as_deref(),
        icd11_code: icd11_code.as_deref(),
        snomed_code: snomed_code.as_deref(),
        mesh_code: mesh_code.as_deref(),
    })?;
    can_manage_conditions(member.role)?;
    let condition = db::write(&state, move |conn| {
        Ok(conditions::insert(conn, &new, Utc::now())?)
    })
    .await?;
    Ok(HttpResponse::Created().json(convert::condition(condition)))
}
