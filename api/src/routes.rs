//! Every route, registered once through utoipa-actix-web: a route without its OpenAPI
//! description cannot exist, and the served document is built from this same list.

use actix_web::App;
use actix_web::middleware::DefaultHeaders;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{AppExt, scope};

use crate::handlers::{
    associations, auth, conditions, consents, conversations, events, groups, health, media,
    members, moderation, notifications, places, posts, questionnaires, resources, search, studies,
    verification,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Entraide API",
        description = "The JSON API of Entraide, an open-source backend for online patient \
communities. Members (patients, caregivers, professionals) keep pseudonymous profiles with \
visibility settings and follow each other; they gather in discussion groups and spaces around \
conditions, with posts, threaded comments, supportive reactions, walls and a home feed. Patient \
associations publish prevention announcements and run donation campaigns (with a signed \
donation webhook). The events calendar has recurring series, RSVPs and iCalendar feeds; the \
directory of local places and services is searchable by distance; the resource library is \
reviewed by scientific committees; full-text search covers all of it, filtered by what the \
reader may see. Research studies ask members questionnaires (HL7 FHIR vocabulary) under an \
explicit, revocable consent ledger; researchers get pseudonymous exports and aggregates with \
small-cell suppression, every access audited.\n\nErrors are RFC 9457 `application/problem+json` with a stable `code` (the \
`ProblemCode` enum). Lists answer `{\"items\": [...], \"next_cursor\": string|null}`. Access \
tokens travel as `Authorization: Bearer <token>`; an association's API key (`eak_...`) is sent \
the same way, on the operations whose security lists `api_key`. Paths in this document are absolute: the \
server is the host that serves it. See docs/API-DESIGN.md in the repository.",
        contact(
            name = "Entraide maintainers",
            url = "https://github.com/entraide/entraide"
        ),
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    servers(
        (url = "/", description = "The host serving this document (every path starts with `/api` or is a health check)")
    ),
    components(schemas(
        entraide_openapi::problem::Problem,
        entraide_openapi::problem::FieldProblem,
        // The data of the notification stream's events (`text/event-stream`).
        entraide_openapi::notifications::StreamMessageEvent,
        entraide_openapi::notifications::StreamClosedEvent,
        entraide_openapi::notifications::StreamClosedReason,
        // The `variant` query parameter of `GET /media/{id}`.
        entraide_openapi::media::MediaVariantName,
    ), responses(
        entraide_openapi::problem::BadRequest,
        entraide_openapi::problem::Unauthorized,
        entraide_openapi::problem::Forbidden,
        entraide_openapi::problem::NotFound,
        entraide_openapi::problem::Conflict,
        entraide_openapi::problem::PayloadTooLarge,
        entraide_openapi::problem::UnsupportedMediaType,
        entraide_openapi::problem::UnprocessableEntity,
        entraide_openapi::problem::TooManyRequests,
        entraide_openapi::problem::InternalError,
        entraide_openapi::problem::ServiceUnavailable,
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Accounts, sessions and tokens"),
        (name = "members", description = "Member profiles"),
        (name = "conditions", description = "The catalogue of conditions"),
        (name = "groups", description = "Discussion groups and spaces, membership and moderation"),
        (name = "posts", description = "Posts, walls and feeds"),
        (name = "comments", description = "Threaded comments"),
        (name = "media", description = "Photos: uploads stripped of metadata, served only to readers of what they illustrate, avatars"),
        (name = "reactions", description = "Supportive reactions on posts and comments"),
        (name = "associations", description = "Patient associations, their members, followers and prevention announcements"),
        (name = "campaigns", description = "Donation campaigns, donations and the signed donation webhook"),
        (name = "events", description = "The events calendar, RSVPs and iCalendar feeds"),
        (name = "places", description = "Local resources: places and services near members"),
        (name = "resources", description = "The resource library, scientific committees and the review workflow"),
        (name = "search", description = "Full-text search, filtered by what you may see"),
        (name = "moderation", description = "Reports, moderation queues and decisions, the moderation log"),
        (name = "messages", description = "Direct messages: conversations of 2 to 8 members, encrypted at rest, read receipts, who may write to you"),
        (name = "notifications", description = "In-app notifications, their read state and settings"),
        (name = "research", description = "Research studies, questionnaires (patient-reported outcomes), the consent ledger, pseudonymous exports and aggregates"),
        (name = "health", description = "Liveness, readiness and this document"),
    )
)]
struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "The access_token of POST /api/v1/auth/login, valid 15 minutes",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("eak_...")
                    .description(Some(
                        "An association's API key (POST /api/v1/associations/{id}/api-keys), \
                         sent as `Authorization: Bearer eak_...`. It acts in its association's \
                         name on the operations that list this scheme, each stating in its \
                         description the scope it needs (`events:read`, `events:write`, \
                         `announcements:write`, `members:read`, `campaigns:write`; 403 \
                         `insufficient_scope` otherwise); anywhere else it is refused \
                         like an invalid access token (401). Limited per key (429 with \
                         `Retry-After`); every request is audit-logged.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "stream_ticket",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "ticket",
                "A single-use ticket of POST /api/v1/notifications/stream-ticket (valid about a \
                 minute, bound to the session that asked): how a browser's EventSource opens \
                 GET /api/v1/notifications/stream, as it cannot send headers",
            ))),
        );
        components.add_security_scheme(
            "webhook_signature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Entraide-Signature",
                "sha256=<hex HMAC-SHA256(association webhook key, X-Entraide-Timestamp + \".\" + raw body)>; \
                 the key comes from POST /api/v1/associations/{id}/webhook-secret",
            ))),
        );
    }
}

