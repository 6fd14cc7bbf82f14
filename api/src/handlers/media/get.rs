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

/// Get a photo or a video
///
/// The bytes of one variant of a photo (`?variant=320|640|1280|full`, default `full`; a video
/// has only `full`), only to readers of what it is attached to: a post's or comment's readers
/// (never once it is deleted; a hidden post's to its author and those who moderate it, as for
/// the post), anyone for an avatar, only its uploader before it is attached.
/// Anyone else gets 404, as for a file that does not exist. Served `Cache-Control: private`:
/// no shared cache keeps it. One byte range (`Range: bytes=0-1023`, what a video player asks
/// for) answers 206 with `Content-Range`; several ranges or one that cannot be satisfied are
/// ignored (200, the whole file).
#[utoipa::path(
    tag = "media",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The photo's id"), MediaQuery),
    responses(
        (status = 200, description = "The file (its own format)", content(
            (ImageBytes = "image/jpeg"), (ImageBytes = "image/png"), (ImageBytes = "image/webp"),
            (ImageBytes = "video/mp4"), (ImageBytes = "video/quicktime")
        )),
        (status = 206, description = "The byte range asked for (`Content-Range` says which)",
            content(
                (ImageBytes = "image/jpeg"), (ImageBytes = "image/png"),
                (ImageBytes = "image/webp"), (ImageBytes = "video/mp4"),
                (ImageBytes = "video/quicktime")
            )
        ),
        p::ReadErrors, p::UnprocessableEntity,
    )
)]
#[get("/media/{id}")]
pub async fn get_media(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
    query: web::Query<MediaQuery>,
    request: actix_web::HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let range = request
        .headers()
        .get(header::RANGE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let id = MediaId::from_uuid(path.into_inner());
    let variant = match query.into_inner().variant.as_deref() {
        None => VariantName::Full,
        Some(raw) => VariantName::parse(raw)?,
    };
    let who = reader.reader();
    let member = reader.0;
    let photo = db::read(&state, move |conn| readable_media(conn, who, member, id)).await?;
    if photo.variant(variant).is_none() {
        return Err(ApiError::NotFound);
    }
    let store = state.media.clone();
    let format = photo.format;
    let bytes = web::block(move || store.get(id, variant, format))
        .await?
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::internal("a photo's file is missing"))?;
    let total = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let mut response = match one_range(range.as_deref(), total) {
        Some((from, to)) => {
            let mut partial = HttpResponse::PartialContent();
            partial.insert_header(header::ContentRange(header::ContentRangeSpec::Bytes {
                range: Some((from, to)),
                instance_length: Some(total),
            }));
            let slice = usize::try_from(from)
                .ok()
                .zip(usize::try_from(to).ok())
                .and_then(|(from, to)| bytes.get(from..=to))
                .map(<[u8]>::to_vec)
                .unwrap_or_default();
            return Ok(headers(&mut partial, format).body(slice));
        }
        None => HttpResponse::Ok(),
    };
    Ok(headers(&mut response, format).body(bytes))
}

/// The one satisfiable byte range of a `Range` header, if it asks for exactly one.
fn one_range(header: Option<&str>, total: u64) -> Option<(u64, u64)> {
    let parsed: header::Range = header?.parse().ok()?;
    match parsed {
        header::Range::Bytes(specs) if specs.len() == 1 => specs[0].to_satisfiable_range(total),
        _ => None,
    }
}

fn headers(
    response: &mut actix_web::HttpResponseBuilder,
    format: entraide_domain::media::MediaFormat,
) -> &mut actix_web::HttpResponseBuilder {
    response
        .insert_header((header::CONTENT_TYPE, format.mime()))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        // Only the reader's own browser may keep it, briefly: access can end (a post deleted,
        // a group left), and the reader was checked, not the URL.
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_DISPOSITION, "inline"))
}
