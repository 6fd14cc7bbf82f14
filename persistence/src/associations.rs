//! Associations, their members and followers, and the groups they own.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};
use entraide_domain::association::{
    Association, AssociationChanges, AssociationMembership, AssociationMembershipStatus,
    AssociationRole, AssociationStatus, NewAssociation,
};
use entraide_domain::ids::{AssociationId, ConditionId, GroupId, MemberId};
use entraide_domain::member::{Email, MemberKind, Pseudonym};
use entraide_domain::profile::MemberListView;
use entraide_domain::text::{Description, Label, Title, WebUrl};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{
    association_conditions, association_follows, association_groups, association_memberships,
    associations, member_badges, members,
};
use crate::sponsors::{cells, change, from_cells};
use entraide_domain::verification::Badge;

#[derive(Queryable, Selectable)]
#[diesel(table_name = associations)]
struct AssociationRow {
    id: String,
    name: String,
    description: String,
    website: Option<String>,
    region: Option<String>,
    contact_email: Option<String>,
    open_membership: bool,
    status: String,
    verified_at: Option<NaiveDateTime>,
    member_count: i64,
    follower_count: i64,
    sponsor_name: Option<String>,
    sponsor_kind: Option<String>,
    sponsor_links: Option<String>,
    created_by: String,
    created_at: NaiveDateTime,
}

impl AssociationRow {
    fn into_domain(self, condition_ids: Vec<ConditionId>) -> Result<Association, PersistenceError> {
        let Self {
            id,
            name,
            description,
            website,
            region,
            contact_email,
            open_membership,
            status,
            verified_at,
            member_count,
            follower_count,
            sponsor_name,
            sponsor_kind,
            sponsor_links,
            created_by,
            created_at,
        } = self;
        Ok(Association {
            id: parse_id(&id)?,
            name: Title::from_stored(name),
            description: Description::from_stored(description),
            website: website.map(WebUrl::from_stored),
            region: region.map(Label::from_stored),
            contact_email: contact_email.map(Email::from_stored),
            condition_ids,
            open_membership,
            status: parse_enum(&status, AssociationStatus::parse)?,
            verified_at: verified_at.map(from_db_time),
            member_count,
            follower_count,
            sponsor: from_cells(sponsor_name, sponsor_kind, sponsor_links)?,
            created_by: parse_id(&created_by)?,
            created_at: from_db_time(created_at),
        })
    }
}

condition_links!(association_conditions, association_id);

/// Registers an association (pending) with its creator as active admin. A taken name is a
/// unique violation on `name`; an unknown condition a foreign-key violation. Call in a
/// transaction.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewAssociation,
    creator: MemberId,
    webhook_secret: &str,
    now: DateTime<Utc>,
) -> Result<Association, PersistenceError> {
    let NewAssociation {
        name,
        description,
        website,
        region,
        contact_email,
        condition_ids,
        open_membership,
        sponsor,
    } = new;
    let sponsor = cells(sponsor.as_ref());
    let id = AssociationId::new();
    let at = to_db_time(now);
    diesel::insert_into(associations::table)
        .values((
            associations::id.eq(id.to_string()),
            associations::name.eq(name.as_str()),
            associations::name_key.eq(name.key()),
            associations::description.eq(description.as_str()),
            associations::website.eq(website.as_ref().map(WebUrl::as_str)),
            associations::region.eq(region.as_ref().map(Label::as_str)),
            associations::contact_email.eq(contact_email.as_ref().map(Email::as_str)),
            associations::open_membership.eq(open_membership),
            associations::status.eq(AssociationStatus::Pending.as_str()),
            associations::webhook_secret.eq(webhook_secret),
            associations::member_count.eq(0_i64),
            associations::follower_count.eq(0_i64),
            associations::sponsor_name.eq(sponsor.name),
            associations::sponsor_kind.eq(sponsor.kind),
            associations::sponsor_links.eq(sponsor.links),
            associations::created_by.eq(creator.to_string()),
            associations::created_at.eq(at),
            associations::updated_at.eq(at),
        ))
        .execute(conn)?;
    replace_condition_links(conn, &id.to_string(), condition_ids)?;
    set_membership(
        conn,
        id,
        creator,
        AssociationMembership {
            role: AssociationRole::Admin,
            status: AssociationMembershipStatus::Active,
        },
        now,
    )?;
    vouch(conn, id, creator)?;
    find(conn, id)?.ok_or(PersistenceError::NotFound)
}

