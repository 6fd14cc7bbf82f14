//! The member's data export (GDPR articles 15 and 20): every section read from one snapshot, and
//! the list of what is stored but left out, with why. Which column feeds which section is
//! `persistence::export::EXPORTED`; a test fails when the schema grows a member reference that
//! no section reads and no reason leaves out.

use chrono::{DateTime, Utc};
use entraide_domain::ids::{MemberId, StudyId};
use entraide_openapi::export as wire;
use entraide_openapi::research::PastAnswers;
use entraide_persistence::admin_audit::{self, AuditEntry, AuditScope};
use entraide_persistence::moderation::{self, LogEntry, LogScope};
use entraide_persistence::{DbConnection, export, members, studies};

use crate::convert::export as convert;
use crate::error::ApiError;
use crate::security::participants::participant_id;
use crate::views::research::ledger_view;

/// `(field, why it is left out)`: stored about the member, not in the document.
pub(crate) const NOT_INCLUDED: &[(&str, &str)] = &[
    (
        "member.password_hash",
        "Only a one-way hash of your password is stored: it cannot give your password back, \
         and a copy of it would help someone guess it.",
    ),
    (
        "member.pseudonym_key",
        "Lookup keys computed from your pseudonym (ignoring case and look-alike letters) so that \
         nobody else takes one like it; they hold nothing beyond `pseudonym`.",
    ),
    (
        "sessions.refresh_tokens",
        "Each session's refresh tokens are stored as one-way hashes only: useless to you, a risk \
         if the file leaks. `sessions` lists the sessions themselves.",
    ),
    (
        "calendar_feed.token",
        "The secret of your calendar feed URL is stored as a hash; ask for a new URL to get one.",
    ),
    (
        "follows.followers",
        "Who follows you is each follower's own choice: you get their number \
         (`follows.follower_count`); the app shows the list to whom your wall allows.",
    ),
    (
        "blocks.blocked_by",
        "Whether and by whom you are blocked is the blocker's private choice, never shown to the \
         member it hides.",
    ),
    (
        "staff.identities",
        "Which moderator approved your kind change and which admin granted you a right are kept \
         for staff accountability, not shown to members (`approved`, `granted_at` say what and \
         when).",
    ),
    (
        "questionnaire_responses.participant",
        "Your pseudonym in a study is computed with the study's secret key for its researchers; \
         it adds nothing about you beyond the answers listed, only a way to link them.",
    ),
    (
        "login_throttles",
        "Failed sign-in counters are keyed by a one-way hash of an e-mail and a network, and \
         pruned after a day: they cannot be found by account.",
    ),
    (
        "search_index",
        "The search index holds word stems of your posts and comments, nothing beyond their text.",
    ),
    (
        "others_content",
        "Posts you commented or reacted on, other members' comments, group and event content \
         are other members' data: they are named by id.",
    ),
    (
        "staff_actions.details",
        "Donor names of donations you recorded and the kinds of members whose change you \
         approved belong to them, not to you.",
    ),
];

