//! Authentication happens here, once: handlers receive an [`AuthMember`] or a [`MaybeMember`].
//! An invalid token on an optional route is a 401, never a silent downgrade to anonymous.

use std::future::{Ready, ready};
use std::net::{IpAddr, Ipv4Addr};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::Utc;
use entraide_domain::group::Reader;
use entraide_domain::ids::{MemberId, SessionId};
use entraide_domain::member::{MemberKind, PlatformRole, kind_change_due};
use entraide_domain::profile::Viewer;
use entraide_persistence::{kind_changes, sessions};
use futures_util::future::LocalBoxFuture;

use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// A logged-in member, from a valid access token of a live session.
#[derive(Debug, Clone, Copy)]
pub struct AuthMember {
    pub id: MemberId,
    pub session_id: SessionId,
    /// The member's kind and platform role as stored now (not as when the token was issued),
    /// after applying a kind change that fell due.
    pub kind: MemberKind,
    pub role: PlatformRole,
}

impl AuthMember {
    /// This member as a reader of group content.
    pub fn reader(&self) -> Reader {
        Reader::Member {
            id: self.id,
            kind: self.kind,
        }
    }
}

/// A logged-in member, or an anonymous visitor (no `Authorization` header at all).
#[derive(Debug, Clone, Copy)]
pub struct MaybeMember(pub Option<AuthMember>);

impl MaybeMember {
    pub fn viewer(&self) -> Viewer {
        self.0.map_or(Viewer::Anonymous, |m| Viewer::Member(m.id))
    }

    pub fn reader(&self) -> Reader {
        self.0.map_or(Reader::Anonymous, |m| m.reader())
    }
}

/// The bearer token of the request: `Ok(None)` when there is no `Authorization` header.
fn bearer_token(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| ApiError::InvalidToken)?;
    let (scheme, token) = value.split_once(' ').ok_or(ApiError::InvalidToken)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::InvalidToken);
    }
    Ok(Some(token.trim().to_owned()))
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("application state is not registered"))
}

/// Verifies the token and that its session was not revoked (logout, password change, reuse
/// of a refresh token end access at once, not when the token expires).
async fn authenticate(
    state: Result<web::Data<AppState>, ApiError>,
    token: String,
) -> Result<AuthMember, ApiError> {
    let state = state?;
    let subject = state.jwt.verify(&token)?;
    session_member(&state, subject.session_id, subject.member_id).await
}

/// The member of a live session (as [`authenticate`] once the token is verified): refused
/// when the session was revoked or the member is suspended. A session this process checked
/// lately is answered from memory (`session_cache`: every revocation forgets it); the
/// times are compared here on every request all the same.
pub(crate) async fn session_member(
    state: &web::Data<AppState>,
    session_id: SessionId,
    member: MemberId,
) -> Result<AuthMember, ApiError> {
    let active = match state.sessions.get(session_id, member) {
        Some(active) => active,
        None => {
            // Taken before the query: what it reads is kept only if no revocation was
            // forgotten meanwhile.
            let ticket = state.sessions.ticket();
            let active = db::read(state, move |conn| {
                Ok(sessions::active_member(conn, session_id, member)?)
            })
            .await?
            .ok_or(ApiError::InvalidToken)?;
            if let Some(ticket) = ticket {
                state.sessions.insert(ticket, session_id, member, active);
            }
            active
        }
    };
    let now = Utc::now();
    if let Some(until) = active.suspended_until.filter(|until| *until > now) {
        return Err(ApiError::Suspended { until });
    }
    // A waiting kind change takes effect at the member's first request once it is due: the
    // kind, the spaces it may not enter, the log — in one write, before anything is authorized.
    let kind = match active.kind_change_at {
        Some(at) if kind_change_due(at, now) => {
            let kind = db::write(state, move |conn| {
                Ok(kind_changes::apply(conn, member, now, None)?)
            })
            .await?
            .ok_or(ApiError::InvalidToken)?;
            state.sessions.forget(member);
            state.announcements.forget(member);
            kind
        }
        _ => active.kind,
    };
    Ok(AuthMember {
        id: member,
        session_id,
        kind,
        role: active.role,
    })
}

impl FromRequest for AuthMember {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = state(req);
        Box::pin(async move {
            let token = token?.ok_or(ApiError::Unauthenticated)?;
            authenticate(state, token).await
        })
    }
}

