//! Scientific committees (`committees`) and who sits on them with what expertise
//! (`committee_members`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{AssociationId, CommitteeId, MemberId};
use entraide_domain::member::{MemberKind, Pseudonym};
use entraide_domain::resource::{Committee, DeclaredInterests, Expertise};
use entraide_domain::text::{Description, Title};
use entraide_domain::verification::Badge;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{committee_members, committees, member_badges, members};

#[derive(Queryable, Selectable)]
#[diesel(table_name = committees)]
struct CommitteeRow {
    id: String,
    name: String,
    description: String,
    association_id: Option<String>,
    quorum: i32,
    created_at: NaiveDateTime,
    requires_verified_reviewers: bool,
}

fn committee_from(row: CommitteeRow, member_count: i64) -> Result<Committee, PersistenceError> {
    let CommitteeRow {
        id,
        name,
        description,
        association_id,
        quorum,
        created_at,
        requires_verified_reviewers,
    } = row;
    Ok(Committee {
        id: parse_id(&id)?,
        name: Title::from_stored(name),
        description: Description::from_stored(description),
        association_id: association_id.as_deref().map(parse_id).transpose()?,
        quorum,
        member_count,
        created_at: from_db_time(created_at),
        requires_verified_reviewers,
    })
}

/// Committees from their rows, with their member counts counted in one query.
fn committees_from(
    conn: &mut DbConnection,
    rows: Vec<CommitteeRow>,
) -> Result<Vec<Committee>, PersistenceError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let counts: HashMap<String, i64> = committee_members::table
        .filter(committee_members::committee_id.eq_any(&ids))
        .group_by(committee_members::committee_id)
        .select((committee_members::committee_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|row| {
            let count = counts.get(&row.id).copied().unwrap_or(0);
            committee_from(row, count)
        })
        .collect()
}

/// A committee to create.
#[derive(Debug, Clone)]
pub struct NewCommittee<'a> {
    pub name: &'a Title,
    pub description: &'a Description,
    pub association: Option<AssociationId>,
    pub quorum: i32,
    pub requires_verified_reviewers: bool,
}

