//! Groups and memberships.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::group::{
    Audience, Group, GroupChanges, GroupDescription, GroupName, GroupRole, GroupVisibility,
    Membership, MembershipStatus, NewGroup, Reader,
};
use entraide_domain::ids::{AssociationId, ConditionId, GroupId, MemberId};
use entraide_domain::member::{MemberKind, Pseudonym};
use entraide_domain::profile::MemberListView;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{
    association_groups, discussion_groups, group_memberships, member_badges, members,
};
use crate::sponsors::{cells, change, from_cells};
use entraide_domain::verification::Badge;

#[derive(Queryable, Selectable)]
#[diesel(table_name = discussion_groups)]
struct GroupRow {
    id: String,
    name: String,
    description: String,
    condition_id: Option<String>,
    visibility: String,
    audience: String,
    member_count: i64,
    members_can_create_events: bool,
    sponsor_name: Option<String>,
    sponsor_kind: Option<String>,
    sponsor_links: Option<String>,
    created_by: String,
    created_at: NaiveDateTime,
}

/// A group row with the association that owns it (left join).
type GroupWithOwner = (GroupRow, Option<String>);

fn group_from_row((row, owner): GroupWithOwner) -> Result<Group, PersistenceError> {
    row.into_domain(owner)
}

impl GroupRow {
    fn into_domain(self, association_id: Option<String>) -> Result<Group, PersistenceError> {
        let Self {
            id,
            name,
            description,
            condition_id,
            visibility,
            audience,
            member_count,
            members_can_create_events,
            sponsor_name,
            sponsor_kind,
            sponsor_links,
            created_by,
            created_at,
        } = self;
        Ok(Group {
            id: parse_id(&id)?,
            name: GroupName::from_stored(name),
            description: GroupDescription::from_stored(description),
            condition_id: condition_id.as_deref().map(parse_id).transpose()?,
            visibility: parse_enum(&visibility, GroupVisibility::parse)?,
            audience: parse_enum(&audience, Audience::parse)?,
            member_count,
            association_id: association_id.as_deref().map(parse_id).transpose()?,
            members_can_create_events,
            sponsor: from_cells(sponsor_name, sponsor_kind, sponsor_links)?,
            created_by: parse_id(&created_by)?,
            created_at: from_db_time(created_at),
        })
    }
}

/// Creates a group with its creator as active owner. A taken name is a unique violation on
/// `name`; an unknown condition a foreign-key violation.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewGroup,
    creator: MemberId,
    now: DateTime<Utc>,
) -> Result<Group, PersistenceError> {
    let NewGroup {
        name,
        description,
        condition_id,
        visibility,
        audience,
        association_id,
        members_can_create_events,
        sponsor,
    } = new;
    let sponsor = cells(sponsor.as_ref());
    let id = GroupId::new();
    let at = to_db_time(now);
    diesel::insert_into(discussion_groups::table)
        .values((
            discussion_groups::id.eq(id.to_string()),
            discussion_groups::name.eq(name.as_str()),
            discussion_groups::name_key.eq(name.key()),
            discussion_groups::description.eq(description.as_str()),
            discussion_groups::condition_id.eq(condition_id.map(|c| c.to_string())),
            discussion_groups::visibility.eq(visibility.as_str()),
            discussion_groups::audience.eq(audience.as_str()),
            discussion_groups::member_count.eq(0_i64),
            discussion_groups::members_can_create_events.eq(members_can_create_events),
            discussion_groups::sponsor_name.eq(sponsor.name),
            discussion_groups::sponsor_kind.eq(sponsor.kind),
            discussion_groups::sponsor_links.eq(sponsor.links),
            discussion_groups::created_by.eq(creator.to_string()),
            discussion_groups::created_at.eq(at),
            discussion_groups::updated_at.eq(at),
        ))
        .execute(conn)?;
    set_membership(
        conn,
        id,
        creator,
        Membership {
            role: GroupRole::Owner,
            status: MembershipStatus::Active,
        },
        now,
    )?;
    if let Some(association) = association_id {
        crate::associations::own_group(conn, *association, id)?;
    }
    let group = find(conn, id)?.ok_or(PersistenceError::NotFound)?;
    index_group(conn, &group)?;
    Ok(group)
}