/// Everything the platform holds about `member`, as of one snapshot: call inside
/// `db::read_snapshot`.
pub(crate) fn member_export(
    conn: &mut DbConnection,
    member: MemberId,
    now: DateTime<Utc>,
    message_keys: &crate::security::message_keys::MessageKeys,
) -> Result<wire::MemberExport, ApiError> {
    let account = members::find_account(conn, member)?.ok_or(ApiError::NotFound)?;
    let extras = export::account_extras(conn, member)?.ok_or(ApiError::NotFound)?;
    let pending = entraide_persistence::kind_changes::pending(conn, member)?;
    let export::AccountExtras {
        updated_at,
        receive_announcements,
        listed_in_member_lists,
        failed_logins,
        login_locked_until,
    } = extras;
    let discoverable =
        entraide_persistence::discovery::discoverable(conn, member)?.map(|d| d.parts);
    let member_section = wire::MemberExportAccount {
        profile: crate::convert::my_profile(
            &account,
            pending.as_ref(),
            entraide_persistence::verification::granted(conn, member)?,
        ),
        settings: entraide_openapi::associations::MemberSettings {
            receive_announcements,
            listed_in_member_lists,
            discoverable: discoverable.is_some(),
            discovery_parts: crate::convert::discovery::parts_to_wire(discoverable),
        },
        conditions: map(export::conditions(conn, member)?, convert::condition),
        updated_at,
        failed_logins,
        login_locked_until,
    };

    // The ledger, oldest first like every other list here.
    let mut consents = ledger_view(conn, member)?.items;
    consents.reverse();
    let kept = kept_pseudonyms(conn, member, &consents)?;
    let mut questionnaire_responses = export::linked_responses(conn, member)?;
    questionnaire_responses.extend(export::pseudonymous_responses(conn, &kept)?);
    questionnaire_responses.sort_by_key(|r| r.id);

    let follower_count = u64::try_from(export::follower_count(conn, member)?)
        .map_err(|_| ApiError::internal("a negative count"))?;
    let decisions_about = moderation::log(conn, LogScope::About(member), None, i64::MAX)?;

    Ok(wire::MemberExport {
        generated_at: now,
        member: member_section,
        kind_changes: map(export::kind_changes(conn, member)?, convert::kind_change),
        sessions: map(export::sessions(conn, member)?, convert::session),
        group_memberships: map(
            export::group_memberships(conn, member)?,
            convert::group_membership,
        ),
        groups_created: map(export::groups_created(conn, member)?, convert::named),
        posts: map(export::posts(conn, member)?, convert::post),
        comments: map(export::comments(conn, member)?, convert::comment),
        media: map(
            entraide_persistence::media::owned_by(conn, member)?,
            convert::media,
        ),
        reactions: map(export::reactions(conn, member)?, convert::reaction),
        follows: wire::MemberExportFollows {
            members: map(export::following(conn, member)?, convert::member_choice),
            associations: map(export::association_follows(conn, member)?, convert::named),
            conditions: map(export::condition_follows(conn, member)?, convert::named),
            follower_count,
        },
        blocks: map(export::blocking(conn, member)?, convert::member_choice),
        events: map(export::organised_events(conn, member)?, convert::event),
        rsvps: map(export::rsvps(conn, member)?, convert::rsvp),
        calendar_feed: export::calendar_feed(conn, member)?
            .map(|created_at| wire::MemberExportCalendarFeed { created_at }),
        association_memberships: map(
            export::association_memberships(conn, member)?,
            convert::association_membership,
        ),
        associations_created: map(export::associations_created(conn, member)?, convert::named),
        announcements: map(export::announcements(conn, member)?, convert::announcement),
        campaigns: map(export::campaigns(conn, member)?, convert::campaign),
        editor_right: export::editor_right(conn, member)?.map(convert::editor_right),
        committee_seats: map(
            export::committee_seats(conn, member)?,
            convert::committee_seat,
        ),
        verification: convert::verification(
            entraide_persistence::verification::badge_record(conn, member)?,
            entraide_persistence::verification::all_of(conn, member)?,
        ),
        committees_created: map(export::committees_created(conn, member)?, convert::named),
        resources: map(export::resources_authored(conn, member)?, convert::resource),
        resource_versions: map(export::versions_written(conn, member)?, convert::version),
        resource_reviews: map(export::reviews_given(conn, member)?, convert::review),
        places: map(export::places(conn, member)?, convert::place),
        researcher_right: export::researcher_right(conn, member)?
            .map(|granted_at| wire::MemberExportResearcherRight { granted_at }),
        studies_created: map(export::studies_created(conn, member)?, convert::study),
        research_reads: map(
            export::research_reads(conn, member)?,
            convert::research_read,
        ),
        consents,
        questionnaire_responses: map(questionnaire_responses, convert::response),
        reports_made: moderation::by_reporter(conn, member, None, i64::MAX)?
            .into_iter()
            .map(crate::convert::moderation::my_report)
            .collect::<Result<_, _>>()?,
        moderation_decisions: crate::views::moderation::notices(
            conn,
            decisions_about,
            chrono::Utc::now(),
        )?,
        administration: map(
            admin_audit::list(conn, AuditScope::About(member), None, i64::MAX)?,
            |e| administration(e, false),
        ),
        conversations: crate::views::messages::export(conn, message_keys, member)?,
        message_settings: entraide_persistence::messages::messages_from(conn, member)?.map(
            |setting| entraide_openapi::messages::MessageSettings {
                messages_from: crate::convert::messages::messages_from_to_wire(setting),
            },
        ),
        notifications: notifications_export(conn, member, account.profile.kind)?,
        notification_settings: crate::convert::notifications::settings(
            &entraide_persistence::notifications::settings(conn, member)?,
            entraide_persistence::notifications::digest_frequency(conn, member)?,
        ),
        staff_actions: wire::MemberExportStaffActions {
            moderation_decisions: moderation::log(conn, LogScope::By(member), None, i64::MAX)?
                .into_iter()
                .map(moderation_decision)
                .collect::<Result<_, _>>()?,
            administration: map(
                admin_audit::list(conn, AuditScope::By(member), None, i64::MAX)?,
                |e| administration(e, true),
            ),
            kind_changes_approved: map(
                export::kind_changes_approved(conn, member)?,
                convert::approval,
            ),
            associations_verified: map(
                export::associations_verified(conn, member)?,
                convert::named,
            ),
            donations_recorded: map(export::donations_recorded(conn, member)?, convert::donation),
            editor_grants: map(export::editor_grants_made(conn, member)?, convert::grant),
            researcher_grants: map(
                export::researcher_grants_made(conn, member)?,
                convert::grant,
            ),
        },
        not_included: NOT_INCLUDED
            .iter()
            .map(|(field, reason)| wire::MemberExportLeftOut {
                field: (*field).to_owned(),
                reason: (*reason).to_owned(),
            })
            .collect(),
    })
}

