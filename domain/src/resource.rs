//! The resource library: fact sheets, videos, books, links and documents, reviewed by a
//! scientific committee before members see them.
//!
//! A resource is a series of versions. A version is written (`draft`), `submitted`, reviewed
//! (`in_review` once a reviewer answered without concluding), then `changes_requested`,
//! `rejected`, or `validated` — and a validated version is `published` at once, replacing the
//! previous published version (`archived`). Editing a published resource starts a new draft
//! while the published version stays visible.

use chrono::{DateTime, Months, Utc};

use crate::error::{Errors, FieldError, ParseError};
use crate::ids::{AssociationId, CommitteeId, ConditionId, MemberId, ResourceId, VersionId};
use crate::post::Body;
use crate::sponsor::Sponsor;
use crate::text::{Description, Label, Title, WebUrl};

/// What a resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// A Markdown fact sheet.
    FactSheet,
    Video,
    /// A book, ideally open access.
    Book,
    Link,
    /// A downloadable document (PDF...).
    Document,
}

wire_enum!(ResourceKind, "kind", "invalid_kind",
    FactSheet => "fact_sheet", Video => "video", Book => "book", Link => "link",
    Document => "document");

/// Who a resource is written for (a label members filter by; published resources are public).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceAudience {
    Patients,
    Caregivers,
    Everyone,
}

wire_enum!(ResourceAudience, "audience", "invalid_audience",
    Patients => "patients", Caregivers => "caregivers", Everyone => "everyone");

/// Where a version stands in the review workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VersionStatus {
    Draft,
    Submitted,
    InReview,
    ChangesRequested,
    Rejected,
    Validated,
    Published,
    /// A published version replaced by a newer one.
    Archived,
}

wire_enum!(VersionStatus, "status", "invalid_status",
    Draft => "draft", Submitted => "submitted", InReview => "in_review",
    ChangesRequested => "changes_requested", Rejected => "rejected", Validated => "validated",
    Published => "published", Archived => "archived");

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Validate,
    RequestChanges,
    Reject,
}

wire_enum!(Decision, "decision", "invalid_decision",
    Validate => "validate", RequestChanges => "request_changes", Reject => "reject");

/// A committee member's declared expertise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

wire_enum!(Expertise, "expertise", "invalid_expertise",
    Physician => "physician", Nurse => "nurse", Pharmacist => "pharmacist",
    Psychologist => "psychologist", PatientExpert => "patient_expert",
    SocialWorker => "social_worker", Researcher => "researcher", Other => "other");

/// How long a validation holds before the committee must review the resource again.
pub const DEFAULT_REVIEW_MONTHS: u32 = 24;
/// Validations that publish a version when a committee is created without a `quorum`.
pub const DEFAULT_QUORUM: i32 = 1;

/// The most tags, or sources, a version carries.
pub const MAX_LIST: usize = 50;

/// The range of a video's duration, in seconds (a day at most).
pub const DURATION_SECONDS: std::ops::RangeInclusive<i32> = 1..=86_400;

/// The range of a book's publication year.
pub const PUBLICATION_YEAR: std::ops::RangeInclusive<i32> = 1450..=2100;

/// A video's duration in seconds, within [`DURATION_SECONDS`].
pub fn parse_duration(seconds: i32) -> Result<i32, ParseError> {
    in_range(seconds, &DURATION_SECONDS, "duration_seconds")
}

/// A book's publication year, within [`PUBLICATION_YEAR`].
pub fn parse_year(year: i32) -> Result<i32, ParseError> {
    in_range(year, &PUBLICATION_YEAR, "year")
}

fn in_range(
    value: i32,
    range: &std::ops::RangeInclusive<i32>,
    field: &str,
) -> Result<i32, ParseError> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(ParseError::single(
            field,
            "out_of_range",
            format!("must be between {} and {}", range.start(), range.end()),
        ))
    }
}

/// The longest a validation may hold before re-review, in months.
pub const MAX_REVIEW_MONTHS: u32 = 60;

/// The most characters a review comment holds.
pub const REVIEW_COMMENT_MAX_CHARS: usize = 4000;

/// What a reviewer writes with a decision: a comment (required unless validating) and how long
/// a validation holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewNote {
    pub comment: Description,
    pub months: u32,
}

