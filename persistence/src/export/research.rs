//! Research: the researcher right, studies the member runs and whose answers they read, and
//! the member's own answers — those still linked to the account and those kept under the
//! study pseudonym after a withdrawal (the caller computes the pseudonyms: they need the
//! study keys, which stay in the API). The consent ledger is `consents::ledger`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{MemberId, QuestionnaireId, ResponseId, StudyId};
use entraide_domain::questionnaire::{AnswerValue, Code};
use entraide_domain::research::StudyStatus;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id};
use crate::error::PersistenceError;
use crate::questionnaires::{load_answers, version_from_db};
use crate::research_audit::AuditAction;
use crate::schema::{research_audit, researchers, responses, studies};

/// When the member received the researcher right. Who among the staff granted it is not said.
pub fn researcher_right(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<DateTime<Utc>>, PersistenceError> {
    Ok(researchers::table
        .find(member.to_string())
        .select(researchers::granted_at)
        .first::<NaiveDateTime>(conn)
        .optional()?
        .map(from_db_time))
}

/// A study the member created as a researcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyRecord {
    pub id: StudyId,
    pub title: String,
    pub status: StudyStatus,
    pub created_at: DateTime<Utc>,
}

pub fn studies_created(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<StudyRecord>, PersistenceError> {
    studies::table
        .filter(studies::created_by.eq(member.to_string()))
        .select((
            studies::id,
            studies::title,
            studies::status,
            studies::created_at,
        ))
        .order(studies::id.asc())
        .load::<(String, String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, title, status, created_at)| {
            Ok(StudyRecord {
                id: parse_id(&id)?,
                title,
                status: parse_enum(&status, StudyStatus::parse)?,
                created_at: from_db_time(created_at),
            })
        })
        .collect()
}

/// A read of a study's answers the member made (the research audit log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResearchReadRecord {
    pub study_id: StudyId,
    pub action: AuditAction,
    pub at: DateTime<Utc>,
}

pub fn research_reads(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<ResearchReadRecord>, PersistenceError> {
    research_audit::table
        .filter(research_audit::actor_id.eq(member.to_string()))
        .select((
            research_audit::study_id,
            research_audit::action,
            research_audit::at,
        ))
        .order((research_audit::at.asc(), research_audit::id.asc()))
        .load::<(String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(study, action, at)| {
            Ok(ResearchReadRecord {
                study_id: parse_id(&study)?,
                action: AuditAction::parse(&action)?,
                at: from_db_time(at),
            })
        })
        .collect()
}

/// One answer set of the member.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseRecord {
    pub id: ResponseId,
    pub questionnaire_id: QuestionnaireId,
    pub study_id: StudyId,
    pub version: u32,
    pub consent_version: u32,
    pub answers: BTreeMap<Code, AnswerValue>,
    pub answered_at: DateTime<Utc>,
    /// Set when the member withdrew and kept it for the study under their pseudonym only.
    pub excluded_at: Option<DateTime<Utc>>,
    /// No longer linked to the account (`member_id` cleared), found by study pseudonym.
    pub kept_pseudonymous: bool,
}

type ResponseRow = (
    String,
    String,
    String,
    i32,
    i32,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn response(row: ResponseRow, kept_pseudonymous: bool) -> Result<ResponseRecord, PersistenceError> {
    let (id, questionnaire, study, version, consent_version, answers, answered_at, excluded_at) =
        row;
    Ok(ResponseRecord {
        id: parse_id(&id)?,
        questionnaire_id: parse_id(&questionnaire)?,
        study_id: parse_id(&study)?,
        version: version_from_db(version)?,
        consent_version: version_from_db(consent_version)?,
        answers: load_answers(&answers)?,
        answered_at: from_db_time(answered_at),
        excluded_at: excluded_at.map(from_db_time),
        kept_pseudonymous,
    })
}

macro_rules! response_columns {
    () => {
        (
            responses::id,
            responses::questionnaire_id,
            responses::study_id,
            responses::version,
            responses::consent_version,
            responses::answers,
            responses::answered_at,
            responses::excluded_at,
        )
    };
}

/// The member's responses still linked to the account, oldest first.
pub fn linked_responses(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<ResponseRecord>, PersistenceError> {
    responses::table
        .filter(responses::member_id.eq(member.to_string()))
        .select(response_columns!())
        .order(responses::id.asc())
        .load::<ResponseRow>(conn)?
        .into_iter()
        .map(|row| response(row, false))
        .collect()
}

/// Responses kept under a study pseudonym after a withdrawal (`member_id` cleared), for each
/// `(study, participant id)` of the member, oldest first.
pub fn pseudonymous_responses(
    conn: &mut DbConnection,
    participants: &[(StudyId, String)],
) -> Result<Vec<ResponseRecord>, PersistenceError> {
    let mut found = Vec::new();
    for (study, participant) in participants {
        let rows = responses::table
            .filter(responses::study_id.eq(study.to_string()))
            .filter(responses::participant.eq(participant))
            .filter(responses::member_id.is_null())
            .select(response_columns!())
            .order(responses::id.asc())
            .load::<ResponseRow>(conn)?;
        for row in rows {
            found.push(response(row, true)?);
        }
    }
    Ok(found)
}
