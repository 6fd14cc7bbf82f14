//! Outgoing webhooks: the target check (server-side request forgery), the payloads, and the
//! worker that sends due deliveries.
//!
//! A target is `https` (plain `http` only with `ENTRAIDE_WEBHOOKS_ALLOW_PRIVATE_TARGETS`) with a
//! host whose every resolved address is public (`domain::integration::is_public_address`),
//! checked at registration and again at each delivery; the request then connects to the very
//! address that was checked (`reqwest::ClientBuilder::resolve`), so a DNS answer that changes
//! between the check and the connection (rebinding) cannot redirect it. No proxy from the
//! environment, no redirects followed, timeouts on connecting and on the whole exchange.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use entraide_domain::ids::AssociationId;
use entraide_domain::integration::{EXCERPT_CHARS, WebhookEvent, after_attempt, is_public_address};
use entraide_persistence::webhooks::{self, Attempt, DueDelivery};
use entraide_persistence::{Database, DbConnection};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::configuration::Settings;
use crate::db;
use crate::error::ApiError;
use crate::security::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// The longest a receiver may take to answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a claimed delivery is held by one worker before another may try it.
const LEASE: TimeDelta = TimeDelta::minutes(2);
/// Deliveries sent per run.
const BATCH: i64 = 50;
/// At most this much of an answer is read.
const READ_LIMIT: usize = 4096;

/// Why a webhook URL is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetRefusal {
    /// Not an absolute URL with a host, or with credentials in it.
    InvalidUrl,
    /// Not `https` (or `http` where private targets are allowed).
    Scheme,
    /// The host does not resolve.
    Unresolvable,
    /// The host resolves to a loopback, private, link-local... address.
    NotPublic,
}

impl TargetRefusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidUrl => "invalid_url",
            Self::Scheme => "insecure_url",
            Self::Unresolvable => "unresolvable_host",
            Self::NotPublic => "forbidden_target",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::InvalidUrl => "must be an absolute URL with a host and no credentials",
            Self::Scheme => "must be an https URL",
            Self::Unresolvable => "the host does not resolve",
            Self::NotPublic => {
                "must reach a public address (not loopback, private, link-local or reserved)"
            }
        }
    }
}

/// A checked target: the URL and the address to connect to.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: url::Url,
    /// The host name to pin (`None` for an IP literal).
    pub domain: Option<String>,
    pub address: SocketAddr,
}

/// Parses and resolves a webhook URL, refusing what the server must not call.
pub async fn check_target(raw: &str, allow_private: bool) -> Result<Target, TargetRefusal> {
    let url = url::Url::parse(raw.trim()).map_err(|_| TargetRefusal::InvalidUrl)?;
    if raw.len() > 2000 || !url.username().is_empty() || url.password().is_some() {
        return Err(TargetRefusal::InvalidUrl);
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(TargetRefusal::Scheme),
    }
    let port = url
        .port_or_known_default()
        .ok_or(TargetRefusal::InvalidUrl)?;
    let (domain, addresses): (Option<String>, Vec<IpAddr>) = match url.host() {
        Some(url::Host::Ipv4(ip)) => (None, vec![IpAddr::V4(ip)]),
        Some(url::Host::Ipv6(ip)) => (None, vec![IpAddr::V6(ip)]),
        Some(url::Host::Domain(domain)) => {
            let lookup = tokio::net::lookup_host((domain, port));
            let found = tokio::time::timeout(RESOLVE_TIMEOUT, lookup)
                .await
                .map_err(|_| TargetRefusal::Unresolvable)?
                .map_err(|_| TargetRefusal::Unresolvable)?;
            (
                Some(domain.to_owned()),
                found.map(|address| address.ip()).collect(),
            )
        }
        None => return Err(TargetRefusal::InvalidUrl),
    };
    let first = *addresses.first().ok_or(TargetRefusal::Unresolvable)?;
    // Every address must pass: a host answering one public and one private address could
    // otherwise be reached at the private one.
    if !allow_private && !addresses.iter().all(|ip| is_public_address(*ip)) {
        return Err(TargetRefusal::NotPublic);
    }
    Ok(Target {
        url,
        domain,
        address: SocketAddr::new(first, port),
    })
}