/// Registers every route (health, the document itself, and `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::get_openapi)
        .service(
            scope::scope("/api/v1")
                // Health data must not linger in shared caches.
                .wrap(DefaultHeaders::new().add(("Cache-Control", "no-store")))
                .service(auth::register::register)
                .service(auth::login::login)
                .service(auth::refresh::refresh)
                .service(auth::logout::logout)
                .service(auth::password::change_password)
                // Account recovery and verification (issue 14).
                .service(auth::verify::verify_email)
                .service(auth::verify::resend_verification)
                .service(auth::reset::request_password_reset)
                .service(auth::reset::confirm_password_reset)
                .service(members::email::change_my_email)
                .service(members::me::get_my_profile)
                .service(members::update::update_my_profile)
                .service(members::erase::erase_my_account)
                .service(members::discover::discover_members)
                .service(members::discover::mention_members)
                .service(members::get::get_member)
                .service(members::role::set_member_role)
                .service(members::kind::approve_kind_change)
                .service(verification::ask::ask_verification)
                .service(verification::ask::list_my_verification_requests)
                .service(verification::decide::list_verification_requests)
                .service(verification::decide::approve_verification)
                .service(verification::decide::refuse_verification)
                .service(verification::revoke::revoke_badge)
                .service(members::blocks::list_my_blocks)
                .service(moderation::reports::list_my_reports)
                .service(moderation::reports::list_my_notices)
                .service(moderation::appeals::appeal_decision)
                .service(moderation::reports::file_report)
                .service(moderation::review::read_queue)
                .service(moderation::review::read_log)
                .service(moderation::decide::decide_report)
                .service(moderation::decide::reinstate_member)
                .service(moderation::appeals::read_appeals)
                .service(moderation::appeals::decide_appeal)
                .service(moderation::audit::read_admin_audit)
                .service(members::export::export_my_data)
                .service(members::sessions::list_my_sessions)
                .service(members::sessions::revoke_my_session)
                .service(members::settings::get_my_settings)
                .service(members::settings::update_my_settings)
                // Direct messages (issue 15).
                .service(members::message_settings::get_my_message_settings)
                .service(members::message_settings::update_my_message_settings)
                .service(conversations::create::create_conversation)
                .service(conversations::list::list_conversations)
                .service(conversations::messages::list_messages)
                .service(conversations::messages::send_message)
                .service(conversations::read::mark_conversation_read)
                .service(conversations::leave::leave_conversation)
                // Notifications (issue 15).
                .service(notifications::list::list_notifications)
                .service(notifications::list::count_unread_notifications)
                .service(notifications::read::mark_notifications_read)
                .service(notifications::settings::get_my_notification_settings)
                .service(notifications::settings::update_my_notification_settings)
                .service(notifications::stream::stream_notifications)
                .service(notifications::stream::create_stream_ticket)
                .service(members::editor::grant_editor)
                .service(members::editor::revoke_editor)
                .service(members::researcher::grant_researcher)
                .service(members::researcher::revoke_researcher)
                .service(members::research::my_consents)
                .service(consents::announcements::get_announcements_text)
                .service(consents::announcements::publish_announcements_text)
                .service(consents::announcements::consent_to_announcements)
                .service(consents::announcements::withdraw_announcements_consent)
                .service(members::research::my_due_questionnaires)
                .service(members::research::my_responses)
                .service(members::research::my_responses_fhir)
                .service(studies::create::create_study)
                .service(studies::list::list_studies)
                .service(studies::get::get_study)
                .service(studies::update::update_study)
                .service(studies::consent::give_consent)
                .service(studies::consent::withdraw_consent)
                .service(studies::answers::export_study)
                .service(studies::answers::study_aggregates)
                .service(studies::answers::study_audit)
                .service(questionnaires::create::create_questionnaire)
                .service(questionnaires::create::list_questionnaires)
                .service(questionnaires::get::get_questionnaire)
                .service(questionnaires::get::get_questionnaire_fhir)
                .service(questionnaires::get::replace_questionnaire)
                .service(questionnaires::respond::submit_response)
                .service(members::blocks::block_member)
                .service(members::blocks::unblock_member)
                .service(members::follows::follow_member)
                .service(members::follows::unfollow_member)
                .service(members::follows::list_followers)
                .service(members::follows::list_following)
                .service(posts::create::create_wall_post)
                .service(posts::feeds::get_wall)
                .service(conditions::list::list_conditions)
                .service(conditions::create::create_condition)
                .service(conditions::get::get_condition)
                .service(conditions::follow::follow_condition)
                .service(conditions::follow::unfollow_condition)
                .service(conditions::feed::get_condition_feed)
                .service(groups::create::create_group)
                .service(groups::list::list_groups)
                .service(groups::get::get_group)
                .service(groups::update::update_group)
                .service(groups::join::join_group)
                .service(groups::join::leave_group)
                .service(groups::members::list_group_members)
                .service(groups::members::remove_group_member)
                .service(groups::members::set_group_member_role)
                .service(groups::requests::list_join_requests)
                .service(groups::requests::approve_join_request)
                .service(groups::requests::refuse_join_request)
                .service(groups::invitations::invite_to_group)
                .service(groups::bans::ban_from_group)
                .service(groups::bans::unban_from_group)
                .service(posts::create::create_group_post)
                .service(posts::feeds::list_group_posts)
                .service(posts::feeds::get_feed)
                .service(posts::feeds::get_post)
                .service(posts::manage::update_post)
                .service(posts::manage::delete_post)
                .service(posts::manage::pin_post)
                .service(posts::manage::unpin_post)
                // Photos (issue 16).
                .service(media::upload::upload_media)
                .service(media::get::get_media)
                .service(media::avatar::set_my_avatar)
                .service(media::avatar::delete_my_avatar)
                .service(posts::comments::create_comment)
                .service(posts::comments::list_comments)
                .service(posts::comments::get_comment)
                .service(posts::comments::update_comment)
                .service(posts::comments::delete_comment)
                .service(posts::reactions::add_post_reaction)
                .service(posts::reactions::remove_post_reaction)
                .service(posts::reactions::add_comment_reaction)
                .service(posts::reactions::remove_comment_reaction)
                .service(associations::create::create_association)
                .service(associations::list::list_associations)
                .service(associations::get::get_association)
                .service(associations::update::update_association)
                .service(associations::verify::verify_association)
                .service(associations::webhook::rotate_webhook_secret)
                .service(associations::members::join_association)
                .service(associations::members::leave_association)
                .service(associations::members::list_association_members)
                .service(associations::members::update_association_member)
                .service(associations::members::remove_association_member)
                .service(associations::follow::follow_association)
                .service(associations::follow::unfollow_association)
                .service(associations::announcements::create_announcement)
                .service(associations::announcements::list_announcements)
                .service(associations::campaigns::create_campaign)
                .service(associations::campaigns::list_campaigns)
                .service(associations::campaigns::get_campaign)
                .service(associations::campaigns::record_donation)
                .service(associations::campaigns::list_donations)
                .service(associations::webhook::donation_webhook)
                // The integration kit (issue 15).
                .service(associations::api_keys::create_api_key)
                .service(associations::api_keys::list_api_keys)
                .service(associations::api_keys::revoke_api_key)
                .service(associations::webhooks::create_webhook)
                .service(associations::webhooks::list_webhooks)
                .service(associations::webhooks::delete_webhook)
                .service(associations::webhooks::list_webhook_deliveries)
                .service(associations::webhooks::redeliver_webhook)
                .service(events::create::create_event)
                .service(events::list::list_events)
                .service(events::manage::get_event)
                .service(events::manage::update_event)
                .service(events::manage::cancel_event)
                .service(events::rsvp::rsvp_event)
                .service(events::rsvp::list_attendees)
                .service(events::calendar::get_event_ical)
                .service(events::calendar::create_calendar_token)
                .service(events::calendar::get_calendar_feed)
                .service(places::create::create_place)
                .service(places::list::list_places)
                .service(places::get::get_place)
                .service(places::update::update_place)
                .service(resources::committees::create_committee)
                .service(resources::committees::list_committees)
                .service(resources::committees::add_committee_member)
                .service(resources::committees::committee_queue)
                .service(resources::create::create_resource)
                .service(resources::list::list_resources)
                .service(resources::get::get_resource)
                .service(resources::update::update_resource)
                .service(resources::get::list_versions)
                .service(resources::workflow::submit_resource)
                .service(resources::workflow::review_resource)
                .service(search::search),
        );
}

