//! Donation campaigns and the donations recorded against them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::campaign::{
    Campaign, Currency, Donation, DonationSource, NewCampaign, NewDonation,
};
use entraide_domain::ids::{AssociationId, CampaignId, DonationId, MemberId};
use entraide_domain::text::{Description, Title, WebUrl};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{campaigns, donations, webhook_deliveries};

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
    raised_cents: i64,
    donation_count: i64,
    created_at: NaiveDateTime,
}

impl CampaignRow {
    fn into_domain(self) -> Result<Campaign, PersistenceError> {
        let Self {
            id,
            association_id,
            title,
            description,
            goal_cents,
            currency,
            starts_at,
            ends_at,
            payment_url,
            raised_cents,
            donation_count,
            created_at,
        } = self;
        Ok(Campaign {
            id: parse_id(&id)?,
            association_id: parse_id(&association_id)?,
            title: Title::from_stored(title),
            description: Description::from_stored(description),
            goal_cents,
            currency: Currency::from_stored(currency),
            starts_at: from_db_time(starts_at),
            ends_at: from_db_time(ends_at),
            payment_url: WebUrl::from_stored(payment_url),
            raised_cents,
            donation_count,
            created_at: from_db_time(created_at),
        })
    }
}

pub fn insert(
    conn: &mut DbConnection,
    association: AssociationId,
    creator: MemberId,
    new: &NewCampaign,
    now: DateTime<Utc>,
) -> Result<Campaign, PersistenceError> {
    let NewCampaign {
        title,
        description,
        goal_cents,
        currency,
        starts_at,
        ends_at,
        payment_url,
    } = new;
    let id = CampaignId::new();
    let at = to_db_time(now);
    diesel::insert_into(campaigns::table)
        .values((
            campaigns::id.eq(id.to_string()),
            campaigns::association_id.eq(association.to_string()),
            campaigns::title.eq(title.as_str()),
            campaigns::description.eq(description.as_str()),
            campaigns::goal_cents.eq(goal_cents),
            campaigns::currency.eq(currency.as_str()),
            campaigns::starts_at.eq(to_db_time(*starts_at)),
            campaigns::ends_at.eq(to_db_time(*ends_at)),
            campaigns::payment_url.eq(payment_url.as_str()),
            campaigns::raised_cents.eq(0_i64),
            campaigns::donation_count.eq(0_i64),
            campaigns::created_by.eq(creator.to_string()),
            campaigns::created_at.eq(at),
            campaigns::updated_at.eq(at),
        ))
        .execute(conn)?;
    find(conn, id)?.ok_or(PersistenceError::NotFound)
}

pub fn find(conn: &mut DbConnection, id: CampaignId) -> Result<Option<Campaign>, PersistenceError> {
    campaigns::table
        .find(id.to_string())
        .select(CampaignRow::as_select())
        .first::<CampaignRow>(conn)
        .optional()?
        .map(CampaignRow::into_domain)
        .transpose()
}

/// An association's campaigns, newest first.
pub fn list(
    conn: &mut DbConnection,
    association: AssociationId,
    before: Option<CampaignId>,
    limit: i64,
) -> Result<Vec<Campaign>, PersistenceError> {
    let mut select = campaigns::table
        .filter(campaigns::association_id.eq(association.to_string()))
        .select(CampaignRow::as_select())
        .order(campaigns::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        select = select.filter(campaigns::id.lt(before.to_string()));
    }
    select
        .load::<CampaignRow>(conn)?
        .into_iter()
        .map(CampaignRow::into_domain)
        .collect()
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = donations)]
struct DonationRow {
    id: String,
    campaign_id: String,
    amount_cents: i64,
    donor_name: Option<String>,
    source: String,
    provider_payment_id: Option<String>,
    received_at: NaiveDateTime,
}