fn with_conditions(
    conn: &mut DbConnection,
    rows: Vec<AssociationRow>,
) -> Result<Vec<Association>, PersistenceError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut links = condition_links(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let conditions = links.remove(&row.id).unwrap_or_default();
            row.into_domain(conditions)
        })
        .collect()
}

pub fn find(
    conn: &mut DbConnection,
    id: AssociationId,
) -> Result<Option<Association>, PersistenceError> {
    let row = associations::table
        .find(id.to_string())
        .select(AssociationRow::as_select())
        .first(conn)
        .optional()?;
    match row {
        Some(row) => Ok(with_conditions(conn, vec![row])?.pop()),
        None => Ok(None),
    }
}

/// Filters of the association directory.
#[derive(Debug, Clone, Default)]
pub struct AssociationFilter {
    /// Name contains (case-insensitive).
    pub query: Option<String>,
    pub condition_id: Option<ConditionId>,
    pub status: Option<AssociationStatus>,
    /// Only associations this member is an active member of.
    pub member: Option<MemberId>,
    /// Only sponsored associations (`true`) or only those without a sponsor (`false`).
    pub sponsored: Option<bool>,
}

/// Where a page of associations continues: after this (lower-cased name, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssociationKey {
    pub name_key: String,
    pub id: AssociationId,
}

/// A page of the directory, in name order.
pub fn list(
    conn: &mut DbConnection,
    filter: &AssociationFilter,
    after: Option<&AssociationKey>,
    limit: i64,
) -> Result<Vec<Association>, PersistenceError> {
    let mut select = associations::table
        .select(AssociationRow::as_select())
        .order((associations::name_key, associations::id))
        .limit(limit)
        .into_boxed();
    if let Some(query) = &filter.query {
        select = select.filter(
            associations::name_key
                .like(crate::dialect::like_contains(query))
                .escape('\\'),
        );
    }
    if let Some(condition) = filter.condition_id {
        select = select.filter(
            associations::id.eq_any(
                association_conditions::table
                    .filter(association_conditions::condition_id.eq(condition.to_string()))
                    .select(association_conditions::association_id),
            ),
        );
    }
    if let Some(status) = filter.status {
        select = select.filter(associations::status.eq(status.as_str()));
    }
    if let Some(member) = filter.member {
        select = select.filter(
            associations::id.eq_any(
                association_memberships::table
                    .filter(association_memberships::member_id.eq(member.to_string()))
                    .filter(
                        association_memberships::status
                            .eq(AssociationMembershipStatus::Active.as_str()),
                    )
                    .select(association_memberships::association_id),
            ),
        );
    }
    if let Some(AssociationKey { name_key, id }) = after {
        select = select.filter(
            associations::name_key
                .gt(name_key.clone())
                .or(associations::name_key
                    .eq(name_key.clone())
                    .and(associations::id.gt(id.to_string()))),
        );
    }
    match filter.sponsored {
        Some(true) => select = select.filter(associations::sponsor_name.is_not_null()),
        Some(false) => select = select.filter(associations::sponsor_name.is_null()),
        None => {}
    }
    let rows = select.load::<AssociationRow>(conn)?;
    with_conditions(conn, rows)
}

/// How many verified associations work on the condition (the hub's count).
pub fn count_verified_for_condition(
    conn: &mut DbConnection,
    condition: ConditionId,
) -> Result<i64, PersistenceError> {
    Ok(associations::table
        .filter(associations::status.eq(AssociationStatus::Verified.as_str()))
        .filter(
            associations::id.eq_any(
                association_conditions::table
                    .filter(association_conditions::condition_id.eq(condition.to_string()))
                    .select(association_conditions::association_id),
            ),
        )
        .count()
        .get_result(conn)?)
}

#[derive(AsChangeset)]
#[diesel(table_name = associations)]
struct AssociationChangeset<'a> {
    name: Option<&'a str>,
    name_key: Option<String>,
    description: Option<&'a str>,
    website: Option<Option<&'a str>>,
    region: Option<Option<&'a str>>,
    contact_email: Option<Option<&'a str>>,
    open_membership: Option<bool>,
    sponsor_name: Option<Option<&'a str>>,
    sponsor_kind: Option<Option<&'static str>>,
    sponsor_links: Option<Option<String>>,
    updated_at: NaiveDateTime,
}

