//! Which columns refer to a member, and where each one goes in the export. A test walks the
//! live schema on both databases (`member_references`) and fails on a column that is in
//! neither list (`uncovered`) or on a list entry that names no such column (`stale`): a new
//! table or column holding member ids cannot ship without a decision here.

use std::collections::BTreeSet;

use crate::connection::DbConnection;
use crate::dialect::{SchemaColumn, schema_columns};
use crate::error::PersistenceError;

/// `(table, column, section of the export that reads it)`.
pub const EXPORTED: &[(&str, &str, &str)] = &[
    ("conversations", "created_by", "conversations"),
    ("conversation_participants", "member_id", "conversations"),
    ("messages", "author_id", "conversations.messages"),
    ("sessions", "member_id", "sessions"),
    ("member_conditions", "member_id", "member.conditions"),
    ("profile_bands", "member_id", "member.profile"),
    ("discoverable_members", "member_id", "member.settings"),
    ("kind_changes", "member_id", "kind_changes"),
    (
        "kind_changes",
        "approved_by",
        "staff_actions.kind_changes_approved",
    ),
    ("discussion_groups", "created_by", "groups_created"),
    ("group_memberships", "member_id", "group_memberships"),
    ("posts", "author_id", "posts"),
    ("comments", "author_id", "comments"),
    ("media", "owner_id", "media"),
    ("post_reactions", "member_id", "reactions"),
    ("comment_reactions", "member_id", "reactions"),
    ("follows", "follower_id", "follows.members"),
    // Who follows the member is each follower's choice: only their number.
    ("follows", "followed_id", "follows.follower_count"),
    ("blocks", "blocker_id", "blocks"),
    ("associations", "created_by", "associations_created"),
    (
        "associations",
        "verified_by",
        "staff_actions.associations_verified",
    ),
    (
        "association_memberships",
        "member_id",
        "association_memberships",
    ),
    ("association_follows", "member_id", "follows.associations"),
    ("condition_follows", "member_id", "follows.conditions"),
    ("announcements", "author_id", "announcements"),
    ("campaigns", "created_by", "campaigns"),
    (
        "donations",
        "recorded_by",
        "staff_actions.donations_recorded",
    ),
    ("events", "organizer_id", "events"),
    ("event_rsvps", "member_id", "rsvps"),
    ("calendar_tokens", "member_id", "calendar_feed"),
    ("editors", "member_id", "editor_right"),
    ("editors", "granted_by", "staff_actions.editor_grants"),
    ("places", "created_by", "places"),
    ("places", "verified_by", "places"),
    ("committees", "created_by", "committees_created"),
    ("committee_members", "member_id", "committee_seats"),
    (
        "verification_requests",
        "member_id",
        "verification.requests",
    ),
    ("member_badges", "member_id", "verification.badge"),
    ("resources", "author_id", "resources"),
    ("resource_versions", "created_by", "resource_versions"),
    ("resource_reviews", "reviewer_id", "resource_reviews"),
    ("researchers", "member_id", "researcher_right"),
    (
        "researchers",
        "granted_by",
        "staff_actions.researcher_grants",
    ),
    ("studies", "created_by", "studies_created"),
    ("consents", "member_id", "consents"),
    ("responses", "member_id", "questionnaire_responses"),
    ("research_audit", "actor_id", "research_reads"),
    ("reports", "reporter_id", "reports_made"),
    (
        "moderation_actions",
        "target_author_id",
        "moderation_decisions",
    ),
    (
        "moderation_actions",
        "moderator_id",
        "staff_actions.moderation_decisions",
    ),
    ("appeals", "member_id", "moderation_decisions.appeal"),
    ("admin_audit", "member_id", "administration"),
    ("notifications", "member_id", "notifications"),
    (
        "notification_settings",
        "member_id",
        "notification_settings",
    ),
    (
        "notification_digests",
        "member_id",
        "notification_settings.digest",
    ),
    ("admin_audit", "actor_id", "staff_actions.administration"),
];

