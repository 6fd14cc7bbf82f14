//! Verified statuses: requests (`verification_requests`) and the badge each member holds
//! (`member_badges`, a side table: `members` is at diesel's column limit). Call the writes inside
//! a transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::association::{
    AssociationMembershipStatus, AssociationRole, AssociationStatus,
};
use entraide_domain::ids::{AssociationId, MemberId, VerificationRequestId};
use entraide_domain::verification::{
    Badge, DecisionNote, DocumentReference, RequestStatus, VerificationRequest,
};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{association_memberships, associations, member_badges, verification_requests};

/// The badge granted to a member (shown or not: the caller applies
/// `domain::verification::shown` with the member's current kind).
pub fn granted(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<Badge>, PersistenceError> {
    member_badges::table
        .find(member.to_string())
        .select(member_badges::badge)
        .first::<String>(conn)
        .optional()?
        .map(|badge| parse_enum(&badge, Badge::parse))
        .transpose()
}

/// Parses a badge cell read beside a member (a `LEFT JOIN member_badges`).
pub fn badge_cell(cell: Option<String>) -> Result<Option<Badge>, PersistenceError> {
    cell.map(|badge| parse_enum(&badge, Badge::parse))
        .transpose()
}

/// Granted badges of several members, in one query.
pub fn granted_of(
    conn: &mut DbConnection,
    members: &[MemberId],
) -> Result<HashMap<MemberId, Badge>, PersistenceError> {
    if members.is_empty() {
        return Ok(HashMap::new());
    }
    let keys: Vec<String> = members.iter().map(ToString::to_string).collect();
    member_badges::table
        .filter(member_badges::member_id.eq_any(keys))
        .select((member_badges::member_id, member_badges::badge))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(member, badge)| Ok((parse_id(&member)?, parse_enum(&badge, Badge::parse)?)))
        .collect()
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = verification_requests)]
struct RequestRow {
    id: String,
    member_id: String,
    badge: String,
    document_reference: String,
    association_id: Option<String>,
    status: String,
    decided_at: Option<NaiveDateTime>,
    decision_note: Option<String>,
    created_at: NaiveDateTime,
}

impl RequestRow {
    fn into_domain(self) -> Result<VerificationRequest, PersistenceError> {
        let Self {
            id,
            member_id,
            badge,
            document_reference,
            association_id,
            status,
            decided_at,
            decision_note,
            created_at,
        } = self;
        Ok(VerificationRequest {
            id: parse_id(&id)?,
            member_id: parse_id(&member_id)?,
            badge: parse_enum(&badge, Badge::parse)?,
            document_reference: DocumentReference::from_stored(document_reference),
            association_id: association_id.as_deref().map(parse_id).transpose()?,
            status: parse_enum(&status, RequestStatus::parse)?,
            note: decision_note.map(DecisionNote::from_stored),
            created_at: from_db_time(created_at),
            decided_at: decided_at.map(from_db_time),
        })
    }
}

