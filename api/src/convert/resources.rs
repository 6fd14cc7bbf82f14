//! Resources, versions and reviews between the domain and the wire.

use entraide_domain::resource::{
    Content, Decision, Expertise, ResourceAudience, ResourceKind, Version, VersionStatus,
};
use entraide_domain::text::Label;
use entraide_openapi::resources as wire;
use entraide_persistence::resources;

enum_conversions!(
    kind_to,
    kind_from,
    ResourceKind,
    wire::ResourceKind,
    [FactSheet, Video, Book, Link, Document]
);

enum_conversions!(
    audience_to,
    audience_from,
    ResourceAudience,
    wire::ResourceAudience,
    [Patients, Caregivers, Everyone]
);

enum_conversions!(
    status_to,
    status_from,
    VersionStatus,
    wire::VersionStatus,
    [
        Draft,
        Submitted,
        InReview,
        ChangesRequested,
        Rejected,
        Validated,
        Published,
        Archived
    ]
);

enum_conversions!(
    decision_to,
    decision_from,
    Decision,
    wire::Decision,
    [Validate, RequestChanges, Reject]
);

enum_conversions!(
    expertise_to,
    expertise_from,
    Expertise,
    wire::Expertise,
    [
        Physician,
        Nurse,
        Pharmacist,
        Psychologist,
        PatientExpert,
        SocialWorker,
        Researcher,
        Other
    ]
);

fn content_to_wire(content: Content) -> wire::ContentOutput {
    let Content {
        title,
        summary,
        body,
        url,
        provider,
        duration_seconds,
        book_authors,
        publisher,
        year,
        isbn,
        format,
        tags,
        sources,
    } = content;
    let text = |l: Option<Label>| l.map(|l| l.as_str().to_owned());
    wire::ContentOutput {
        title: title.as_str().to_owned(),
        summary: summary.as_str().to_owned(),
        body_html: body.as_ref().map(|b| b.html().to_owned()),
        body: body.map(|b| b.source().to_owned()),
        url: url.map(|u| u.as_str().to_owned()),
        provider: text(provider),
        duration_seconds,
        book_authors: text(book_authors),
        publisher: text(publisher),
        year,
        isbn,
        format: text(format),
        tags: tags.iter().map(|t| t.as_str().to_owned()).collect(),
        sources: sources.iter().map(|s| s.as_str().to_owned()).collect(),
    }
}

pub(crate) fn version_to_wire(version: Version) -> wire::ResourceVersion {
    let Version {
        id: _,
        resource_id: _,
        number,
        status,
        content,
        created_by: _,
        created_at,
        updated_at: _,
        submitted_at,
        validated_at,
        review_due_at,
        published_at,
    } = version;
    wire::ResourceVersion {
        number,
        status: status_to(status),
        content: content_to_wire(content),
        created_at,
        submitted_at,
        validated_at,
        published_at,
        review_due_at,
    }
}

pub(crate) fn reviewer_ref(reviewer: &resources::Reviewer) -> wire::ReviewerRef {
    wire::ReviewerRef {
        member: crate::convert::posts::summary(
            reviewer.member_id,
            &reviewer.pseudonym,
            reviewer.kind,
            reviewer.badge,
        ),
        expertise: reviewer.expertise.map(expertise_to),
        declared_interests: reviewer.declared_interests.clone(),
    }
}
