use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use entraide_domain::association::{NewAnnouncement, Targeting, can_administer, check_schedule};
use entraide_domain::error::Errors;
use entraide_domain::ids::{AnnouncementId, AssociationId};
use entraide_domain::post::Body;
use entraide_domain::text::{Label, Title, WebUrl};
use entraide_domain::time::check_instant;
use entraide_openapi::associations::{Announcement, CreateAnnouncementRequest};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_persistence::announcements::{self, AnnouncementKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::associations::load;
use crate::access::integrations::require_publisher_or_key;
use crate::convert::{associations as convert, kind_from_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::{Caller, MaybeMember};
use crate::json::Json;
use crate::pagination::PageRequest;
use crate::parse::{condition_ids, unknown_condition};
use crate::state::AppState;
use entraide_domain::integration::Scope;

/// Publish an announcement
///
/// Publish a prevention announcement (admins of a verified association: 403
/// `not_association_admin` or `association_not_verified` otherwise; or its API key with
/// `announcements:write`: 403 `insufficient_scope` otherwise). It reaches the home feed
/// of the association's members and followers, and of members whose profile matches the
/// targeting unless they opted out; `publish_at` in the future schedules it.
#[utoipa::path(
    tag = "associations",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The association's id")),
    request_body = CreateAnnouncementRequest,
    responses(
        (status = 201, description = "Published or scheduled", body = Announcement),
        p::WriteErrors,
    )
)]
#[post("/associations/{id}/announcements")]
pub async fn create_announcement(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<Uuid>,
    body: Json<CreateAnnouncementRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = AssociationId::from_uuid(path.into_inner());
    let now = Utc::now();
    let CreateAnnouncementRequest {
        title,
        body,
        link,
        targeting,
        publish_at,
        expires_at,
    } = body.into_inner();
    let mut errors = Errors::new();
    let title = errors.check("title", Title::parse(&title));
    let body = errors.check("body", Body::parse(&body, Body::POST_MAX_CHARS));
    let link = link.and_then(|l| errors.check("link", WebUrl::parse(&l)).map(Some));
    let entraide_openapi::associations::Targeting {
        condition_ids: conditions,
        kinds,
        region,
    } = targeting;
    let condition_ids = condition_ids(&mut errors, "targeting.condition_ids", conditions);
    let region = region.and_then(|r| errors.check("targeting.region", Label::parse(&r)).map(Some));
    let publish_at = errors
        .check(
            "publish_at",
            check_instant("publish_at", publish_at.unwrap_or(now)),
        )
        .unwrap_or(now);
    let expires_at =
        expires_at.and_then(|end| errors.check("expires_at", check_instant("expires_at", end)));
    errors.check("expires_at", check_schedule(publish_at, expires_at));
    if expires_at.is_some_and(|end| end <= now) {
        errors.push(entraide_domain::FieldError::new(
            "expires_at",
            "in_the_past",
            "must be in the future",
        ));
    }
    errors.finish()?;
    let (Some(title), Some(body)) = (title, body) else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };
    let mut kinds: Vec<_> = kinds.into_iter().map(kind_from_wire).collect();
    kinds.sort_by_key(|k| k.as_str());
    kinds.dedup();
    let new = NewAnnouncement {
        title,
        body,
        link: link.flatten(),
        targeting: Targeting {
            condition_ids,
            kinds,
            region: region.flatten(),
        },
        publish_at,
        expires_at,
    };
    let (announcement, association) = db::write(&state, move |conn| {
        let (association, author) =
            require_publisher_or_key(conn, &caller, id, Scope::AnnouncementsWrite)?;
        let announcement = announcements::insert(conn, id, author, &new, now)
            .map_err(unknown_condition("targeting.condition_ids"))?;
        // Sent at its publication time (a scheduled announcement waits in the queue).
        crate::webhooks::queue(
            conn,
            id,
            entraide_domain::integration::WebhookEvent::AnnouncementPublished,
            serde_json::json!({
                "announcement_id": announcement.id.to_string(),
                "title": announcement.title.as_str(),
                "publish_at": announcement.publish_at,
            }),
            announcement.publish_at,
        )?;
        Ok((announcement, association))
    })
    .await?;
    // Publishers (and everyone) see a new announcement at once.
    state.announcements.clear();
    let from = convert::association_ref(&association);
    Ok(HttpResponse::Created().json(convert::announcement(announcement, from, now)))
}

#[derive(Serialize, Deserialize)]
struct Cursor {
    #[serde(deserialize_with = "crate::pagination::instant")]
    t: DateTime<Utc>,
    i: Uuid,
}

/// List an association's announcements
///
/// An association's announcements, newest first (expired ones included, flagged by `live`).
/// Its admins also see the scheduled ones.
#[utoipa::path(
    tag = "associations",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id"), PageQuery),
    responses(
        (status = 200, description = "A page of announcements", body = Page<Announcement>),
        p::ListErrors, p::NotFound,
    )
)]
#[get("/associations/{id}/announcements")]
pub async fn list_announcements(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<Announcement>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let id = AssociationId::from_uuid(path.into_inner());
    let after = page.after.as_ref().map(|c| AnnouncementKey {
        publish_at: c.t,
        id: AnnouncementId::from_uuid(c.i),
    });
    let fetch = page.fetch();
    let now = Utc::now();
    let me = reader.0.map(|m| m.id);
    let (items, association) = db::read(&state, move |conn| {
        let (association, membership) = load(conn, id, me)?;
        let items = announcements::list_for_association(
            conn,
            id,
            can_administer(membership),
            now,
            after.as_ref(),
            fetch,
        )?;
        Ok((items, association))
    })
    .await?;
    let from = convert::association_ref(&association);
    page.page(
        items,
        |a| Cursor {
            t: a.publish_at,
            i: a.id.as_uuid(),
        },
        |a| convert::announcement(a, from.clone(), now),
    )
    .map(web::Json)
}
