use actix_multipart::{Multipart, MultipartError};
use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::ids::{MediaId, MemberId};
use entraide_domain::media::{Attachment, Media, UploadRefusal, Variant, VariantName};
use entraide_openapi::media::{MediaItem, MediaUpload};
use entraide_openapi::problem as p;
use entraide_persistence::media;
use futures_util::StreamExt;

use crate::convert::media::item;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::media::process::{Processed, is_heif, process};
use crate::media::store::delete_all;
use crate::media::video::{self, Video};
use crate::state::AppState;

fn multipart_error(error: &MultipartError) -> ApiError {
    match error {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => ApiError::UnsupportedMediaType,
        _ => UploadRefusal::NotOneFile.into(),
    }
}

/// A photo's row and files: each variant re-encoded.
fn image_row(owner: MemberId, processed: Processed) -> (Media, Vec<(VariantName, Vec<u8>)>) {
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
        owner_id: owner,
        format,
        width,
        height,
        blurhash: Some(blurhash),
        duration_ms: None,
        variants: variants.iter().map(|(variant, _)| *variant).collect(),
        byte_size,
        attachment: Attachment::Unattached,
        created_at: Utc::now(),
        attached_at: None,
    };
    let files = variants
        .into_iter()
        .map(|(variant, bytes)| (variant.name, bytes))
        .collect();
    (photo, files)
}

/// A video's row and its one file (`full`, as uploaded with its metadata blanked).
fn video_row(owner: MemberId, video: Video) -> (Media, Vec<(VariantName, Vec<u8>)>) {
    let Video {
        format,
        width,
        height,
        duration_ms,
        bytes,
    } = video;
    let photo = Media {
        id: MediaId::new(),
        owner_id: owner,
        format,
        width,
        height,
        blurhash: None,
        duration_ms: Some(duration_ms),
        variants: vec![Variant {
            name: VariantName::Full,
            width,
            height,
        }],
        byte_size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        attachment: Attachment::Unattached,
        created_at: Utc::now(),
        attached_at: None,
    };
    (photo, vec![(VariantName::Full, bytes)])
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

/// Upload a photo or a video
///
/// A `multipart/form-data` body with one part named `file`. The type is read from the bytes,
/// never from the declared content type.
///
/// - A JPEG, PNG or WebP image (HEIC is refused, 415 `unsupported_image`: no pure-Rust decoder
///   exists) is decoded and re-encoded — EXIF, GPS and any other metadata are dropped — and
///   stored in a few widths with a BlurHash. 413 over 10 MiB (by default); 422
///   `image_too_large` over 48 megapixels or 12,000 pixels a side; 422 `invalid_image` when it
///   cannot be decoded.
/// - An MP4 or QuickTime video of at most three minutes is kept as uploaded, its metadata
///   (location, device, dates: the `udta`, `meta` and `uuid` boxes and the header times)
///   blanked in place. 413 over 50 MiB (by default); 422 `video_too_long`; 422 `invalid_video`
///   when its structure cannot be read or it has no picture; 415 `unsupported_video` for WebM,
///   Matroska and fragmented MP4.
///
/// Attach it within a day (`media_ids` of a post or comment; an avatar must be a photo), or it
/// is deleted. Until then only you can fetch it.
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
    let settings = &state.settings;
    let limit = settings
        .media_max_image_bytes
        .max(settings.media_max_video_bytes);
    let bytes = one_file(&mut payload, limit).await?;
    let (photo, files) = if video::is_matroska(&bytes) {
        return Err(UploadRefusal::UnsupportedVideo.into());
    } else if video::is_iso_media(&bytes) && !is_heif(&bytes) {
        if bytes.len() > settings.media_max_video_bytes {
            return Err(UploadRefusal::TooLarge.into());
        }
        let checked = web::block(move || video::process(bytes)).await??;
        video_row(member.id, checked)
    } else {
        if bytes.len() > settings.media_max_image_bytes {
            return Err(UploadRefusal::TooLarge.into());
        }
        let processed: Processed = web::block(move || process(&bytes)).await??;
        image_row(member.id, processed)
    };
    let format = photo.format;
    // Files first, then the row: a row never names missing files. Should the row fail, the
    // files go again.
    let store = state.media.clone();
    let id = photo.id;
    web::block(move || {
        for (variant, bytes) in &files {
            store.put(id, *variant, format, bytes)?;
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
