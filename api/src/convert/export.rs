//! The member export's records to the wire, field by field (a new column breaks the build here).

use entraide_openapi::export as wire;
use entraide_persistence::export::{
    AnnouncementRecord, ApprovalRecord, AssociationMembershipRecord, CampaignRecord, CommentRecord,
    CommitteeSeatRecord, ConditionRef, DonationRecord, EditorRecord, EventRecord, GrantRecord,
    GroupMembershipRecord, KindChangeRecord, MemberChoice, NamedRecord, PlaceRecord, PostRecord,
    ReactionRecord, ReactionTarget, ResearchReadRecord, ResourceRecord, ResponseRecord,
    ReviewRecord, RsvpRecord, SessionRecord, StudyRecord, VersionRecord,
};

use crate::convert::kind_to_wire;
use crate::convert::research::{answers_to_wire, audit_to_wire};
use crate::convert::{associations, events, groups, posts, research, resources};

pub(crate) fn condition(record: ConditionRef) -> wire::MemberExportCondition {
    let ConditionRef { id, name } = record;
    wire::MemberExportCondition {
        id: id.as_uuid(),
        name,
    }
}

pub(crate) fn kind_change(record: KindChangeRecord) -> wire::MemberExportKindChange {
    let KindChangeRecord {
        id,
        from,
        to,
        status,
        requested_at,
        effective_at,
        approved,
        applied_at,
    } = record;
    wire::MemberExportKindChange {
        id,
        from: kind_to_wire(from),
        to: kind_to_wire(to),
        status,
        requested_at,
        effective_at,
        approved,
        applied_at,
    }
}

pub(crate) fn session(record: SessionRecord) -> wire::MemberExportSession {
    let SessionRecord {
        id,
        created_at,
        last_used_at,
        device,
        revoked_at,
    } = record;
    wire::MemberExportSession {
        id: id.as_uuid(),
        created_at,
        last_used_at,
        device,
        revoked_at,
    }
}

pub(crate) fn group_membership(record: GroupMembershipRecord) -> wire::MemberExportGroupMembership {
    let GroupMembershipRecord {
        group_id,
        group_name,
        role,
        status,
        created_at,
        updated_at,
    } = record;
    wire::MemberExportGroupMembership {
        group_id: group_id.as_uuid(),
        group_name,
        role: groups::role_to_wire(role),
        status: groups::status_to_wire(status),
        created_at,
        updated_at,
    }
}

pub(crate) fn named(record: NamedRecord) -> wire::MemberExportNamedItem {
    let NamedRecord { id, name, at } = record;
    wire::MemberExportNamedItem { id, name, at }
}

pub(crate) fn post(record: PostRecord) -> wire::MemberExportPost {
    let PostRecord {
        id,
        group_id,
        group_name,
        body,
        created_at,
        edited_at,
        deleted_at,
        pinned_at,
    } = record;
    wire::MemberExportPost {
        id: id.as_uuid(),
        group_id: group_id.map(|g| g.as_uuid()),
        group_name,
        body,
        created_at,
        edited_at,
        deleted_at,
        pinned_at,
    }
}

pub(crate) fn comment(record: CommentRecord) -> wire::MemberExportComment {
    let CommentRecord {
        id,
        post_id,
        parent_id,
        body,
        created_at,
        edited_at,
        deleted_at,
    } = record;
    wire::MemberExportComment {
        id: id.as_uuid(),
        post_id: post_id.as_uuid(),
        parent_id: parent_id.map(|c| c.as_uuid()),
        body,
        created_at,
        edited_at,
        deleted_at,
    }
}

pub(crate) fn reaction(record: ReactionRecord) -> wire::MemberExportReaction {
    let ReactionRecord {
        target,
        kind,
        created_at,
    } = record;
    let (post_id, comment_id) = match target {
        ReactionTarget::Post(post) => (Some(post.as_uuid()), None),
        ReactionTarget::Comment(comment) => (None, Some(comment.as_uuid())),
    };
    wire::MemberExportReaction {
        post_id,
        comment_id,
        kind: posts::kind_to_wire(kind),
        created_at,
    }
}

pub(crate) fn member_choice(record: MemberChoice) -> wire::MemberExportMemberChoice {
    let MemberChoice {
        member_id,
        pseudonym,
        since,
    } = record;
    wire::MemberExportMemberChoice {
        member_id: member_id.as_uuid(),
        pseudonym: pseudonym.as_str().to_owned(),
        since,
    }
}

