use actix_web::{HttpResponse, delete, post, web};
use chrono::Utc;
use entraide_domain::consent::{Channel, Purpose, can_give, can_withdraw};
use entraide_domain::ids::StudyId;
use entraide_domain::research::{can_enrol, can_take_part};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_openapi::research::{GiveConsentRequest, PastAnswers};
use entraide_persistence::{consents, members, responses};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::access::research::{consent_standing, lock_consent, readable_study};
use crate::convert::research::past_answers_from_wire;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

/// Consent to a study
///
/// Records the member's consent to the study's current consent text, by its version (the one
/// they read): 409 `consent_text_changed` when a newer one was published meanwhile. The study
/// must be open (409 `study_not_open`) and admit the member's kind and declared conditions
/// (403 `not_eligible`); consenting again to the same text is 409 `already_consented`. Then
/// the study's questionnaires are due for the member (`GET /members/me/questionnaires/due`).
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The study's id")),
    request_body = GiveConsentRequest,
    responses(
        (status = 204, description = "Consent recorded"),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/studies/{id}/consent")]
pub async fn give_consent(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<GiveConsentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = StudyId::from_uuid(path.into_inner());
    let GiveConsentRequest { text_version } = body.into_inner();
    db::write(&state, move |conn| {
        lock_consent(conn, member.id, Purpose::Research(id))?;
        let study = readable_study(conn, id, Some(member))?;
        can_take_part(study.status)?;
        let conditions = members::find_profile(conn, member.id)?
            .ok_or(ApiError::Unauthenticated)?
            .conditions
            .value;
        can_enrol(&study.eligibility, member.kind, &conditions)?;
        let (standing, current) = consent_standing(conn, member.id, id)?;
        if text_version != current {
            return Err(ApiError::conflict(ProblemCode::ConsentTextChanged));
        }
        can_give(standing)?;
        consents::give(
            conn,
            Uuid::now_v7(),
            member.id,
            Purpose::Research(id),
            current,
            Channel::Api,
            Utc::now(),
        )?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What to do with past answers.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WithdrawQuery {
    /// `delete` the answers at once, or `keep_pseudonymous` (kept under the study pseudonym,
    /// unlinked from the account, left out of every later export and aggregate).
    pub past_answers: PastAnswers,
}

/// Withdraw consent from a study
///
/// Takes effect at once: no new answers, and the member's answers leave every later export
/// and aggregate. The member chooses what happens to their past answers (`past_answers`); the
/// choice is recorded in their consent ledger. Possible whatever the study's status; 409
/// `no_consent` when no consent is in force.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The study's id"), WithdrawQuery),
    responses(
        (status = 204, description = "Consent withdrawn"),
        p::ActionErrors, p::Conflict,
    )
)]
#[delete("/studies/{id}/consent")]
pub async fn withdraw_consent(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    query: web::Query<WithdrawQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = StudyId::from_uuid(path.into_inner());
    let past_answers = past_answers_from_wire(query.into_inner().past_answers);
    db::write(&state, move |conn| {
        lock_consent(conn, member.id, Purpose::Research(id))?;
        readable_study(conn, id, Some(member))?;
        let (standing, _) = consent_standing(conn, member.id, id)?;
        can_withdraw(standing)?;
        let now = Utc::now();
        consents::withdraw(
            conn,
            member.id,
            Purpose::Research(id),
            Some(past_answers),
            now,
        )?;
        responses::withdraw(conn, member.id, id, past_answers, now)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
