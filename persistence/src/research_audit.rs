//! The audit log of researcher access to a study's answers: who, what, when. Only added to.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{MemberId, StudyId};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::research_audit;

/// What was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    ExportCsv,
    ExportJson,
    Aggregates,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExportCsv => "export_csv",
            Self::ExportJson => "export_json",
            Self::Aggregates => "aggregates",
        }
    }

    pub(crate) fn parse(raw: &str) -> Result<Self, PersistenceError> {
        match raw {
            "export_csv" => Ok(Self::ExportCsv),
            "export_json" => Ok(Self::ExportJson),
            "aggregates" => Ok(Self::Aggregates),
            other => Err(PersistenceError::Corrupt(format!("audit action {other:?}"))),
        }
    }
}

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: uuid::Uuid,
    pub actor: MemberId,
    pub action: AuditAction,
    pub at: DateTime<Utc>,
}

/// Records an access. Call in the transaction that reads the answers, so that no read goes
/// unrecorded.
pub fn record(
    conn: &mut DbConnection,
    study: StudyId,
    actor: MemberId,
    action: AuditAction,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(research_audit::table)
        .values((
            research_audit::id.eq(uuid::Uuid::now_v7().to_string()),
            research_audit::study_id.eq(study.to_string()),
            research_audit::actor_id.eq(actor.to_string()),
            research_audit::action.eq(action.as_str()),
            research_audit::at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A study's log, newest first, after `before` (the previous page's last id).
pub fn of_study(
    conn: &mut DbConnection,
    study: StudyId,
    before: Option<uuid::Uuid>,
    limit: i64,
) -> Result<Vec<AuditEntry>, PersistenceError> {
    let mut query = research_audit::table
        .filter(research_audit::study_id.eq(study.to_string()))
        .select((
            research_audit::id,
            research_audit::actor_id,
            research_audit::action,
            research_audit::at,
        ))
        .order(research_audit::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(research_audit::id.lt(before.to_string()));
    }
    query
        .load::<(String, String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, actor, action, at)| {
            Ok(AuditEntry {
                id: parse_id(&id)?,
                actor: parse_id(&actor)?,
                action: AuditAction::parse(&action)?,
                at: from_db_time(at),
            })
        })
        .collect()
}