/// Applies changes. Call in a transaction.
pub fn update(
    conn: &mut DbConnection,
    id: AssociationId,
    changes: &AssociationChanges,
    now: DateTime<Utc>,
) -> Result<Association, PersistenceError> {
    let AssociationChanges {
        name,
        description,
        website,
        region,
        contact_email,
        condition_ids,
        open_membership,
        sponsor,
    } = changes;
    let sponsor = change(sponsor.as_ref());
    let updated = diesel::update(associations::table.find(id.to_string()))
        .set(AssociationChangeset {
            name: name.as_ref().map(Title::as_str),
            name_key: name.as_ref().map(Title::key),
            description: description.as_ref().map(Description::as_str),
            website: website.as_ref().map(|w| w.as_ref().map(WebUrl::as_str)),
            region: region.as_ref().map(|r| r.as_ref().map(Label::as_str)),
            contact_email: contact_email
                .as_ref()
                .map(|e| e.as_ref().map(Email::as_str)),
            open_membership: *open_membership,
            sponsor_name: sponsor.name,
            sponsor_kind: sponsor.kind,
            sponsor_links: sponsor.links,
            updated_at: to_db_time(now),
        })
        .execute(conn)?;
    if updated == 0 {
        return Err(PersistenceError::NotFound);
    }
    if let Some(conditions) = condition_ids {
        replace_condition_links(conn, &id.to_string(), conditions)?;
    }
    find(conn, id)?.ok_or(PersistenceError::NotFound)
}

