//! Moderation values between the domain and the wire.

use chrono::{DateTime, Utc};
use entraide_domain::moderation::{
    AppealOutcome, Decision, ReportReason, TargetKind, appeal_queue, can_appeal,
};
use entraide_openapi::moderation as wire;
use entraide_persistence::appeals::Appeal;
use entraide_persistence::moderation::{LogEntry, Report};
use uuid::Uuid;

use crate::error::ApiError;

enum_conversions!(
    reason_to_wire,
    reason_from_wire,
    ReportReason,
    wire::ReportReason,
    [
        Spam,
        Harassment,
        MedicalMisinformation,
        SelfHarm,
        MinorAtRisk,
        UndeclaredSponsor,
        Privacy,
        Other
    ]
);

enum_conversions!(
    target_to_wire,
    target_from_wire,
    TargetKind,
    wire::ReportTargetKind,
    [Post, Comment, Event, Resource, Member, Message]
);

enum_conversions!(
    decision_to_wire,
    decision_from_wire,
    Decision,
    wire::ModerationDecision,
    [
        Dismiss, Hide, Remove, Warn, Suspend, Ban, Reinstate, Restore
    ]
);

/// Target ids are stored as text; every one was a UUID when written.
pub(crate) fn target_uuid(raw: &str) -> Result<Uuid, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::internal(format!("a stored target id is not a UUID: {raw:?}")))
}

pub(crate) fn my_report(report: Report) -> Result<wire::MyReport, ApiError> {
    Ok(wire::MyReport {
        id: report.id.as_uuid(),
        target_kind: target_to_wire(report.target_kind),
        target_id: target_uuid(&report.target_id)?,
        reason: reason_to_wire(report.reason),
        urgent: report.urgent,
        created_at: report.created_at,
        decided_at: report.decided_at,
        outcome: report.decision.map(|d| match d {
            Decision::Dismiss => wire::ReportOutcome::Dismissed,
            _ => wire::ReportOutcome::ActionTaken,
        }),
    })
}

/// A decision as the member it is about reads it, with their appeal if they made one;
/// `appealable` while they still may.
pub(crate) fn notice(
    entry: LogEntry,
    appeal: Option<Appeal>,
    now: DateTime<Utc>,
) -> Result<wire::ModerationNotice, ApiError> {
    Ok(wire::ModerationNotice {
        id: entry.id.as_uuid(),
        target_kind: target_to_wire(entry.target_kind),
        target_id: target_uuid(&entry.target_id)?,
        action: decision_to_wire(entry.decision),
        appealable: appeal.is_none()
            && can_appeal(
                entry.decision,
                appeal_queue(entry.group, entry.urgent),
                entry.at,
                now,
            )
            .is_ok(),
        appeal: appeal.map(appeal_item),
        reason: entry.reason,
        at: entry.at,
        until: entry.until,
    })
}

pub(crate) fn appeal_item(appeal: Appeal) -> wire::AppealItem {
    let Appeal {
        id,
        action,
        member: _,
        statement,
        created_at,
        decided_at,
        outcome,
        decided_by: _,
        decision_reason,
    } = appeal;
    wire::AppealItem {
        id: id.as_uuid(),
        action_id: action.as_uuid(),
        statement,
        status: match outcome {
            None => wire::AppealStatus::Pending,
            Some(AppealOutcome::Granted) => wire::AppealStatus::Granted,
            Some(AppealOutcome::Upheld) => wire::AppealStatus::Upheld,
        },
        created_at,
        decided_at,
        reason: decision_reason,
    }
}

pub(crate) fn appeal_outcome_from_wire(outcome: wire::AppealOutcome) -> AppealOutcome {
    match outcome {
        wire::AppealOutcome::Granted => AppealOutcome::Granted,
        wire::AppealOutcome::Upheld => AppealOutcome::Upheld,
    }
}

pub(crate) fn action_to_wire(
    action: entraide_persistence::admin_audit::AdminAction,
) -> wire::AdminAuditAction {
    match action {
        entraide_persistence::admin_audit::AdminAction::RoleChanged => {
            wire::AdminAuditAction::RoleChanged
        }
        entraide_persistence::admin_audit::AdminAction::EditorGranted => {
            wire::AdminAuditAction::EditorGranted
        }
        entraide_persistence::admin_audit::AdminAction::EditorRevoked => {
            wire::AdminAuditAction::EditorRevoked
        }
        entraide_persistence::admin_audit::AdminAction::ResearcherGranted => {
            wire::AdminAuditAction::ResearcherGranted
        }
        entraide_persistence::admin_audit::AdminAction::ResearcherRevoked => {
            wire::AdminAuditAction::ResearcherRevoked
        }
        entraide_persistence::admin_audit::AdminAction::KindChangeApproved => {
            wire::AdminAuditAction::KindChangeApproved
        }
        entraide_persistence::admin_audit::AdminAction::VerificationApproved => {
            wire::AdminAuditAction::VerificationApproved
        }
        entraide_persistence::admin_audit::AdminAction::VerificationRefused => {
            wire::AdminAuditAction::VerificationRefused
        }
        entraide_persistence::admin_audit::AdminAction::BadgeRevoked => {
            wire::AdminAuditAction::BadgeRevoked
        }
    }
}
