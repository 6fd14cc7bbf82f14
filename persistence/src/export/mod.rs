//! What the platform holds about one member, section by section, for their copy of it
//! (GDPR art. 15 and 20, `GET /members/me/export`). One function per section over one member's
//! rows; the caller runs them all in one read transaction
//! (`connection::in_read_transaction`), so the document is one consistent snapshot.
//! `coverage` says, for every column that refers to a member, which section reads it or why
//! it is left out; a test walks the live schema against it.

mod account;
mod associations;
mod community;
mod coverage;
mod events;
mod knowledge;
mod research;

pub use account::{
    AccountExtras, ApprovalRecord, ConditionRef, KindChangeRecord, SessionRecord, account_extras,
    conditions, kind_changes, kind_changes_approved, sessions,
};
pub use associations::{
    AnnouncementRecord, AssociationMembershipRecord, CampaignRecord, DonationRecord, announcements,
    association_follows, association_memberships, associations_created, associations_verified,
    campaigns, condition_follows, donations_recorded,
};
pub use community::{
    CommentRecord, GroupMembershipRecord, MemberChoice, NamedRecord, PostRecord, ReactionRecord,
    ReactionTarget, blocking, comments, follower_count, following, group_memberships,
    groups_created, posts, reactions,
};
pub use coverage::{EXPORTED, LEFT_OUT, member_references, stale, uncovered};
pub use events::{EventRecord, RsvpRecord, calendar_feed, organised_events, rsvps};
pub use knowledge::{
    CommitteeSeatRecord, EditorRecord, GrantRecord, PlaceRecord, ResourceRecord, ReviewRecord,
    VersionRecord, committee_seats, committees_created, editor_grants_made, editor_right, places,
    researcher_grants_made, resources_authored, reviews_given, versions_written,
};
pub use research::{
    ResearchReadRecord, ResponseRecord, StudyRecord, linked_responses, pseudonymous_responses,
    research_reads, researcher_right, studies_created,
};
