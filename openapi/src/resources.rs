//! The resource library and its scientific committees.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::groups::MemberSummary;
use crate::sponsors::Sponsor;

/// `fact_sheet` (Markdown body), `video` (url, provider, duration), `book` (authors, publisher,
/// year, ISBN, open-access url), `link` (url), `document` (url, format).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    FactSheet,
    Video,
    Book,
    Link,
    Document,
}

/// Who a resource is written for (a label to filter by).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceAudience {
    Patients,
    Caregivers,
    Everyone,
}

/// `draft` → `submitted` → `in_review` → `changes_requested` | `rejected` | `validated`, and a
/// validated version is `published` at once (the previous one becomes `archived`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    Draft,
    Submitted,
    InReview,
    ChangesRequested,
    Rejected,
    Validated,
    Published,
    Archived,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Validate,
    RequestChanges,
    Reject,
}

/// A committee member's declared expertise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Expertise {
    Physician,
    Nurse,
    Pharmacist,
    Psychologist,
    PatientExpert,
    SocialWorker,
    Researcher,
    Other,
}

/// A scientific committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-7777-7cc3-9a51-3c1f0e2b6d11",
    "name": "Comité scientifique SEP",
    "description": "Neurologues, infirmières et patients experts.",
    "association_id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11",
    "quorum": 2,
    "member_count": 5,
    "created_at": "2026-04-01T09:00:00Z",
    "requires_verified_reviewers": true
}))]
pub struct Committee {
    pub id: Uuid,
    #[schema(example = "Comité scientifique SEP")]
    pub name: String,
    pub description: String,
    /// The association it belongs to; `null`: platform-wide.
    pub association_id: Option<Uuid>,
    /// Validating reviews needed to publish a version.
    pub quorum: i32,
    pub member_count: i64,
    pub created_at: DateTime<Utc>,
    /// Only members showing a verified status (`professional` or `patient_expert`) may review
    /// for it: others get 403 `verification_required`.
    pub requires_verified_reviewers: bool,
}

/// A new committee: platform admins, or association admins for their association.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Comité scientifique SEP",
    "description": "Neurologues, infirmières et patients experts.",
    "association_id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11",
    "quorum": 2,
    "requires_verified_reviewers": true
}))]
pub struct CreateCommitteeRequest {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub association_id: Option<Uuid>,
    /// How many validations publish a version: 1 to 5 (default 1).
    #[serde(default, deserialize_with = "crate::integer::option")]
    #[schema(minimum = 1, maximum = 5, default = 1)]
    pub quorum: Option<i32>,
    /// Only members showing a verified status may review for it (default `false`).
    #[serde(default)]
    pub requires_verified_reviewers: Option<bool>,
}

/// Seat a member on a committee (or change their expertise and declared interests).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "member_id": "01939a4e-1113-7cc3-9a51-3c1f0e2b6d11",
    "expertise": "physician",
    "declared_interests": "Consultante pour le laboratoire X (2025)."
}))]
pub struct AddCommitteeMemberRequest {
    pub member_id: Uuid,
    pub expertise: Expertise,
    /// The member's declared conflicts of interest (links with industry, funding), up to 1,000
    /// characters; shown on the resources they validate. Absent: none declared.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub declared_interests: Option<String>,
}

/// The content of a version. Required by kind: a fact sheet's `body`; a video's, link's and
/// document's `url`; a document's `format`; a book's `book_authors`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentInput {
    #[schema(min_length = 3, max_length = 120)]
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    /// Markdown, for fact sheets.
    pub body: Option<String>,
    #[schema(format = "uri")]
    pub url: Option<String>,
    pub provider: Option<String>,
    #[serde(default, deserialize_with = "crate::integer::option")]
    pub duration_seconds: Option<i32>,
    pub book_authors: Option<String>,
    pub publisher: Option<String>,
    #[serde(default, deserialize_with = "crate::integer::option")]
    pub year: Option<i32>,
    pub isbn: Option<String>,
    pub format: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Citations (at most 50).
    #[serde(default)]
    pub sources: Vec<String>,
}

/// A version's content as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContentOutput {
    pub title: String,
    pub summary: String,
    pub body: Option<String>,
    /// Sanitised HTML rendering of `body`.
    pub body_html: Option<String>,
    pub url: Option<String>,
    pub provider: Option<String>,
    pub duration_seconds: Option<i32>,
    pub book_authors: Option<String>,
    pub publisher: Option<String>,
    pub year: Option<i32>,
    pub isbn: Option<String>,
    pub format: Option<String>,
    pub tags: Vec<String>,
    pub sources: Vec<String>,
}

