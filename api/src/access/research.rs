//! Studies: who reads one (drafts stay with their researcher and platform admins, and are not
//! told apart from absent ones), who manages one, who creates one, and where a member stands
//! with a study's consent.

use entraide_domain::consent::{Purpose, Standing, standing};
use entraide_domain::ids::{MemberId, QuestionnaireId, StudyId};
use entraide_domain::member::PlatformRole;
use entraide_domain::research::{
    Questionnaire, Study, can_create_study, can_manage_study, can_read_study,
};
use entraide_persistence::{DbConnection, consents, questionnaires, researchers, studies};

use crate::error::ApiError;
use crate::extractors::AuthMember;

/// The study, when the reader may see it; 404 otherwise (a draft is nobody else's business).
pub(crate) fn readable_study(
    conn: &mut DbConnection,
    id: StudyId,
    reader: Option<AuthMember>,
) -> Result<Study, ApiError> {
    let study = studies::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let role = reader.map_or(PlatformRole::Member, |r| r.role);
    if can_read_study(&study, reader.map(|r| r.id), role) {
        Ok(study)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The study, when `actor` manages it (its researcher while they hold the right, platform
/// admins): 404 when they cannot even read it, 403 when they read but do not manage it.
pub(crate) fn managed_study(
    conn: &mut DbConnection,
    id: StudyId,
    actor: AuthMember,
) -> Result<Study, ApiError> {
    let study = readable_study(conn, id, Some(actor))?;
    let is_researcher = researchers::is_researcher(conn, actor.id)?;
    can_manage_study(&study, actor.id, actor.role, is_researcher)?;
    Ok(study)
}

/// The questionnaire and its study, when the reader may see the study.
pub(crate) fn readable_questionnaire(
    conn: &mut DbConnection,
    id: QuestionnaireId,
    reader: Option<AuthMember>,
) -> Result<(Questionnaire, Study), ApiError> {
    let questionnaire = questionnaires::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let study = readable_study(conn, questionnaire.study_id, reader)?;
    Ok((questionnaire, study))
}

/// 403 `not_a_researcher` unless `actor` holds the researcher right.
pub(crate) fn require_researcher(
    conn: &mut DbConnection,
    actor: AuthMember,
) -> Result<(), ApiError> {
    Ok(can_create_study(researchers::is_researcher(
        conn, actor.id,
    )?)?)
}

/// Where `member` stands with the study's consent, and the current text version.
pub(crate) fn consent_standing(
    conn: &mut DbConnection,
    member: MemberId,
    study: StudyId,
) -> Result<(Standing, u32), ApiError> {
    let purpose = Purpose::Research(study);
    let current = consents::current_version(conn, purpose)?
        .ok_or_else(|| ApiError::internal("a study without a consent text"))?;
    let ledger = consents::ledger(conn, member, Some(purpose))?;
    Ok((standing(&ledger, purpose, current), current))
}

/// Serialises the steps on one member's consent to one purpose (consent, withdrawal, answers)
/// across server processes: call first in the transaction.
pub(crate) fn lock_consent(
    conn: &mut DbConnection,
    member: MemberId,
    purpose: Purpose,
) -> Result<(), ApiError> {
    Ok(entraide_persistence::dialect::lock_key(
        conn,
        &format!("consent:{purpose}:{member}"),
    )?)
}

/// Serialises a questionnaire's rewrites with the answers given to it (a version is corrected
/// in place only while nobody answered it): call first in the transaction.
pub(crate) fn lock_questionnaire(
    conn: &mut DbConnection,
    id: QuestionnaireId,
) -> Result<(), ApiError> {
    Ok(entraide_persistence::dialect::lock_key(
        conn,
        &format!("questionnaire:{id}"),
    )?)
}