impl ReviewNote {
    /// 422 on `comment` (`required` unless validating, `too_long` past
    /// [`REVIEW_COMMENT_MAX_CHARS`]) and on `review_in_months` (`out_of_range` outside
    /// 1..=[`MAX_REVIEW_MONTHS`]; [`DEFAULT_REVIEW_MONTHS`] when absent).
    pub fn parse(
        decision: Decision,
        comment: Option<&str>,
        months: Option<u32>,
    ) -> Result<Self, ParseError> {
        let mut errors = Errors::new();
        let comment = errors
            .check("comment", Description::parse(comment.unwrap_or_default()))
            .and_then(|comment| {
                if comment.as_str().is_empty() && decision != Decision::Validate {
                    errors.push(FieldError::new(
                        "comment",
                        "required",
                        "say what to change or why",
                    ));
                    None
                } else if comment.as_str().chars().count() > REVIEW_COMMENT_MAX_CHARS {
                    errors.push(FieldError::new(
                        "comment",
                        "too_long",
                        format!("must be at most {REVIEW_COMMENT_MAX_CHARS} characters"),
                    ));
                    None
                } else {
                    Some(comment)
                }
            });
        let months = months.unwrap_or(DEFAULT_REVIEW_MONTHS);
        if !(1..=MAX_REVIEW_MONTHS).contains(&months) {
            errors.push(FieldError::new(
                "review_in_months",
                "out_of_range",
                format!("must be between 1 and {MAX_REVIEW_MONTHS}"),
            ));
        }
        errors.finish()?;
        match comment {
            Some(comment) => Ok(Self { comment, months }),
            None => Err(ParseError::single("comment", "invalid", "is not valid")),
        }
    }
}

/// When a validation given at `validated_at` must be reviewed again.
pub fn review_due(validated_at: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    validated_at
        .checked_add_months(Months::new(months))
        .unwrap_or(validated_at)
}

/// Why a workflow step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowRefusal {
    /// The step does not apply to the version's status (409).
    InvalidTransition,
    /// Only the author (or an editor) submits; only committee members review (403).
    NotAllowed,
    /// A committee member cannot review their own resource (403).
    OwnResource,
    /// The reviewer already validated this version (409).
    AlreadyReviewed,
    /// A version under review cannot be edited (409).
    UnderReview,
}

/// Policy: may `actor` submit the version? Its author, or any editor, from `draft` or
/// `changes_requested`.
pub fn submit(
    status: VersionStatus,
    actor: MemberId,
    author: MemberId,
    actor_is_editor: bool,
) -> Result<VersionStatus, WorkflowRefusal> {
    if actor != author && !actor_is_editor {
        return Err(WorkflowRefusal::NotAllowed);
    }
    match status {
        VersionStatus::Draft | VersionStatus::ChangesRequested => Ok(VersionStatus::Submitted),
        _ => Err(WorkflowRefusal::InvalidTransition),
    }
}

/// Where a version's review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Validating reviews of the version, counting the one being given.
    pub validations: u32,
    /// Validations the committee requires.
    pub quorum: u32,
    /// The version is published and past its re-review date.
    pub overdue: bool,
    /// The reviewer already validated this version.
    pub reviewer_validated: bool,
}

impl Tally {
    pub fn new(validations: u32, quorum: u32, overdue: bool) -> Self {
        Self {
            validations,
            quorum,
            overdue,
            reviewer_validated: false,
        }
    }

    /// The same tally, knowing whether the reviewer already validated the version.
    #[must_use]
    pub fn reviewer_validated(self, validated: bool) -> Self {
        Self {
            reviewer_validated: validated,
            ..self
        }
    }
}

/// What a review does to a version: the status after it. A committee member (not its author)
/// reviews a `submitted` or `in_review` version; `validate` concludes once `validations`
/// (counting this one) reach the committee's quorum, otherwise the version stays `in_review`.
/// A published version past its re-review date (`overdue`) can be validated again: it stays
/// `published` with a new re-review date.
pub fn review(
    status: VersionStatus,
    decision: Decision,
    reviewer: MemberId,
    author: MemberId,
    reviewer_in_committee: bool,
    tally: Tally,
) -> Result<VersionStatus, WorkflowRefusal> {
    let Tally {
        validations,
        quorum,
        overdue,
        reviewer_validated,
    } = tally;
    if decision == Decision::Validate && status != VersionStatus::Published && reviewer_validated {
        return Err(WorkflowRefusal::AlreadyReviewed);
    }
    if !reviewer_in_committee {
        return Err(WorkflowRefusal::NotAllowed);
    }
    if reviewer == author {
        return Err(WorkflowRefusal::OwnResource);
    }
    if status == VersionStatus::Published && decision == Decision::Validate && overdue {
        return Ok(VersionStatus::Published);
    }
    if !matches!(status, VersionStatus::Submitted | VersionStatus::InReview) {
        return Err(WorkflowRefusal::InvalidTransition);
    }
    Ok(match decision {
        Decision::RequestChanges => VersionStatus::ChangesRequested,
        Decision::Reject => VersionStatus::Rejected,
        Decision::Validate if validations >= quorum.max(1) => VersionStatus::Validated,
        Decision::Validate => VersionStatus::InReview,
    })
}

