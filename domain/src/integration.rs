//! The integration kit of associations: API keys that let an association's own tools act in
//! its name, and outgoing webhooks that tell those tools what happened.
//!
//! A key acts **as the association**, never as a member: only on that association's resources,
//! only within its scopes, never on a member's routes, never reading private content. Keys are
//! long random secrets (256 bits), so a SHA-256 of the key is what is stored: argon2's cost is
//! for low-entropy passwords a guesser can enumerate, which a key is not.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, TimeDelta, Utc};

use crate::association::{AssociationMembership, AssociationStatus, PublishRefusal, can_publish};
use crate::error::ParseError;
use crate::ids::{ApiKeyId, AssociationId, MemberId};
use crate::text::Title;

/// Every API key starts with this, so a leaked one is recognisable (secret scanners, logs).
pub const KEY_PREFIX: &str = "eak_";

/// How many characters of a key (prefix included) are kept in clear to tell keys apart in lists.
pub const KEY_HINT_CHARS: usize = 12;

/// Requests per minute and per key unless configured (`ENTRAIDE_API_KEY_RATE_LIMIT`).
pub const DEFAULT_KEY_RATE_LIMIT: u32 = 120;

/// At most this many live (unrevoked) keys per association.
pub const MAX_LIVE_KEYS: i64 = 20;

/// What a key may do. A key holds one or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// List the association's events.
    EventsRead,
    /// Create events in the association's name.
    EventsWrite,
    /// Publish prevention announcements in the association's name.
    AnnouncementsWrite,
    /// List the association's active members who chose to be listed (pseudonym, kind, role).
    MembersRead,
    /// Open donation campaigns in the association's name.
    CampaignsWrite,
}

wire_enum!(Scope, "scopes", "invalid_scope",
    EventsRead => "events:read",
    EventsWrite => "events:write",
    AnnouncementsWrite => "announcements:write",
    MembersRead => "members:read",
    CampaignsWrite => "campaigns:write");

/// A key's scopes: at least one, each once, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// Parses the scopes a client asked for (`scopes` field): unknown ones and an empty list
    /// are refused.
    pub fn parse(raw: &[String]) -> Result<Self, ParseError> {
        if raw.is_empty() {
            return Err(ParseError::single(
                "scopes",
                "too_short",
                "must hold at least one scope",
            ));
        }
        let scopes = raw
            .iter()
            .map(|s| Scope::parse(s.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_list(scopes)
    }

    /// Scopes from typed values: at least one; duplicates dropped.
    pub fn from_list(mut scopes: Vec<Scope>) -> Result<Self, ParseError> {
        if scopes.is_empty() {
            return Err(ParseError::single(
                "scopes",
                "too_short",
                "must hold at least one scope",
            ));
        }
        scopes.sort();
        scopes.dedup();
        Ok(Self(scopes))
    }

    /// Scopes as stored (space-separated wire names); unknown names are skipped, so a scope
    /// removed from the code grants nothing.
    pub fn from_stored(stored: &str) -> Self {
        let mut scopes: Vec<Scope> = stored
            .split(' ')
            .filter_map(|s| Scope::parse(s).ok())
            .collect();
        scopes.sort();
        scopes.dedup();
        Self(scopes)
    }

    /// The stored form: wire names separated by spaces.
    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn as_slice(&self) -> &[Scope] {
        &self.0
    }
}

/// A stored API key, without its secret (only its hash is stored, and never leaves persistence).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub association_id: AssociationId,
    pub name: Title,
    /// The first [`KEY_HINT_CHARS`] characters of the key, to recognise it.
    pub hint: String,
    pub scopes: Scopes,
    /// The admin who created it; what the key writes is signed with this member id.
    pub created_by: MemberId,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// Is the key usable at `now`: not revoked and not expired?
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        key_usable(self.revoked_at, self.expires_at, now)
    }
}

/// Policy: a key is usable until it is revoked or its expiry passes (both take effect on the
/// very next request).
pub fn key_usable(
    revoked_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    revoked_at.is_none() && expires_at.is_none_or(|end| end > now)
}

/// Policy: who creates an association's keys and webhooks — its active admins, once the
/// association is verified (a pending association acts in nobody's name).
pub fn can_manage_integrations(
    status: AssociationStatus,
    membership: Option<AssociationMembership>,
) -> Result<(), PublishRefusal> {
    can_publish(status, membership)
}