/// The OpenAPI document of the routes above.
pub fn openapi() -> OpenApiDoc {
    let (_, document) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(configure)
        .split_for_parts();
    crate::contract::with_text_rules(document)
}

/// The document as served and committed: pretty JSON with a final newline.
pub fn openapi_json() -> Result<String, serde_json::Error> {
    openapi().to_pretty_json().map(|mut json| {
        json.push('\n');
        json
    })
}

/// One segment of a path template: a literal, or a `{parameter}`.
enum Segment {
    Literal(String),
    Parameter,
}

/// The methods of each path template, from the OpenAPI document: the same list as the routes.
struct RouteTable(Vec<(Vec<Segment>, Vec<&'static str>)>);

impl RouteTable {
    fn build() -> Self {
        let document = openapi();
        let routes = document
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template
                    .split('/')
                    .map(|segment| {
                        if segment.starts_with('{') && segment.ends_with('}') {
                            Segment::Parameter
                        } else {
                            Segment::Literal(segment.to_owned())
                        }
                    })
                    .collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("HEAD", item.head.is_some()),
                    ("OPTIONS", item.options.is_some()),
                    ("TRACE", item.trace.is_some()),
                ]
                .into_iter()
                .filter_map(|(method, present)| present.then_some(method))
                .collect();
                (segments, methods)
            })
            .collect();
        Self(routes)
    }

    fn allowed(&self, path: &str) -> Vec<&'static str> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut methods: Vec<&'static str> = Vec::new();
        for (segments, route_methods) in &self.0 {
            let matches = segments.len() == parts.len()
                && segments
                    .iter()
                    .zip(&parts)
                    .all(|(segment, part)| match segment {
                        Segment::Literal(literal) => literal == part,
                        Segment::Parameter => !part.is_empty(),
                    });
            if matches {
                methods.extend(route_methods);
            }
        }
        let order = [
            "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
        ];
        methods.sort_by_key(|m| order.iter().position(|o| o == m));
        methods.dedup();
        methods
    }
}

/// The methods some route accepts at this request path (`GET, PATCH`), for the `Allow` header
/// of a 405; `None` when no route has this path (a 404).
pub fn allowed_methods(path: &str) -> Option<String> {
    static TABLE: std::sync::LazyLock<RouteTable> = std::sync::LazyLock::new(RouteTable::build);
    let methods = TABLE.allowed(path);
    (!methods.is_empty()).then(|| methods.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_methods_come_from_the_route_table() {
        assert_eq!(
            allowed_methods("/api/v1/members/me").as_deref(),
            Some("GET, PATCH, DELETE")
        );
        assert_eq!(
            allowed_methods("/api/v1/events/0190c1a2-0000-7000-8000-000000000000").as_deref(),
            Some("GET, PATCH, DELETE")
        );
        assert_eq!(
            allowed_methods("/api/v1/auth/login").as_deref(),
            Some("POST")
        );
        assert_eq!(allowed_methods("/api/v1/nothing-here"), None);
        assert_eq!(allowed_methods("/api/v1/members//wall"), None);
    }
}