/// The member of the notification stream: from a stream ticket (`?ticket=`, browsers) or,
/// without one, from the `Authorization` header as [`AuthMember`]. A ticket is used up here,
/// valid or not.
#[derive(Debug, Clone, Copy)]
pub struct StreamMember(pub AuthMember);

impl FromRequest for StreamMember {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let ticket = web::Query::<entraide_openapi::notifications::StreamQuery>::from_query(
            req.query_string(),
        )
        .map(|q| q.into_inner().ticket);
        let token = bearer_token(req);
        let state = state(req);
        Box::pin(async move {
            let ticket = ticket
                .map_err(|_| ApiError::field("ticket", "invalid", "a query of `ticket=` only"))?;
            match ticket {
                Some(ticket) => {
                    let state = state?;
                    let (session, member) =
                        crate::security::stream_tickets::redeem(&state, &ticket).await?;
                    session_member(&state, session, member).await.map(Self)
                }
                None => {
                    let token = token?.ok_or(ApiError::Unauthenticated)?;
                    authenticate(state, token).await.map(Self)
                }
            }
        })
    }
}

impl FromRequest for MaybeMember {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = state(req);
        Box::pin(async move {
            match token? {
                None => Ok(Self(None)),
                Some(token) => authenticate(state, token).await.map(|m| Self(Some(m))),
            }
        })
    }
}

/// An association's API key, as presented and checked: usable (neither revoked nor expired)
/// and within its rate limit. What it may do is decided per operation
/// (`access::integrations::require_key`).
#[derive(Debug, Clone)]
pub struct KeyCaller {
    pub association_id: entraide_domain::ids::AssociationId,
    pub scopes: entraide_domain::integration::Scopes,
    /// The admin who created the key: what the key creates is signed with this member.
    pub created_by: MemberId,
}

/// Who calls an operation that also accepts association API keys: a signed-in member or a key.
/// A key on any other operation is refused like any invalid access token (401).
#[derive(Debug, Clone)]
pub enum Caller {
    Member(AuthMember),
    Key(KeyCaller),
}

/// A [`Caller`], or an anonymous visitor (no `Authorization` header).
#[derive(Debug, Clone)]
pub struct MaybeCaller(pub Option<Caller>);

async fn authenticate_key(
    state: Result<web::Data<AppState>, ApiError>,
    slot: Option<crate::key_audit::KeySlot>,
    token: String,
) -> Result<KeyCaller, ApiError> {
    let state = state?;
    let hash = crate::security::tokens::hash_token(&token);
    let now = Utc::now();
    let key = db::read(&state, move |conn| {
        let Some(key) = entraide_persistence::api_keys::find_by_hash(conn, &hash)? else {
            return Ok(None);
        };
        // A key lives while the admin who made it does: demoted, gone from the association,
        // suspended or erased, their keys stop (an admin makes new ones), so a former admin
        // keeps no way in.
        let membership = entraide_persistence::associations::membership(
            conn,
            key.association_id,
            key.created_by,
        )?;
        let admin = membership.is_some_and(|m| {
            m.is_active() && m.role == entraide_domain::association::AssociationRole::Admin
        });
        let creator = entraide_persistence::members::find_credentials(conn, key.created_by)?;
        let in_good_standing =
            creator.is_some_and(|c| c.suspended_until.is_none_or(|until| until <= now));
        Ok((admin && in_good_standing).then_some(key))
    })
    .await?
    .ok_or(ApiError::InvalidToken)?;
    if let Some(slot) = slot {
        slot.set(key.id);
    }
    if !key.is_usable(Utc::now()) {
        return Err(ApiError::InvalidToken);
    }
    state.key_limiter.check(key.id)?;
    Ok(KeyCaller {
        association_id: key.association_id,
        scopes: key.scopes,
        created_by: key.created_by,
    })
}

async fn authenticate_caller(
    state: Result<web::Data<AppState>, ApiError>,
    slot: Option<crate::key_audit::KeySlot>,
    token: String,
) -> Result<Caller, ApiError> {
    if crate::security::api_keys::is_api_key(&token) {
        authenticate_key(state, slot, token).await.map(Caller::Key)
    } else {
        authenticate(state, token).await.map(Caller::Member)
    }
}