pub fn find(conn: &mut DbConnection, id: GroupId) -> Result<Option<Group>, PersistenceError> {
    discussion_groups::table
        .left_join(association_groups::table)
        .filter(discussion_groups::id.eq(id.to_string()))
        .select((
            GroupRow::as_select(),
            association_groups::association_id.nullable(),
        ))
        .first::<GroupWithOwner>(conn)
        .optional()?
        .map(group_from_row)
        .transpose()
}

/// The group and `member`'s standing in it, in one statement (the check before every read of
/// a group's content and every post in it).
pub fn find_with_membership(
    conn: &mut DbConnection,
    id: GroupId,
    member: MemberId,
) -> Result<Option<(Group, Option<Membership>)>, PersistenceError> {
    let row = discussion_groups::table
        .left_join(association_groups::table)
        .left_join(
            group_memberships::table.on(group_memberships::group_id
                .eq(discussion_groups::id)
                .and(group_memberships::member_id.eq(member.to_string()))),
        )
        .filter(discussion_groups::id.eq(id.to_string()))
        .select((
            GroupRow::as_select(),
            association_groups::association_id.nullable(),
            group_memberships::role.nullable(),
            group_memberships::status.nullable(),
        ))
        .first::<(GroupRow, Option<String>, Option<String>, Option<String>)>(conn)
        .optional()?;
    let Some((row, owner, role, status)) = row else {
        return Ok(None);
    };
    let membership = match (role, status) {
        (Some(role), Some(status)) => Some(Membership {
            role: parse_enum(&role, GroupRole::parse)?,
            status: parse_enum(&status, MembershipStatus::parse)?,
        }),
        _ => None,
    };
    Ok(Some((row.into_domain(owner)?, membership)))
}

/// Groups by id, in one query (unknown ids are left out).
pub fn find_many(conn: &mut DbConnection, ids: &[GroupId]) -> Result<Vec<Group>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    discussion_groups::table
        .left_join(association_groups::table)
        .filter(discussion_groups::id.eq_any(&keys))
        .select((
            GroupRow::as_select(),
            association_groups::association_id.nullable(),
        ))
        .load::<GroupWithOwner>(conn)?
        .into_iter()
        .map(group_from_row)
        .collect()
}

/// Filters of the group directory.
#[derive(Debug, Clone, Default)]
pub struct GroupFilter {
    /// Name contains (case-insensitive).
    pub query: Option<String>,
    pub condition_id: Option<ConditionId>,
    pub audience: Option<Audience>,
    /// Only groups where this member is active.
    pub member: Option<MemberId>,
    /// Only groups this association owns.
    pub association_id: Option<AssociationId>,
    /// Only sponsored groups (`true`) or only groups without a sponsor (`false`).
    pub sponsored: Option<bool>,
    /// Only groups whose content this reader may read (the read filter of posts and events):
    /// a condition's hub lists no private group to a non-member.
    pub readable_to: Option<Reader>,
}

/// Where a page of groups continues: after this (lower-cased name, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupKey {
    pub name_key: String,
    pub id: GroupId,
}

impl GroupKey {
    pub fn of(group: &Group) -> Self {
        Self {
            name_key: group.name.key(),
            id: group.id,
        }
    }
}