/// Whether the member has a request waiting for a decision.
pub fn has_pending(conn: &mut DbConnection, member: MemberId) -> Result<bool, PersistenceError> {
    let count: i64 = verification_requests::table
        .filter(verification_requests::member_id.eq(member.to_string()))
        .filter(verification_requests::status.eq(RequestStatus::Pending.as_str()))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// Records a pending request. A second pending request of the member is refused by the
/// database (`UniqueViolation`) even when two arrive at once.
pub fn insert(
    conn: &mut DbConnection,
    member: MemberId,
    badge: Badge,
    document: &DocumentReference,
    association: Option<AssociationId>,
    now: DateTime<Utc>,
) -> Result<VerificationRequest, PersistenceError> {
    let id = VerificationRequestId::new();
    diesel::insert_into(verification_requests::table)
        .values((
            verification_requests::id.eq(id.to_string()),
            verification_requests::member_id.eq(member.to_string()),
            verification_requests::badge.eq(badge.as_str()),
            verification_requests::document_reference.eq(document.as_str()),
            verification_requests::association_id.eq(association.map(|a| a.to_string())),
            verification_requests::status.eq(RequestStatus::Pending.as_str()),
            verification_requests::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    find(conn, id)?.ok_or(PersistenceError::NotFound)
}

pub fn find(
    conn: &mut DbConnection,
    id: VerificationRequestId,
) -> Result<Option<VerificationRequest>, PersistenceError> {
    verification_requests::table
        .find(id.to_string())
        .select(RequestRow::as_select())
        .first::<RequestRow>(conn)
        .optional()?
        .map(RequestRow::into_domain)
        .transpose()
}

/// Where a page continues: after this `(created_at, id)`.
pub type RequestKey = (DateTime<Utc>, VerificationRequestId);

/// The member's own requests, newest first.
pub fn list_own(
    conn: &mut DbConnection,
    member: MemberId,
    after: Option<RequestKey>,
    limit: i64,
) -> Result<Vec<VerificationRequest>, PersistenceError> {
    let mut query = verification_requests::table
        .filter(verification_requests::member_id.eq(member.to_string()))
        .select(RequestRow::as_select())
        .order((
            verification_requests::created_at.desc(),
            verification_requests::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        let at = to_db_time(at);
        query = query.filter(
            verification_requests::created_at
                .lt(at)
                .or(verification_requests::created_at
                    .eq(at)
                    .and(verification_requests::id.lt(id.to_string()))),
        );
    }
    query
        .load::<RequestRow>(conn)?
        .into_iter()
        .map(RequestRow::into_domain)
        .collect()
}

/// Whose requests a decision queue shows.
#[derive(Debug, Clone, Copy)]
pub enum QueueScope {
    /// Every request (platform admins).
    All,
    /// Requests addressed to the verified associations this member is an active admin of.
    AdminOf(MemberId),
}

/// The verified associations `member` is an active admin of.
pub fn administered(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<AssociationId>, PersistenceError> {
    association_memberships::table
        .inner_join(associations::table)
        .filter(association_memberships::member_id.eq(member.to_string()))
        .filter(association_memberships::role.eq(AssociationRole::Admin.as_str()))
        .filter(association_memberships::status.eq(AssociationMembershipStatus::Active.as_str()))
        .filter(associations::status.eq(AssociationStatus::Verified.as_str()))
        .select(association_memberships::association_id)
        .load::<String>(conn)?
        .iter()
        .map(|id| parse_id(id))
        .collect()
}

/// A page of a decision queue, oldest first, optionally of one status.
pub fn queue(
    conn: &mut DbConnection,
    scope: QueueScope,
    status: Option<RequestStatus>,
    after: Option<RequestKey>,
    limit: i64,
) -> Result<Vec<VerificationRequest>, PersistenceError> {
    let mut query = verification_requests::table
        .select(RequestRow::as_select())
        .order((
            verification_requests::created_at.asc(),
            verification_requests::id.asc(),
        ))
        .limit(limit)
        .into_boxed();
    if let QueueScope::AdminOf(member) = scope {
        let own: Vec<Option<String>> = administered(conn, member)?
            .into_iter()
            .map(|a| Some(a.to_string()))
            .collect();
        if own.is_empty() {
            return Ok(Vec::new());
        }
        query = query.filter(verification_requests::association_id.eq_any(own));
    }
    if let Some(status) = status {
        query = query.filter(verification_requests::status.eq(status.as_str()));
    }
    if let Some((at, id)) = after {
        let at = to_db_time(at);
        query = query.filter(
            verification_requests::created_at
                .gt(at)
                .or(verification_requests::created_at
                    .eq(at)
                    .and(verification_requests::id.gt(id.to_string()))),
        );
    }
    query
        .load::<RequestRow>(conn)?
        .into_iter()
        .map(RequestRow::into_domain)
        .collect()
}

/// Decides a pending request; an approval grants the badge (replacing any other) in the same
/// transaction. Returns `false` when the request was no longer pending.
pub fn decide(
    conn: &mut DbConnection,
    request: &VerificationRequest,
    approve: bool,
    actor: MemberId,
    note: Option<&DecisionNote>,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let status = if approve {
        RequestStatus::Approved
    } else {
        RequestStatus::Refused
    };
    let changed = diesel::update(
        verification_requests::table
            .filter(verification_requests::id.eq(request.id.to_string()))
            .filter(verification_requests::status.eq(RequestStatus::Pending.as_str())),
    )
    .set((
        verification_requests::status.eq(status.as_str()),
        verification_requests::decided_by.eq(Some(actor.to_string())),
        verification_requests::decided_at.eq(Some(to_db_time(now))),
        verification_requests::decision_note.eq(note.map(|n| n.as_str().to_owned())),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    if approve {
        let member = request.member_id.to_string();
        diesel::delete(member_badges::table.find(&member)).execute(conn)?;
        diesel::insert_into(member_badges::table)
            .values((
                member_badges::member_id.eq(&member),
                member_badges::badge.eq(request.badge.as_str()),
                member_badges::granted_by.eq(Some(actor.to_string())),
                member_badges::granted_at.eq(to_db_time(now)),
                member_badges::request_id.eq(Some(request.id.to_string())),
            ))
            .execute(conn)?;
    }
    Ok(true)
}

/// Withdraws the member's badge; the badge withdrawn (`None` when they held none).
pub fn revoke(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<Badge>, PersistenceError> {
    let key = member.to_string();
    let held = member_badges::table
        .find(&key)
        .select(member_badges::badge)
        .first::<String>(conn)
        .optional()?;
    let Some(held) = held else {
        return Ok(None);
    };
    diesel::delete(member_badges::table.find(&key)).execute(conn)?;
    Ok(Some(parse_enum(&held, Badge::parse)?))
}

/// The badge granted to the member and when, as stored (for their data export).
pub fn badge_record(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<(Badge, DateTime<Utc>)>, PersistenceError> {
    member_badges::table
        .find(member.to_string())
        .select((member_badges::badge, member_badges::granted_at))
        .first::<(String, NaiveDateTime)>(conn)
        .optional()?
        .map(|(badge, at)| Ok((parse_enum(&badge, Badge::parse)?, from_db_time(at))))
        .transpose()
}

/// Every request of the member, oldest first (for their data export).
pub fn all_of(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<VerificationRequest>, PersistenceError> {
    verification_requests::table
        .filter(verification_requests::member_id.eq(member.to_string()))
        .select(RequestRow::as_select())
        .order((
            verification_requests::created_at.asc(),
            verification_requests::id.asc(),
        ))
        .load::<RequestRow>(conn)?
        .into_iter()
        .map(RequestRow::into_domain)
        .collect()
}

/// How many requests there are (tests check that refused calls stored nothing).
pub fn count(conn: &mut DbConnection) -> Result<i64, PersistenceError> {
    Ok(verification_requests::table.count().get_result(conn)?)
}
