//! Verified statuses: a member's badge, the requests that ask for it and the decisions on them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::groups::MemberSummary;

/// A verified status: `professional` (a health or social care professional whose registration,
/// RPPS or ADELI, was checked) or `patient_expert` (a patient or caregiver trained in
/// therapeutic education). A professional badge fits professionals; a patient-expert badge fits
/// patients and caregivers. A badge granted for another kind than the member's current one is
/// not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Badge {
    Professional,
    PatientExpert,
}

/// Where a verification request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    Pending,
    Approved,
    Refused,
}

/// Ask for a verified status.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "badge": "professional",
    "document_reference": "RPPS 10001234567",
    "association_id": null
}))]
pub struct CreateVerificationRequest {
    pub badge: Badge,
    /// What proves it: a registration number (RPPS, ADELI), a training certificate's reference.
    /// 3 to 200 characters on one line. The document itself is checked out of band; the
    /// platform keeps no copy of it.
    #[schema(min_length = 3, max_length = 200)]
    pub document_reference: String,
    /// A verified association the member is an active member of, asked to vouch: its admins
    /// decide. Absent: platform admins decide.
    #[serde(default)]
    pub association_id: Option<Uuid>,
}

/// A decision on a verification request. A refusal needs a note (the member is told why).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "note": "Numéro RPPS vérifié dans l'annuaire santé."
}))]
pub struct VerificationDecision {
    /// Up to 1,000 characters, shown to the member. Required to refuse.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// A verification request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-9999-7cc3-9a51-3c1f0e2b6d11",
    "member": {
        "id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11",
        "pseudonym": "Dr Lou",
        "kind": "professional",
        "verified": null
    },
    "badge": "professional",
    "document_reference": "RPPS 10001234567",
    "association_id": null,
    "status": "pending",
    "note": null,
    "created_at": "2026-12-10T09:00:00Z",
    "decided_at": null
}))]
pub struct VerificationRequestItem {
    pub id: Uuid,
    /// Who asks.
    pub member: MemberSummary,
    pub badge: Badge,
    pub document_reference: String,
    /// The association asked to vouch; `null`: platform admins decide.
    pub association_id: Option<Uuid>,
    pub status: VerificationStatus,
    /// The decision's note, once decided.
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// Filters of the verification queue.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerificationQueueQuery {
    /// Only this status (`pending`: the requests to decide). Absent: all.
    pub status: Option<VerificationStatus>,
}