pub(crate) fn event(record: EventRecord) -> wire::MemberExportEvent {
    let EventRecord {
        id,
        title,
        description,
        group_id,
        association_id,
        starts_at,
        ends_at,
        time_zone,
        recurrence,
        recurrence_until,
        online_url,
        address,
        city,
        latitude,
        longitude,
        capacity,
        status,
        cancelled_at,
        created_at,
        updated_at,
    } = record;
    wire::MemberExportEvent {
        id: id.as_uuid(),
        title,
        description,
        group_id: group_id.map(|g| g.as_uuid()),
        association_id: association_id.map(|a| a.as_uuid()),
        starts_at,
        ends_at,
        time_zone,
        recurrence: recurrence.map(events::recurrence_to_wire),
        recurrence_until,
        online_url,
        address,
        city,
        latitude,
        longitude,
        capacity,
        status: events::status_to_wire(status),
        cancelled_at,
        created_at,
        updated_at,
    }
}

pub(crate) fn rsvp(record: RsvpRecord) -> wire::MemberExportRsvp {
    let RsvpRecord {
        event_id,
        event_title,
        status,
        created_at,
        updated_at,
    } = record;
    wire::MemberExportRsvp {
        event_id: event_id.as_uuid(),
        event_title,
        status: events::rsvp_to_wire(status),
        created_at,
        updated_at,
    }
}

pub(crate) fn association_membership(
    record: AssociationMembershipRecord,
) -> wire::MemberExportAssociationMembership {
    let AssociationMembershipRecord {
        association_id,
        association_name,
        role,
        status,
        vouched,
        created_at,
        updated_at,
    } = record;
    wire::MemberExportAssociationMembership {
        association_id: association_id.as_uuid(),
        association_name,
        role: associations::role_to_wire(role),
        status: associations::membership_status_to_wire(status),
        vouched,
        created_at,
        updated_at,
    }
}

pub(crate) fn announcement(record: AnnouncementRecord) -> wire::MemberExportAnnouncement {
    let AnnouncementRecord {
        id,
        association_id,
        title,
        body,
        link,
        publish_at,
        expires_at,
        created_at,
    } = record;
    wire::MemberExportAnnouncement {
        id: id.as_uuid(),
        association_id: association_id.as_uuid(),
        title,
        body,
        link,
        publish_at,
        expires_at,
        created_at,
    }
}

pub(crate) fn campaign(record: CampaignRecord) -> wire::MemberExportCampaign {
    let CampaignRecord {
        id,
        association_id,
        title,
        description,
        goal_cents,
        currency,
        starts_at,
        ends_at,
        payment_url,
        created_at,
    } = record;
    wire::MemberExportCampaign {
        id: id.as_uuid(),
        association_id: association_id.as_uuid(),
        title,
        description,
        goal_cents,
        currency,
        starts_at,
        ends_at,
        payment_url,
        created_at,
    }
}

pub(crate) fn editor_right(record: EditorRecord) -> wire::MemberExportEditorRight {
    let EditorRecord {
        association_id,
        granted_at,
    } = record;
    wire::MemberExportEditorRight {
        association_id: association_id.map(|a| a.as_uuid()),
        granted_at,
    }
}

pub(crate) fn committee_seat(record: CommitteeSeatRecord) -> wire::MemberExportCommitteeSeat {
    let CommitteeSeatRecord {
        committee_id,
        committee_name,
        expertise,
        added_at,
        declared_interests,
    } = record;
    wire::MemberExportCommitteeSeat {
        committee_id: committee_id.as_uuid(),
        committee_name,
        expertise: resources::expertise_to(expertise),
        added_at,
        declared_interests,
    }
}

pub(crate) fn verification(
    badge: Option<(
        entraide_domain::verification::Badge,
        chrono::DateTime<chrono::Utc>,
    )>,
    requests: Vec<entraide_domain::verification::VerificationRequest>,
) -> wire::MemberExportVerification {
    use crate::convert::verification::{badge_to_wire, status_to_wire};
    wire::MemberExportVerification {
        badge: badge.map(|(badge, _)| badge_to_wire(badge)),
        granted_at: badge.map(|(_, at)| at),
        requests: requests
            .into_iter()
            .map(|request| {
                let entraide_domain::verification::VerificationRequest {
                    id,
                    member_id: _,
                    badge,
                    document_reference,
                    association_id,
                    status,
                    note,
                    created_at,
                    decided_at,
                } = request;
                wire::MemberExportVerificationRequest {
                    id: id.as_uuid(),
                    badge: badge_to_wire(badge),
                    document_reference: document_reference.as_str().to_owned(),
                    association_id: association_id.map(|a| a.as_uuid()),
                    status: status_to_wire(status),
                    note: note.map(|n| n.as_str().to_owned()),
                    created_at,
                    decided_at,
                }
            })
            .collect(),
    }
}