/// A page of the directory, in name order. Lists metadata only, which is public for every
/// group; content is never listed here.
pub fn list(
    conn: &mut DbConnection,
    filter: &GroupFilter,
    after: Option<&GroupKey>,
    limit: i64,
) -> Result<Vec<Group>, PersistenceError> {
    let mut select = discussion_groups::table
        .left_join(association_groups::table)
        .select((
            GroupRow::as_select(),
            association_groups::association_id.nullable(),
        ))
        .order((discussion_groups::name_key, discussion_groups::id))
        .limit(limit)
        .into_boxed();
    if let Some(query) = &filter.query {
        select = select.filter(
            discussion_groups::name_key
                .like(crate::dialect::like_contains(query))
                .escape('\\'),
        );
    }
    if let Some(condition) = filter.condition_id {
        select = select.filter(discussion_groups::condition_id.eq(condition.to_string()));
    }
    if let Some(audience) = filter.audience {
        select = select.filter(discussion_groups::audience.eq(audience.as_str()));
    }
    if let Some(member) = filter.member {
        select = select.filter(
            discussion_groups::id.eq_any(
                group_memberships::table
                    .filter(group_memberships::member_id.eq(member.to_string()))
                    .filter(group_memberships::status.eq(MembershipStatus::Active.as_str()))
                    .select(group_memberships::group_id),
            ),
        );
    }
    if let Some(GroupKey { name_key, id }) = after {
        select = select.filter(
            discussion_groups::name_key
                .gt(name_key.clone())
                .or(discussion_groups::name_key
                    .eq(name_key.clone())
                    .and(discussion_groups::id.gt(id.to_string()))),
        );
    }
    if let Some(association) = filter.association_id {
        select = select.filter(association_groups::association_id.eq(association.to_string()));
    }
    match filter.sponsored {
        Some(true) => select = select.filter(discussion_groups::sponsor_name.is_not_null()),
        Some(false) => select = select.filter(discussion_groups::sponsor_name.is_null()),
        None => {}
    }
    match filter.readable_to {
        None => {}
        Some(Reader::Anonymous) => {
            select = select.filter(open_group!());
        }
        Some(Reader::Member { id, kind }) => {
            let me = id.to_string();
            select = select.filter(readable_group!(me, kind));
        }
    }
    select
        .load::<GroupWithOwner>(conn)?
        .into_iter()
        .map(group_from_row)
        .collect()
}

#[derive(AsChangeset)]
#[diesel(table_name = discussion_groups)]
struct GroupChangeset<'a> {
    name: Option<&'a str>,
    name_key: Option<String>,
    description: Option<&'a str>,
    condition_id: Option<Option<String>>,
    visibility: Option<&'static str>,
    audience: Option<&'static str>,
    members_can_create_events: Option<bool>,
    sponsor_name: Option<Option<&'a str>>,
    sponsor_kind: Option<Option<&'static str>>,
    sponsor_links: Option<Option<String>>,
    updated_at: NaiveDateTime,
}

/// How many groups of the condition `reader` may read (the hub's count: the same filter as
/// `list` with `readable_to`, so it never counts a group the reader cannot see).
pub fn count_readable_for_condition(
    conn: &mut DbConnection,
    condition: ConditionId,
    reader: Reader,
) -> Result<i64, PersistenceError> {
    let of_condition = discussion_groups::condition_id.eq(condition.to_string());
    let count = match reader {
        Reader::Anonymous => discussion_groups::table
            .filter(of_condition)
            .filter(open_group!())
            .count()
            .get_result(conn)?,
        Reader::Member { id, kind } => {
            let me = id.to_string();
            discussion_groups::table
                .filter(of_condition)
                .filter(readable_group!(me, kind))
                .count()
                .get_result(conn)?
        }
    };
    Ok(count)
}

/// Was anything written in the group (a post, deleted or not, or an event)?
pub fn has_history(conn: &mut DbConnection, id: GroupId) -> Result<bool, PersistenceError> {
    use crate::schema::{events, posts};
    let id = id.to_string();
    let posts: bool = diesel::select(diesel::dsl::exists(
        posts::table.filter(posts::group_id.eq(&id)),
    ))
    .get_result(conn)?;
    if posts {
        return Ok(true);
    }
    Ok(diesel::select(diesel::dsl::exists(
        events::table.filter(events::group_id.eq(&id)),
    ))
    .get_result(conn)?)
}