/// What editing does: a draft, a version sent back or refused is edited in place (back to
/// `draft`); a published resource gets a new draft version; a version under review cannot
/// change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOutcome {
    InPlace,
    NewVersion,
}

pub fn edit(working: Option<VersionStatus>) -> Result<EditOutcome, WorkflowRefusal> {
    match working {
        None | Some(VersionStatus::Published | VersionStatus::Archived) => {
            Ok(EditOutcome::NewVersion)
        }
        Some(VersionStatus::Draft | VersionStatus::ChangesRequested | VersionStatus::Rejected) => {
            Ok(EditOutcome::InPlace)
        }
        Some(VersionStatus::Submitted | VersionStatus::InReview | VersionStatus::Validated) => {
            Err(WorkflowRefusal::UnderReview)
        }
    }
}

/// Policy: who sees a resource's drafts and review history? Its author, editors, and the
/// members of its committee. Everyone sees what is published.
pub fn can_see_work(
    actor: MemberId,
    author: MemberId,
    is_editor: bool,
    in_committee: bool,
) -> bool {
    actor == author || is_editor || in_committee
}

/// Is a published validation past its re-review date?
pub fn review_overdue(review_due_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    review_due_at.is_some_and(|due| due <= now)
}

/// Checks an ISBN-10 or ISBN-13 (hyphens and spaces allowed) and returns its digits.
#[expect(
    clippy::arithmetic_side_effects,
    reason = "checksums over at most 13 digits below 11"
)]
pub fn parse_isbn(raw: &str) -> Result<String, ParseError> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let invalid =
        || ParseError::single("isbn", "invalid_isbn", "is not a valid ISBN-10 or ISBN-13");
    let valid = match digits.len() {
        10 => {
            let mut sum = 0;
            for (i, c) in digits.chars().enumerate() {
                let value = match (i, c) {
                    (9, 'X') => 10,
                    (_, c) => c.to_digit(10).ok_or_else(invalid)?,
                };
                sum += value * (10 - u32::try_from(i).unwrap_or_default());
            }
            sum % 11 == 0
        }
        13 => {
            let mut sum = 0;
            for (i, c) in digits.chars().enumerate() {
                let value = c.to_digit(10).ok_or_else(invalid)?;
                sum += if i % 2 == 0 { value } else { value * 3 };
            }
            sum % 10 == 0
        }
        _ => false,
    };
    if valid { Ok(digits) } else { Err(invalid()) }
}

/// A language tag: two or three lower-case letters (ISO 639), optionally a region (`fr`,
/// `en`, `fr-ca`).
pub fn parse_language(raw: &str) -> Result<String, ParseError> {
    let value = raw.trim().to_lowercase();
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let region = parts.next();
    let ok = (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && region.is_none_or(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_alphanumeric()))
        && parts.next().is_none();
    if ok {
        Ok(value)
    } else {
        Err(ParseError::single(
            "language",
            "invalid_language",
            "must be an ISO 639 language code such as fr or en",
        ))
    }
}

/// A scientific committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committee {
    pub id: CommitteeId,
    pub name: Title,
    pub description: Description,
    pub association_id: Option<AssociationId>,
    /// Validating reviews needed to publish a version.
    pub quorum: i32,
    pub member_count: i64,
    pub created_at: DateTime<Utc>,
    /// Only members showing a verified status may review for it
    /// (`verification::may_review`).
    pub requires_verified_reviewers: bool,
}

/// A committee member's declared conflicts of interest (links with industry, funding...),
/// shown beside their name on the resources they validated. 0 to 1,000 characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeclaredInterests(String);

impl DeclaredInterests {
    pub const MAX_CHARS: usize = 1000;