pub(crate) fn resource(record: ResourceRecord) -> wire::MemberExportResource {
    let ResourceRecord {
        id,
        kind,
        language,
        committee_id,
        created_at,
    } = record;
    wire::MemberExportResource {
        id: id.as_uuid(),
        kind: resources::kind_to(kind),
        language,
        committee_id: committee_id.as_uuid(),
        created_at,
    }
}

pub(crate) fn version(record: VersionRecord) -> wire::MemberExportResourceVersion {
    let VersionRecord {
        id,
        resource_id,
        number,
        status,
        title,
        summary,
        body,
        url,
        created_at,
        updated_at,
    } = record;
    wire::MemberExportResourceVersion {
        id: id.as_uuid(),
        resource_id: resource_id.as_uuid(),
        number,
        status: resources::status_to(status),
        title,
        summary,
        body,
        url,
        created_at,
        updated_at,
    }
}

pub(crate) fn review(record: ReviewRecord) -> wire::MemberExportReview {
    let ReviewRecord {
        id,
        version_id,
        decision,
        comment,
        created_at,
    } = record;
    wire::MemberExportReview {
        id,
        version_id: version_id.as_uuid(),
        decision: resources::decision_to(decision),
        comment,
        created_at,
    }
}

pub(crate) fn place(record: PlaceRecord) -> wire::MemberExportPlace {
    let PlaceRecord {
        id,
        name,
        created,
        verified,
        created_at,
        verified_at,
    } = record;
    wire::MemberExportPlace {
        id: id.as_uuid(),
        name,
        created,
        verified,
        created_at,
        verified_at,
    }
}

pub(crate) fn study(record: StudyRecord) -> wire::MemberExportStudy {
    let StudyRecord {
        id,
        title,
        status,
        created_at,
    } = record;
    wire::MemberExportStudy {
        id: id.as_uuid(),
        title,
        status: research::status_to_wire(status),
        created_at,
    }
}

pub(crate) fn research_read(record: ResearchReadRecord) -> wire::MemberExportResearchRead {
    let ResearchReadRecord {
        study_id,
        action,
        at,
    } = record;
    wire::MemberExportResearchRead {
        study_id: study_id.as_uuid(),
        action: audit_to_wire(action),
        at,
    }
}

pub(crate) fn response(record: ResponseRecord) -> wire::MemberExportResponse {
    let ResponseRecord {
        id,
        questionnaire_id,
        study_id,
        version,
        consent_version,
        answers,
        answered_at,
        excluded_at,
        kept_pseudonymous,
    } = record;
    wire::MemberExportResponse {
        id: id.as_uuid(),
        questionnaire_id: questionnaire_id.as_uuid(),
        study_id: study_id.as_uuid(),
        version,
        consent_version,
        answers: answers_to_wire(&answers),
        answered_at,
        kept_pseudonymous,
        excluded_at,
    }
}

pub(crate) fn approval(record: ApprovalRecord) -> wire::MemberExportApproval {
    let ApprovalRecord {
        kind_change_id,
        member_id,
        effective_at,
    } = record;
    wire::MemberExportApproval {
        kind_change_id,
        member_id: member_id.as_uuid(),
        effective_at,
    }
}

pub(crate) fn donation(record: DonationRecord) -> wire::MemberExportDonation {
    let DonationRecord {
        id,
        campaign_id,
        amount_cents,
        received_at,
    } = record;
    wire::MemberExportDonation {
        id: id.as_uuid(),
        campaign_id: campaign_id.as_uuid(),
        amount_cents,
        received_at,
    }
}

pub(crate) fn grant(record: GrantRecord) -> wire::MemberExportGrant {
    let GrantRecord {
        member_id,
        granted_at,
    } = record;
    wire::MemberExportGrant {
        member_id: member_id.as_uuid(),
        granted_at,
    }
}

pub fn media(photo: entraide_domain::media::Media) -> wire::MemberExportMedia {
    use entraide_domain::media::{Attachment, Media};
    let Media {
        id,
        owner_id: _,
        format,
        width,
        height,
        blurhash: _,
        duration_ms: _,
        variants: _,
        byte_size,
        attachment,
        created_at,
        attached_at,
    } = photo;
    let (attached_to, post_id, comment_id) = match attachment {
        Attachment::Unattached => (None, None, None),
        Attachment::Post(post) => (Some("post"), Some(post.as_uuid()), None),
        Attachment::Comment(comment) => (Some("comment"), None, Some(comment.as_uuid())),
        Attachment::Avatar => (Some("avatar"), None, None),
    };
    wire::MemberExportMedia {
        id: id.as_uuid(),
        format: super::media::format_to_wire(format),
        width,
        height,
        byte_size,
        attached_to: attached_to.map(str::to_owned),
        post_id,
        comment_id,
        created_at,
        attached_at,
    }
}