pub fn update(
    conn: &mut DbConnection,
    id: GroupId,
    changes: &GroupChanges,
    now: DateTime<Utc>,
) -> Result<Group, PersistenceError> {
    let GroupChanges {
        name,
        description,
        condition_id,
        visibility,
        audience,
        members_can_create_events,
        sponsor,
    } = changes;
    let sponsor = change(sponsor.as_ref());
    let updated = diesel::update(discussion_groups::table.find(id.to_string()))
        .set(GroupChangeset {
            name: name.as_ref().map(GroupName::as_str),
            name_key: name.as_ref().map(GroupName::key),
            description: description.as_ref().map(GroupDescription::as_str),
            condition_id: condition_id.map(|c| c.map(|c| c.to_string())),
            visibility: visibility.map(GroupVisibility::as_str),
            audience: audience.map(Audience::as_str),
            members_can_create_events: *members_can_create_events,
            sponsor_name: sponsor.name,
            sponsor_kind: sponsor.kind,
            sponsor_links: sponsor.links,
            updated_at: to_db_time(now),
        })
        .execute(conn)?;
    if updated == 0 {
        return Err(PersistenceError::NotFound);
    }
    let group = find(conn, id)?.ok_or(PersistenceError::NotFound)?;
    index_group(conn, &group)?;
    Ok(group)
}

/// A member's standing in a group, if any.
pub fn membership(
    conn: &mut DbConnection,
    group: GroupId,
    member: MemberId,
) -> Result<Option<Membership>, PersistenceError> {
    group_memberships::table
        .find((group.to_string(), member.to_string()))
        .select((group_memberships::role, group_memberships::status))
        .first::<(String, String)>(conn)
        .optional()?
        .map(|(role, status)| {
            Ok(Membership {
                role: parse_enum(&role, GroupRole::parse)?,
                status: parse_enum(&status, MembershipStatus::parse)?,
            })
        })
        .transpose()
}

/// Moves the group's active-member counter by `delta`, atomically.
fn add_to_member_count(
    conn: &mut DbConnection,
    group: GroupId,
    delta: i64,
) -> Result<(), PersistenceError> {
    if delta != 0 {
        diesel::update(discussion_groups::table.find(group.to_string()))
            .set(discussion_groups::member_count.eq(discussion_groups::member_count + delta))
            .execute(conn)?;
    }
    Ok(())
}

fn active(membership: Option<Membership>) -> i64 {
    i64::from(membership.is_some_and(Membership::is_active))
}