fn administration(entry: AuditEntry, with_member: bool) -> wire::MemberExportAdministration {
    wire::MemberExportAdministration {
        action: crate::convert::moderation::action_to_wire(entry.action),
        member_id: entry.member.filter(|_| with_member).map(|m| m.as_uuid()),
        detail: entry.detail,
        at: entry.at,
    }
}

fn moderation_decision(entry: LogEntry) -> Result<wire::MemberExportModerationDecision, ApiError> {
    use crate::convert::moderation::{decision_to_wire, target_to_wire, target_uuid};
    Ok(wire::MemberExportModerationDecision {
        id: entry.id.as_uuid(),
        target_kind: target_to_wire(entry.target_kind),
        target_id: target_uuid(&entry.target_id)?,
        action: decision_to_wire(entry.decision),
        reason: entry.reason,
        at: entry.at,
        until: entry.until,
    })
}

fn map<T, U>(items: Vec<T>, f: impl FnMut(T) -> U) -> Vec<U> {
    items.into_iter().map(f).collect()
}

/// The member's pseudonym in each study they withdrew from keeping their answers: those
/// answers are no longer linked to the account, but they are still the member's (the platform
/// can re-link them while the account exists), so the export finds them by pseudonym.
fn kept_pseudonyms(
    conn: &mut DbConnection,
    member: MemberId,
    consents: &[entraide_openapi::research::Consent],
) -> Result<Vec<(StudyId, String)>, ApiError> {
    let mut studies_kept: Vec<StudyId> = consents
        .iter()
        .filter(|c| c.past_answers == Some(PastAnswers::KeepPseudonymous))
        .filter_map(|c| c.study_id.map(StudyId::from_uuid))
        .collect();
    studies_kept.sort();
    studies_kept.dedup();
    let mut found = Vec::with_capacity(studies_kept.len());
    for study in studies_kept {
        if let Some(key) = studies::pseudonym_key(conn, study)? {
            found.push((study, participant_id(&key, member)?));
        }
    }
    Ok(found)
}

/// The member's notifications: in full those they may see now, the kind and times of the rest.
fn notifications_export(
    conn: &mut DbConnection,
    member: MemberId,
    kind: entraide_domain::member::MemberKind,
) -> Result<Vec<wire::MemberExportNotification>, ApiError> {
    use entraide_persistence::notifications;
    let all = notifications::all_of(conn, member)?;
    let reader = entraide_domain::group::Reader::Member { id: member, kind };
    let shown: Vec<uuid::Uuid> = notifications::visible(conn, reader, all.clone())?
        .into_iter()
        .map(|n| n.id)
        .collect();
    Ok(all
        .into_iter()
        .map(|n| crate::convert::notifications::exported(n, &shown))
        .collect())
}