fn key_slot(req: &HttpRequest) -> Option<crate::key_audit::KeySlot> {
    use actix_web::HttpMessage;
    req.extensions().get::<crate::key_audit::KeySlot>().cloned()
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = state(req);
        let slot = key_slot(req);
        Box::pin(async move {
            let token = token?.ok_or(ApiError::Unauthenticated)?;
            authenticate_caller(state, slot, token).await
        })
    }
}

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = state(req);
        let slot = key_slot(req);
        Box::pin(async move {
            match token? {
                None => Ok(Self(None)),
                Some(token) => authenticate_caller(state, slot, token)
                    .await
                    .map(|c| Self(Some(c))),
            }
        })
    }
}

/// The client's IP, for rate limits: the peer address or, when `trust_forwarded_for` is set,
/// the address the trusted proxy reported. A proxy *appends* the address it saw to
/// `X-Forwarded-For` (and `Forwarded: for=`), after whatever the client sent, so only the
/// **last** entry is trustworthy: taking the first one would let a client pick its own IP and
/// walk around every per-IP limit.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// An address as proxies write it: `203.0.113.7`, `203.0.113.7:4711`, `[2001:db8::1]:4711`,
/// `"[2001:db8::1]"` (quoted in `Forwarded`).
fn parse_forwarded_address(raw: &str) -> Option<IpAddr> {
    let raw = raw.trim().trim_matches('"');
    raw.parse::<IpAddr>()
        .ok()
        .or_else(|| raw.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            raw.strip_prefix('[')
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(ip, _)| ip.parse().ok())
        })
}

/// The last `for=` of the `Forwarded` headers, else the last entry of `X-Forwarded-For`.
fn last_forwarded_address(req: &HttpRequest) -> Option<IpAddr> {
    let forwarded = req
        .headers()
        .get_all(header::FORWARDED)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim().eq_ignore_ascii_case("for").then_some(value)
            })
        })
        .last();
    if let Some(address) = forwarded {
        return parse_forwarded_address(address);
    }
    req.headers()
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter(|entry| !entry.trim().is_empty())
        .last()
        .and_then(parse_forwarded_address)
}

impl FromRequest for ClientIp {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust_forwarded = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.settings.trust_forwarded_for);
        let forwarded = trust_forwarded
            .then(|| last_forwarded_address(req))
            .flatten();
        let ip = forwarded
            .or_else(|| req.peer_addr().map(|addr| addr.ip()))
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        ready(Ok(Self(ip)))
    }
}

/// The client's `User-Agent`, cleaned into a label a member can recognise their sessions by
/// (`domain::text::device_label`); `None` when absent or not printable.
pub struct DeviceLabel(pub Option<String>);

impl FromRequest for DeviceLabel {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let label = req
            .headers()
            .get(header::USER_AGENT)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .and_then(|raw| entraide_domain::text::device_label(&raw));
        ready(Ok(Self(label)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn the_proxy_added_entry_is_the_last_one() {
        type Headers<'a> = &'a [(&'a str, &'a str)];
        let cases: [(Headers<'_>, Option<&str>); 7] = [
            (
                &[("x-forwarded-for", "6.6.6.6, 10.0.0.1")],
                Some("10.0.0.1"),
            ),
            (
                &[
                    ("x-forwarded-for", "6.6.6.6"),
                    ("x-forwarded-for", "10.0.0.2"),
                ],
                Some("10.0.0.2"),
            ),
            (&[("x-forwarded-for", "10.0.0.3:4711")], Some("10.0.0.3")),
            (
                &[("x-forwarded-for", "6.6.6.6, [2001:db8::1]:4711")],
                Some("2001:db8::1"),
            ),
            (
                &[(
                    "forwarded",
                    "for=6.6.6.6, for=\"[2001:db8::2]\";proto=https",
                )],
                Some("2001:db8::2"),
            ),
            (&[("x-forwarded-for", "6.6.6.6, not-an-ip")], None),
            (&[], None),
        ];
        for (headers, expected) in cases {
            let mut request = TestRequest::get();
            for header in headers {
                request = request.append_header(*header);
            }
            let request = request.to_http_request();
            assert_eq!(
                last_forwarded_address(&request),
                expected.map(|ip| ip.parse().unwrap()),
                "{headers:?}"
            );
        }
    }
}
