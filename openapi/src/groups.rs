//! Discussion groups ("spaces") and their members.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::members::MemberKind;
use crate::sponsors::Sponsor;

/// `public`: anyone who fits the audience reads it and members join at once. `private`: only its
/// members read anything of it; joining is by a request a moderator approves, or by invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupVisibility {
    Public,
    Private,
}

/// Who a group is for. A space reserved to one kind of member (`patients`, `caregivers`,
/// `professionals`) can be neither joined nor read by others, whatever else is true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Everyone,
    Patients,
    Caregivers,
    Professionals,
}

/// A role in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupRole {
    Owner,
    Moderator,
    Member,
}

/// Where a member stands with a group: `active`, `pending` (asked to join), `invited`, `banned`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    Active,
    Pending,
    Invited,
    Banned,
}

/// The reader's own standing in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MyMembership {
    pub role: GroupRole,
    pub status: MembershipStatus,
}

/// A group as the directory shows it. Every group's directory entry is public — a private
/// group's name and description may be listed; its content never.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-2222-7cc3-9a51-3c1f0e2b6d11",
    "name": "Sclérose en plaques — Bretagne",
    "description": "Partager le quotidien avec la SEP, entre personnes concernées.",
    "condition_id": "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11",
    "visibility": "public",
    "audience": "everyone",
    "association_id": null,
    "member_count": 128,
    "members_can_create_events": false,
    "sponsor": null,
    "created_at": "2026-02-01T08:00:00Z",
    "can_read": true,
    "membership": {
        "role": "member",
        "status": "active"
    }
}))]
pub struct Group {
    pub id: Uuid,
    #[schema(example = "Sclérose en plaques — Bretagne")]
    pub name: String,
    pub description: String,
    pub condition_id: Option<Uuid>,
    pub visibility: GroupVisibility,
    pub audience: Audience,
    /// Active members.
    pub member_count: i64,
    /// The association that owns the group, if any.
    pub association_id: Option<Uuid>,
    /// Whether plain members may create events in the group (otherwise moderators only).
    pub members_can_create_events: bool,
    /// Who stands behind it, when declared (`null`: none declared).
    pub sponsor: Option<Sponsor>,
    pub created_at: DateTime<Utc>,
    /// Your standing in this group (on single-group answers, when logged in and known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<MyMembership>,
    /// Whether you may read this group's posts and member list right now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_read: Option<bool>,
}

/// A new group; you become its owner.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Aidants Alzheimer Lyon",
    "description": "Un espace entre aidants de proches atteints de la maladie d'Alzheimer.",
    "visibility": "private",
    "audience": "caregivers"
}))]
pub struct CreateGroupRequest {
    #[schema(example = "Aidants Alzheimer Lyon", min_length = 3, max_length = 80)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    pub condition_id: Option<Uuid>,
    pub visibility: GroupVisibility,
    /// Defaults to `everyone`.
    #[serde(default)]
    pub audience: Option<Audience>,
    /// Create the group in an association's name (you must be its admin).
    pub association_id: Option<Uuid>,
    /// Default `false`: only moderators create events.
    #[schema(default = false)]
    pub members_can_create_events: Option<bool>,
    /// Who stands behind it (a company, a public body...) and how: declare it.
    pub sponsor: Option<Sponsor>,
}

/// Changes to a group (owners and moderators; `audience` owners only). Absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "description": "Rencontres mensuelles et entraide au quotidien.",
    "members_can_create_events": true
}))]
pub struct UpdateGroupRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<Uuid>)]
    pub condition_id: Option<Option<Uuid>>,
    pub visibility: Option<GroupVisibility>,
    pub audience: Option<Audience>,
    pub members_can_create_events: Option<bool>,
    /// Declares or replaces the sponsor; `null` withdraws the declaration.
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<Sponsor>)]
    pub sponsor: Option<Option<Sponsor>>,
}

/// Filters of the group directory.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupQuery {
    /// Name contains this text (case-insensitive).
    pub q: Option<String>,
    pub condition_id: Option<Uuid>,
    pub audience: Option<Audience>,
    /// `true`: only groups you are an active member of (requires login).
    pub mine: Option<bool>,
    /// Only the groups this association owns.
    pub association_id: Option<Uuid>,
    /// `false`: leave out sponsored groups; `true`: only sponsored ones.
    pub sponsored: Option<bool>,
}

/// The result of asking to join: `active` (joined) or `pending` (a moderator will decide).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "status": "active"
}))]
pub struct JoinResult {
    pub status: MembershipStatus,
}

/// A member as lists show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11",
    "pseudonym": "Lou",
    "kind": "patient",
    "verified": null
}))]
pub struct MemberSummary {
    pub id: Uuid,
    pub pseudonym: String,
    pub kind: MemberKind,
    /// The verified status the member shows (`null`: none).
    pub verified: Option<crate::verification::Badge>,
}

/// A line of a group's member list or join-request queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "member": {
        "id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11",
        "pseudonym": "Lou",
        "kind": "patient",
        "verified": null
    },
    "role": "moderator",
    "status": "active",
    "since": "2026-02-03T11:00:00Z"
}))]
pub struct GroupMember {
    pub member: MemberSummary,
    pub role: GroupRole,
    pub status: MembershipStatus,
    /// When they joined (or asked to, or were invited).
    pub since: DateTime<Utc>,
}

/// Names a member to invite or ban.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "member_id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11"
}))]
pub struct MemberReference {
    pub member_id: Uuid,
}

/// A new role for a group member (owners only). Giving `owner` hands over ownership; an owner
/// may then step down.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "role": "moderator"
}))]
pub struct GroupRoleChange {
    pub role: GroupRole,
}
