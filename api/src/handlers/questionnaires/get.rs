use actix_web::{HttpResponse, get, put, web};
use chrono::Utc;
use entraide_domain::ids::QuestionnaireId;
use entraide_domain::research::can_change_protocol;
use entraide_openapi::problem as p;
use entraide_openapi::research::{
    FhirResource, Questionnaire as WireQuestionnaire, QuestionnaireInput,
};
use entraide_persistence::questionnaires;
use uuid::Uuid;

use crate::access::research::{lock_questionnaire, managed_study, readable_questionnaire};
use crate::convert::research::{parse_questionnaire, questionnaire_to_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, MaybeMember};
use crate::json::Json;
use crate::state::AppState;
use crate::views::research::fhir_questionnaire;

/// Get a questionnaire
///
/// A questionnaire at its current version, when the reader may see its study (a draft
/// study's questionnaires are 404 to all but its researcher and platform admins).
#[utoipa::path(
    tag = "research",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The questionnaire's id")),
    responses(
        (status = 200, description = "The questionnaire", body = WireQuestionnaire),
        p::ReadErrors,
    )
)]
#[get("/questionnaires/{id}")]
pub async fn get_questionnaire(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<WireQuestionnaire>, ApiError> {
    let id = QuestionnaireId::from_uuid(path.into_inner());
    let reader = reader.0;
    let (questionnaire, _) =
        db::read(&state, move |conn| readable_questionnaire(conn, id, reader)).await?;
    Ok(web::Json(questionnaire_to_wire(&questionnaire)))
}

/// A questionnaire as FHIR
///
/// The questionnaire at its current version as an HL7 FHIR R4 `Questionnaire` resource
/// (`application/fhir+json`), for hospital systems.
#[utoipa::path(
    tag = "research",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The questionnaire's id")),
    responses(
        (status = 200, description = "A FHIR R4 Questionnaire",
            content((FhirResource = "application/fhir+json"))),
        p::ReadErrors,
    )
)]
#[get("/questionnaires/{id}/fhir")]
pub async fn get_questionnaire_fhir(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = QuestionnaireId::from_uuid(path.into_inner());
    let reader = reader.0;
    let (questionnaire, study) =
        db::read(&state, move |conn| readable_questionnaire(conn, id, reader)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/fhir+json")
        .json(fhir_questionnaire(&questionnaire, &study)))
}

/// Change a questionnaire
///
/// Replaces the title, schedule and items. Once answers exist on the current version, the
/// items become a new version (answers keep the version they were given on); before, the
/// current version is corrected in place. The study's researcher or a platform admin, until
/// the study closes (409 `study_closed`).
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The questionnaire's id")),
    request_body = QuestionnaireInput,
    responses(
        (status = 200, description = "The questionnaire, at its new current version", body = WireQuestionnaire),
        p::WriteErrors, p::Conflict,
    )
)]
#[put("/questionnaires/{id}")]
pub async fn replace_questionnaire(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
    body: Json<QuestionnaireInput>,
) -> Result<web::Json<WireQuestionnaire>, ApiError> {
    let id = QuestionnaireId::from_uuid(path.into_inner());
    let new = parse_questionnaire(body.into_inner())?;
    let replaced = db::write(&state, move |conn| {
        lock_questionnaire(conn, id)?;
        let (questionnaire, _) = readable_questionnaire(conn, id, Some(actor))?;
        let study = managed_study(conn, questionnaire.study_id, actor)?;
        can_change_protocol(study.status)?;
        Ok(questionnaires::replace(conn, id, &new, Utc::now())?)
    })
    .await?;
    Ok(web::Json(questionnaire_to_wire(&replaced)))
}