/// Why a key may not do what it asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRefusal {
    /// Another association's resource, or a scope the key does not hold.
    InsufficientScope,
    /// The association is no longer verified: it acts in nobody's name.
    NotVerified,
}

/// Policy: may a key of `key_association` holding `scopes` act with `scope` on the resources of
/// `target` (whose status is `status`)? Only on its own association's, within its scopes, while
/// that association is verified.
pub fn key_allows(
    key_association: AssociationId,
    scopes: &Scopes,
    target: AssociationId,
    status: AssociationStatus,
    scope: Scope,
) -> Result<(), KeyRefusal> {
    if key_association != target || !scopes.contains(scope) {
        Err(KeyRefusal::InsufficientScope)
    } else if status != AssociationStatus::Verified {
        Err(KeyRefusal::NotVerified)
    } else {
        Ok(())
    }
}

/// Checks a key's requested expiry: in the future (`in_the_past` otherwise).
pub fn check_expiry(
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, ParseError> {
    match expires_at {
        Some(end) if end <= now => Err(ParseError::single(
            "expires_at",
            "in_the_past",
            "must be in the future",
        )),
        other => Ok(other),
    }
}

// ---------------------------------------------------------------------------------------------
// Outgoing webhooks

/// What an association's webhook may subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WebhookEvent {
    /// An event of the association was created.
    EventCreated,
    /// Someone answered an event of the association (counts only, never who).
    EventRsvp,
    /// A member joined the association (active membership).
    MemberJoined,
    /// A donation to one of its campaigns was recorded (amount, never the donor).
    DonationRecorded,
    /// One of its announcements was published.
    AnnouncementPublished,
}

wire_enum!(WebhookEvent, "events", "invalid_event",
    EventCreated => "event.created",
    EventRsvp => "event.rsvp",
    MemberJoined => "member.joined",
    DonationRecorded => "donation.recorded",
    AnnouncementPublished => "announcement.published");

