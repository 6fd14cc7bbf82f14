use actix_multipart::{Multipart, MultipartError};
use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::ids::MediaId;
use entraide_domain::media::{Attachment, Media, UploadRefusal};
use entraide_openapi::media::{MediaItem, MediaUpload};
use entraide_openapi::problem as p;
use entraide_persistence::media;
use futures_util::StreamExt;

use crate::convert::media::item;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::media::process::{Processed, process};
use crate::media::store::delete_all;
use crate::state::AppState;

fn multipart_error(error: &MultipartError) -> ApiError {
    match error {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => ApiError::UnsupportedMediaType,
        _ => UploadRefusal::NotOneFile.into(),
    }
}

/// Reads the one `file` part, at most `limit` bytes (413 beyond, without reading the rest).
async fn one_file(payload: &mut Multipart, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| multipart_error(&e))?;
        if field.name() != Some("file") || file.is_some() {
            return Err(UploadRefusal::NotOneFile.into());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| multipart_error(&e))?;
            let total = bytes
                .len()
                .checked_add(chunk.len())
                .ok_or(UploadRefusal::TooLarge)?;
            if total > limit {
                return Err(UploadRefusal::TooLarge.into());
            }
            bytes.extend_from_slice(&chunk);
        }
        file = Some(bytes);
    }
    match file {
        Some(bytes) if !bytes.is_empty() => Ok(bytes),
        _ => Err(UploadRefusal::NotOneFile.into()),
    }
}

/// Upload a photo
///
/// A `multipart/form-data` body with one part named `file`: a JPEG, PNG or WebP image (HEIC is
/// refused, 415 `unsupported_image`: no pure-Rust decoder exists). The type is read from the
/// bytes, never from the declared content type. The image is decoded and re-encoded — EXIF, GPS
/// and any other metadata are dropped — and stored in a few widths with a BlurHash. Attach it
/// within a day (`media_ids` of a post or comment, or your avatar), or it is deleted. Until
/// then only you can fetch it. 413 over the size limit (10 MiB by default); 422
/// `image_too_large` over 48 megapixels or 12,000 pixels a side; 422 `invalid_image` when it
/// cannot be decoded.
#[utoipa::path(
    tag = "media",
    security(("bearer" = [])),
    request_body(content = MediaUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored, not attached yet", body = MediaItem),
        p::BadRequest, p::Unauthorized, p::PayloadTooLarge, p::UnsupportedMediaType,
        p::UnprocessableEntity, p::ServerErrors,
    )
)]
#[post("/media")]
pub async fn upload_media(
    state: web::Data<AppState>,
    member: AuthMember,
    mut payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    let bytes = one_file(&mut payload, state.settings.media_max_image_bytes).await?;
    let processed: Processed = web::block(move || process(&bytes)).await??;
    let byte_size = processed.byte_size();
    let Processed {
        format,
        width,
        height,
        blurhash,
        variants,
    } = processed;
    let photo = Media {
        id: MediaId::new(),
        owner_id: member.id,
        format,
        width,
        height,
        blurhash,
        variants: variants.iter().map(|(variant, _)| *variant).collect(),
        byte_size,
        attachment: Attachment::Unattached,
        created_at: Utc::now(),
        attached_at: None,
    };
    // Files first, then the row: a row never names missing files. Should the row fail, the
    // files go again.
    let store = state.media.clone();
    let id = photo.id;
    web::block(move || {
        for (variant, bytes) in &variants {
            store.put(id, variant.name, format, bytes)?;
        }
        Ok::<(), std::io::Error>(())
    })
    .await?
    .map_err(ApiError::internal)?;
    let row = photo.clone();
    if let Err(error) = db::write(&state, move |conn| Ok(media::insert(conn, &row)?)).await {
        let store = state.media.clone();
        web::block(move || delete_all(store.as_ref(), &[id])).await?;
        return Err(error);
    }
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/media/{id}"),
        ))
        .json(item(photo)))
}
