use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entraide_domain::ids::{QuestionnaireId, StudyId};
use entraide_domain::research::{MAX_QUESTIONNAIRES, can_change_protocol};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_openapi::research::{Questionnaire as WireQuestionnaire, QuestionnaireInput};
use entraide_persistence::questionnaires;
use uuid::Uuid;

use crate::access::research::{managed_study, readable_study};
use crate::convert::research::{parse_questionnaire, questionnaire_to_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, MaybeMember};
use crate::json::Json;
use crate::pagination::IdCursor;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Add a questionnaire to a study
///
/// The study's researcher (while they hold the right) or a platform admin, until the study
/// closes (409 `study_closed`), at most 20 per study (409 `too_many_questionnaires`). Items in the FHIR vocabulary: `link_id`, `type`,
/// `answer_option`, `enable_when` (skip logic on an earlier item). Every invalid field is
/// reported at once (`items[2].max`...).
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The study's id")),
    request_body = QuestionnaireInput,
    responses(
        (status = 201, description = "Created at version 1", body = WireQuestionnaire,
            headers(("Location" = String, description = "The questionnaire's URL"))),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/studies/{id}/questionnaires")]
pub async fn create_questionnaire(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
    body: Json<QuestionnaireInput>,
) -> Result<HttpResponse, ApiError> {
    let study = StudyId::from_uuid(path.into_inner());
    let new = parse_questionnaire(body.into_inner())?;
    let created = db::write(&state, move |conn| {
        // One at a time per study, so that the cap holds on PostgreSQL too.
        entraide_persistence::dialect::lock_key(conn, &format!("study:{study}"))?;
        let study = managed_study(conn, study, actor)?;
        can_change_protocol(study.status)?;
        if questionnaires::count_of_study(conn, study.id)? >= MAX_QUESTIONNAIRES {
            return Err(ApiError::conflict(ProblemCode::TooManyQuestionnaires));
        }
        Ok(questionnaires::insert(
            conn,
            QuestionnaireId::new(),
            study.id,
            &new,
            Utc::now(),
        )?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/questionnaires/{}", created.id),
        ))
        .json(questionnaire_to_wire(&created)))
}

/// List a study's questionnaires
///
/// The questionnaires of a study the reader may see, oldest first, at their current version.
#[utoipa::path(
    tag = "research",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The study's id"), PageQuery),
    responses(
        (status = 200, description = "A page of questionnaires", body = Page<WireQuestionnaire>),
        p::ReadErrors, p::UnprocessableEntity,
    )
)]
#[get("/studies/{id}/questionnaires")]
pub async fn list_questionnaires(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<WireQuestionnaire>>, ApiError> {
    let study = StudyId::from_uuid(path.into_inner());
    let page = PageRequest::<IdCursor>::parse(&paging)?;
    let after = page
        .after
        .as_ref()
        .map(|c| QuestionnaireId::from_uuid(c.id()));
    let limit = page.limit;
    let reader = reader.0;
    let found = db::read(&state, move |conn| {
        let study = readable_study(conn, study, reader)?;
        Ok(questionnaires::of_studies(conn, &[study.id])?)
    })
    .await?;
    // A study holds few questionnaires: loaded whole, paged here.
    let items: Vec<_> = found
        .into_iter()
        .filter(|q| after.is_none_or(|after| q.id > after))
        .take(limit.saturating_add(1))
        .collect();
    page.page(
        items,
        |q| IdCursor::of(q.id.as_uuid()),
        |q| questionnaire_to_wire(&q),
    )
    .map(web::Json)
}