/// Marks the association verified by `admin`; verifying twice keeps the first date.
pub fn verify(
    conn: &mut DbConnection,
    id: AssociationId,
    admin: MemberId,
    now: DateTime<Utc>,
) -> Result<Association, PersistenceError> {
    diesel::update(
        associations::table
            .find(id.to_string())
            .filter(associations::status.eq(AssociationStatus::Pending.as_str())),
    )
    .set((
        associations::status.eq(AssociationStatus::Verified.as_str()),
        associations::verified_at.eq(to_db_time(now)),
        associations::verified_by.eq(admin.to_string()),
        associations::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    find(conn, id)?.ok_or(PersistenceError::NotFound)
}

/// The key donation webhooks of this association are signed with.
pub fn webhook_secret(
    conn: &mut DbConnection,
    id: AssociationId,
) -> Result<Option<String>, PersistenceError> {
    Ok(associations::table
        .find(id.to_string())
        .select(associations::webhook_secret)
        .first(conn)
        .optional()?)
}

/// Replaces the webhook key (the old one stops working at once).
pub fn set_webhook_secret(
    conn: &mut DbConnection,
    id: AssociationId,
    secret: &str,
) -> Result<(), PersistenceError> {
    diesel::update(associations::table.find(id.to_string()))
        .set(associations::webhook_secret.eq(secret))
        .execute(conn)?;
    Ok(())
}

/// A member's standing in an association, if any.
pub fn membership(
    conn: &mut DbConnection,
    association: AssociationId,
    member: MemberId,
) -> Result<Option<AssociationMembership>, PersistenceError> {
    association_memberships::table
        .find((association.to_string(), member.to_string()))
        .select((
            association_memberships::role,
            association_memberships::status,
        ))
        .first::<(String, String)>(conn)
        .optional()?
        .map(|(role, status)| {
            Ok(AssociationMembership {
                role: parse_enum(&role, AssociationRole::parse)?,
                status: parse_enum(&status, AssociationMembershipStatus::parse)?,
            })
        })
        .transpose()
}

fn add_to_member_count(
    conn: &mut DbConnection,
    id: AssociationId,
    delta: i64,
) -> Result<(), PersistenceError> {
    if delta != 0 {
        diesel::update(associations::table.find(id.to_string()))
            .set(associations::member_count.eq(associations::member_count + delta))
            .execute(conn)?;
    }
    Ok(())
}

fn active(membership: Option<AssociationMembership>) -> i64 {
    i64::from(membership.is_some_and(AssociationMembership::is_active))
}

/// Creates or replaces a membership, keeping the member count right. Call in a transaction.
pub fn set_membership(
    conn: &mut DbConnection,
    association: AssociationId,
    member: MemberId,
    new: AssociationMembership,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let previous = membership(conn, association, member)?;
    let at = to_db_time(now);
    let (a, m) = (association.to_string(), member.to_string());
    if previous.is_some() {
        diesel::update(association_memberships::table.find((&a, &m)))
            .set((
                association_memberships::role.eq(new.role.as_str()),
                association_memberships::status.eq(new.status.as_str()),
                association_memberships::updated_at.eq(at),
            ))
            .execute(conn)?;
    } else {
        diesel::insert_into(association_memberships::table)
            .values((
                association_memberships::association_id.eq(&a),
                association_memberships::member_id.eq(&m),
                association_memberships::role.eq(new.role.as_str()),
                association_memberships::status.eq(new.status.as_str()),
                association_memberships::created_at.eq(at),
                association_memberships::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    add_to_member_count(conn, association, active(Some(new)) - active(previous))
}

/// Records that an admin of the association vouched for this member (approved their request,
/// gave them a role, or founded the association): the association's private groups then admit
/// them at once (`domain::association::vouches_for_groups`).
pub fn vouch(
    conn: &mut DbConnection,
    association: AssociationId,
    member: MemberId,
) -> Result<(), PersistenceError> {
    diesel::update(
        association_memberships::table.find((association.to_string(), member.to_string())),
    )
    .set(association_memberships::vouched.eq(true))
    .execute(conn)?;
    Ok(())
}

/// Did an admin of the association vouch for this member? `false` when they are not a member.
pub fn vouched(
    conn: &mut DbConnection,
    association: AssociationId,
    member: MemberId,
) -> Result<bool, PersistenceError> {
    Ok(association_memberships::table
        .find((association.to_string(), member.to_string()))
        .select(association_memberships::vouched)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

/// Ends a membership (leaving, removal, refused request), and the editor right the association
/// gave that member if any. Call in a transaction.
pub fn delete_membership(
    conn: &mut DbConnection,
    association: AssociationId,
    member: MemberId,
) -> Result<(), PersistenceError> {
    let previous = membership(conn, association, member)?;
    diesel::delete(
        association_memberships::table.find((association.to_string(), member.to_string())),
    )
    .execute(conn)?;
    // A right the association conferred ends with the membership it was conferred on.
    diesel::delete(
        crate::schema::editors::table
            .filter(crate::schema::editors::member_id.eq(member.to_string()))
            .filter(crate::schema::editors::association_id.eq(association.to_string())),
    )
    .execute(conn)?;
    add_to_member_count(conn, association, -active(previous))
}

/// How many active admins the association has.
pub fn admin_count(
    conn: &mut DbConnection,
    association: AssociationId,
) -> Result<i64, PersistenceError> {
    Ok(association_memberships::table
        .filter(association_memberships::association_id.eq(association.to_string()))
        .filter(association_memberships::role.eq(AssociationRole::Admin.as_str()))
        .filter(association_memberships::status.eq(AssociationMembershipStatus::Active.as_str()))
        .count()
        .get_result(conn)?)
}

/// A line of an association's member list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssociationMemberEntry {
    pub member_id: MemberId,
    pub pseudonym: Pseudonym,
    pub kind: MemberKind,
    /// The badge granted (shown while it fits `kind`).
    pub badge: Option<Badge>,
    pub membership: AssociationMembership,
    pub since: DateTime<Utc>,
}

/// Members (active and pending), by member id, as `reader` sees them with `view`: everyone, or
/// only the members who chose to be listed and the reader (filtered in SQL).
pub fn list_members(
    conn: &mut DbConnection,
    association: AssociationId,
    status: Option<AssociationMembershipStatus>,
    view: MemberListView,
    reader: MemberId,
    after: Option<MemberId>,
    limit: i64,
) -> Result<Vec<AssociationMemberEntry>, PersistenceError> {
    let listed_or = (view == MemberListView::Listed).then_some(reader);
    entries(conn, association, status, after, None, listed_or, limit)
}

/// One member's line of the list.
pub fn member_entry(
    conn: &mut DbConnection,
    association: AssociationId,
    member: MemberId,
) -> Result<Option<AssociationMemberEntry>, PersistenceError> {
    Ok(entries(conn, association, None, None, Some(member), None, 1)?.pop())
}

fn entries(
    conn: &mut DbConnection,
    association: AssociationId,
    status: Option<AssociationMembershipStatus>,
    after: Option<MemberId>,
    only: Option<MemberId>,
    listed_or: Option<MemberId>,
    limit: i64,
) -> Result<Vec<AssociationMemberEntry>, PersistenceError> {
    let mut select = association_memberships::table
        .inner_join(members::table.on(members::id.eq(association_memberships::member_id)))
        .left_join(
            member_badges::table
                .on(member_badges::member_id.eq(association_memberships::member_id)),
        )
        .filter(association_memberships::association_id.eq(association.to_string()))
        .select((
            association_memberships::member_id,
            members::pseudonym,
            members::kind,
            member_badges::badge.nullable(),
            association_memberships::role,
            association_memberships::status,
            association_memberships::created_at,
        ))
        .order(association_memberships::member_id)
        .limit(limit)
        .into_boxed();
    if let Some(status) = status {
        select = select.filter(association_memberships::status.eq(status.as_str()));
    }
    if let Some(after) = after {
        select = select.filter(association_memberships::member_id.gt(after.to_string()));
    }
    if let Some(only) = only {
        select = select.filter(association_memberships::member_id.eq(only.to_string()));
    }
    if let Some(reader) = listed_or {
        select = select.filter(
            members::listed_in_member_lists
                .eq(true)
                .or(association_memberships::member_id.eq(reader.to_string())),
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
            Ok(AssociationMemberEntry {
                member_id: parse_id(&member_id)?,
                pseudonym: Pseudonym::from_stored(pseudonym),
                kind: parse_enum(&kind, MemberKind::parse)?,
                badge: crate::verification::badge_cell(badge)?,
                membership: AssociationMembership {
                    role: parse_enum(&role, AssociationRole::parse)?,
                    status: parse_enum(&status, AssociationMembershipStatus::parse)?,
                },
                since: from_db_time(since),
            })
        })
        .collect()
}

/// Follows the association; `false` when already following. Call in a transaction.
pub fn follow(
    conn: &mut DbConnection,
    association: AssociationId,
    member: MemberId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let inserted = diesel::sql_query(
        "INSERT INTO association_follows (association_id, member_id, created_at) \
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind::<Text, _>(association.to_string())
    .bind::<Text, _>(member.to_string())
    .bind::<Timestamp, _>(to_db_time(now))
    .execute(conn)?;
    if inserted == 1 {
        diesel::update(associations::table.find(association.to_string()))
            .set(associations::follower_count.eq(associations::follower_count + 1))
            .execute(conn)?;
    }
    Ok(inserted == 1)
}

/// Stops following; `false` when not following. Call in a transaction.
pub fn unfollow(
    conn: &mut DbConnection,
    association: AssociationId,
    member: MemberId,
) -> Result<bool, PersistenceError> {
    let deleted = diesel::delete(
        association_follows::table.find((association.to_string(), member.to_string())),
    )
    .execute(conn)?;
    if deleted == 1 {
        diesel::update(associations::table.find(association.to_string()))
            .set(associations::follower_count.eq(associations::follower_count - 1))
            .execute(conn)?;
    }
    Ok(deleted == 1)
}

pub fn is_following(
    conn: &mut DbConnection,
    association: AssociationId,
    member: MemberId,
) -> Result<bool, PersistenceError> {
    Ok(diesel::select(diesel::dsl::exists(
        association_follows::table.find((association.to_string(), member.to_string())),
    ))
    .get_result(conn)?)
}

/// Records that the association owns the group.
pub fn own_group(
    conn: &mut DbConnection,
    association: AssociationId,
    group: GroupId,
) -> Result<(), PersistenceError> {
    diesel::insert_into(association_groups::table)
        .values((
            association_groups::group_id.eq(group.to_string()),
            association_groups::association_id.eq(association.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The association that owns the group, if any.
pub fn owner_of_group(
    conn: &mut DbConnection,
    group: GroupId,
) -> Result<Option<AssociationId>, PersistenceError> {
    association_groups::table
        .find(group.to_string())
        .select(association_groups::association_id)
        .first::<String>(conn)
        .optional()?
        .map(|id| parse_id(&id))
        .transpose()
}

/// What items from an association show of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssociationRef {
    pub id: AssociationId,
    pub name: String,
    pub verified: bool,
}

/// Names and badges of several associations, in one query.
pub fn refs(
    conn: &mut DbConnection,
    ids: &[AssociationId],
) -> Result<Vec<AssociationRef>, PersistenceError> {
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    associations::table
        .filter(associations::id.eq_any(&keys))
        .select((associations::id, associations::name, associations::status))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(id, name, status)| {
            Ok(AssociationRef {
                id: parse_id(&id)?,
                name,
                verified: parse_enum(&status, AssociationStatus::parse)?
                    == AssociationStatus::Verified,
            })
        })
        .collect()
}
