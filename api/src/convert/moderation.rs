//! Moderation values between the domain and the wire.

use entraide_domain::moderation::{Decision, ReportReason, TargetKind};
use entraide_openapi::moderation as wire;
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
        Privacy,
        Other
    ]
);

enum_conversions!(
    target_to_wire,
    target_from_wire,
    TargetKind,
    wire::ReportTargetKind,
    [Post, Comment, Event, Resource, Member]
);

enum_conversions!(
    decision_to_wire,
    decision_from_wire,
    Decision,
    wire::ModerationDecision,
    [Dismiss, Hide, Remove, Warn, Suspend, Ban, Reinstate]
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

pub(crate) fn notice(entry: LogEntry) -> Result<wire::ModerationNotice, ApiError> {
    Ok(wire::ModerationNotice {
        id: entry.id.as_uuid(),
        target_kind: target_to_wire(entry.target_kind),
        target_id: target_uuid(&entry.target_id)?,
        action: decision_to_wire(entry.decision),
        reason: entry.reason,
        at: entry.at,
        until: entry.until,
    })
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
    }
}