pub fn insert_committee(
    conn: &mut DbConnection,
    new: &NewCommittee<'_>,
    creator: MemberId,
    now: DateTime<Utc>,
) -> Result<Committee, PersistenceError> {
    let NewCommittee {
        name,
        description,
        association,
        quorum,
        requires_verified_reviewers,
    } = *new;
    let id = CommitteeId::new();
    diesel::insert_into(committees::table)
        .values((
            committees::id.eq(id.to_string()),
            committees::name.eq(name.as_str()),
            committees::name_key.eq(name.key()),
            committees::description.eq(description.as_str()),
            committees::association_id.eq(association.map(|a| a.to_string())),
            committees::quorum.eq(quorum),
            committees::requires_verified_reviewers.eq(requires_verified_reviewers),
            committees::created_by.eq(creator.to_string()),
            committees::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    find_committee(conn, id)?.ok_or(PersistenceError::NotFound)
}

pub fn find_committee(
    conn: &mut DbConnection,
    id: CommitteeId,
) -> Result<Option<Committee>, PersistenceError> {
    Ok(committees_by_id(conn, &[id])?.pop())
}

/// Committees by id (unknown ids are left out), in two queries whatever their number.
pub fn committees_by_id(
    conn: &mut DbConnection,
    ids: &[CommitteeId],
) -> Result<Vec<Committee>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows = committees::table
        .filter(committees::id.eq_any(&keys))
        .select(CommitteeRow::as_select())
        .load::<CommitteeRow>(conn)?;
    committees_from(conn, rows)
}

/// Committees in name order, after `after` (a lower-cased name and id).
pub fn list_committees(
    conn: &mut DbConnection,
    after: Option<(String, CommitteeId)>,
    limit: i64,
) -> Result<Vec<Committee>, PersistenceError> {
    let mut select = committees::table
        .select(CommitteeRow::as_select())
        .order((committees::name_key, committees::id))
        .limit(limit)
        .into_boxed();
    if let Some((name, id)) = after {
        select = select.filter(
            committees::name_key
                .gt(name.clone())
                .or(committees::name_key
                    .eq(name)
                    .and(committees::id.gt(id.to_string()))),
        );
    }
    let rows = select.load::<CommitteeRow>(conn)?;
    committees_from(conn, rows)
}

/// Adds a member to a committee, or changes their expertise and declared interests.
pub fn set_committee_member(
    conn: &mut DbConnection,
    committee: CommitteeId,
    member: MemberId,
    expertise: Expertise,
    declared_interests: &DeclaredInterests,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::delete(committee_members::table.find((committee.to_string(), member.to_string())))
        .execute(conn)?;
    diesel::insert_into(committee_members::table)
        .values((
            committee_members::committee_id.eq(committee.to_string()),
            committee_members::member_id.eq(member.to_string()),
            committee_members::expertise.eq(expertise.as_str()),
            committee_members::added_at.eq(to_db_time(now)),
            committee_members::declared_interests.eq(declared_interests.as_str()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A member's expertise in a committee, if they sit on it.
pub fn expertise_in(
    conn: &mut DbConnection,
    committee: CommitteeId,
    member: MemberId,
) -> Result<Option<Expertise>, PersistenceError> {
    Ok(expertise_of(conn, member, &[committee])?.remove(&committee))
}

/// A committee member, as validation blocks show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    pub member_id: MemberId,
    pub pseudonym: Pseudonym,
    pub kind: MemberKind,
    /// The badge granted (shown while it fits `kind`).
    pub badge: Option<Badge>,
    /// `None` when they no longer sit on the committee.
    pub expertise: Option<Expertise>,
    /// Their declared conflicts of interest in that committee (empty: none declared, or no
    /// longer sitting).
    pub declared_interests: String,
}

/// The committees among `committees` that `member` sits on, with their expertise. A seat on a
/// committee of an association that is not verified is inert and left out
/// (`domain::rights::grant_applies`).
pub fn expertise_of(
    conn: &mut DbConnection,
    member: MemberId,
    committees: &[CommitteeId],
) -> Result<HashMap<CommitteeId, Expertise>, PersistenceError> {
    if committees.is_empty() {
        return Ok(HashMap::new());
    }
    let keys: Vec<String> = committees.iter().map(ToString::to_string).collect();
    let live_committees = committees::table
        .filter(
            committees::association_id
                .is_null()
                .or(committees::association_id.eq_any(verified_association_ids!())),
        )
        .select(committees::id);
    committee_members::table
        .filter(committee_members::member_id.eq(member.to_string()))
        .filter(committee_members::committee_id.eq_any(&keys))
        .filter(committee_members::committee_id.eq_any(live_committees))
        .select((
            committee_members::committee_id,
            committee_members::expertise,
        ))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(committee, expertise)| {
            Ok((
                parse_id(&committee)?,
                parse_enum(&expertise, Expertise::parse)?,
            ))
        })
        .collect()
}

/// Reviewers as validation blocks show them, for `(committee, member)` pairs: pseudonym and
/// kind, and their expertise in that committee (`None` if they left it). Two queries whatever
/// the number of pairs; members who no longer exist are left out.
pub fn reviewers(
    conn: &mut DbConnection,
    pairs: &[(CommitteeId, MemberId)],
) -> Result<HashMap<(CommitteeId, MemberId), Reviewer>, PersistenceError> {
    if pairs.is_empty() {
        return Ok(HashMap::new());
    }
    let mut member_keys: Vec<String> = pairs.iter().map(|(_, m)| m.to_string()).collect();
    member_keys.sort();
    member_keys.dedup();
    let mut committee_keys: Vec<String> = pairs.iter().map(|(c, _)| c.to_string()).collect();
    committee_keys.sort();
    committee_keys.dedup();
    type Person = (Pseudonym, MemberKind, Option<Badge>);
    let people: HashMap<MemberId, Person> = members::table
        .left_join(member_badges::table)
        .filter(members::id.eq_any(&member_keys))
        .select((
            members::id,
            members::pseudonym,
            members::kind,
            member_badges::badge.nullable(),
        ))
        .load::<(String, String, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, pseudonym, kind, badge)| {
            Ok((
                parse_id(&id)?,
                (
                    Pseudonym::from_stored(pseudonym),
                    parse_enum(&kind, MemberKind::parse)?,
                    crate::verification::badge_cell(badge)?,
                ),
            ))
        })
        .collect::<Result<_, PersistenceError>>()?;
    let seats: HashMap<(CommitteeId, MemberId), (Expertise, String)> = committee_members::table
        .filter(committee_members::member_id.eq_any(&member_keys))
        .filter(committee_members::committee_id.eq_any(&committee_keys))
        .select((
            committee_members::committee_id,
            committee_members::member_id,
            committee_members::expertise,
            committee_members::declared_interests,
        ))
        .load::<(String, String, String, String)>(conn)?
        .into_iter()
        .map(|(committee, member, expertise, interests)| {
            Ok((
                (parse_id(&committee)?, parse_id(&member)?),
                (parse_enum(&expertise, Expertise::parse)?, interests),
            ))
        })
        .collect::<Result<_, PersistenceError>>()?;
    Ok(pairs
        .iter()
        .filter_map(|&(committee, member)| {
            let (pseudonym, kind, badge) = people.get(&member)?;
            let seat = seats.get(&(committee, member));
            Some((
                (committee, member),
                Reviewer {
                    member_id: member,
                    pseudonym: pseudonym.clone(),
                    kind: *kind,
                    badge: *badge,
                    expertise: seat.map(|(expertise, _)| *expertise),
                    declared_interests: seat
                        .map(|(_, interests)| interests.clone())
                        .unwrap_or_default(),
                },
            ))
        })
        .collect())
}
