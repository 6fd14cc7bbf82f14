//! The member and associations: memberships, follows, what they created or published, and the
//! acts of staff they did (verifying an association, recording a donation).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::association::{AssociationMembershipStatus, AssociationRole};
use entraide_domain::ids::{AnnouncementId, AssociationId, CampaignId, DonationId, MemberId};

use super::community::{NamedRecord, created};
use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id};
use crate::error::PersistenceError;
use crate::schema::{
    announcements, association_follows, association_memberships, associations, campaigns, donations,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssociationMembershipRecord {
    pub association_id: AssociationId,
    pub association_name: String,
    pub role: AssociationRole,
    pub status: AssociationMembershipStatus,
    pub vouched: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

type MembershipRow = (
    String,
    String,
    String,
    String,
    bool,
    NaiveDateTime,
    NaiveDateTime,
);

pub fn association_memberships(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<AssociationMembershipRecord>, PersistenceError> {
    association_memberships::table
        .inner_join(associations::table)
        .filter(association_memberships::member_id.eq(member.to_string()))
        .select((
            association_memberships::association_id,
            associations::name,
            association_memberships::role,
            association_memberships::status,
            association_memberships::vouched,
            association_memberships::created_at,
            association_memberships::updated_at,
        ))
        .order((
            association_memberships::created_at.asc(),
            association_memberships::association_id.asc(),
        ))
        .load::<MembershipRow>(conn)?
        .into_iter()
        .map(
            |(association, name, role, status, vouched, created_at, updated_at)| {
                Ok(AssociationMembershipRecord {
                    association_id: parse_id(&association)?,
                    association_name: name,
                    role: parse_enum(&role, AssociationRole::parse)?,
                    status: parse_enum(&status, AssociationMembershipStatus::parse)?,
                    vouched,
                    created_at: from_db_time(created_at),
                    updated_at: from_db_time(updated_at),
                })
            },
        )
        .collect()
}

/// The associations the member follows (id, name, since).
pub fn association_follows(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<NamedRecord>, PersistenceError> {
    let rows = association_follows::table
        .inner_join(
            associations::table.on(associations::id.eq(association_follows::association_id)),
        )
        .filter(association_follows::member_id.eq(member.to_string()))
        .select((
            association_follows::association_id,
            associations::name,
            association_follows::created_at,
        ))
        .order((
            association_follows::created_at.asc(),
            association_follows::association_id.asc(),
        ))
        .load(conn)?;
    created(rows)
}

/// The conditions the member follows (id, display name, since).
pub fn condition_follows(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<NamedRecord>, PersistenceError> {
    use crate::schema::{condition_follows, conditions};
    let rows = condition_follows::table
        .inner_join(conditions::table)
        .filter(condition_follows::member_id.eq(member.to_string()))
        .select((
            condition_follows::condition_id,
            conditions::name,
            condition_follows::created_at,
        ))
        .order((
            condition_follows::created_at.asc(),
            condition_follows::condition_id.asc(),
        ))
        .load(conn)?;
    created(rows)
}

/// The associations the member registered.
pub fn associations_created(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<NamedRecord>, PersistenceError> {
    let rows = associations::table
        .filter(associations::created_by.eq(member.to_string()))
        .select((
            associations::id,
            associations::name,
            associations::created_at,
        ))
        .order(associations::id.asc())
        .load(conn)?;
    created(rows)
}

/// An announcement the member wrote for an association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnouncementRecord {
    pub id: AnnouncementId,
    pub association_id: AssociationId,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub publish_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

type AnnouncementRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    NaiveDateTime,
);

pub fn announcements(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<AnnouncementRecord>, PersistenceError> {
    announcements::table
        .filter(announcements::author_id.eq(member.to_string()))
        .select((
            announcements::id,
            announcements::association_id,
            announcements::title,
            announcements::body,
            announcements::link,
            announcements::publish_at,
            announcements::expires_at,
            announcements::created_at,
        ))
        .order(announcements::id.asc())
        .load::<AnnouncementRow>(conn)?
        .into_iter()
        .map(
            |(id, association, title, body, link, publish_at, expires_at, created_at)| {
                Ok(AnnouncementRecord {
                    id: parse_id(&id)?,
                    association_id: parse_id(&association)?,
                    title,
                    body,
                    link,
                    publish_at: from_db_time(publish_at),
                    expires_at: expires_at.map(from_db_time),
                    created_at: from_db_time(created_at),
                })
            },
        )
        .collect()
}

/// A donation campaign the member created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignRecord {
    pub id: CampaignId,
    pub association_id: AssociationId,
    pub title: String,
    pub description: String,
    pub goal_cents: i64,
    pub currency: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub payment_url: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = campaigns)]
struct CampaignRow {
    id: String,
    association_id: String,
    title: String,
    description: String,
    goal_cents: i64,
    currency: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    payment_url: String,
    created_at: NaiveDateTime,
}

pub fn campaigns(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<CampaignRecord>, PersistenceError> {
    campaigns::table
        .filter(campaigns::created_by.eq(member.to_string()))
        .select(CampaignRow::as_select())
        .order(campaigns::id.asc())
        .load(conn)?
        .into_iter()
        .map(|row| {
            let CampaignRow {
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
            } = row;
            Ok(CampaignRecord {
                id: parse_id(&id)?,
                association_id: parse_id(&association_id)?,
                title,
                description,
                goal_cents,
                currency,
                starts_at: from_db_time(starts_at),
                ends_at: from_db_time(ends_at),
                payment_url,
                created_at: from_db_time(created_at),
            })
        })
        .collect()
}

/// The associations the member verified as a platform admin (id, name, when).
pub fn associations_verified(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<NamedRecord>, PersistenceError> {
    let rows = associations::table
        .filter(associations::verified_by.eq(member.to_string()))
        // Verification sets both columns together.
        .filter(associations::verified_at.is_not_null())
        .select((
            associations::id,
            associations::name,
            associations::verified_at.assume_not_null(),
        ))
        .order(associations::id.asc())
        .load(conn)?;
    created(rows)
}

/// A donation the member recorded as an association admin. The donor's name is the donor's,
/// not the member's: left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DonationRecord {
    pub id: DonationId,
    pub campaign_id: CampaignId,
    pub amount_cents: i64,
    pub received_at: DateTime<Utc>,
}

pub fn donations_recorded(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<DonationRecord>, PersistenceError> {
    donations::table
        .filter(donations::recorded_by.eq(member.to_string()))
        .select((
            donations::id,
            donations::campaign_id,
            donations::amount_cents,
            donations::received_at,
        ))
        .order(donations::id.asc())
        .load::<(String, String, i64, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, campaign, amount_cents, received_at)| {
            Ok(DonationRecord {
                id: parse_id(&id)?,
                campaign_id: parse_id(&campaign)?,
                amount_cents,
                received_at: from_db_time(received_at),
            })
        })
        .collect()
}
