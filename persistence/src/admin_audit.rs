//! The audit log of platform administration on members (`admin_audit`).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::MemberId;
use uuid::Uuid;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::admin_audit;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminAction {
    RoleChanged,
    EditorGranted,
    EditorRevoked,
    ResearcherGranted,
    ResearcherRevoked,
    KindChangeApproved,
    VerificationApproved,
    VerificationRefused,
    BadgeRevoked,
}

impl AdminAction {
    pub const ALL: [Self; 9] = [
        Self::RoleChanged,
        Self::EditorGranted,
        Self::EditorRevoked,
        Self::ResearcherGranted,
        Self::ResearcherRevoked,
        Self::KindChangeApproved,
        Self::VerificationApproved,
        Self::VerificationRefused,
        Self::BadgeRevoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RoleChanged => "role_changed",
            Self::EditorGranted => "editor_granted",
            Self::EditorRevoked => "editor_revoked",
            Self::ResearcherGranted => "researcher_granted",
            Self::ResearcherRevoked => "researcher_revoked",
            Self::KindChangeApproved => "kind_change_approved",
            Self::VerificationApproved => "verification_approved",
            Self::VerificationRefused => "verification_refused",
            Self::BadgeRevoked => "badge_revoked",
        }
    }

    fn parse(raw: &str) -> Result<Self, PersistenceError> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == raw)
            .ok_or_else(|| PersistenceError::Corrupt(format!("admin action {raw:?}")))
    }
}

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: Uuid,
    pub actor: Option<MemberId>,
    pub action: AdminAction,
    pub member: Option<MemberId>,
    /// What changed, in words that name no one (`member -> moderator`).
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// Writes an entry, in the transaction of the change it records.
pub fn record(
    conn: &mut DbConnection,
    actor: MemberId,
    action: AdminAction,
    member: MemberId,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(admin_audit::table)
        .values((
            admin_audit::id.eq(Uuid::now_v7().to_string()),
            admin_audit::actor_id.eq(Some(actor.to_string())),
            admin_audit::action.eq(action.as_str()),
            admin_audit::member_id.eq(Some(member.to_string())),
            admin_audit::detail.eq(detail),
            admin_audit::at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

type Row = (
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    NaiveDateTime,
);

/// Which entries a page shows.
#[derive(Debug, Clone, Copy)]
pub enum AuditScope {
    All,
    /// What was done to this member.
    About(MemberId),
    /// What this member did.
    By(MemberId),
}

/// A page of the log, newest first.
pub fn list(
    conn: &mut DbConnection,
    scope: AuditScope,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<AuditEntry>, PersistenceError> {
    let mut query = admin_audit::table
        .select((
            admin_audit::id,
            admin_audit::actor_id,
            admin_audit::action,
            admin_audit::member_id,
            admin_audit::detail,
            admin_audit::at,
        ))
        .order(admin_audit::id.desc())
        .limit(limit)
        .into_boxed();
    query = match scope {
        AuditScope::All => query,
        AuditScope::About(member) => query.filter(admin_audit::member_id.eq(member.to_string())),
        AuditScope::By(member) => query.filter(admin_audit::actor_id.eq(member.to_string())),
    };
    if let Some(before) = before {
        query = query.filter(admin_audit::id.lt(before.to_string()));
    }
    query
        .load::<Row>(conn)?
        .into_iter()
        .map(|(id, actor, action, member, detail, at)| {
            Ok(AuditEntry {
                id: parse_id(&id)?,
                actor: actor.as_deref().map(parse_id).transpose()?,
                action: AdminAction::parse(&action)?,
                member: member.as_deref().map(parse_id).transpose()?,
                detail,
                at: from_db_time(at),
            })
        })
        .collect()
}
