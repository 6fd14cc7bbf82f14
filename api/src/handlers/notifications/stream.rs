use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use entraide_openapi::notifications::{StreamQuery, StreamTicket};
use entraide_openapi::problem as p;
use uuid::Uuid;

use crate::error::ApiError;
use crate::extractors::{AuthMember, StreamMember};
use crate::notification_stream::NotificationStream;
use crate::security::stream_tickets;
use crate::state::AppState;

/// Follow your notifications live
///
/// A stream of [Server-Sent Events](https://html.spec.whatwg.org/multipage/server-sent-events.html)
/// (`text/event-stream`) for you, signed in with the `Authorization` header or, from a browser's
/// `EventSource`, with `?ticket=` (`POST /api/v1/notifications/stream-ticket`). Events:
///
/// - `unread` — data `UnreadCount`: sent first, then after every change;
/// - `notification` — data `NotificationItem`, exactly as the list shows it (only what you may
///   read now), with the notification id as the event `id`. Grouped reactions come again under
///   a new id when someone else reacts;
/// - `message` — data `StreamMessageEvent`: a direct message reached you (ids only: fetch it);
/// - `closed` — data `StreamClosedEvent`: the last event, when your session ended (logout,
///   password change, suspension, ban, erasure: do not reconnect), when you opened more than
///   5 streams (the oldest is closed), or when the stream reached its longest life (`expired`,
///   15 minutes by default: reconnect with a fresh access token or a new ticket);
/// - a comment line `: keep-alive` about every 20 seconds.
///
/// A reconnecting client sends `Last-Event-ID` (browsers do it themselves): the notifications
/// after that id come before the count. With a ticket, reconnect with a new ticket.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = []), ("stream_ticket" = [])),
    params(
        StreamQuery,
        ("Last-Event-ID" = Option<Uuid>, Header, description = "The last notification id received, to resume after it"),
    ),
    responses(
        (status = 200, description = "The event stream (`unread`, `notification`, `message`, `closed` events; see the operation)",
            content_type = "text/event-stream", body = String,
            example = "event: unread\ndata: {\"unread\":1}\n\n: keep-alive\n\n"),
        p::ListErrors,
    ),
    // Each event's `data`, by event name (OpenAPI 3.1 has no schema for an event stream's
    // items): generators and readers find the payload schemas here.
    extensions(("x-sse-events" = json!({
        "unread": {"$ref": "#/components/schemas/UnreadCount"},
        "notification": {"$ref": "#/components/schemas/NotificationItem"},
        "message": {"$ref": "#/components/schemas/StreamMessageEvent"},
        "closed": {"$ref": "#/components/schemas/StreamClosedEvent"}
    })))
)]
#[get("/notifications/stream")]
pub async fn stream_notifications(
    state: web::Data<AppState>,
    member: StreamMember,
    _query: web::Query<StreamQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let resume_after = match req.headers().get("Last-Event-ID") {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| Uuid::parse_str(v.trim()).ok())
                .ok_or_else(|| {
                    ApiError::field("Last-Event-ID", "invalid", "the id of a notification event")
                })?,
        ),
    };
    let stream = NotificationStream::open(state, &member.0, resume_after).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        // Proxies (nginx) must not buffer the events.
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream.into_body()))
}

/// Get a notification stream ticket
///
/// A short-lived (about a minute), single-use ticket for opening
/// `GET /api/v1/notifications/stream?ticket=...` from a browser, where `EventSource` cannot
/// send the `Authorization` header (never put your access token in a URL). It belongs to this
/// session: it stops working when the session ends.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "A ticket", body = StreamTicket),
        p::SessionErrors,
    )
)]
#[post("/notifications/stream-ticket")]
pub async fn create_stream_ticket(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<HttpResponse, ApiError> {
    let ticket = stream_tickets::issue(&state, &member).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ticket))
}
