//! The authorization matrix: every operation of the published spec, tried by every role against
//! fixtures of each visibility, compared with the written policy (`docs/AUTHORIZATION.md`, which
//! is generated from the table below and checked here).
//!
//! An outcome is `ok` (any 2xx) or the exact refusal status: `401` (sign in), `403` (known but
//! not allowed), `404` (not visible to you: the reader cannot learn it exists), `409`/`422` (a
//! rule of the operation, e.g. a reserved space). Every refusal must be problem+json.
//!
//! A spec operation without a row fails the test, so a new route cannot ship without its policy.
//!
//! To rewrite the expectations from what the server does (then *read the diff*: it is the
//! security review), run with `ENTRAIDE_POLICY_RECORD=1`; `ENTRAIDE_POLICY_BLESS=1` rewrites
//! `docs/AUTHORIZATION.md` from the table.

use std::collections::HashMap;
use std::fmt::Write as _;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Member, PASSWORD, TestApp, spawn_app};

/// The columns of the policy table.
const ROLES: [(&str, &str); 13] = [
    ("anon", "anonymous visitor"),
    (
        "member",
        "the member concerned: participant of the fixture groups, author of the fixture posts, comments and events, member of the verified association",
    ),
    (
        "outsider",
        "a signed-in patient with no tie to the fixtures",
    ),
    ("patient", "a patient, in no group"),
    ("caregiver", "a caregiver, in no group"),
    ("pro", "a professional, in no group"),
    (
        "group_mod",
        "moderator of the fixture groups (not their owner)",
    ),
    (
        "pending_admin",
        "admin of a pending (unverified) association",
    ),
    ("verified_admin", "admin of the verified association"),
    ("committee", "seated on the scientific committee"),
    (
        "editor",
        "holds the editor right (author of the fixture resources and place) and the researcher right (author of the fixture studies)",
    ),
    ("moderator", "platform moderator"),
    ("admin", "platform admin"),
];

/// What a row's request targets that must be new for each attempt (the attempt may consume it).
#[derive(Clone, Copy, Debug)]
enum Fresh {
    /// A photo `member` uploaded, not attached yet.
    Photo,
    /// A public-group post by `member`.
    Post,
    /// A comment by `member` on the public post.
    Comment,
    /// An event organised by `member`.
    Event,
    /// A newly registered patient.
    Member,
    /// A newly registered professional granted the editor right by the platform admin.
    Editor,
    /// A newly registered patient waiting for a kind change to caregiver.
    KindChange,
    /// A newly registered patient's pending request for the patient-expert badge (platform
    /// admins decide).
    VerificationRequest,
    /// A pending patient-expert request of a new member of the verified fixture association,
    /// addressed to it.
    VouchedRequest,
    /// A group owned by the founder (visibility, audience), with `member` participant (when the
    /// audience lets them in) and `group_mod` moderator.
    Group(&'static str, &'static str),
    /// A public group as above where `member` is banned.
    GroupWithBan,
    /// A private group as above where `outsider` asked to join.
    GroupWithRequest,
    /// A verified association of `verified_admin` that `member` joined.
    Association,
    /// A new member of the verified fixture association.
    AssociationMember,
    /// A new association registered by `pending_admin`.
    PendingAssociation,
    /// An API key of the verified association, created by `verified_admin`.
    ApiKey,
    /// A webhook of the verified association, created by `verified_admin`.
    Webhook,
    /// A draft resource by `editor`.
    Draft,
    /// A resource by `editor` submitted to the committee.
    Submitted,
    /// A refresh token of a new session of `member`.
    RefreshToken,
    /// The id of a new session of `member`.
    Session,
    /// The token of the verification link mailed to a newly registered patient.
    VerifyToken,
    /// The token of a password reset link mailed to a newly registered patient.
    ResetToken,
    /// A report by `outsider` of a new comment by `member` under the public post (the group's
    /// queue).
    Report,
    /// An urgent (`self_harm`) report by `outsider` of such a comment (the platform queue).
    UrgentReport,
    /// The decision of `group_mod` hiding such a reported comment (the log entry's id).
    Hidden,
    /// `member`'s appeal of such a decision.
    Appeal,
    /// A conversation `member` started with `group_mod` (they share the fixture groups).
    Conversation,
}

struct Row {
    method: Method,
    /// The request path, with `{fixture}` names (see `World::ids`), `{self}` (the caller) and
    /// `{fresh}` (the row's fresh target).
    path: &'static str,
    body: Option<&'static str>,
    fresh: Option<Fresh>,
    /// One outcome per role, in `ROLES` order.
    expect: &'static str,
}

fn row(method: &str, path: &'static str, expect: &'static str) -> Row {
    Row {
        method: Method::from_bytes(method.as_bytes()).unwrap(),
        path,
        body: None,
        fresh: None,
        expect,
    }
}

impl Row {
    fn body(mut self, body: &'static str) -> Self {
        self.body = Some(body);
        self
    }

    fn fresh(mut self, fresh: Fresh) -> Self {
        self.fresh = Some(fresh);
        self
    }
}