    pub fn parse(raw: &str) -> Result<Self, crate::error::ParseError> {
        crate::text::bounded(raw, 0, Self::MAX_CHARS, true)
            .map(Self)
            .map_err(|e| e.in_field("declared_interests"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The content of a version. Which fields a kind needs is checked by [`Content::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub title: Title,
    pub summary: Description,
    /// Markdown (fact sheets).
    pub body: Option<Body>,
    pub url: Option<WebUrl>,
    /// Video provider (`PeerTube`, `YouTube`...).
    pub provider: Option<Label>,
    pub duration_seconds: Option<i32>,
    pub book_authors: Option<Label>,
    pub publisher: Option<Label>,
    pub year: Option<i32>,
    /// Digits only (see [`parse_isbn`]).
    pub isbn: Option<String>,
    /// Document format (`pdf`, `epub`...).
    pub format: Option<Label>,
    pub tags: Vec<Label>,
    /// Citations the content rests on.
    pub sources: Vec<Label>,
}

impl Content {
    /// The fields a kind needs: a fact sheet its body; a video, link or document its URL (and a
    /// document its format); a book its authors.
    pub fn check(&self, kind: ResourceKind) -> Result<(), ParseError> {
        let missing = |field: &str| {
            Err(ParseError::single(
                field,
                "required",
                format!("a {} needs it", kind.as_str()),
            ))
        };
        match kind {
            ResourceKind::FactSheet if self.body.is_none() => missing("body"),
            ResourceKind::Video | ResourceKind::Link | ResourceKind::Document
                if self.url.is_none() =>
            {
                missing("url")
            }
            ResourceKind::Document if self.format.is_none() => missing("format"),
            ResourceKind::Book if self.book_authors.is_none() => missing("book_authors"),
            _ => Ok(()),
        }
    }
}

/// A resource: what stays the same across versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub id: ResourceId,
    pub kind: ResourceKind,
    pub language: String,
    pub audience: ResourceAudience,
    pub committee_id: CommitteeId,
    pub author_id: MemberId,
    pub condition_ids: Vec<ConditionId>,
    /// Who stands behind the resource, when declared.
    pub sponsor: Option<Sponsor>,
    pub created_at: DateTime<Utc>,
}

/// One version of a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub id: VersionId,
    pub resource_id: ResourceId,
    pub number: i32,
    pub status: VersionStatus,
    pub content: Content,
    pub created_by: MemberId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub validated_at: Option<DateTime<Utc>>,
    pub review_due_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
}

/// A reviewer's decision on a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub reviewer_id: MemberId,
    pub decision: Decision,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::*;
    use VersionStatus::*;

    #[test]
    fn review_notes_and_content_ranges() {
        let note = ReviewNote::parse(Validate, None, None).unwrap();
        assert_eq!(
            (note.comment.as_str(), note.months),
            ("", DEFAULT_REVIEW_MONTHS)
        );
        let code = |result: Result<ReviewNote, ParseError>| {
            let error = result.unwrap_err();
            (error.errors()[0].field.clone(), error.errors()[0].code)
        };
        assert_eq!(
            code(ReviewNote::parse(RequestChanges, Some(""), None)),
            ("comment".to_owned(), "required")
        );
        let long = "a".repeat(REVIEW_COMMENT_MAX_CHARS + 1);
        assert_eq!(
            code(ReviewNote::parse(Reject, Some(&long), None)).0,
            "comment"
        );
        assert_eq!(
            code(ReviewNote::parse(
                Validate,
                None,
                Some(MAX_REVIEW_MONTHS + 1)
            )),
            ("review_in_months".to_owned(), "out_of_range")
        );
        assert!(ReviewNote::parse(Validate, None, Some(0)).is_err());
        assert_eq!(
            ReviewNote::parse(Reject, Some("sources manquantes"), Some(12))
                .unwrap()
                .months,
            12
        );
        assert!(parse_duration(0).is_err());
        assert_eq!(parse_duration(86_400).unwrap(), 86_400);
        assert!(parse_year(1449).is_err());
        assert_eq!(parse_year(2024).unwrap(), 2024);
    }

    #[test]
    fn a_reviewer_validates_a_version_once() {
        let (author, reviewer) = (MemberId::new(), MemberId::new());
        let tally = Tally::new(2, 3, false).reviewer_validated(true);
        assert_eq!(
            review(InReview, Validate, reviewer, author, true, tally),
            Err(WorkflowRefusal::AlreadyReviewed)
        );
        // Asking for changes after validating stays possible.
        assert_eq!(
            review(InReview, RequestChanges, reviewer, author, true, tally),
            Ok(ChangesRequested)
        );
        // A published version past its re-review date is validated again.
        let overdue = Tally::new(2, 1, true).reviewer_validated(true);
        assert_eq!(
            review(Published, Validate, reviewer, author, true, overdue),
            Ok(Published)
        );
    }

    #[test]
    fn the_review_workflow_and_its_forbidden_transitions() {
        let (author, reviewer) = (MemberId::new(), MemberId::new());
        assert_eq!(submit(Draft, author, author, false), Ok(Submitted));
        assert_eq!(
            submit(ChangesRequested, author, author, false),
            Ok(Submitted)
        );
        assert_eq!(
            submit(Draft, reviewer, author, false),
            Err(WorkflowRefusal::NotAllowed)
        );
        assert_eq!(submit(Draft, reviewer, author, true), Ok(Submitted));
        for status in [
            Submitted, InReview, Published, Rejected, Archived, Validated,
        ] {
            assert_eq!(
                submit(status, author, author, false),
                Err(WorkflowRefusal::InvalidTransition),
                "{status:?}"
            );
        }
        assert_eq!(
            review(
                Submitted,
                Validate,
                reviewer,
                author,
                true,
                Tally::new(1, 1, false)
            ),
            Ok(Validated)
        );
        assert_eq!(
            review(
                Submitted,
                Validate,
                reviewer,
                author,
                true,
                Tally::new(1, 2, false)
            ),
            Ok(InReview)
        );
        assert_eq!(
            review(
                InReview,
                Validate,
                reviewer,
                author,
                true,
                Tally::new(2, 2, false)
            ),
            Ok(Validated)
        );
        assert_eq!(
            review(
                InReview,
                RequestChanges,
                reviewer,
                author,
                true,
                Tally::new(0, 2, false)
            ),
            Ok(ChangesRequested)
        );
        assert_eq!(
            review(
                Submitted,
                Reject,
                reviewer,
                author,
                true,
                Tally::new(0, 1, false)
            ),
            Ok(Rejected)
        );
        assert_eq!(
            review(
                Submitted,
                Validate,
                author,
                author,
                true,
                Tally::new(1, 1, false)
            ),
            Err(WorkflowRefusal::OwnResource)
        );
        assert_eq!(
            review(
                Submitted,
                Validate,
                reviewer,
                author,
                false,
                Tally::new(1, 1, false)
            ),
            Err(WorkflowRefusal::NotAllowed)
        );
        for status in [Draft, ChangesRequested, Rejected, Published, Archived] {
            assert_eq!(
                review(
                    status,
                    Validate,
                    reviewer,
                    author,
                    true,
                    Tally::new(1, 1, false)
                ),
                Err(WorkflowRefusal::InvalidTransition),
                "{status:?}"
            );
        }
        assert_eq!(
            review(
                Published,
                Validate,
                reviewer,
                author,
                true,
                Tally::new(1, 1, true)
            ),
            Ok(Published)
        );
        assert_eq!(
            review(
                Published,
                Validate,
                reviewer,
                author,
                true,
                Tally::new(1, 1, false)
            ),
            Err(WorkflowRefusal::InvalidTransition)
        );
        assert_eq!(edit(Some(Published)), Ok(EditOutcome::NewVersion));
        assert_eq!(edit(Some(ChangesRequested)), Ok(EditOutcome::InPlace));
        assert_eq!(edit(Some(Submitted)), Err(WorkflowRefusal::UnderReview));
    }

    #[test]
    fn review_dates() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let due = review_due(at, DEFAULT_REVIEW_MONTHS);
        assert_eq!(due.to_rfc3339(), "2028-11-30T10:00:00+00:00");
        assert!(!review_overdue(Some(due), at));
        assert!(review_overdue(Some(due), due));
        assert!(!review_overdue(None, due));
    }

    #[test]
    fn isbns_and_languages() {
        assert_eq!(parse_isbn("978-2-07-036822-8").unwrap(), "9782070368228");
        assert_eq!(parse_isbn("2-07-036822-x").unwrap(), "207036822X");
        assert!(parse_isbn("2-07-036822-5").is_err());
        assert!(parse_isbn("0-306-40615-2").is_ok());
        assert!(parse_isbn("978-2-07-036822-9").is_err());
        assert!(parse_isbn("abc").is_err());
        assert_eq!(parse_language("FR").unwrap(), "fr");
        assert!(parse_language("fr-CA").is_ok());
        assert!(parse_language("français").is_err());
    }
}