/// One version of a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "number": 2,
    "status": "published",
    "content": {
        "title": "Vivre avec la SEP : la fatigue",
        "summary": "Comprendre et gérer la fatigue liée à la SEP.",
        "body": "## Pourquoi la fatigue ?\n\nLa fatigue touche 80 % des personnes.",
        "body_html": "<h2>Pourquoi la fatigue ?</h2>\n<p>La fatigue touche 80 % des personnes.</p>",
        "url": null,
        "provider": null,
        "duration_seconds": null,
        "book_authors": null,
        "publisher": null,
        "year": null,
        "isbn": null,
        "format": null,
        "tags": [
            "fatigue",
            "quotidien"
        ],
        "sources": [
            "HAS, Sclérose en plaques, guide du parcours de soins, 2024"
        ]
    },
    "created_at": "2026-05-02T10:00:00Z",
    "submitted_at": "2026-05-03T09:00:00Z",
    "validated_at": "2026-05-10T16:00:00Z",
    "published_at": "2026-05-10T16:00:00Z",
    "review_due_at": "2028-05-10T16:00:00Z"
}))]
pub struct ResourceVersion {
    pub number: i32,
    pub status: VersionStatus,
    pub content: ContentOutput,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub validated_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub review_due_at: Option<DateTime<Utc>>,
}

/// A committee, as resources name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CommitteeRef {
    pub id: Uuid,
    pub name: String,
}

/// A reviewer and their declared expertise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReviewerRef {
    pub member: MemberSummary,
    pub expertise: Option<Expertise>,
    /// Their declared conflicts of interest in the committee (empty: none declared, or no
    /// longer sitting on it).
    pub declared_interests: String,
}

/// "Validated by <committee> on <date>": who vouched for the published version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Validation {
    pub committee: CommitteeRef,
    /// Those whose reviews validated it.
    pub reviewers: Vec<ReviewerRef>,
    pub validated_at: DateTime<Utc>,
    pub review_due_at: DateTime<Utc>,
    /// Past its re-review date: the committee must look at it again.
    pub review_overdue: bool,
}

/// A review of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReviewItem {
    pub reviewer: ReviewerRef,
    pub decision: Decision,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

/// A resource. Everyone sees its published version with its validation; its author, editors
/// and its committee also see the version being worked on and its reviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-8888-7cc3-9a51-3c1f0e2b6d11",
    "kind": "fact_sheet",
    "language": "fr",
    "audience": "everyone",
    "condition_ids": [
        "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"
    ],
    "committee": {
        "id": "01939a4e-7777-7cc3-9a51-3c1f0e2b6d11",
        "name": "Comité scientifique SEP"
    },
    "published": {
        "number": 2,
        "status": "published",
        "content": {
            "title": "Vivre avec la SEP : la fatigue",
            "summary": "Comprendre et gérer la fatigue liée à la SEP.",
            "body": "## Pourquoi la fatigue ?\n\nLa fatigue touche 80 % des personnes.",
            "body_html": "<h2>Pourquoi la fatigue ?</h2>\n<p>La fatigue touche 80 % des personnes.</p>",
            "url": null,
            "provider": null,
            "duration_seconds": null,
            "book_authors": null,
            "publisher": null,
            "year": null,
            "isbn": null,
            "format": null,
            "tags": [
                "fatigue",
                "quotidien"
            ],
            "sources": [
                "HAS, Sclérose en plaques, guide du parcours de soins, 2024"
            ]
        },
        "created_at": "2026-05-02T10:00:00Z",
        "submitted_at": "2026-05-03T09:00:00Z",
        "validated_at": "2026-05-10T16:00:00Z",
        "published_at": "2026-05-10T16:00:00Z",
        "review_due_at": "2028-05-10T16:00:00Z"
    },
    "working": null,
    "validation": {
        "committee": {
            "id": "01939a4e-7777-7cc3-9a51-3c1f0e2b6d11",
            "name": "Comité scientifique SEP"
        },
        "reviewers": [
            {
                "member": {
                    "id": "01939a4e-1113-7cc3-9a51-3c1f0e2b6d11",
                    "pseudonym": "Dr Martin",
                    "kind": "professional",
                    "verified": "professional"
                },
                "expertise": "physician",
                "declared_interests": "Aucun lien d'intérêt déclaré."
            }
        ],
        "validated_at": "2026-05-10T16:00:00Z",
        "review_due_at": "2028-05-10T16:00:00Z",
        "review_overdue": false
    },
    "reviews": null,
    "sponsor": null,
    "created_at": "2026-04-28T10:00:00Z"
}))]
pub struct Resource {
    pub id: Uuid,
    pub kind: ResourceKind,
    pub language: String,
    pub audience: ResourceAudience,
    pub condition_ids: Vec<Uuid>,
    pub committee: CommitteeRef,
    pub published: Option<ResourceVersion>,
    pub validation: Option<Validation>,
    /// The latest version when it is not the published one (drafts, versions under review).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working: Option<ResourceVersion>,
    /// Reviews of the working version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviews: Option<Vec<ReviewItem>>,
    /// Who stands behind it, when declared (`null`: none declared).
    pub sponsor: Option<Sponsor>,
    pub created_at: DateTime<Utc>,
}