/// The written policy. Order matters only at the end: rows that change the callers themselves
/// (calendar token, settings, password, logout) come last.
#[rustfmt::skip]
fn policy() -> Vec<Row> {
    vec![
        // Service and contract.
        row("GET", "/healthz", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/readyz", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/openapi.json", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        // Accounts.
        row("POST", "/api/v1/auth/register", "ok ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"email":"new{unique}@example.org","password":"lanterne verte sous la pluie","pseudonym":"Nouveau{unique}","kind":"patient"}"#),
        row("POST", "/api/v1/auth/login", "ok ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"email":"{member_email}","password":"lanterne verte sous la pluie"}"#),
        row("POST", "/api/v1/auth/refresh", "ok ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"refresh_token":"{fresh}"}"#).fresh(Fresh::RefreshToken),
        // Account recovery and verification: links are the proof, whoever sends them.
        row("POST", "/api/v1/auth/verify-email", "ok ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"token":"{fresh}"}"#).fresh(Fresh::VerifyToken),
        row("POST", "/api/v1/auth/verify-email/resend", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/auth/password-reset", "ok ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"email":"{member_email}"}"#),
        row("POST", "/api/v1/auth/password-reset/confirm", "ok ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"token":"{fresh}","new_password":"un ciel de traîne sur Brest"}"#).fresh(Fresh::ResetToken),
        row("PUT", "/api/v1/members/me/email", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"new_email":"nouvelle{unique}@example.org","password":"lanterne verte sous la pluie"}"#),
        // Profiles, walls, follows.
        row("GET", "/api/v1/members/me", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("PATCH", "/api/v1/members/me", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"bio":"Je vis avec une SEP depuis 2019."}"#),
        row("GET", "/api/v1/members/{member}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/members/{member}/wall", "403 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/members/{member}/wall", "401 ok 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"body":"Un mot sur ton mur"}"#),
        row("POST", "/api/v1/members/{self}/wall", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"body":"Sur mon propre mur"}"#),
        row("PUT", "/api/v1/members/{member}/follow", "401 403 ok ok ok ok ok ok ok ok ok ok ok"),
        row("DELETE", "/api/v1/members/{member}/follow", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("PUT", "/api/v1/members/{fresh}/block", "401 ok ok ok ok ok ok ok ok ok ok ok ok").fresh(Fresh::Member),
        row("DELETE", "/api/v1/members/{fresh}/block", "401 ok ok ok ok ok ok ok ok ok ok ok ok").fresh(Fresh::Member),
        row("GET", "/api/v1/members/me/blocks", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        // People like me: signed-in only; what each list shows is tested in `discovery.rs`.
        row("GET", "/api/v1/members/discover", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/members/mentions?prefix=me", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        // Direct messages: only participants see a conversation (404 for everyone else, admins
        // included); a new one needs the recipient's consent (`member` accepts members sharing a
        // group: only `group_mod` here; naming oneself is 422).
        row("GET", "/api/v1/members/me/message-settings", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("PATCH", "/api/v1/members/me/message-settings", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"messages_from":"shared_group"}"#),
        row("POST", "/api/v1/conversations", "401 422 403 403 403 403 ok 403 403 403 403 403 403").body(r#"{"participant_ids":["{member}"],"body":"Bonjour"}"#),
        row("GET", "/api/v1/conversations", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/conversations/{conversation}/messages", "401 ok 404 404 404 404 ok 404 404 404 404 404 404"),
        row("POST", "/api/v1/conversations/{conversation}/messages", "401 ok 404 404 404 404 ok 404 404 404 404 404 404").body(r#"{"body":"Merci"}"#),
        row("POST", "/api/v1/conversations/{conversation}/read", "401 ok 404 404 404 404 ok 404 404 404 404 404 404").body(r#"{"last_read_message_id":"{conversation_message}"}"#),
        row("POST", "/api/v1/conversations/{fresh}/leave", "401 ok 404 404 404 404 ok 404 404 404 404 404 404").fresh(Fresh::Conversation),
        // Reports and moderation.
        row("POST", "/api/v1/reports", "401 403 ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"target_kind":"post","target_id":"{public_post}","reason":"spam"}"#),
        row("POST", "/api/v1/reports", "401 403 404 404 404 404 ok 404 404 404 404 404 404").body(r#"{"target_kind":"post","target_id":"{private_post}","reason":"harassment"}"#),
        row("POST", "/api/v1/reports", "401 403 ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"target_kind":"member","target_id":"{member}","reason":"privacy"}"#),
        row("GET", "/api/v1/members/me/reports", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/members/me/moderation", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/moderation/queue", "401 403 403 403 403 403 403 403 403 403 403 ok ok"),
        row("GET", "/api/v1/moderation/queue?group_id={public_group}", "401 403 403 403 403 403 ok 403 403 403 403 ok ok"),
        row("GET", "/api/v1/moderation/log", "401 403 403 403 403 403 403 403 403 403 403 ok ok"),
        row("GET", "/api/v1/moderation/log?group_id={private_group}", "401 403 403 403 403 403 ok 403 403 403 403 ok ok"),
        row("POST", "/api/v1/moderation/reports/{fresh}/actions", "401 404 404 404 404 404 ok 404 404 404 404 ok ok").body(r#"{"action":"hide","reason":"Hors sujet"}"#).fresh(Fresh::Report),
        row("POST", "/api/v1/moderation/reports/{fresh}/actions", "401 404 404 404 404 404 404 404 404 404 404 ok ok").body(r#"{"action":"dismiss","reason":"Pas de danger"}"#).fresh(Fresh::UrgentReport),
        row("POST", "/api/v1/members/me/moderation/{fresh}/appeal", "401 ok 404 404 404 404 404 404 404 404 404 404 404").body(r#"{"statement":"Ce n'était pas hors sujet"}"#).fresh(Fresh::Hidden),
        row("GET", "/api/v1/moderation/appeals", "401 403 403 403 403 403 403 403 403 403 403 ok ok"),
        row("GET", "/api/v1/moderation/appeals?group_id={public_group}", "401 403 403 403 403 403 ok 403 403 403 403 ok ok"),
        row("POST", "/api/v1/moderation/appeals/{fresh}/decision", "401 404 404 404 404 404 ok 404 404 404 404 ok ok").body(r#"{"outcome":"upheld","reason":"La décision est maintenue"}"#).fresh(Fresh::Appeal),
        row("POST", "/api/v1/members/{fresh}/reinstate", "401 403 403 403 403 403 403 403 403 403 403 ok ok").body(r#"{"reason":"Recours accepté"}"#).fresh(Fresh::Member),
        row("POST", "/api/v1/members/{member}/reinstate", "401 403 403 403 403 403 403 403 403 403 403 ok ok").body(r#"{"reason":"Recours accepté"}"#),
        row("GET", "/api/v1/admin/audit", "401 403 403 403 403 403 403 403 403 403 403 403 ok"),
        row("GET", "/api/v1/members/{member}/followers", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/members/{member}/following", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        // Platform rights.
        row("PUT", "/api/v1/members/{fresh}/role", "401 403 403 403 403 403 403 403 403 403 403 403 ok").body(r#"{"role":"moderator"}"#).fresh(Fresh::Member),
        row("PUT", "/api/v1/members/{self}/role", "401 403 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"role":"admin"}"#),
        row("PUT", "/api/v1/members/{fresh}/editor", "401 403 403 403 403 403 403 403 403 403 403 403 ok").body("{}").fresh(Fresh::Member),
        row("PUT", "/api/v1/members/{fresh}/editor", "401 403 403 403 403 403 403 403 ok 403 403 403 ok").body(r#"{"association_id":"{verified}"}"#).fresh(Fresh::AssociationMember),
        row("PUT", "/api/v1/members/{fresh}/editor", "401 403 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"association_id":"{pending}"}"#).fresh(Fresh::Member),
        row("PUT", "/api/v1/members/{self}/editor", "401 403 403 403 403 403 403 403 403 403 403 403 403").body("{}"),
        row("DELETE", "/api/v1/members/{fresh}/editor", "401 403 403 403 403 403 403 403 403 403 403 403 ok").fresh(Fresh::Editor),
        row("PUT", "/api/v1/members/{fresh}/researcher", "401 403 403 403 403 403 403 403 403 403 403 403 ok").fresh(Fresh::Member),
        row("PUT", "/api/v1/members/{self}/researcher", "401 403 403 403 403 403 403 403 403 403 403 403 403"),
        row("DELETE", "/api/v1/members/{fresh}/researcher", "401 403 403 403 403 403 403 403 403 403 403 403 404").fresh(Fresh::Member),
        row("DELETE", "/api/v1/members/{fresh}/badge", "401 403 403 403 403 403 403 403 403 403 403 403 404").fresh(Fresh::Member),
        row("POST", "/api/v1/members/me/verification-requests", "401 ok ok ok ok 422 ok ok ok 422 422 422 422").body(r#"{"badge":"patient_expert","document_reference":"DU ETP 2025"}"#),
        row("GET", "/api/v1/members/me/verification-requests", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/verification-requests", "401 403 403 403 403 403 403 403 ok 403 403 403 ok"),
        row("POST", "/api/v1/verification-requests/{fresh}/approve", "401 404 404 404 404 404 404 404 404 404 404 404 ok").body("{}").fresh(Fresh::VerificationRequest),
        row("POST", "/api/v1/verification-requests/{fresh}/refuse", "401 404 404 404 404 404 404 404 404 404 404 404 ok").body(r#"{"note":"Attestation illisible"}"#).fresh(Fresh::VerificationRequest),
        row("POST", "/api/v1/verification-requests/{fresh}/approve", "401 404 404 404 404 404 404 404 ok 404 404 404 ok").body("{}").fresh(Fresh::VouchedRequest),
        row("POST", "/api/v1/members/{fresh}/kind-change/approve", "401 403 403 403 403 403 403 403 403 403 403 ok ok").fresh(Fresh::KindChange),
        // Groups.
        row("GET", "/api/v1/groups", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/groups", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"name":"Groupe {unique}","visibility":"public"}"#),
        row("POST", "/api/v1/groups", "401 403 403 403 403 403 403 403 ok 403 403 403 403").body(r#"{"name":"Groupe {unique}","visibility":"private","association_id":"{verified}"}"#),
        row("POST", "/api/v1/groups", "401 403 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"name":"Groupe {unique}","visibility":"private","association_id":"{pending}"}"#),
        row("GET", "/api/v1/groups/{public_group}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/groups/{private_group}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("PATCH", "/api/v1/groups/{public_group}", "401 403 403 403 403 403 ok 403 403 403 403 403 403").body(r#"{"description":"Nouvelle description"}"#),
        row("PATCH", "/api/v1/groups/{private_group}", "401 403 403 403 403 403 ok 403 403 403 403 403 403").body(r#"{"description":"Nouvelle description"}"#),
        row("PATCH", "/api/v1/groups/{private_group}", "401 403 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"visibility":"public"}"#),
        row("PATCH", "/api/v1/groups/{patients_group}", "401 403 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"audience":"everyone"}"#),
        row("POST", "/api/v1/groups/{fresh}/join", "401 ok ok ok ok ok ok ok ok ok ok ok ok").fresh(Fresh::Group("public", "everyone")),
        row("POST", "/api/v1/groups/{fresh}/join", "401 ok ok ok ok ok ok ok ok ok ok ok ok").fresh(Fresh::Group("private", "everyone")),
        row("POST", "/api/v1/groups/{fresh}/join", "401 ok ok ok 403 403 ok 403 403 403 403 403 403").fresh(Fresh::Group("public", "patients")),
        row("POST", "/api/v1/groups/{fresh}/join", "401 403 403 403 ok 403 403 ok ok 403 403 403 403").fresh(Fresh::Group("public", "caregivers")),
        row("POST", "/api/v1/groups/{fresh}/leave", "401 ok 404 404 404 404 ok 404 404 404 404 404 404").fresh(Fresh::Group("public", "everyone")),
        row("GET", "/api/v1/groups/{public_group}/members", "403 ok 403 403 403 403 ok 403 403 403 403 403 403"),
        row("GET", "/api/v1/groups/{private_group}/members", "403 ok 403 403 403 403 ok 403 403 403 403 403 403"),
        row("DELETE", "/api/v1/groups/{fresh}/members/{member}", "401 403 403 403 403 403 ok 403 403 403 403 403 403").fresh(Fresh::Group("public", "everyone")),
        row("PUT", "/api/v1/groups/{fresh}/members/{member}/role", "401 403 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"role":"moderator"}"#).fresh(Fresh::Group("public", "everyone")),
        row("POST", "/api/v1/groups/{fresh}/bans", "401 403 403 403 403 403 ok 403 403 403 403 403 403").body(r#"{"member_id":"{member}"}"#).fresh(Fresh::Group("public", "everyone")),
        row("DELETE", "/api/v1/groups/{fresh}/bans/{member}", "401 403 403 403 403 403 ok 403 403 403 403 403 403").fresh(Fresh::GroupWithBan),
        row("POST", "/api/v1/groups/{fresh}/invitations", "401 403 403 403 403 403 ok 403 403 403 403 403 403").body(r#"{"member_id":"{outsider}"}"#).fresh(Fresh::Group("private", "everyone")),
        row("GET", "/api/v1/groups/{private_group}/join-requests", "401 403 403 403 403 403 ok 403 403 403 403 403 403"),
        row("POST", "/api/v1/groups/{fresh}/join-requests/{outsider}/approve", "401 403 403 403 403 403 ok 403 403 403 403 403 403").fresh(Fresh::GroupWithRequest),
        row("POST", "/api/v1/groups/{fresh}/join-requests/{outsider}/refuse", "401 403 403 403 403 403 ok 403 403 403 403 403 403").fresh(Fresh::GroupWithRequest),
        // Posts, comments, reactions, the feed.
        row("GET", "/api/v1/groups/{public_group}/posts", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/groups/{private_group}/posts", "403 ok 403 403 403 403 ok 403 403 403 403 403 403"),
        row("GET", "/api/v1/groups/{patients_group}/posts", "403 ok ok ok 403 403 ok 403 403 403 403 403 403"),
        row("POST", "/api/v1/groups/{public_group}/posts", "401 ok 403 403 403 403 ok 403 403 403 403 403 403").body(r#"{"body":"Bonjour à toutes et à tous"}"#),
        row("POST", "/api/v1/groups/{private_group}/posts", "401 ok 403 403 403 403 ok 403 403 403 403 403 403").body(r#"{"body":"Bonjour à toutes et à tous"}"#),
        row("POST", "/api/v1/groups/{patients_group}/posts", "401 ok 403 403 403 403 ok 403 403 403 403 403 403").body(r#"{"body":"Bonjour à toutes et à tous"}"#),
        row("GET", "/api/v1/posts/{public_post}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/posts/{private_post}", "404 ok 404 404 404 404 ok 404 404 404 404 404 404"),
        row("GET", "/api/v1/posts/{patients_post}", "404 ok ok ok 404 404 ok 404 404 404 404 404 404"),
        row("GET", "/api/v1/posts/{wall_post}", "404 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("PATCH", "/api/v1/posts/{public_post}", "401 ok 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"body":"Message corrigé"}"#),
        row("PATCH", "/api/v1/posts/{private_post}", "401 ok 404 404 404 404 403 404 404 404 404 404 404").body(r#"{"body":"Message corrigé"}"#),
        row("DELETE", "/api/v1/posts/{fresh}", "401 ok 403 403 403 403 ok 403 403 403 403 ok ok").fresh(Fresh::Post),
        row("PUT", "/api/v1/posts/{public_post}/pin", "401 403 403 403 403 403 ok 403 403 403 403 403 403"),
        row("DELETE", "/api/v1/posts/{public_post}/pin", "401 403 403 403 403 403 ok 403 403 403 403 403 403"),
        row("PUT", "/api/v1/posts/{public_post}/reactions/support", "401 ok 403 403 403 403 ok 403 403 403 403 403 403"),
        row("DELETE", "/api/v1/posts/{public_post}/reactions/support", "401 ok 403 403 403 403 ok 403 403 403 403 403 403"),
        row("PUT", "/api/v1/posts/{private_post}/reactions/hug", "401 ok 404 404 404 404 ok 404 404 404 404 404 404"),
        row("DELETE", "/api/v1/posts/{private_post}/reactions/hug", "401 ok 404 404 404 404 ok 404 404 404 404 404 404"),
        row("GET", "/api/v1/posts/{public_post}/comments", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/posts/{private_post}/comments", "404 ok 404 404 404 404 ok 404 404 404 404 404 404"),
        row("POST", "/api/v1/posts/{public_post}/comments", "401 ok 403 403 403 403 ok 403 403 403 403 403 403").body(r#"{"body":"Courage !"}"#),
        row("POST", "/api/v1/posts/{private_post}/comments", "401 ok 404 404 404 404 ok 404 404 404 404 404 404").body(r#"{"body":"Courage !"}"#),
        // Photos (issue 16): served under the rule of what they illustrate; an upload is
        // multipart (this table sends no body: 415 once signed in; `media::` tests upload).
        row("POST", "/api/v1/media", "401 415 415 415 415 415 415 415 415 415 415 415 415"),
        row("GET", "/api/v1/media/{public_photo}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/media/{private_photo}", "404 ok 404 404 404 404 ok 404 404 404 404 404 404"),
        row("GET", "/api/v1/media/{unattached_photo}", "404 ok 404 404 404 404 404 404 404 404 404 404 404"),
        row("PUT", "/api/v1/members/me/avatar", "401 ok 422 422 422 422 422 422 422 422 422 422 422").body(r#"{"media_id":"{fresh}"}"#).fresh(Fresh::Photo),
        row("DELETE", "/api/v1/members/me/avatar", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/comments/{public_comment}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/comments/{private_comment}", "404 ok 404 404 404 404 ok 404 404 404 404 404 404"),
        row("PATCH", "/api/v1/comments/{public_comment}", "401 ok 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"body":"Commentaire corrigé"}"#),
        row("DELETE", "/api/v1/comments/{fresh}", "401 ok 403 403 403 403 ok 403 403 403 403 ok ok").fresh(Fresh::Comment),
        row("PUT", "/api/v1/comments/{public_comment}/reactions/thanks", "401 ok 403 403 403 403 ok 403 403 403 403 403 403"),
        row("DELETE", "/api/v1/comments/{public_comment}/reactions/thanks", "401 ok 403 403 403 403 ok 403 403 403 403 403 403"),
        row("PUT", "/api/v1/comments/{private_comment}/reactions/thanks", "401 ok 404 404 404 404 ok 404 404 404 404 404 404"),
        row("DELETE", "/api/v1/comments/{private_comment}/reactions/thanks", "401 ok 404 404 404 404 ok 404 404 404 404 404 404"),
        row("GET", "/api/v1/feed", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        // Events.
        row("GET", "/api/v1/events", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/events?from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/events", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"title":"Café rencontre","starts_at":"2027-03-10T18:00:00+01:00","ends_at":"2027-03-10T20:00:00+01:00","time_zone":"Europe/Paris"}"#),
        row("POST", "/api/v1/events", "401 403 403 403 403 403 ok 403 403 403 403 403 403").body(r#"{"title":"Réunion du groupe","group_id":"{private_group}","starts_at":"2027-03-10T18:00:00+01:00","ends_at":"2027-03-10T20:00:00+01:00","time_zone":"Europe/Paris"}"#),
        row("POST", "/api/v1/events", "401 403 403 403 403 403 403 403 ok 403 403 403 403").body(r#"{"title":"Journée de l'association","association_id":"{verified}","starts_at":"2027-03-10T18:00:00+01:00","ends_at":"2027-03-10T20:00:00+01:00","time_zone":"Europe/Paris"}"#),
        row("GET", "/api/v1/events/{public_event}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/events/{group_event}", "404 ok 404 404 404 404 ok 404 404 404 404 404 404"),
        row("PATCH", "/api/v1/events/{public_event}", "401 ok 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"description":"Salle 2, au fond du couloir"}"#),
        row("PATCH", "/api/v1/events/{group_event}", "401 403 404 404 404 404 ok 404 404 404 404 404 404").body(r#"{"description":"Salle 2, au fond du couloir"}"#),
        row("DELETE", "/api/v1/events/{fresh}", "401 ok 403 403 403 403 403 403 403 403 403 403 403").fresh(Fresh::Event),
        row("GET", "/api/v1/events/{public_event}/attendees", "401 ok 403 403 403 403 403 403 403 403 403 403 403"),
        row("GET", "/api/v1/events/{group_event}/attendees", "401 403 404 404 404 404 ok 404 404 404 404 404 404"),
        row("GET", "/api/v1/events/{public_event}/ical", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/events/{group_event}/ical", "404 ok 404 404 404 404 ok 404 404 404 404 404 404"),
        row("PUT", "/api/v1/events/{public_event}/rsvp", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"status":"interested"}"#),
        row("PUT", "/api/v1/events/{group_event}/rsvp", "401 ok 404 404 404 404 ok 404 404 404 404 404 404").body(r#"{"status":"interested"}"#),
        row("GET", "/api/v1/calendar/{calendar_token}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        // Associations, announcements, campaigns, donations.
        row("GET", "/api/v1/associations", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/associations", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"name":"Association {unique}"}"#),
        row("GET", "/api/v1/associations/{pending}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/associations/{verified}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("PATCH", "/api/v1/associations/{pending}", "401 403 403 403 403 403 403 ok 403 403 403 403 403").body(r#"{"description":"Nouvelle description"}"#),
        row("PATCH", "/api/v1/associations/{verified}", "401 403 403 403 403 403 403 403 ok 403 403 403 403").body(r#"{"description":"Nouvelle description"}"#),
        row("POST", "/api/v1/associations/{fresh}/verify", "401 403 403 403 403 403 403 403 403 403 403 403 ok").fresh(Fresh::PendingAssociation),
        row("PUT", "/api/v1/associations/{verified}/follow", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("DELETE", "/api/v1/associations/{verified}/follow", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/associations/{pending}/join", "401 403 403 403 403 403 403 ok 403 403 403 403 403"),
        row("POST", "/api/v1/associations/{fresh}/join", "401 ok ok ok ok ok ok ok ok ok ok ok ok").fresh(Fresh::Association),
        row("DELETE", "/api/v1/associations/{fresh}/join", "401 ok 404 404 404 404 404 404 409 404 404 404 404").fresh(Fresh::Association),
        row("GET", "/api/v1/associations/{pending}/members", "401 403 403 403 403 403 403 ok 403 403 403 403 403"),
        row("GET", "/api/v1/associations/{verified}/members", "401 403 403 403 403 403 403 403 ok 403 403 403 403"),
        row("PATCH", "/api/v1/associations/{verified}/members/{fresh}", "401 403 403 403 403 403 403 403 ok 403 403 403 403").body(r#"{"role":"volunteer"}"#).fresh(Fresh::AssociationMember),
        row("DELETE", "/api/v1/associations/{verified}/members/{fresh}", "401 403 403 403 403 403 403 403 ok 403 403 403 403").fresh(Fresh::AssociationMember),
        row("GET", "/api/v1/associations/{verified}/announcements", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/associations/{verified}/announcements", "401 403 403 403 403 403 403 403 ok 403 403 403 403").body(r#"{"title":"Dépistage","body":"Journée de dépistage gratuite."}"#),
        row("POST", "/api/v1/associations/{pending}/announcements", "401 403 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"title":"Dépistage","body":"Journée de dépistage gratuite."}"#),
        row("GET", "/api/v1/associations/{verified}/campaigns", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/associations/{verified}/campaigns", "401 403 403 403 403 403 403 403 ok 403 403 403 403").body(r#"{"title":"Répit","goal_cents":100000,"currency":"EUR","ends_at":"2099-01-01T00:00:00Z","payment_url":"https://pay.example.org/repit"}"#),
        row("POST", "/api/v1/associations/{pending}/campaigns", "401 403 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"title":"Répit","goal_cents":100000,"currency":"EUR","ends_at":"2099-01-01T00:00:00Z","payment_url":"https://pay.example.org/repit"}"#),
        row("POST", "/api/v1/associations/{verified}/webhook-secret", "401 403 403 403 403 403 403 403 ok 403 403 403 403"),
        row("POST", "/api/v1/associations/{pending}/webhook-secret", "401 403 403 403 403 403 403 403 403 403 403 403 403"),
        // The integration kit: keys are the verified association's admins' (a pending one gets none).
        row("POST", "/api/v1/associations/{verified}/api-keys", "401 403 403 403 403 403 403 403 ok 403 403 403 403").body(r#"{"name":"Agenda","scopes":["events:read","events:write"]}"#),
        row("POST", "/api/v1/associations/{pending}/api-keys", "401 403 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"name":"Agenda","scopes":["events:read"]}"#),
        row("GET", "/api/v1/associations/{verified}/api-keys", "401 403 403 403 403 403 403 403 ok 403 403 403 403"),
        row("GET", "/api/v1/associations/{pending}/api-keys", "401 403 403 403 403 403 403 ok 403 403 403 403 403"),
        row("DELETE", "/api/v1/associations/{verified}/api-keys/{fresh}", "401 403 403 403 403 403 403 403 ok 403 403 403 403").fresh(Fresh::ApiKey),
        row("POST", "/api/v1/associations/{verified}/webhooks", "401 403 403 403 403 403 403 403 ok 403 403 403 403").body(r#"{"url":"https://93.184.216.34/hook","events":["event.created"]}"#),
        row("POST", "/api/v1/associations/{pending}/webhooks", "401 403 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"url":"https://93.184.216.34/hook","events":["event.created"]}"#),
        row("GET", "/api/v1/associations/{verified}/webhooks", "401 403 403 403 403 403 403 403 ok 403 403 403 403"),
        row("GET", "/api/v1/associations/{verified}/webhooks/{fresh}/deliveries", "401 403 403 403 403 403 403 403 ok 403 403 403 403").fresh(Fresh::Webhook),
        row("POST", "/api/v1/associations/{verified}/webhooks/{fresh}/deliveries/{verified}/redeliver", "401 403 403 403 403 403 403 403 404 403 403 403 403").fresh(Fresh::Webhook),
        row("DELETE", "/api/v1/associations/{verified}/webhooks/{fresh}", "401 403 403 403 403 403 403 403 ok 403 403 403 403").fresh(Fresh::Webhook),
        row("GET", "/api/v1/campaigns/{campaign}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/campaigns/{campaign}/donations", "401 403 403 403 403 403 403 403 ok 403 403 403 403"),
        row("POST", "/api/v1/campaigns/{campaign}/donations", "401 403 403 403 403 403 403 403 ok 403 403 403 403").body(r#"{"amount_cents":2500,"currency":"EUR"}"#),
        row("POST", "/api/v1/webhooks/donations/{verified}", "400 400 400 400 400 400 400 400 400 400 400 400 400").body(r#"{"campaign_id":"{campaign}","payment_id":"pay-{unique}","amount_cents":2500,"currency":"EUR"}"#),
        // Conditions, places, the library and its committees, search.
        row("GET", "/api/v1/conditions", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/conditions", "401 403 403 403 403 403 403 403 403 403 403 403 ok").body(r#"{"name":"Maladie {unique}"}"#),
        // A condition's hub is public (each section filtered for its reader); following is a member's.
        row("GET", "/api/v1/conditions/{condition}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("PUT", "/api/v1/conditions/{condition}/follow", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("DELETE", "/api/v1/conditions/{condition}/follow", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/feed/conditions", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/places", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/places", "401 403 403 403 403 403 403 403 403 403 ok 403 403").body(r#"{"name":"Permanence","kind":"support_group","address":"1 rue de la Paix","city":"Rennes","lat":48.11,"lon":-1.68}"#),
        row("POST", "/api/v1/places", "401 403 403 403 403 403 403 403 ok 403 ok 403 403").body(r#"{"name":"Permanence","kind":"association_office","address":"1 rue de la Paix","city":"Rennes","lat":48.11,"lon":-1.68,"association_id":"{verified}"}"#),
        row("GET", "/api/v1/places/{place}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("PATCH", "/api/v1/places/{place}", "401 403 403 403 403 403 403 403 403 403 ok 403 403").body(r#"{"website":"https://permanence.example.org"}"#),
        row("GET", "/api/v1/committees", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/committees", "401 403 403 403 403 403 403 403 403 403 403 403 ok").body(r#"{"name":"Comité {unique}"}"#),
        row("POST", "/api/v1/committees", "401 403 403 403 403 403 403 403 ok 403 403 403 ok").body(r#"{"name":"Comité {unique}","association_id":"{verified}"}"#),
        row("POST", "/api/v1/committees", "401 403 403 403 403 403 403 403 403 403 403 403 403").body(r#"{"name":"Comité {unique}","association_id":"{pending}"}"#),
        row("POST", "/api/v1/committees/{committee}/members", "401 403 403 403 403 403 403 403 403 403 403 403 ok").body(r#"{"member_id":"{fresh}","expertise":"nurse"}"#).fresh(Fresh::Member),
        row("GET", "/api/v1/committees/{committee}/queue", "401 403 403 403 403 403 403 403 403 ok 403 403 403"),
        row("GET", "/api/v1/resources", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/resources", "401 403 403 403 403 403 403 403 403 403 ok 403 403").body(r#"{"kind":"fact_sheet","language":"fr","audience":"patients","committee_id":"{committee}","content":{"title":"La fatigue","summary":"Comprendre la fatigue.","body":"La fatigue est fréquente.","tags":["fatigue"],"sources":["HAS 2024"]}}"#),
        row("GET", "/api/v1/resources/{draft}", "404 404 404 404 404 404 404 404 404 ok ok 404 404"),
        row("GET", "/api/v1/resources/{published}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("PATCH", "/api/v1/resources/{draft}", "401 404 404 404 404 404 404 404 404 403 ok 404 404").body(r#"{"audience":"caregivers"}"#),
        row("PATCH", "/api/v1/resources/{published}", "401 403 403 403 403 403 403 403 403 403 ok 403 403").body(r#"{"audience":"caregivers"}"#),
        row("GET", "/api/v1/resources/{draft}/versions", "404 404 404 404 404 404 404 404 404 ok ok 404 404"),
        row("GET", "/api/v1/resources/{published}/versions", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/resources/{fresh}/submit", "401 404 404 404 404 404 404 404 404 403 ok 404 404").fresh(Fresh::Draft),
        row("POST", "/api/v1/resources/{fresh}/reviews", "401 404 404 404 404 404 404 404 404 ok 403 404 404").body(r#"{"decision":"validate"}"#).fresh(Fresh::Submitted),
        // Research: studies, consent, questionnaires, answers, what researchers get.
        row("GET", "/api/v1/studies", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/studies", "401 403 403 403 403 403 403 403 403 403 ok 403 403").body(r#"{"title":"Sommeil {unique}","sponsor":"AP-HP","ethics_reference":"CPP 2026-2","eligibility":{"kinds":["patient","caregiver"]},"consent_text":{"body":"J'accepte."}}"#),
        row("GET", "/api/v1/studies/{study}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/studies/{draft_study}", "404 404 404 404 404 404 404 404 404 404 ok 404 ok"),
        row("PATCH", "/api/v1/studies/{study}", "401 403 403 403 403 403 403 403 403 403 ok 403 ok").body(r#"{"status":"open"}"#),
        row("PATCH", "/api/v1/studies/{draft_study}", "401 404 404 404 404 404 404 404 404 404 ok 404 ok").body(r#"{"lay_summary":"Un questionnaire par mois."}"#),
        row("GET", "/api/v1/studies/{study}/questionnaires", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/studies/{draft_study}/questionnaires", "404 404 404 404 404 404 404 404 404 404 ok 404 ok"),
        row("POST", "/api/v1/studies/{study}/questionnaires", "401 403 403 403 403 403 403 403 403 403 ok 403 ok").body(r#"{"title":"Sommeil","schedule":{"opens_at":"{opens_at}","recurrence":"days","every":30,"window_days":7},"items":[{"link_id":"woke","text":"Réveillé(e) ?","type":"boolean"}]}"#),
        row("POST", "/api/v1/studies/{draft_study}/questionnaires", "401 404 404 404 404 404 404 404 404 404 ok 404 ok").body(r#"{"title":"Sommeil","schedule":{"opens_at":"{opens_at}","recurrence":"once","window_days":7},"items":[{"link_id":"woke","text":"Réveillé(e) ?","type":"boolean"}]}"#),
        row("GET", "/api/v1/questionnaires/{questionnaire}", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/questionnaires/{draft_questionnaire}", "404 404 404 404 404 404 404 404 404 404 ok 404 ok"),
        row("GET", "/api/v1/questionnaires/{questionnaire}/fhir", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/questionnaires/{draft_questionnaire}/fhir", "404 404 404 404 404 404 404 404 404 404 ok 404 ok"),
        row("PUT", "/api/v1/questionnaires/{questionnaire}", "401 403 403 403 403 403 403 403 403 403 ok 403 ok").body(r#"{"title":"Douleur","schedule":{"opens_at":"{opens_at}","recurrence":"once","window_days":90},"items":[{"link_id":"pain","text":"Douleur","type":"scale","required":true,"min":0,"max":10}]}"#),
        row("PUT", "/api/v1/questionnaires/{draft_questionnaire}", "401 404 404 404 404 404 404 404 404 404 ok 404 ok").body(r#"{"title":"Douleur","schedule":{"opens_at":"{opens_at}","recurrence":"once","window_days":90},"items":[{"link_id":"pain","text":"Douleur","type":"scale","required":true,"min":0,"max":10}]}"#),
        row("POST", "/api/v1/studies/{study}/consent", "401 409 ok ok 403 403 ok 403 403 403 403 403 403").body(r#"{"text_version":1}"#),
        row("POST", "/api/v1/studies/{draft_study}/consent", "401 404 404 404 404 404 404 404 404 404 409 404 409").body(r#"{"text_version":1}"#),
        row("POST", "/api/v1/questionnaires/{questionnaire}/responses", "401 ok ok ok 403 403 ok 403 403 403 403 403 403").body(r#"{"answers":{"pain":3}}"#),
        row("POST", "/api/v1/questionnaires/{draft_questionnaire}/responses", "401 404 404 404 404 404 404 404 404 404 409 404 409").body(r#"{"answers":{"pain":3}}"#),
        row("GET", "/api/v1/members/me/consents", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/members/me/questionnaires/due", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/members/me/responses", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/members/me/responses/fhir", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/studies/{study}/export", "401 403 403 403 403 403 403 403 403 403 ok 403 ok"),
        row("GET", "/api/v1/studies/{study}/export?format=csv", "401 403 403 403 403 403 403 403 403 403 ok 403 ok"),
        row("GET", "/api/v1/studies/{draft_study}/export", "401 404 404 404 404 404 404 404 404 404 ok 404 ok"),
        row("GET", "/api/v1/studies/{study}/aggregates", "401 403 403 403 403 403 403 403 403 403 ok 403 ok"),
        row("GET", "/api/v1/studies/{study}/audit", "401 403 403 403 403 403 403 403 403 403 ok 403 ok"),
        row("DELETE", "/api/v1/studies/{study}/consent?past_answers=keep_pseudonymous", "401 ok ok ok 409 409 ok 409 409 409 409 409 409"),
        row("DELETE", "/api/v1/studies/{draft_study}/consent?past_answers=delete", "401 404 404 404 404 404 404 404 404 404 409 404 409"),
        row("GET", "/api/v1/consent-texts/announcements", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/members/me/consents/announcements", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"text_version":1}"#),
        row("DELETE", "/api/v1/members/me/consents/announcements", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("PUT", "/api/v1/consent-texts/announcements", "401 403 403 403 403 403 403 403 403 403 403 403 ok").body(r#"{"body":"Version suivante du texte."}"#),
        row("GET", "/api/v1/search?q=fixture", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/search?q=reunion", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/search?q=fiche", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/search?q=fatigue", "ok ok ok ok ok ok ok ok ok ok ok ok ok"),
        // Last: rows that change the callers' own accounts.
        row("GET", "/api/v1/members/me/export", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/members/me/sessions", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("DELETE", "/api/v1/members/me/sessions/{fresh}", "401 ok 404 404 404 404 404 404 404 404 404 404 404").fresh(Fresh::Session),
        row("GET", "/api/v1/members/me/settings", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        // Notifications: each member's own; an id that is not yours changes nothing.
        row("GET", "/api/v1/notifications", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/notifications?unread=true", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/notifications/unread-count", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/notifications/read", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"all":true}"#),
        row("GET", "/api/v1/notifications/stream", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("POST", "/api/v1/notifications/stream-ticket", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("GET", "/api/v1/members/me/notification-settings", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("PATCH", "/api/v1/members/me/notification-settings", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"reaction":"email_digest"}"#),
        row("PATCH", "/api/v1/members/me/settings", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"receive_announcements":false}"#),
        row("POST", "/api/v1/members/me/calendar-token", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
        row("PUT", "/api/v1/members/me/password", "401 ok ok ok ok ok ok ok ok ok ok ok ok").body(r#"{"current_password":"lanterne verte sous la pluie","new_password":"lanterne verte sous la pluie"}"#),
        // Erasure needs the caller's own password; with a wrong one nothing is erased.
        row("DELETE", "/api/v1/members/me", "401 422 422 422 422 422 422 422 422 422 422 422 422").body(r#"{"password":"pas le bon mot de passe","content":"delete"}"#),
        row("POST", "/api/v1/auth/logout", "401 ok ok ok ok ok ok ok ok ok ok ok ok"),
    ]
}

struct World {
    app: TestApp,
    founder: Member,
    /// Owns the caregivers-only groups (a patient may not).
    caregiver_founder: Member,
    /// By role, `None` for the anonymous visitor.
    actors: Vec<Option<Member>>,
    ids: HashMap<&'static str, String>,
    unique: std::cell::Cell<u32>,
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

impl World {
    fn actor(&self, role: &str) -> &Member {
        let index = ROLES.iter().position(|(name, _)| *name == role).unwrap();
        self.actors[index].as_ref().unwrap()
    }

    fn next_unique(&self) -> u32 {
        let next = self.unique.get() + 1;
        self.unique.set(next);
        next
    }

    async fn ok(&self, method: Method, path: &str, who: &Member, body: Option<Value>) -> Value {
        self.app.ok_json(method, path, Some(who), body).await
    }

    async fn new_member(&self, kind: &str) -> Member {
        let n = self.next_unique();
        self.app.member(&format!("Frais{n}"), kind).await
    }

    async fn group(&self, visibility: &str, audience: &str) -> String {
        let n = self.next_unique();
        let caregivers = audience == "caregivers";
        let founder = if caregivers {
            &self.caregiver_founder
        } else {
            &self.founder
        };
        let group = self
            .ok(
                Method::POST,
                "/api/v1/groups",
                founder,
                Some(
                    json!({"name": format!("Groupe fixe {n}"), "visibility": visibility,
                    "audience": audience}),
                ),
            )
            .await;
        let group = id_of(&group);
        let member = self.actor("member");
        let moderator = self.actor("group_mod");
        if caregivers {
            // Neither `member` nor `group_mod` (patients) may enter.
            return group;
        }
        for who in [moderator, member] {
            self.ok(
                Method::POST,
                &format!("/api/v1/groups/{group}/join"),
                who,
                None,
            )
            .await;
            if visibility == "private" {
                self.ok(
                    Method::POST,
                    &format!("/api/v1/groups/{group}/join-requests/{}/approve", who.id),
                    founder,
                    None,
                )
                .await;
            }
        }
        self.ok(
            Method::PUT,
            &format!("/api/v1/groups/{group}/members/{}/role", moderator.id),
            founder,
            Some(json!({"role": "moderator"})),
        )
        .await;
        group
    }

    async fn post(&self, path: &str, author: &Member) -> String {
        id_of(
            &self
                .ok(
                    Method::POST,
                    path,
                    author,
                    Some(json!({"body": "Un message de fixture"})),
                )
                .await,
        )
    }

    async fn resource(&self) -> String {
        let body = json!({"kind": "fact_sheet", "language": "fr", "audience": "patients",
            "committee_id": self.ids["committee"],
            "content": {"title": "Fiche", "summary": "Résumé.", "body": "Texte.", "tags": [],
                "sources": ["HAS 2024"]}});
        id_of(
            &self
                .ok(
                    Method::POST,
                    "/api/v1/resources",
                    self.actor("editor"),
                    Some(body),
                )
                .await,
        )
    }

    async fn verified_association(&self, admin: &Member) -> String {
        let n = self.next_unique();
        let association = self
            .ok(
                Method::POST,
                "/api/v1/associations",
                admin,
                Some(json!({"name": format!("Association fixe {n}"), "open_membership": true})),
            )
            .await;
        let association = id_of(&association);
        self.ok(
            Method::POST,
            &format!("/api/v1/associations/{association}/verify"),
            self.actor("admin"),
            None,
        )
        .await;
        association
    }

    async fn fresh(&self, fresh: Fresh) -> String {
        match fresh {
            Fresh::Post => {
                self.post(
                    &format!("/api/v1/groups/{}/posts", self.ids["public_group"]),
                    self.actor("member"),
                )
                .await
            }
            Fresh::Comment => {
                self.post(
                    &format!("/api/v1/posts/{}/comments", self.ids["public_post"]),
                    self.actor("member"),
                )
                .await
            }
            Fresh::Event => {
                let body = json!({"title": "Atelier", "starts_at": "2027-05-01T10:00:00Z",
                    "ends_at": "2027-05-01T12:00:00Z", "time_zone": "Europe/Paris"});
                id_of(
                    &self
                        .ok(
                            Method::POST,
                            "/api/v1/events",
                            self.actor("member"),
                            Some(body),
                        )
                        .await,
                )
            }
            Fresh::Member => self.new_member("patient").await.id.to_string(),
            Fresh::Editor => {
                let editor = self.new_member("professional").await;
                self.ok(
                    Method::PUT,
                    &format!("/api/v1/members/{}/editor", editor.id),
                    self.actor("admin"),
                    Some(json!({})),
                )
                .await;
                editor.id.to_string()
            }
            Fresh::VerificationRequest => {
                let member = self.new_member("patient").await;
                let asked = self
                    .ok(
                        Method::POST,
                        "/api/v1/members/me/verification-requests",
                        &member,
                        Some(
                            json!({"badge": "patient_expert", "document_reference": "DU ETP 2025"}),
                        ),
                    )
                    .await;
                asked["id"].as_str().unwrap().to_owned()
            }
            Fresh::VouchedRequest => {
                let member = self.new_member("caregiver").await;
                self.ok(
                    Method::POST,
                    &format!("/api/v1/associations/{}/join", self.ids["verified"]),
                    &member,
                    None,
                )
                .await;
                let asked = self
                    .ok(
                        Method::POST,
                        "/api/v1/members/me/verification-requests",
                        &member,
                        Some(json!({
                            "badge": "patient_expert",
                            "document_reference": "DU ETP 2025",
                            "association_id": self.ids["verified"],
                        })),
                    )
                    .await;
                asked["id"].as_str().unwrap().to_owned()
            }
            Fresh::KindChange => {
                let member = self.new_member("patient").await;
                self.ok(
                    Method::PATCH,
                    "/api/v1/members/me",
                    &member,
                    Some(json!({"kind": "caregiver"})),
                )
                .await;
                member.id.to_string()
            }
            Fresh::Group(visibility, audience) => self.group(visibility, audience).await,
            Fresh::GroupWithBan => {
                let group = self.group("public", "everyone").await;
                self.ok(
                    Method::POST,
                    &format!("/api/v1/groups/{group}/bans"),
                    &self.founder,
                    Some(json!({"member_id": self.actor("member").id})),
                )
                .await;
                group
            }
            Fresh::GroupWithRequest => {
                let group = self.group("private", "everyone").await;
                self.ok(
                    Method::POST,
                    &format!("/api/v1/groups/{group}/join"),
                    self.actor("outsider"),
                    None,
                )
                .await;
                group
            }
            Fresh::Association => {
                let association = self
                    .verified_association(self.actor("verified_admin"))
                    .await;
                self.ok(
                    Method::POST,
                    &format!("/api/v1/associations/{association}/join"),
                    self.actor("member"),
                    None,
                )
                .await;
                association
            }
            Fresh::AssociationMember => {
                let member = self.new_member("caregiver").await;
                self.ok(
                    Method::POST,
                    &format!("/api/v1/associations/{}/join", self.ids["verified"]),
                    &member,
                    None,
                )
                .await;
                member.id.to_string()
            }
            Fresh::ApiKey => {
                let admin = self.actor("verified_admin");
                let created = self
                    .ok(
                        Method::POST,
                        &format!("/api/v1/associations/{}/api-keys", self.ids["verified"]),
                        admin,
                        Some(json!({"name": "Agenda", "scopes": ["events:read"]})),
                    )
                    .await;
                created["api_key"]["id"].as_str().unwrap().to_owned()
            }
            Fresh::Webhook => {
                let admin = self.actor("verified_admin");
                let created = self
                    .ok(
                        Method::POST,
                        &format!("/api/v1/associations/{}/webhooks", self.ids["verified"]),
                        admin,
                        Some(json!({"url": "https://93.184.216.34/hook", "events": ["event.created"]})),
                    )
                    .await;
                created["webhook"]["id"].as_str().unwrap().to_owned()
            }
            Fresh::PendingAssociation => {
                let n = self.next_unique();
                id_of(
                    &self
                        .ok(
                            Method::POST,
                            "/api/v1/associations",
                            self.actor("pending_admin"),
                            Some(json!({"name": format!("Association en attente {n}")})),
                        )
                        .await,
                )
            }
            Fresh::Draft => self.resource().await,
            Fresh::Submitted => {
                let resource = self.resource().await;
                self.ok(
                    Method::POST,
                    &format!("/api/v1/resources/{resource}/submit"),
                    self.actor("editor"),
                    None,
                )
                .await;
                resource
            }
            Fresh::RefreshToken => {
                let member = self.actor("member");
                let response = self.app.login(&member.email, PASSWORD).await;
                let tokens: Value = response.json().await.unwrap();
                tokens["refresh_token"].as_str().unwrap().to_owned()
            }
            Fresh::Report | Fresh::UrgentReport => {
                // A comment, not a post: new posts would push fixtures off the feed's first page.
                // Its words match no search row's query.
                let comment = id_of(
                    &self
                        .ok(
                            Method::POST,
                            &format!("/api/v1/posts/{}/comments", self.ids["public_post"]),
                            self.actor("member"),
                            Some(json!({"body": "Un avis à signaler"})),
                        )
                        .await,
                );
                let reason = if matches!(fresh, Fresh::UrgentReport) {
                    "self_harm"
                } else {
                    "spam"
                };
                id_of(
                    &self
                        .ok(
                            Method::POST,
                            "/api/v1/reports",
                            self.actor("outsider"),
                            Some(
                                json!({"target_kind": "comment", "target_id": comment, "reason": reason}),
                            ),
                        )
                        .await,
                )
            }
            Fresh::Hidden | Fresh::Appeal => {
                // Reported by a new member each time (`outsider` has an hourly report limit).
                let comment = id_of(
                    &self
                        .ok(
                            Method::POST,
                            &format!("/api/v1/posts/{}/comments", self.ids["public_post"]),
                            self.actor("member"),
                            Some(json!({"body": "Un avis à revoir"})),
                        )
                        .await,
                );
                let reporter = self.new_member("patient").await;
                let report = id_of(
                    &self
                        .ok(
                            Method::POST,
                            "/api/v1/reports",
                            &reporter,
                            Some(json!({"target_kind": "comment", "target_id": comment, "reason": "spam"})),
                        )
                        .await,
                );
                let decision = id_of(
                    &self
                        .ok(
                            Method::POST,
                            &format!("/api/v1/moderation/reports/{report}/actions"),
                            self.actor("group_mod"),
                            Some(json!({"action": "hide", "reason": "Hors sujet ici"})),
                        )
                        .await,
                );
                if matches!(fresh, Fresh::Hidden) {
                    return decision;
                }
                id_of(
                    &self
                        .ok(
                            Method::POST,
                            &format!("/api/v1/members/me/moderation/{decision}/appeal"),
                            self.actor("member"),
                            Some(json!({"statement": "Ce n'était pas hors sujet"})),
                        )
                        .await,
                )
            }
            Fresh::Photo => self.app.upload_photo(self.actor("member")).await,
            Fresh::Conversation => {
                let started = self
                    .ok(
                        Method::POST,
                        "/api/v1/conversations",
                        self.actor("member"),
                        Some(json!({"participant_ids": [self.actor("group_mod").id], "body": "Bonjour"})),
                    )
                    .await;
                started["conversation"]["id"].as_str().unwrap().to_owned()
            }
            Fresh::VerifyToken => {
                let member = self.new_member("patient").await;
                self.app.outbox_token(&member.email, "/verify-email").await
            }
            Fresh::ResetToken => {
                let member = self.new_member("patient").await;
                let response = self
                    .app
                    .post_json(
                        "/api/v1/auth/password-reset",
                        &json!({"email": member.email}),
                    )
                    .await;
                assert_eq!(response.status(), StatusCode::ACCEPTED);
                self.app
                    .outbox_token(&member.email, "/reset-password")
                    .await
            }
            Fresh::Session => {
                let member = self.actor("member");
                let response = self.app.login(&member.email, PASSWORD).await;
                let tokens: Value = response.json().await.unwrap();
                let access = tokens["access_token"].as_str().unwrap();
                let sessions: Value = self
                    .app
                    .client
                    .get(self.app.url("/api/v1/members/me/sessions"))
                    .bearer_auth(access)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                sessions["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["current"] == json!(true))
                    .unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        }
    }
}

async fn world() -> World {
    let app = spawn_app().await;
    let founder = app.member("Fondatrice", "patient").await;
    let caregiver_founder = app.member("Fondatrice aidante", "caregiver").await;
    let mut actors = vec![None];
    for (role, _) in &ROLES[1..] {
        let kind = match *role {
            "caregiver" | "pending_admin" | "verified_admin" => "caregiver",
            "pro" | "committee" | "editor" | "moderator" | "admin" => "professional",
            _ => "patient",
        };
        actors.push(Some(app.member(&format!("Role {role}"), kind).await));
    }
    let mut world = World {
        app,
        founder,
        caregiver_founder,
        actors,
        ids: HashMap::new(),
        unique: std::cell::Cell::new(0),
    };
    let admin = world.actor("admin");
    world.app.make_admin(admin);

    let mut ids: HashMap<&'static str, String> = HashMap::new();
    ids.insert("member", world.actor("member").id.to_string());
    ids.insert("member_email", world.actor("member").email.clone());
    ids.insert("outsider", world.actor("outsider").id.to_string());
    ids.insert("condition", world.app.condition(0).await.to_string());
    world
        .ok(
            Method::PUT,
            &format!("/api/v1/members/{}/role", world.actor("moderator").id),
            world.actor("admin"),
            Some(json!({"role": "moderator"})),
        )
        .await;
    world
        .ok(
            Method::PUT,
            &format!("/api/v1/members/{}/editor", world.actor("editor").id),
            world.actor("admin"),
            Some(json!({})),
        )
        .await;
    let committee = world
        .ok(
            Method::POST,
            "/api/v1/committees",
            world.actor("admin"),
            Some(json!({"name": "Comité scientifique", "quorum": 1})),
        )
        .await;
    let committee = id_of(&committee);
    world
        .ok(
            Method::POST,
            &format!("/api/v1/committees/{committee}/members"),
            world.actor("admin"),
            Some(json!({"member_id": world.actor("committee").id, "expertise": "physician"})),
        )
        .await;
    ids.insert("committee", committee);

    // Associations: one pending, one verified that `member` joined, with a campaign.
    let pending = world
        .ok(
            Method::POST,
            "/api/v1/associations",
            world.actor("pending_admin"),
            Some(json!({"name": "Association en attente", "open_membership": true})),
        )
        .await;
    ids.insert("pending", id_of(&pending));
    let verified = world
        .verified_association(world.actor("verified_admin"))
        .await;
    world
        .ok(
            Method::POST,
            &format!("/api/v1/associations/{verified}/join"),
            world.actor("member"),
            None,
        )
        .await;
    let campaign = world
        .ok(
            Method::POST,
            &format!("/api/v1/associations/{verified}/campaigns"),
            world.actor("verified_admin"),
            Some(
                json!({"title": "Séjours de répit", "goal_cents": 300000, "currency": "EUR",
                "ends_at": "2099-01-01T00:00:00Z", "payment_url": "https://pay.example.org/r"}),
            ),
        )
        .await;
    ids.insert("campaign", id_of(&campaign));
    world
        .ok(
            Method::POST,
            &format!("/api/v1/associations/{verified}/announcements"),
            world.actor("verified_admin"),
            Some(json!({"title": "Dépistage", "body": "Journée de dépistage."})),
        )
        .await;
    ids.insert("verified", verified);

    // Groups of each visibility and audience, with posts and comments by `member`.
    let public_group = world.group("public", "everyone").await;
    let private_group = world.group("private", "everyone").await;
    let patients_group = world.group("public", "patients").await;
    let member = world.actor("member");
    // Photos by `member`: on a public-group post, on a private-group post, not attached.
    let photo_post = |group: &str, photo: &str| {
        (
            format!("/api/v1/groups/{group}/posts"),
            json!({"body": "Photo", "media_ids": [photo]}),
        )
    };
    let public_photo = world.app.upload_photo(member).await;
    let private_photo = world.app.upload_photo(member).await;
    // Posted before the fixture posts, so the feed's first page still holds those.
    for (group, photo) in [
        (&public_group, &public_photo),
        (&private_group, &private_photo),
    ] {
        let (path, body) = photo_post(group, photo);
        world.ok(Method::POST, &path, member, Some(body)).await;
    }
    ids.insert("public_photo", public_photo);
    ids.insert("private_photo", private_photo);
    ids.insert("unattached_photo", world.app.upload_photo(member).await);
    let public_post = world
        .post(&format!("/api/v1/groups/{public_group}/posts"), member)
        .await;
    let private_post = world
        .post(&format!("/api/v1/groups/{private_group}/posts"), member)
        .await;
    let patients_post = world
        .post(&format!("/api/v1/groups/{patients_group}/posts"), member)
        .await;
    let wall_post = world
        .post(&format!("/api/v1/members/{}/wall", member.id), member)
        .await;
    let public_comment = world
        .post(&format!("/api/v1/posts/{public_post}/comments"), member)
        .await;
    let private_comment = world
        .post(&format!("/api/v1/posts/{private_post}/comments"), member)
        .await;

    // Events: a public one by `member`, one in the private group (by its owner).
    let event = |title: &str, group: Option<&str>| {
        json!({"title": title, "starts_at": "2027-03-10T18:00:00+01:00",
            "ends_at": "2027-03-10T20:00:00+01:00", "time_zone": "Europe/Paris", "group_id": group})
    };
    let public_event = world
        .ok(
            Method::POST,
            "/api/v1/events",
            member,
            Some(event("Café rencontre", None)),
        )
        .await;
    let group_event = world
        .ok(
            Method::POST,
            "/api/v1/events",
            &world.founder,
            Some(event("Réunion privée", Some(&private_group))),
        )
        .await;
    let calendar = world
        .ok(
            Method::POST,
            "/api/v1/members/me/calendar-token",
            member,
            None,
        )
        .await;
    let webcal = calendar["webcal_url"].as_str().unwrap();
    let token = webcal.rsplit('/').next().unwrap().to_owned();

    ids.insert("public_group", public_group);
    ids.insert("private_group", private_group);
    ids.insert("patients_group", patients_group);
    ids.insert("public_post", public_post);
    ids.insert("private_post", private_post);
    ids.insert("patients_post", patients_post);
    ids.insert("wall_post", wall_post);
    ids.insert("public_comment", public_comment);
    ids.insert("private_comment", private_comment);
    ids.insert("public_event", id_of(&public_event));
    ids.insert("group_event", id_of(&group_event));
    ids.insert("calendar_token", token);
    world.ids = ids;

    // The library: a draft and a published resource by the editor, a place.
    let draft = world.resource().await;
    let published = world.resource().await;
    world
        .ok(
            Method::POST,
            &format!("/api/v1/resources/{published}/submit"),
            world.actor("editor"),
            None,
        )
        .await;
    world
        .ok(
            Method::POST,
            &format!("/api/v1/resources/{published}/reviews"),
            world.actor("committee"),
            Some(json!({"decision": "validate"})),
        )
        .await;
    let place = world
        .ok(
            Method::POST,
            "/api/v1/places",
            world.actor("editor"),
            Some(json!({"name": "Permanence SEP", "kind": "support_group",
                "address": "1 rue de la Paix", "city": "Rennes", "lat": 48.11, "lon": -1.68})),
        )
        .await;
    world.ids.insert("draft", draft);
    world.ids.insert("published", published);
    world.ids.insert("place", id_of(&place));

    // Research: the editor is also a researcher, with an open study for patients (that
    // `member` consented to) and a draft, each with a questionnaire.
    // Questionnaires open yesterday, whatever day the test runs.
    world.ids.insert(
        "opens_at",
        (chrono::Utc::now() - chrono::TimeDelta::days(1)).to_rfc3339(),
    );
    let researcher = world.actor("editor");
    world
        .ok(
            Method::PUT,
            &format!("/api/v1/members/{}/researcher", researcher.id),
            world.actor("admin"),
            None,
        )
        .await;
    let mut studies = Vec::new();
    for title in ["Fatigue au quotidien", "Brouillon d'étude"] {
        let study = world
            .ok(
                Method::POST,
                "/api/v1/studies",
                researcher,
                Some(
                    json!({"title": title, "sponsor": "AP-HP", "ethics_reference": "CPP 2026-1",
                    "eligibility": {"kinds": ["patient"]},
                    "consent_text": {"body": "J'accepte de répondre."}}),
                ),
            )
            .await;
        let study = id_of(&study);
        let questionnaire = world
            .ok(
                Method::POST,
                &format!("/api/v1/studies/{study}/questionnaires"),
                researcher,
                Some(
                    json!({"title": "Douleur", "schedule": {"opens_at": world.ids["opens_at"],
                    "recurrence": "once", "window_days": 90},
                    "items": [{"link_id": "pain", "text": "Douleur", "type": "scale",
                        "required": true, "min": 0, "max": 10}]}),
                ),
            )
            .await;
        studies.push((study, id_of(&questionnaire)));
    }
    let [(study, questionnaire), (draft_study, draft_questionnaire)] = studies.try_into().unwrap();
    world
        .ok(
            Method::PATCH,
            &format!("/api/v1/studies/{study}"),
            researcher,
            Some(json!({"status": "open"})),
        )
        .await;
    world
        .ok(
            Method::POST,
            &format!("/api/v1/studies/{study}/consent"),
            world.actor("member"),
            Some(json!({"text_version": 1})),
        )
        .await;
    world.ids.insert("study", study);
    world.ids.insert("questionnaire", questionnaire);
    world.ids.insert("draft_study", draft_study);
    world.ids.insert("draft_questionnaire", draft_questionnaire);
    // A conversation of `member` and `group_mod`, and its first message: `group_mod` is listed
    // in member lists, so `member` sees they share the fixture groups.
    world
        .ok(
            Method::PATCH,
            "/api/v1/members/me/settings",
            world.actor("group_mod"),
            Some(json!({"listed_in_member_lists": true})),
        )
        .await;
    let started = world
        .ok(
            Method::POST,
            "/api/v1/conversations",
            world.actor("member"),
            Some(json!({"participant_ids": [world.actor("group_mod").id], "body": "Bonjour, c'est privé"})),
        )
        .await;
    let conversation = started["conversation"]["id"].as_str().unwrap().to_owned();
    let conversation_message = started["message"]["id"].as_str().unwrap().to_owned();
    world.ids.insert("conversation", conversation);
    world
        .ids
        .insert("conversation_message", conversation_message);
    world
}

/// Replaces every `{name}` in `template` from `values`; an unknown name is a test bug.
fn fill(template: &str, values: &HashMap<&str, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(length) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + length];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            out.push_str(&rest[..=start]);
            rest = &rest[start + 1..];
            continue;
        }
        out.push_str(&rest[..start]);
        let value = values
            .get(name)
            .unwrap_or_else(|| panic!("no fixture named {{{name}}} in {template}"));
        out.push_str(value);
        rest = &rest[start + length + 1..];
    }
    out.push_str(rest);
    out
}

/// The spec operation a row exercises: same method, same segments, fewest parameters.
fn operation<'a>(spec_paths: &'a [(String, String)], row: &Row) -> Option<&'a (String, String)> {
    let path = row.path.split('?').next().unwrap();
    let segments: Vec<&str> = path.split('/').collect();
    spec_paths
        .iter()
        .filter(|(method, template)| {
            let parts: Vec<&str> = template.split('/').collect();
            method.eq_ignore_ascii_case(row.method.as_str())
                && parts.len() == segments.len()
                && parts.iter().zip(&segments).all(|(part, segment)| {
                    part.starts_with('{')
                        || part == segment
                        || segment.starts_with('{') && part.starts_with('{')
                })
        })
        .min_by_key(|(_, template)| template.matches('{').count())
}

fn spec_operations() -> Vec<(String, String)> {
    let spec: Value = serde_json::from_str(include_str!("../../../openapi/openapi.json")).unwrap();
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.push((method.to_uppercase(), path.clone()));
        }
    }
    operations
}

fn markdown(rows: &[Row], spec: &[(String, String)]) -> String {
    let mut out = String::from("| operation | target |");
    for (role, _) in ROLES {
        let _ = write!(out, " {role} |");
    }
    out.push_str("\n|---|---|");
    for _ in ROLES {
        out.push_str("---|");
    }
    out.push('\n');
    for row in rows {
        let (method, template) = operation(spec, row).unwrap();
        let _ = write!(out, "| `{method} {template}` | `{}` |", row.path);
        for outcome in row.expect.split_whitespace() {
            let _ = write!(out, " {outcome} |");
        }
        out.push('\n');
    }
    out
}

const POLICY_DOC: &str = "docs/AUTHORIZATION.md";
const TABLE_START: &str =
    "<!-- policy table: generated from tests/tests/api/authorization.rs -->\n";
const TABLE_END: &str = "<!-- end of policy table -->";

#[test]
fn every_operation_has_a_policy_and_the_document_is_the_table() {
    let spec = spec_operations();
    let rows = policy();
    let mut missing: Vec<String> = spec
        .iter()
        .filter(|(method, path)| {
            !rows
                .iter()
                .any(|row| operation(&spec, row) == Some(&(method.clone(), path.clone())))
        })
        .map(|(method, path)| format!("{method} {path}"))
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "operations without a policy row: {missing:#?}"
    );
    for row in &rows {
        assert!(
            operation(&spec, row).is_some(),
            "{} {} is not in the spec",
            row.method,
            row.path
        );
        assert_eq!(
            row.expect.split_whitespace().count(),
            ROLES.len(),
            "{} {}: one outcome per role",
            row.method,
            row.path
        );
    }

    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let path = format!("{root}/{POLICY_DOC}");
    let document = std::fs::read_to_string(&path).unwrap();
    let table = markdown(&rows, &spec);
    let start = document
        .find(TABLE_START)
        .expect("the document has the table markers");
    let end = document
        .find(TABLE_END)
        .expect("the document has the table markers");
    let current = &document[start + TABLE_START.len()..end];
    if current != table {
        if std::env::var_os("ENTRAIDE_POLICY_BLESS").is_some() {
            let updated = format!(
                "{}{TABLE_START}{table}{}",
                &document[..start],
                &document[end..]
            );
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!("{POLICY_DOC} is not the policy table: rerun with ENTRAIDE_POLICY_BLESS=1");
        }
    }
}

/// Private fixtures and the row that says who may read each one: a role that may not read one
/// must not find its id in any list, feed, search result or calendar it reads either.
const SECRETS: [(&str, &str); 6] = [
    ("private_post", "/api/v1/posts/{private_post}"),
    ("patients_post", "/api/v1/posts/{patients_post}"),
    ("wall_post", "/api/v1/posts/{wall_post}"),
    ("private_comment", "/api/v1/comments/{private_comment}"),
    ("group_event", "/api/v1/events/{group_event}"),
    ("draft", "/api/v1/resources/{draft}"),
];

/// Lists that must show a private fixture to a role that may read it.
const SHOWN: [(&str, &str, &str); 6] = [
    ("/api/v1/search?q=fixture", "member", "private_post"),
    ("/api/v1/search?q=fixture", "group_mod", "private_comment"),
    ("/api/v1/search?q=reunion", "member", "group_event"),
    ("/api/v1/feed", "member", "private_post"),
    (
        "/api/v1/events?from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z",
        "member",
        "group_event",
    ),
    (
        "/api/v1/groups/{patients_group}/posts",
        "patient",
        "patients_post",
    ),
];

/// By role, the ids of the private fixtures that role may not read (from the policy).
fn unreadable(world: &World, rows: &[Row]) -> Vec<Vec<String>> {
    (0..ROLES.len())
        .map(|index| {
            SECRETS
                .iter()
                .filter(|(_, path)| {
                    let row = rows
                        .iter()
                        .find(|row| row.method == Method::GET && row.path == *path)
                        .unwrap();
                    row.expect.split_whitespace().nth(index) != Some("ok")
                })
                .map(|(name, _)| world.ids[name].clone())
                .collect()
        })
        .collect()
}

#[actix_web::test]
async fn every_role_gets_exactly_what_the_policy_says() {
    let world = world().await;
    let record = std::env::var_os("ENTRAIDE_POLICY_RECORD").is_some();
    let mut mismatches = Vec::new();
    let mut recorded = String::new();
    let rows = policy();
    let hidden = unreadable(&world, &rows);
    for row in rows {
        let mut outcomes = Vec::new();
        for (index, (role, _)) in ROLES.iter().enumerate() {
            let who = world.actors[index].as_ref();
            let mut values = world.ids.clone();
            if let Some(who) = who {
                values.insert("self", who.id.to_string());
            } else {
                values.insert("self", world.ids["member"].clone());
            }
            values.insert("unique", world.next_unique().to_string());
            if let Some(fresh) = row.fresh {
                values.insert("fresh", world.fresh(fresh).await);
            }
            let path = fill(row.path, &values);
            let body = row
                .body
                .map(|body| serde_json::from_str::<Value>(&fill(body, &values)).unwrap());
            let response = world.app.call(row.method.clone(), &path, who, body).await;
            let status = response.status();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let text = crate::support::body_text(response).await;
            assert_ne!(
                status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "{} {path} as {role}: {text}",
                row.method
            );
            if !status.is_success() {
                assert_eq!(
                    content_type, "application/problem+json",
                    "{} {path} as {role}: a refusal is a problem",
                    row.method
                );
            }
            // The calendar feed is its owner's view, whoever holds the URL (a bearer secret).
            let owners_view = row.path.contains("{calendar_token}");
            if row.method == Method::GET && status.is_success() && !owners_view {
                for secret in &hidden[index] {
                    assert!(
                        !text.contains(secret.as_str()),
                        "GET {path} as {role} shows a fixture they may not read ({secret})"
                    );
                }
            }
            // And the lists do carry what the reader may see (else the check above proves nothing).
            for (shown_path, shown_role, secret) in SHOWN {
                if row.method == Method::GET && row.path == shown_path && role == &shown_role {
                    assert!(
                        text.contains(world.ids[secret].as_str()),
                        "GET {path} as {role} lacks {secret}: {text}"
                    );
                }
            }
            let outcome = if status.is_success() {
                "ok".to_owned()
            } else {
                status.as_u16().to_string()
            };
            outcomes.push(outcome);
        }
        let actual = outcomes.join(" ");
        if record {
            let _ = writeln!(recorded, "{} {} => \"{actual}\"", row.method, row.path);
        } else if actual != row.expect {
            let mut line = format!("{} {}:", row.method, row.path);
            for ((role, _), (want, got)) in ROLES
                .iter()
                .zip(row.expect.split_whitespace().zip(&outcomes))
            {
                if want != got {
                    let _ = write!(line, " {role} expected {want} got {got};");
                }
            }
            mismatches.push(line);
        }
    }
    if record {
        println!("{recorded}");
        panic!("recorded (not compared): see the output");
    }
    assert!(
        mismatches.is_empty(),
        "the server does not follow the written policy:\n{}",
        mismatches.join("\n")
    );
}