/// `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, the scheme of the incoming
/// donation webhook.
pub fn signature(secret: &str, timestamp: &str, body: &[u8]) -> Result<String, ApiError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(ApiError::internal)?;
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "sha256={}",
        hex::encode(mac.finalize().into_bytes())
    ))
}

/// Queues `data` for the association's webhooks subscribed to `event`, inside the caller's
/// transaction. The envelope: `{type, association_id, occurred_at, data}`.
pub(crate) fn queue(
    conn: &mut DbConnection,
    association: AssociationId,
    event: WebhookEvent,
    data: serde_json::Value,
    send_at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let payload = serde_json::json!({
        "type": event.as_str(),
        "association_id": association.to_string(),
        "occurred_at": send_at.max(now),
        "data": data,
    })
    .to_string();
    webhooks::enqueue(conn, association, event, &payload, send_at, now)?;
    Ok(())
}

/// The `donation.recorded` webhook of a campaign's association: the amount and where it came
/// from, never the donor's name or the provider's payment id.
pub(crate) fn queue_donation(
    conn: &mut DbConnection,
    campaign: &entraide_domain::campaign::Campaign,
    donation: &entraide_domain::campaign::Donation,
) -> Result<(), ApiError> {
    let data = serde_json::json!({
        "campaign_id": campaign.id.to_string(),
        "donation_id": donation.id.to_string(),
        "amount_cents": donation.amount_cents,
        "currency": campaign.currency.as_str(),
        "source": donation.source.as_str(),
        "received_at": donation.received_at,
    });
    queue(
        conn,
        campaign.association_id,
        WebhookEvent::DonationRecorded,
        data,
        Utc::now(),
    )
}

/// The `event.rsvp` webhook of an association's event: the event's counts after an answer
/// changed, never who answered.
pub(crate) fn queue_rsvp(
    conn: &mut DbConnection,
    association: AssociationId,
    event: &entraide_domain::event::Event,
) -> Result<(), ApiError> {
    let data = serde_json::json!({
        "event_id": event.id.to_string(),
        "going_count": event.going_count,
        "interested_count": event.interested_count,
        "waitlist_count": event.waitlist_count,
    });
    queue(conn, association, WebhookEvent::EventRsvp, data, Utc::now())
}

/// Sends every delivery due now, once each; returns how many were attempted. The server runs
/// it every `ENTRAIDE_WEBHOOKS_WORKER_INTERVAL_MS`; the tests call it directly.
pub async fn run_due(database: &Database, settings: &Settings) -> Result<usize, ApiError> {
    let now = Utc::now();
    let due = db::write_outside_request(database.clone(), move |conn| {
        Ok(webhooks::due(conn, now, BATCH)?)
    })
    .await?;
    let mut attempted = 0;
    for delivery in due {
        let id = delivery.id;
        let lease_until = now + LEASE;
        let claimed = db::write_outside_request(database.clone(), move |conn| {
            Ok(webhooks::claim(conn, id, now, lease_until)?)
        })
        .await?;
        if !claimed {
            continue;
        }
        let attempt = send(&delivery, settings.webhooks_allow_private_targets).await;
        db::write_outside_request(database.clone(), move |conn| {
            Ok(webhooks::record_attempt(conn, id, &attempt)?)
        })
        .await?;
        attempted += 1;
    }
    Ok(attempted)
}

/// One attempt: check the target again, POST the signed payload to the checked address.
async fn send(delivery: &DueDelivery, allow_private: bool) -> Attempt {
    let attempts = delivery.attempts.saturating_add(1);
    let outcome = attempt(delivery, allow_private).await;
    let at = Utc::now();
    let (success, response_code, response_excerpt, error) = match outcome {
        Ok((code, excerpt)) => ((200..300).contains(&code), Some(code), Some(excerpt), None),
        Err(error) => (false, None, None, Some(error)),
    };
    let (status, next_attempt_at) = after_attempt(success, attempts, at);
    Attempt {
        status,
        attempts,
        next_attempt_at,
        at,
        response_code,
        response_excerpt: response_excerpt.filter(|e| !e.is_empty()),
        error,
    }
}

