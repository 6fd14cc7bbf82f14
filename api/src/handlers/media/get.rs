use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use entraide_domain::ids::MediaId;
use entraide_domain::media::VariantName;
use entraide_openapi::media::{ImageBytes, MediaQuery};
use entraide_openapi::problem as p;
use uuid::Uuid;

use crate::access::media::readable_media;
use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::state::AppState;

/// Get a photo
///
/// The bytes of one variant of a photo (`?variant=320|640|1280|full`, default `full`), only
/// to readers of what it is attached to: a post's or comment's readers (never once it is
/// deleted), anyone for an avatar, only its uploader before it is attached. Anyone else gets
/// 404, as for a photo that does not exist. Served `Cache-Control: private`: no shared cache
/// keeps it.
#[utoipa::path(
    tag = "media",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The photo's id"), MediaQuery),
    responses(
        (status = 200, description = "The image (its own format)", content(
            (ImageBytes = "image/jpeg"), (ImageBytes = "image/png"), (ImageBytes = "image/webp")
        )),
        p::ReadErrors, p::UnprocessableEntity,
    )
)]
#[get("/media/{id}")]
pub async fn get_media(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
    query: web::Query<MediaQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = MediaId::from_uuid(path.into_inner());
    let variant = match query.into_inner().variant.as_deref() {
        None => VariantName::Full,
        Some(raw) => VariantName::parse(raw)?,
    };
    let who = reader.reader();
    let photo = db::read(&state, move |conn| readable_media(conn, who, id)).await?;
    if photo.variant(variant).is_none() {
        return Err(ApiError::NotFound);
    }
    let store = state.media.clone();
    let format = photo.format;
    let bytes = web::block(move || store.get(id, variant, format))
        .await?
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::internal("a photo's file is missing"))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, format.mime()))
        // Only the reader's own browser may keep it, briefly: access can end (a post deleted,
        // a group left), and the reader was checked, not the URL.
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_DISPOSITION, "inline"))
        .body(bytes))
}
