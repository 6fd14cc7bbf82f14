//! Answer sets to questionnaires. A response keeps the questionnaire version and the consent
//! text version it was given under, and the participant's study pseudonym (computed by the
//! caller). Exports read only responses under a consent still in force.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::consent::PastAnswers;
use entraide_domain::ids::{MemberId, QuestionnaireId, ResponseId, StudyId};
use entraide_domain::questionnaire::{AnswerValue, Code};
use entraide_domain::research::Response;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::questionnaires::{load_answers, store_answers, version_from_db, version_to_db};
use crate::schema::responses;

/// A response to store.
pub struct NewResponse<'a> {
    pub id: ResponseId,
    pub questionnaire: QuestionnaireId,
    pub version: u32,
    pub study: StudyId,
    pub member: MemberId,
    /// The member's pseudonymous id in this study.
    pub participant: &'a str,
    /// The version of the study's consent text in force for the member.
    pub consent_version: u32,
    pub answers: &'a BTreeMap<Code, AnswerValue>,
}

type Row = (String, String, String, i32, String, NaiveDateTime);

fn response(row: Row) -> Result<Response, PersistenceError> {
    let (id, questionnaire, study, version, answers, answered_at) = row;
    Ok(Response {
        id: parse_id(&id)?,
        questionnaire_id: parse_id(&questionnaire)?,
        study_id: parse_id(&study)?,
        version: version_from_db(version)?,
        answers: load_answers(&answers)?,
        answered_at: from_db_time(answered_at),
    })
}

/// Stores a response.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewResponse<'_>,
    now: DateTime<Utc>,
) -> Result<Response, PersistenceError> {
    let id = new.id;
    diesel::insert_into(responses::table)
        .values((
            responses::id.eq(id.to_string()),
            responses::questionnaire_id.eq(new.questionnaire.to_string()),
            responses::version.eq(version_to_db(new.version)?),
            responses::study_id.eq(new.study.to_string()),
            responses::member_id.eq(new.member.to_string()),
            responses::participant.eq(new.participant),
            responses::consent_version.eq(version_to_db(new.consent_version)?),
            responses::answers.eq(store_answers(new.answers)?),
            responses::answered_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(Response {
        id,
        questionnaire_id: new.questionnaire,
        study_id: new.study,
        version: new.version,
        answers: new.answers.clone(),
        answered_at: now,
    })
}

/// When the member last answered each of these questionnaires.
pub fn last_answers(
    conn: &mut DbConnection,
    member: MemberId,
    questionnaires: &[QuestionnaireId],
) -> Result<HashMap<QuestionnaireId, DateTime<Utc>>, PersistenceError> {
    if questionnaires.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<String> = questionnaires.iter().map(ToString::to_string).collect();
    let rows = responses::table
        .filter(responses::member_id.eq(member.to_string()))
        .filter(responses::questionnaire_id.eq_any(ids))
        .group_by(responses::questionnaire_id)
        .select((
            responses::questionnaire_id,
            diesel::dsl::max(responses::answered_at),
        ))
        .load::<(String, Option<NaiveDateTime>)>(conn)?;
    rows.into_iter()
        .filter_map(|(id, at)| at.map(|at| (id, at)))
        .map(|(id, at)| Ok((parse_id(&id)?, from_db_time(at))))
        .collect()
}

/// A member's own responses, newest first, after `before` (the previous page's last id);
/// `questionnaire` narrows them to one questionnaire.
pub fn of_member(
    conn: &mut DbConnection,
    member: MemberId,
    questionnaire: Option<QuestionnaireId>,
    before: Option<ResponseId>,
    limit: i64,
) -> Result<Vec<Response>, PersistenceError> {
    let mut query = responses::table
        .filter(responses::member_id.eq(member.to_string()))
        .select((
            responses::id,
            responses::questionnaire_id,
            responses::study_id,
            responses::version,
            responses::answers,
            responses::answered_at,
        ))
        .order(responses::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(questionnaire) = questionnaire {
        query = query.filter(responses::questionnaire_id.eq(questionnaire.to_string()));
    }
    if let Some(before) = before {
        query = query.filter(responses::id.lt(before.to_string()));
    }
    query.load::<Row>(conn)?.into_iter().map(response).collect()
}

/// A response as a study's export sees it: no member, only the study pseudonym.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub participant: String,
    pub questionnaire_id: QuestionnaireId,
    pub version: u32,
    pub consent_version: u32,
    pub answers: BTreeMap<Code, AnswerValue>,
    pub answered_at: DateTime<Utc>,
}

/// Every response of a study that may be exported (not excluded by a withdrawal), in the
/// order they were given.
pub fn for_export(
    conn: &mut DbConnection,
    study: StudyId,
) -> Result<Vec<ExportRow>, PersistenceError> {
    let rows = responses::table
        .filter(responses::study_id.eq(study.to_string()))
        .filter(responses::excluded_at.is_null())
        .filter(responses::member_id.is_not_null())
        .select((
            responses::participant,
            responses::questionnaire_id,
            responses::version,
            responses::consent_version,
            responses::answers,
            responses::answered_at,
        ))
        .order(responses::id.asc())
        .load::<(String, String, i32, i32, String, NaiveDateTime)>(conn)?;
    rows.into_iter()
        .map(
            |(participant, questionnaire, version, consent_version, answers, answered_at)| {
                Ok(ExportRow {
                    participant,
                    questionnaire_id: parse_id(&questionnaire)?,
                    version: version_from_db(version)?,
                    consent_version: version_from_db(consent_version)?,
                    answers: load_answers(&answers)?,
                    answered_at: from_db_time(answered_at),
                })
            },
        )
        .collect()
}

/// Applies a member's withdrawal from a study to their past answers: deleted, or kept under
/// the study pseudonym only (unlinked from the account) and excluded from every later export.
/// Returns how many responses it touched.
pub fn withdraw(
    conn: &mut DbConnection,
    member: MemberId,
    study: StudyId,
    past_answers: PastAnswers,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    let theirs = responses::table
        .filter(responses::member_id.eq(member.to_string()))
        .filter(responses::study_id.eq(study.to_string()));
    Ok(match past_answers {
        PastAnswers::Delete => diesel::delete(theirs).execute(conn)?,
        PastAnswers::KeepPseudonymous => diesel::update(theirs)
            .set((
                responses::member_id.eq(None::<String>),
                responses::excluded_at.eq(Some(to_db_time(now))),
            ))
            .execute(conn)?,
    })
}