async fn attempt(delivery: &DueDelivery, allow_private: bool) -> Result<(u16, String), String> {
    let target = check_target(&delivery.url, allow_private)
        .await
        .map_err(|refusal| format!("target refused: {}", refusal.message()))?;
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .user_agent("Entraide-Webhooks/1");
    if let Some(domain) = &target.domain {
        client = client.resolve(domain, target.address);
    }
    let client = client.build().map_err(|_| "client error".to_owned())?;
    let timestamp = Utc::now().timestamp().to_string();
    let body = delivery.payload.clone().into_bytes();
    let signature =
        signature(&delivery.secret, &timestamp, &body).map_err(|_| "signing error".to_owned())?;
    let response = client
        .post(target.url)
        .header("Content-Type", "application/json")
        .header(TIMESTAMP_HEADER, &timestamp)
        .header(SIGNATURE_HEADER, signature)
        .header("X-Entraide-Event", delivery.event.as_str())
        .header("X-Entraide-Delivery", delivery.id.to_string())
        .body(body)
        .send()
        .await
        .map_err(|error| {
            if error.is_timeout() {
                "timed out".to_owned()
            } else if error.is_connect() {
                "connection failed".to_owned()
            } else {
                "request failed".to_owned()
            }
        })?;
    let code = response.status().as_u16();
    let mut response = response;
    let mut read = Vec::new();
    while read.len() < READ_LIMIT {
        match response.chunk().await {
            Ok(Some(chunk)) => read.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let excerpt: String = String::from_utf8_lossy(&read)
        .chars()
        .filter(|c| !c.is_control() || *c == ' ')
        .take(EXCERPT_CHARS)
        .collect();
    Ok((code, excerpt))
}

/// Runs [`run_due`] every `interval` in the background (errors are logged).
pub fn spawn_worker(database: Database, settings: Settings, interval: Duration) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(interval);
        loop {
            tick.tick().await;
            if let Err(error) = run_due(&database, &settings).await {
                tracing::error!(%error, "webhook deliveries failed");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn targets_are_checked() {
        let refused = [
            ("http://93.184.216.34/hook", false, TargetRefusal::Scheme),
            ("ftp://example.org/", true, TargetRefusal::Scheme),
            (
                "https://user:pw@93.184.216.34/",
                false,
                TargetRefusal::InvalidUrl,
            ),
            ("not a url", false, TargetRefusal::InvalidUrl),
            ("https://127.0.0.1/hook", false, TargetRefusal::NotPublic),
            ("https://[::1]/hook", false, TargetRefusal::NotPublic),
            (
                "https://[::ffff:10.0.0.1]/hook",
                false,
                TargetRefusal::NotPublic,
            ),
            (
                "https://169.254.169.254/latest",
                false,
                TargetRefusal::NotPublic,
            ),
            ("https://localhost/hook", false, TargetRefusal::NotPublic),
            ("https://100.64.1.1/hook", false, TargetRefusal::NotPublic),
        ];
        for (url, allow, expected) in refused {
            assert_eq!(
                check_target(url, allow).await.map(|_| ()),
                Err(expected),
                "{url}"
            );
        }
        let target = check_target("https://93.184.216.34:8443/hook", false)
            .await
            .unwrap();
        assert_eq!(target.address, "93.184.216.34:8443".parse().unwrap());
        let local = check_target("http://127.0.0.1:9999/hook", true)
            .await
            .unwrap();
        assert_eq!(local.address, "127.0.0.1:9999".parse().unwrap());
        assert!(local.domain.is_none());
    }

    #[test]
    fn signatures_follow_the_donation_webhook_scheme() {
        let signed = signature("secret", "1796000000", b"{}").unwrap();
        let verified = crate::security::webhook::verify(
            "secret",
            Some("1796000000"),
            Some(&signed),
            b"{}",
            DateTime::from_timestamp(1_796_000_000, 0).unwrap(),
        );
        assert!(verified.is_ok());
    }
}
