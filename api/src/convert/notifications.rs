//! Notifications between the domain and the wire.

use entraide_domain::ids::MemberId;
use entraide_domain::member::Pseudonym;
use entraide_domain::notification::{
    Channel, DigestFrequency, Notification, NotificationKind, Outcome, Subject,
};
use entraide_openapi::notifications as wire;

enum_conversions!(
    kind_to_wire,
    kind_from_wire,
    NotificationKind,
    wire::NotificationKind,
    [
        Comment,
        Reply,
        Reaction,
        Mention,
        JoinRequest,
        JoinDecision,
        EventChanged,
        EventReminder,
        QuestionnaireDue,
        ResourceValidated,
        ContentModerated,
        Sanctioned,
        ReportDecided,
    ]
);

enum_conversions!(
    channel_to_wire,
    channel_from_wire,
    Channel,
    wire::NotificationChannel,
    [InApp, EmailDigest, Off]
);

enum_conversions!(
    digest_to_wire,
    digest_from_wire,
    DigestFrequency,
    wire::DigestFrequency,
    [Daily, Weekly, Never]
);

enum_conversions!(
    outcome_to_wire,
    outcome_from_wire,
    Outcome,
    wire::NotificationOutcome,
    [Approved, Refused, Changed, Cancelled]
);

/// A notification on the wire; `actor` is the actor's current pseudonym (looked up by the
/// caller in one batch), `None` when there is no actor.
pub(crate) fn item(
    notification: Notification,
    actor: Option<(MemberId, &Pseudonym)>,
) -> wire::NotificationItem {
    let Notification {
        id,
        recipient: _,
        kind,
        actor: _,
        subject,
        outcome,
        count,
        created_at,
        read_at,
    } = notification;
    let Subject {
        post,
        comment,
        group,
        event,
        other,
    } = subject;
    wire::NotificationItem {
        id,
        kind: kind_to_wire(kind),
        actor: actor.map(|(id, pseudonym)| wire::NotificationActor {
            id: id.as_uuid(),
            pseudonym: pseudonym.as_str().to_owned(),
        }),
        post_id: post.map(|p| p.as_uuid()),
        comment_id: comment.map(|c| c.as_uuid()),
        group_id: group.map(|g| g.as_uuid()),
        event_id: event.map(|e| e.as_uuid()),
        subject_id: other,
        outcome: outcome.map(outcome_to_wire),
        count,
        created_at,
        read: read_at.is_some(),
    }
}

/// The settings on the wire, from the channel of every kind and the digest frequency.
pub(crate) fn settings(
    chosen: &[(NotificationKind, Channel)],
    digest: DigestFrequency,
) -> wire::NotificationSettings {
    let of = |kind: NotificationKind| {
        channel_to_wire(
            chosen
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(Channel::default(), |(_, c)| *c),
        )
    };
    wire::NotificationSettings {
        comment: of(NotificationKind::Comment),
        reply: of(NotificationKind::Reply),
        reaction: of(NotificationKind::Reaction),
        mention: of(NotificationKind::Mention),
        join_request: of(NotificationKind::JoinRequest),
        join_decision: of(NotificationKind::JoinDecision),
        event_changed: of(NotificationKind::EventChanged),
        event_reminder: of(NotificationKind::EventReminder),
        questionnaire_due: of(NotificationKind::QuestionnaireDue),
        resource_validated: of(NotificationKind::ResourceValidated),
        content_moderated: of(NotificationKind::ContentModerated),
        sanctioned: of(NotificationKind::Sanctioned),
        report_decided: of(NotificationKind::ReportDecided),
        digest: digest_to_wire(digest),
    }
}

/// The changes a settings request asks for: (kind, channel) pairs, and the digest frequency.
pub(crate) fn setting_changes(
    request: wire::UpdateNotificationSettingsRequest,
) -> (Vec<(NotificationKind, Channel)>, Option<DigestFrequency>) {
    let wire::UpdateNotificationSettingsRequest {
        comment,
        reply,
        reaction,
        mention,
        join_request,
        join_decision,
        event_changed,
        event_reminder,
        questionnaire_due,
        resource_validated,
        content_moderated,
        sanctioned,
        report_decided,
        digest,
    } = request;
    let channels = [
        (NotificationKind::Comment, comment),
        (NotificationKind::Reply, reply),
        (NotificationKind::Reaction, reaction),
        (NotificationKind::Mention, mention),
        (NotificationKind::JoinRequest, join_request),
        (NotificationKind::JoinDecision, join_decision),
        (NotificationKind::EventChanged, event_changed),
        (NotificationKind::EventReminder, event_reminder),
        (NotificationKind::QuestionnaireDue, questionnaire_due),
        (NotificationKind::ResourceValidated, resource_validated),
        (NotificationKind::ContentModerated, content_moderated),
        (NotificationKind::Sanctioned, sanctioned),
        (NotificationKind::ReportDecided, report_decided),
    ]
    .into_iter()
    .filter_map(|(kind, channel)| channel.map(|c| (kind, channel_from_wire(c))))
    .collect();
    (channels, digest.map(digest_from_wire))
}

/// A notification in the member's export: in full when `shown` holds its id, else its kind and
/// times only.
pub(crate) fn exported(
    notification: Notification,
    shown: &[uuid::Uuid],
) -> entraide_openapi::export::MemberExportNotification {
    let Notification {
        id,
        recipient: _,
        kind,
        actor,
        subject,
        outcome,
        count,
        created_at,
        read_at,
    } = notification;
    let Subject {
        post,
        comment,
        group,
        event,
        other,
    } = subject;
    let full = shown.contains(&id);
    let keep = |value: Option<uuid::Uuid>| value.filter(|_| full);
    entraide_openapi::export::MemberExportNotification {
        id,
        kind: kind_to_wire(kind),
        actor_id: keep(actor.map(|a| a.as_uuid())),
        post_id: keep(post.map(|p| p.as_uuid())),
        comment_id: keep(comment.map(|c| c.as_uuid())),
        group_id: keep(group.map(|g| g.as_uuid())),
        event_id: keep(event.map(|e| e.as_uuid())),
        subject_id: keep(other),
        outcome: outcome.filter(|_| full).map(outcome_to_wire),
        count,
        created_at,
        read_at,
        shown: full,
    }
}