/// Creates or replaces a membership, keeping the member count right. Call in a transaction.
pub fn set_membership(
    conn: &mut DbConnection,
    group: GroupId,
    member: MemberId,
    new: Membership,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let previous = membership(conn, group, member)?;
    let at = to_db_time(now);
    let key = (group.to_string(), member.to_string());
    if previous.is_some() {
        diesel::update(group_memberships::table.find((&key.0, &key.1)))
            .set((
                group_memberships::role.eq(new.role.as_str()),
                group_memberships::status.eq(new.status.as_str()),
                group_memberships::updated_at.eq(at),
            ))
            .execute(conn)?;
    } else {
        diesel::insert_into(group_memberships::table)
            .values((
                group_memberships::group_id.eq(&key.0),
                group_memberships::member_id.eq(&key.1),
                group_memberships::role.eq(new.role.as_str()),
                group_memberships::status.eq(new.status.as_str()),
                group_memberships::created_at.eq(at),
                group_memberships::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    add_to_member_count(conn, group, active(Some(new)) - active(previous))
}

/// Deletes a membership (leave, removal, refused request), keeping the member count right.
pub fn delete_membership(
    conn: &mut DbConnection,
    group: GroupId,
    member: MemberId,
) -> Result<(), PersistenceError> {
    let previous = membership(conn, group, member)?;
    diesel::delete(group_memberships::table.find((group.to_string(), member.to_string())))
        .execute(conn)?;
    add_to_member_count(conn, group, -active(previous))
}

/// How many active owners a group has.
pub fn owner_count(conn: &mut DbConnection, group: GroupId) -> Result<i64, PersistenceError> {
    Ok(group_memberships::table
        .filter(group_memberships::group_id.eq(group.to_string()))
        .filter(group_memberships::role.eq(GroupRole::Owner.as_str()))
        .filter(group_memberships::status.eq(MembershipStatus::Active.as_str()))
        .count()
        .get_result(conn)?)
}

/// One line of a group's member list (or join-request queue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEntry {
    pub member_id: MemberId,
    pub pseudonym: Pseudonym,
    pub kind: MemberKind,
    /// The badge granted (shown while it fits `kind`).
    pub badge: Option<Badge>,
    pub membership: Membership,
    pub since: DateTime<Utc>,
}

/// Where a page of members continues: after this (since, member id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberKey {
    pub since: DateTime<Utc>,
    pub member_id: MemberId,
}

/// Members of a group with one status, oldest first.
///
/// `view`: what the reader (`reader`) sees — everyone, or only the members who chose to be
/// listed and the reader (`domain::profile::MemberListView`), filtered here in SQL.
pub fn list_members(
    conn: &mut DbConnection,
    group: GroupId,
    status: MembershipStatus,
    view: MemberListView,
    reader: MemberId,
    after: Option<&MemberKey>,
    limit: i64,
) -> Result<Vec<MemberEntry>, PersistenceError> {
    let mut select = group_memberships::table
        .inner_join(members::table)
        .left_join(
            member_badges::table.on(member_badges::member_id.eq(group_memberships::member_id)),
        )
        .filter(group_memberships::group_id.eq(group.to_string()))
        .filter(group_memberships::status.eq(status.as_str()))
        .select((
            group_memberships::member_id,
            members::pseudonym,
            members::kind,
            member_badges::badge.nullable(),
            group_memberships::role,
            group_memberships::status,
            group_memberships::created_at,
        ))
        .order((group_memberships::created_at, group_memberships::member_id))
        .limit(limit)
        .into_boxed();
    if view == MemberListView::Listed {
        select = select.filter(
            members::listed_in_member_lists
                .eq(true)
                .or(group_memberships::member_id.eq(reader.to_string())),
        );
    }
    if let Some(MemberKey { since, member_id }) = after {
        let since = to_db_time(*since);
        select = select.filter(
            group_memberships::created_at
                .gt(since)
                .or(group_memberships::created_at
                    .eq(since)
                    .and(group_memberships::member_id.gt(member_id.to_string()))),
        );
    }
    select
        .load::<(
            String,
            String,
            String,
            Option<String>,
            String,
            String,
            NaiveDateTime,
        )>(conn)?
        .into_iter()
        .map(|(member_id, pseudonym, kind, badge, role, status, since)| {
            Ok(MemberEntry {
                member_id: parse_id(&member_id)?,
                pseudonym: Pseudonym::from_stored(pseudonym),
                kind: parse_enum(&kind, MemberKind::parse)?,
                badge: crate::verification::badge_cell(badge)?,
                membership: Membership {
                    role: parse_enum(&role, GroupRole::parse)?,
                    status: parse_enum(&status, MembershipStatus::parse)?,
                },
                since: from_db_time(since),
            })
        })
        .collect()
}

/// Keeps the group's name and description in the search index.
fn index_group(conn: &mut DbConnection, group: &Group) -> Result<(), PersistenceError> {
    let text = format!("{}\n{}", group.name.as_str(), group.description.as_str());
    crate::search::index(
        conn,
        entraide_domain::search::DocumentKind::Group,
        &group.id.to_string(),
        &text,
    )
}
