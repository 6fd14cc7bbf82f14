//! Donation campaigns: a goal, a window, and what was raised. Entraide never touches card
//! data: the money moves on the association's payment page; Entraide records what it is told.

use chrono::{DateTime, Utc};

use crate::error::ParseError;
use crate::ids::{AssociationId, CampaignId, DonationId};
use crate::text::{Description, Title, WebUrl};

/// An ISO 4217 currency code, upper case (`EUR`, `CHF`, `CAD`...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency(String);

impl Currency {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim().to_ascii_uppercase();
        if value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(value))
        } else {
            Err(ParseError::single(
                "currency",
                "invalid_currency",
                "must be a three-letter ISO 4217 code such as EUR",
            ))
        }
    }

    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An amount in the currency's smallest unit (cents): more than 0, at most 10^12 (ten billion
/// euros: anything larger is a mistake).
pub fn parse_amount(cents: i64) -> Result<i64, ParseError> {
    if (1..=1_000_000_000_000).contains(&cents) {
        Ok(cents)
    } else {
        Err(ParseError::single(
            "amount_cents",
            "out_of_range",
            "must be between 1 and 1000000000000",
        ))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub id: CampaignId,
    pub association_id: AssociationId,
    pub title: Title,
    pub description: Description,
    pub goal_cents: i64,
    pub currency: Currency,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub payment_url: WebUrl,
    pub raised_cents: i64,
    pub donation_count: i64,
    pub created_at: DateTime<Utc>,
}

impl Campaign {
    /// A donation names the campaign's currency, or none (then it is the campaign's): 422
    /// `currency_mismatch` on `currency` otherwise.
    pub fn check_currency(&self, currency: Option<&Currency>) -> Result<(), ParseError> {
        match currency {
            Some(currency) if currency != &self.currency => Err(ParseError::single(
                "currency",
                "currency_mismatch",
                format!("the campaign collects {}", self.currency.as_str()),
            )),
            _ => Ok(()),
        }
    }

    /// Raised as a whole percentage of the goal, rounded down; may pass 100.
    pub fn percent(&self) -> i64 {
        if self.goal_cents <= 0 {
            return 0;
        }
        i128::from(self.raised_cents)
            .saturating_mul(100)
            .checked_div(i128::from(self.goal_cents))
            .and_then(|percent| i64::try_from(percent).ok())
            .unwrap_or(i64::MAX)
    }

    /// Does the campaign accept donations at `at`? Between its start and its end.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.starts_at <= at && at < self.ends_at
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewCampaign {
    pub title: Title,
    pub description: Description,
    pub goal_cents: i64,
    pub currency: Currency,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub payment_url: WebUrl,
}

/// Checks a campaign window: it must end after it starts.
pub fn check_window(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<(), ParseError> {
    if ends_at > starts_at {
        Ok(())
    } else {
        Err(ParseError::single(
            "ends_at",
            "before_start",
            "must be after starts_at",
        ))
    }
}

/// Where a donation record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DonationSource {
    /// Entered by an association admin (a cheque, a transfer, a stand at an event).
    Manual,
    /// Reported by the payment provider through the signed webhook.
    Webhook,
}

wire_enum!(DonationSource, "source", "invalid_source",
    Manual => "manual", Webhook => "webhook");

#[derive(Debug, Clone, PartialEq)]
pub struct NewDonation {
    pub amount_cents: i64,
    pub currency: Currency,
    /// `None`: anonymous.
    pub donor_name: Option<String>,
    pub source: DonationSource,
    pub provider_payment_id: Option<String>,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Donation {
    pub id: DonationId,
    pub campaign_id: CampaignId,
    pub amount_cents: i64,
    pub donor_name: Option<String>,
    pub source: DonationSource,
    pub provider_payment_id: Option<String>,
    pub received_at: DateTime<Utc>,
}

/// A provider's payment id: 1 to 200 printable ASCII characters.
pub fn parse_payment_id(raw: &str) -> Result<String, ParseError> {
    if !raw.is_empty() && raw.len() <= 200 && raw.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(raw.to_owned())
    } else {
        Err(ParseError::single(
            "payment_id",
            "invalid_payment_id",
            "must be 1 to 200 printable ASCII characters",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_and_amounts() {
        assert_eq!(Currency::parse("eur").unwrap().as_str(), "EUR");
        for bad in ["EURO", "E1R", "", "€"] {
            assert!(Currency::parse(bad).is_err(), "{bad}");
        }
        assert!(parse_amount(0).is_err());
        assert!(parse_amount(-5).is_err());
        assert!(parse_amount(1_000_000_000_001).is_err());
        assert_eq!(parse_amount(2500).unwrap(), 2500);
        assert!(parse_payment_id("pi_3N ok").is_err());
        assert!(parse_payment_id("pi_3Nxyz").is_ok());
    }

    #[test]
    fn progress() {
        let now = Utc::now();
        let mut campaign = Campaign {
            id: CampaignId::new(),
            association_id: AssociationId::new(),
            title: Title::parse("Un toit pour les aidants").unwrap(),
            description: Description::default(),
            goal_cents: 300_000,
            currency: Currency::parse("EUR").unwrap(),
            starts_at: now,
            ends_at: now + chrono::TimeDelta::days(30),
            payment_url: WebUrl::parse("https://pay.example.org/c/1").unwrap(),
            raised_cents: 99_999,
            donation_count: 3,
            created_at: now,
        };
        assert_eq!(campaign.percent(), 33);
        campaign.raised_cents = 450_000;
        assert_eq!(campaign.percent(), 150);
        assert!(campaign.is_open(now));
        assert!(!campaign.is_open(now + chrono::TimeDelta::days(30)));
        assert!(check_window(now, now).is_err());
        assert!(campaign.check_currency(None).is_ok());
        assert!(
            campaign
                .check_currency(Some(&Currency::parse("eur").unwrap()))
                .is_ok()
        );
        let refused = campaign.check_currency(Some(&Currency::parse("USD").unwrap()));
        assert_eq!(refused.unwrap_err().errors()[0].code, "currency_mismatch");
    }
}