/// A new resource (editors): its first version is a draft.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "fact_sheet",
    "language": "fr",
    "audience": "everyone",
    "condition_ids": [
        "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"
    ],
    "committee_id": "01939a4e-7777-7cc3-9a51-3c1f0e2b6d11",
    "content": {
        "title": "Vivre avec la SEP : la fatigue",
        "summary": "Comprendre et gérer la fatigue liée à la SEP.",
        "body": "## Pourquoi la fatigue ?\n\nLa fatigue touche 80 % des personnes.",
        "tags": [
            "fatigue",
            "quotidien"
        ],
        "sources": [
            "HAS, Sclérose en plaques, guide du parcours de soins, 2024"
        ]
    }
}))]
pub struct CreateResourceRequest {
    pub kind: ResourceKind,
    /// ISO 639 code, optionally with a region (`fr`, `fr-BE`); stored lower-case.
    #[schema(example = "fr", pattern = "^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2})?$")]
    pub language: String,
    /// Default `everyone`.
    pub audience: Option<ResourceAudience>,
    /// The committee that reviews it.
    pub committee_id: Uuid,
    #[serde(default)]
    pub condition_ids: Vec<Uuid>,
    pub content: ContentInput,
    /// Who stands behind it (a company, a public body...) and how: declare it.
    pub sponsor: Option<Sponsor>,
}

/// Changes: `content` replaces the working version's content (a published resource gets a new
/// draft version; the published one stays); `audience` and `condition_ids` apply at once.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "audience": "patients",
    "content": {
        "title": "Vivre avec la SEP : la fatigue",
        "summary": "Comprendre et gérer la fatigue liée à la SEP.",
        "body": "## Pourquoi la fatigue ?\n\nLa fatigue touche 80 % des personnes.",
        "tags": [
            "fatigue",
            "quotidien"
        ],
        "sources": [
            "HAS, Sclérose en plaques, guide du parcours de soins, 2024"
        ]
    }
}))]
pub struct UpdateResourceRequest {
    pub content: Option<ContentInput>,
    pub audience: Option<ResourceAudience>,
    pub condition_ids: Option<Vec<Uuid>>,
    /// Declares or replaces the sponsor; `null` withdraws the declaration.
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<Sponsor>)]
    pub sponsor: Option<Option<Sponsor>>,
}

/// A committee member's decision on the submitted version.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "decision": "validate",
    "comment": null,
    "review_in_months": 24
}))]
pub struct ReviewRequest {
    pub decision: Decision,
    /// Required unless validating; at most 4,000 characters.
    #[serde(default)]
    pub comment: Option<String>,
    /// For a validation: months before the next review (1 to 60, default 24).
    #[serde(default, deserialize_with = "crate::integer::option")]
    #[schema(minimum = 1, maximum = 60, default = 24)]
    pub review_in_months: Option<u32>,
}

/// Filters of the library (published resources only).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResourceQuery {
    pub kind: Option<ResourceKind>,
    pub condition_id: Option<Uuid>,
    pub audience: Option<ResourceAudience>,
    /// ISO 639 code, optionally with a region (`fr`, `fr-BE`).
    #[param(pattern = "^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2})?$")]
    pub language: Option<String>,
    /// Title contains this text.
    pub q: Option<String>,
    /// `false`: leave out sponsored resources; `true`: only sponsored ones.
    pub sponsored: Option<bool>,
}