impl DonationRow {
    fn into_domain(self) -> Result<Donation, PersistenceError> {
        let Self {
            id,
            campaign_id,
            amount_cents,
            donor_name,
            source,
            provider_payment_id,
            received_at,
        } = self;
        Ok(Donation {
            id: parse_id(&id)?,
            campaign_id: parse_id(&campaign_id)?,
            amount_cents,
            donor_name,
            source: parse_enum(&source, DonationSource::parse)?,
            provider_payment_id,
            received_at: from_db_time(received_at),
        })
    }
}

/// The donation an association already recorded for this provider payment id, if any.
pub fn find_by_payment(
    conn: &mut DbConnection,
    association: AssociationId,
    payment_id: &str,
) -> Result<Option<Donation>, PersistenceError> {
    donations::table
        .filter(donations::association_id.eq(association.to_string()))
        .filter(donations::provider_payment_id.eq(payment_id))
        .select(DonationRow::as_select())
        .first::<DonationRow>(conn)
        .optional()?
        .map(DonationRow::into_domain)
        .transpose()
}

/// Records a donation and moves the campaign's totals. A provider payment id already recorded
/// for the association is a unique violation. Call in a transaction.
pub fn record(
    conn: &mut DbConnection,
    campaign: &Campaign,
    recorded_by: Option<MemberId>,
    new: &NewDonation,
    now: DateTime<Utc>,
) -> Result<Donation, PersistenceError> {
    let NewDonation {
        amount_cents,
        currency: _,
        donor_name,
        source,
        provider_payment_id,
        received_at,
    } = new;
    let id = DonationId::new();
    diesel::insert_into(donations::table)
        .values((
            donations::id.eq(id.to_string()),
            donations::campaign_id.eq(campaign.id.to_string()),
            donations::association_id.eq(campaign.association_id.to_string()),
            donations::amount_cents.eq(amount_cents),
            donations::donor_name.eq(donor_name.as_deref()),
            donations::source.eq(source.as_str()),
            donations::provider_payment_id.eq(provider_payment_id.as_deref()),
            donations::recorded_by.eq(recorded_by.map(|m| m.to_string())),
            donations::received_at.eq(to_db_time(*received_at)),
            donations::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    diesel::update(campaigns::table.find(campaign.id.to_string()))
        .set((
            campaigns::raised_cents.eq(campaigns::raised_cents + amount_cents),
            campaigns::donation_count.eq(campaigns::donation_count + 1),
            campaigns::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    donations::table
        .find(id.to_string())
        .select(DonationRow::as_select())
        .first::<DonationRow>(conn)?
        .into_domain()
}

/// A campaign's donations, newest first (for its association's admins).
pub fn list_donations(
    conn: &mut DbConnection,
    campaign: CampaignId,
    before: Option<DonationId>,
    limit: i64,
) -> Result<Vec<Donation>, PersistenceError> {
    let mut select = donations::table
        .filter(donations::campaign_id.eq(campaign.to_string()))
        .select(DonationRow::as_select())
        .order(donations::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        select = select.filter(donations::id.lt(before.to_string()));
    }
    select
        .load::<DonationRow>(conn)?
        .into_iter()
        .map(DonationRow::into_domain)
        .collect()
}

/// Remembers an accepted webhook delivery by its signature; `false` when it was seen before
/// (a replay). Deliveries older than `forget_before` are forgotten: their timestamps are too
/// old to be accepted again anyway. Call in a transaction.
pub fn remember_delivery(
    conn: &mut DbConnection,
    association: AssociationId,
    signature: &str,
    now: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::received_at.lt(to_db_time(forget_before))),
    )
    .execute(conn)?;
    let seen: bool = diesel::select(diesel::dsl::exists(
        webhook_deliveries::table.find(signature),
    ))
    .get_result(conn)?;
    if seen {
        return Ok(false);
    }
    diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::signature.eq(signature),
            webhook_deliveries::association_id.eq(association.to_string()),
            webhook_deliveries::received_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(true)
}
