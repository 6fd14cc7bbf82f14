//! What every handler shares.

use entraide_persistence::Database;

use crate::configuration::Settings;
use crate::security::jwt::JwtKeys;
use crate::security::rate_limit::AuthRateLimiter;

pub struct AppState {
    pub db: Database,
    pub jwt: JwtKeys,
    pub auth_limiter: AuthRateLimiter,
    /// Requests per minute per association API key.
    pub key_limiter: crate::security::api_keys::KeyRateLimiter,
    pub settings: Settings,
    pub announcements: crate::announcement_cache::AnnouncementCache,
    /// The newest post ids of each feed source, for the home feed (see `feed_index`).
    pub feed: std::sync::Arc<crate::feed_index::FeedIndex>,
    pub faults: std::sync::Arc<crate::faults::Faults>,
    pub safety: crate::safety::SafetyNet,
    /// Account mail (SMTP or the outbox), sent after the answer with `mail::send_later`.
    pub mailer: std::sync::Arc<dyn crate::mail::Mailer>,
    /// The keys direct messages are encrypted with at rest.
    pub message_keys: crate::security::message_keys::MessageKeys,
    /// The sessions checked lately, so that a known one costs no database round trip; every
    /// write that revokes a session or changes a member's kind, role or suspension calls
    /// `sessions.forget(member)` after its commit.
    pub sessions: std::sync::Arc<crate::session_cache::SessionCache>,
    /// Wakes notification streams after a commit wrote them a notification.
    pub hub: crate::hub::Hub,
    /// Where photo bytes live (the local folder today; see `media::store`).
    pub media: std::sync::Arc<dyn crate::media::MediaStore>,
}