/// `(table, column, why it is not exported)`.
pub const LEFT_OUT: &[(&str, &str, &str)] = &[
    (
        "verification_requests",
        "decided_by",
        "who decided on another member's verification request: the decision is logged in \
         admin_audit, exported to the decider in staff_actions.administration",
    ),
    (
        "member_badges",
        "granted_by",
        "who granted another member's badge: logged in admin_audit (the approval), exported \
         to the decider in staff_actions.administration",
    ),
    (
        "appeals",
        "decided_by",
        "a moderator's answer to an appeal: a granted one is in \
         staff_actions.moderation_decisions (the restore or reinstate it logged); the rest is the \
         appellant's record, exported to them",
    ),
    (
        "webhooks",
        "created_by",
        "an association's integration settings, not the member's: which admin registered a \
         webhook is the association's record; deliveries carry no member's data",
    ),
    (
        "api_keys",
        "created_by",
        "an association's credential, not the member's: which admin created a key is the \
         association's record (the key holds no personal data); what the key wrote is signed \
         by that admin and exported in its own sections (events, announcements, campaigns)",
    ),
    (
        "scheduled_notices",
        "member_id",
        "a technical claim that a reminder or questionnaire notice was written once: the \
         notification itself is in the notifications section; the events and questionnaires it \
         names are the member's rsvps and consents",
    ),
    (
        "notifications",
        "actor_id",
        "a notification belongs to its recipient; what the member did (comments, reactions, \
         requests) is in its own section",
    ),
    (
        "blocks",
        "blocked_id",
        "who blocks the member is the blocker's private choice; a block is never shown to the \
     member it hides (nothing in the app tells them either)",
    ),
    (
        "account_tokens",
        "member_id",
        "one-way hashes of single-use links sent by e-mail (verification, password reset), which \
         expire within 48 hours; the new address of an e-mail change waiting for its \
         verification is not yours until verified",
    ),
    (
        "reports",
        "target_author_id",
        "reports about the member are other members' confidential statements (who reported is \
     never shown to the reported); the decisions they led to are in moderation_decisions",
    ),
];

/// Column names that hold a member id, with or without a foreign key.
fn names_a_member(column: &str) -> bool {
    const NAMES: &[&str] = &[
        "author_id",
        "actor_id",
        "organizer_id",
        "reviewer_id",
        "follower_id",
        "followed_id",
        "blocker_id",
        "blocked_id",
    ];
    column.ends_with("member_id") || column.ends_with("_by") || NAMES.contains(&column)
}

/// Every `(table, column)` of the live schema that refers to a member: under a foreign key to
/// `members`, or named like a member id (`*member_id`, `*_by`, `author_id`, `actor_id`...).
pub fn member_references(
    conn: &mut DbConnection,
) -> Result<BTreeSet<(String, String)>, PersistenceError> {
    let (keys, columns) = schema_columns(conn)?;
    let by_name = columns
        .into_iter()
        .filter(|c| c.table_name != "members" && names_a_member(&c.column_name));
    Ok(keys
        .into_iter()
        .chain(by_name)
        .map(
            |SchemaColumn {
                 table_name,
                 column_name,
             }| (table_name, column_name),
        )
        .collect())
}

fn listed() -> impl Iterator<Item = (&'static str, &'static str)> {
    EXPORTED
        .iter()
        .map(|(t, c, _)| (*t, *c))
        .chain(LEFT_OUT.iter().map(|(t, c, _)| (*t, *c)))
}

/// The member references of the live schema that neither list names.
pub fn uncovered(conn: &mut DbConnection) -> Result<Vec<(String, String)>, PersistenceError> {
    let listed: BTreeSet<(&str, &str)> = listed().collect();
    Ok(member_references(conn)?
        .into_iter()
        .filter(|(t, c)| !listed.contains(&(t.as_str(), c.as_str())))
        .collect())
}

/// The list entries that name no member reference of the live schema (a dropped or renamed
/// column).
pub fn stale(
    conn: &mut DbConnection,
) -> Result<Vec<(&'static str, &'static str)>, PersistenceError> {
    let found = member_references(conn)?;
    Ok(listed()
        .filter(|(t, c)| !found.contains(&((*t).to_owned(), (*c).to_owned())))
        .collect())
}