/// A webhook's subscriptions: at least one, each once.
pub fn parse_events(raw: &[String]) -> Result<Vec<WebhookEvent>, ParseError> {
    if raw.is_empty() {
        return Err(ParseError::single(
            "events",
            "too_short",
            "must hold at least one event",
        ));
    }
    let mut events = raw
        .iter()
        .map(|s| WebhookEvent::parse(s.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    events.sort();
    events.dedup();
    Ok(events)
}

/// At most this many webhooks per association.
pub const MAX_WEBHOOKS: i64 = 50;

/// The waits after each failed attempt: 1 minute, 5, 30, 2 hours, 12 hours; after the sixth
/// failed attempt the delivery is `failed` (it may still be redelivered by hand).
pub const RETRY_DELAYS: [TimeDelta; 5] = [
    TimeDelta::minutes(1),
    TimeDelta::minutes(5),
    TimeDelta::minutes(30),
    TimeDelta::hours(2),
    TimeDelta::hours(12),
];

/// When to try again after `attempts` attempts that all failed; `None`: give up.
pub fn retry_after(attempts: u32) -> Option<TimeDelta> {
    let index = usize::try_from(attempts).ok()?.checked_sub(1)?;
    RETRY_DELAYS.get(index).copied()
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// Every attempt failed.
    Failed,
}

wire_enum!(DeliveryStatus, "status", "invalid_status",
    Pending => "pending", Delivered => "delivered", Failed => "failed");

/// An association's webhook subscription (its secret stays in persistence and the worker).
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub id: crate::ids::WebhookId,
    pub association_id: AssociationId,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub created_by: MemberId,
    pub created_at: DateTime<Utc>,
}

/// One delivery of a webhook and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: crate::ids::DeliveryId,
    pub webhook_id: crate::ids::WebhookId,
    pub event: WebhookEvent,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// When the worker tries next (pending deliveries).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The HTTP status of the last answer, if one came.
    pub response_code: Option<u16>,
    /// The first characters of the last answer's body.
    pub response_excerpt: Option<String>,
    /// Why the last attempt failed without an answer (refused target, timeout, connection).
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// At most this many characters of a receiver's answer are kept.
pub const EXCERPT_CHARS: usize = 200;

/// What one attempt leads to: delivered on a 2xx; otherwise another try after the back-off, or
/// `failed` once [`RETRY_DELAYS`] are spent. `attempts` counts this attempt.
pub fn after_attempt(
    success: bool,
    attempts: u32,
    now: DateTime<Utc>,
) -> (DeliveryStatus, Option<DateTime<Utc>>) {
    if success {
        return (DeliveryStatus::Delivered, None);
    }
    match retry_after(attempts).and_then(|wait| now.checked_add_signed(wait)) {
        Some(next) => (DeliveryStatus::Pending, Some(next)),
        None => (DeliveryStatus::Failed, None),
    }
}

/// Policy (server-side request forgery): may a webhook be sent to this address? Not to the
/// machine itself or its networks: loopback, link-local, private, unique-local, CGNAT
/// (100.64/10), multicast, broadcast, unspecified, documentation and other reserved ranges —
/// nor to IPv4-mapped, IPv4-compatible, NAT64 or 6to4 forms of those.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        // CGNAT, 100.64.0.0/10.
        || (a == 100 && (64..=127).contains(&b))
        // IETF protocol assignments, 192.0.0.0/24.
        || (a == 192 && b == 0 && c == 0)
        // Benchmarking, 198.18.0.0/15.
        || (a == 198 && (b == 18 || b == 19))
        // The retired 6to4 relay anycast, 192.88.99.0/24.
        || (a == 192 && b == 88 && c == 99)
        // Reserved, 240.0.0.0/4.
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // IPv4-compatible (::a.b.c.d, deprecated) — `::` and `::1` are caught below.
    if segments[..6].iter().all(|s| *s == 0) && !(ip.is_unspecified() || ip.is_loopback()) {
        let [.., g, h] = segments;
        let v4 = Ipv4Addr::from((u32::from(g) << 16) | u32::from(h));
        return is_public_v4(v4);
    }
    // NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., g, h] = segments;
        return is_public_v4(Ipv4Addr::from((u32::from(g) << 16) | u32::from(h)));
    }
    // 6to4 (2002::/16) carries an IPv4 address in bits 16..48.
    if segments[0] == 0x2002 {
        let v4 = Ipv4Addr::from((u32::from(segments[1]) << 16) | u32::from(segments[2]));
        return is_public_v4(v4);
    }
    let first = segments[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local, fc00::/7.
        || (first & 0xfe00) == 0xfc00
        // Link-local, fe80::/10, and the deprecated site-local fec0::/10.
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
        // Documentation, 2001:db8::/32.
        || (first == 0x2001 && segments[1] == 0x0db8)
        // Teredo, 2001::/32 (tunnels to an IPv4 address a server cannot vet).
        || (first == 0x2001 && segments[1] == 0)
        // Local-use NAT64, 64:ff9b:1::/48 (translated to any IPv4 address, private ones too).
        || (first == 0x0064 && segments[1] == 0xff9b && segments[2] == 1)
        // Discard-only, 100::/64.
        || (first == 0x0100 && segments[1..4] == [0, 0, 0]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::association::{AssociationMembershipStatus, AssociationRole};

    #[test]
    fn scopes_parse_sort_and_round_trip() {
        let raw = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let scopes = Scopes::parse(&raw(&["members:read", "events:read", "events:read"])).unwrap();
        assert_eq!(scopes.as_slice(), &[Scope::EventsRead, Scope::MembersRead]);
        assert_eq!(scopes.to_stored(), "events:read members:read");
        assert_eq!(Scopes::from_stored(&scopes.to_stored()), scopes);
        assert_eq!(
            Scopes::from_stored("events:read gone:away").as_slice(),
            &[Scope::EventsRead]
        );
        assert_eq!(
            Scopes::parse(&[]).unwrap_err().errors()[0].code,
            "too_short"
        );
        assert_eq!(
            Scopes::parse(&raw(&["admin"])).unwrap_err().errors()[0].code,
            "invalid_scope"
        );
    }

    #[test]
    fn a_key_acts_only_on_its_association_within_its_scopes_while_verified() {
        use AssociationStatus::{Pending, Verified};
        use KeyRefusal::{InsufficientScope, NotVerified};
        let own = AssociationId::new();
        let other = AssociationId::new();
        let scopes = Scopes::parse(&["events:write".to_owned()]).unwrap();
        let cases = [
            (own, Verified, Scope::EventsWrite, Ok(())),
            (own, Verified, Scope::EventsRead, Err(InsufficientScope)),
            (own, Verified, Scope::MembersRead, Err(InsufficientScope)),
            (other, Verified, Scope::EventsWrite, Err(InsufficientScope)),
            (other, Pending, Scope::EventsWrite, Err(InsufficientScope)),
            (own, Pending, Scope::EventsWrite, Err(NotVerified)),
        ];
        for (target, status, scope, expected) in cases {
            assert_eq!(
                key_allows(own, &scopes, target, status, scope),
                expected,
                "{target:?} {status:?} {scope:?}"
            );
        }
    }

    #[test]
    fn keys_stop_at_revocation_or_expiry() {
        let now = Utc::now();
        let second = TimeDelta::seconds(1);
        assert!(key_usable(None, None, now));
        assert!(key_usable(None, Some(now + second), now));
        assert!(!key_usable(None, Some(now), now));
        assert!(!key_usable(Some(now - second), None, now));
        assert!(!key_usable(Some(now), Some(now + second), now));
        assert!(check_expiry(Some(now), now).is_err());
        assert!(check_expiry(Some(now + second), now).is_ok());
        assert_eq!(check_expiry(None, now), Ok(None));
    }

    #[test]
    fn only_admins_of_verified_associations_manage_integrations() {
        let m = |role, status| Some(AssociationMembership { role, status });
        use AssociationMembershipStatus::{Active, Pending as Waiting};
        use AssociationRole::{Admin, Member, Volunteer};
        use AssociationStatus::{Pending, Verified};
        let cases = [
            (Verified, m(Admin, Active), Ok(())),
            (Pending, m(Admin, Active), Err(PublishRefusal::NotVerified)),
            (Verified, m(Admin, Waiting), Err(PublishRefusal::NotAdmin)),
            (
                Verified,
                m(Volunteer, Active),
                Err(PublishRefusal::NotAdmin),
            ),
            (Verified, m(Member, Active), Err(PublishRefusal::NotAdmin)),
            (Verified, None, Err(PublishRefusal::NotAdmin)),
        ];
        for (status, membership, expected) in cases {
            assert_eq!(
                can_manage_integrations(status, membership),
                expected,
                "{status:?} {membership:?}"
            );
        }
    }

    #[test]
    fn retries_back_off_then_stop() {
        assert_eq!(retry_after(0), None);
        assert_eq!(retry_after(1), Some(TimeDelta::minutes(1)));
        assert_eq!(retry_after(2), Some(TimeDelta::minutes(5)));
        assert_eq!(retry_after(3), Some(TimeDelta::minutes(30)));
        assert_eq!(retry_after(4), Some(TimeDelta::hours(2)));
        assert_eq!(retry_after(5), Some(TimeDelta::hours(12)));
        assert_eq!(retry_after(6), None);
        assert_eq!(retry_after(u32::MAX), None);
    }

    #[test]
    fn attempts_lead_to_delivered_retry_or_failed() {
        let now = Utc::now();
        assert_eq!(
            after_attempt(true, 3, now),
            (DeliveryStatus::Delivered, None)
        );
        assert_eq!(
            after_attempt(false, 1, now),
            (DeliveryStatus::Pending, Some(now + TimeDelta::minutes(1)))
        );
        assert_eq!(
            after_attempt(false, 5, now),
            (DeliveryStatus::Pending, Some(now + TimeDelta::hours(12)))
        );
        assert_eq!(after_attempt(false, 6, now), (DeliveryStatus::Failed, None));
    }

    #[test]
    fn webhook_events_parse() {
        let raw = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            parse_events(&raw(&["member.joined", "event.created", "member.joined"])).unwrap(),
            vec![WebhookEvent::EventCreated, WebhookEvent::MemberJoined]
        );
        assert!(parse_events(&[]).is_err());
        assert!(parse_events(&raw(&["post.created"])).is_err());
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        let refused = [
            "127.0.0.1",
            "127.255.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "240.0.0.1",
            "::",
            "::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:100.64.0.1",
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
            "100::1",
            "192.88.99.1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "64:ff9b:1::a00:1",
        ];
        for address in refused {
            let ip: IpAddr = address.parse().unwrap();
            assert!(!is_public_address(ip), "{address} must be refused");
        }
        let allowed = [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "192.0.1.1",
            "2606:4700:4700::1111",
            "2a00:1450:4007:80e::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ];
        for address in allowed {
            let ip: IpAddr = address.parse().unwrap();
            assert!(is_public_address(ip), "{address} must be allowed");
        }
    }
}
