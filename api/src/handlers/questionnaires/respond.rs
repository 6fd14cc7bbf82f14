use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::consent::{Purpose, can_answer};
use entraide_domain::ids::{QuestionnaireId, ResponseId};
use entraide_domain::research::can_take_part;
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_openapi::research::{QuestionnaireResponse as WireResponse, SubmitResponseRequest};
use entraide_persistence::responses::{self, NewResponse};
use entraide_persistence::studies;
use uuid::Uuid;

use crate::access::research::{
    consent_standing, lock_consent, lock_questionnaire, readable_questionnaire,
};
use crate::convert::research::parse_answers;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::security::participants::participant_id;
use crate::state::AppState;
use crate::views::research::response_to_wire;

/// Answer a questionnaire
///
/// Answers the questionnaire's current version, in an answering window the member has not
/// answered yet (409 `not_due`), under a consent to the study's current consent text (403
/// `consent_required`: none, withdrawn, or to an older text), while the study is open (409
/// `study_not_open`). The answers are checked whole against the version — types, options,
/// ranges, required items, skip logic — and an invalid set is refused with one error per item
/// (`answers.<link_id>`), nothing stored.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The questionnaire's id")),
    request_body = SubmitResponseRequest,
    responses(
        (status = 201, description = "Stored", body = WireResponse),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/questionnaires/{id}/responses")]
pub async fn submit_response(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<SubmitResponseRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = QuestionnaireId::from_uuid(path.into_inner());
    let SubmitResponseRequest { answers } = body.into_inner();
    let stored = db::write(&state, move |conn| {
        // The version answered, the consent and the window are read under these locks: a
        // concurrent rewrite, withdrawal or second answer waits for this transaction.
        lock_questionnaire(conn, id)?;
        let (questionnaire, study) = readable_questionnaire(conn, id, Some(member))?;
        lock_consent(conn, member.id, Purpose::Research(study.id))?;
        can_take_part(study.status)?;
        let (standing, consent_version) = consent_standing(conn, member.id, study.id)?;
        can_answer(standing)?;
        // The answers are checked before the window: a client learns what is wrong with them
        // whatever the day.
        let answers = parse_answers(&questionnaire.definition, answers)?;
        let now = Utc::now();
        let last = responses::last_answers(conn, member.id, &[id])?;
        if questionnaire
            .schedule
            .due(last.get(&id).copied(), now)
            .is_none()
        {
            return Err(ApiError::conflict(ProblemCode::NotDue));
        }
        let key = studies::pseudonym_key(conn, study.id)?
            .ok_or_else(|| ApiError::internal("a study without a pseudonym key"))?;
        let participant = participant_id(&key, member.id)?;
        Ok(responses::insert(
            conn,
            &NewResponse {
                id: ResponseId::new(),
                questionnaire: id,
                version: questionnaire.version,
                study: study.id,
                member: member.id,
                participant: &participant,
                consent_version,
                answers: &answers,
            },
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Created().json(response_to_wire(&stored)))
}
