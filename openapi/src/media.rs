//! Photos: what an upload returns and how posts, comments and avatars refer to them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The format a photo is stored and served in (its own: uploads are sniffed, never trusted
/// from the client's `Content-Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImageFormat {
    Jpeg,
    Png,
    Webp,
}

/// One stored size of a photo: fetch it with `GET /api/v1/media/{id}?variant={name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "640", "width": 640, "height": 480}))]
pub struct MediaVariant {
    /// `320`, `640`, `1280` (only those narrower than the photo) or `full` (at most 2048 px on
    /// its longest side).
    #[schema(example = "640")]
    pub name: String,
    pub width: u32,
    pub height: u32,
}

/// An uploaded photo. It was decoded and re-encoded: no EXIF, GPS or other metadata is kept.
/// Its bytes are served only to readers of what it is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-cccc-7cc3-9a51-3c1f0e2b6d11",
    "kind": "image",
    "format": "jpeg",
    "width": 1024,
    "height": 768,
    "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
    "variants": [
        {"name": "320", "width": 320, "height": 240},
        {"name": "640", "width": 640, "height": 480},
        {"name": "full", "width": 1024, "height": 768}
    ],
    "created_at": "2026-12-09T10:00:00Z"
}))]
pub struct MediaItem {
    pub id: Uuid,
    /// `image` (videos come later).
    #[schema(example = "image")]
    pub kind: String,
    pub format: ImageFormat,
    /// Dimensions of the `full` variant.
    pub width: u32,
    pub height: u32,
    /// A BlurHash (4 × 3 components) to paint while the photo loads.
    pub blurhash: String,
    /// Smallest first, `full` last.
    pub variants: Vec<MediaVariant>,
    pub created_at: DateTime<Utc>,
}

/// The upload form (`multipart/form-data`): one part named `file` holding a JPEG, PNG or WebP
/// image (HEIC is refused: no pure-Rust decoder exists). The part's own content type and file
/// name are ignored: the type is read from the bytes.
#[derive(Debug, Clone, ToSchema)]
pub struct MediaUpload {
    /// The image bytes (at most 10 MiB by default, `ENTRAIDE_MEDIA_MAX_IMAGE_BYTES`).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// Which of your unattached photos becomes your avatar.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"media_id": "01939a4e-cccc-7cc3-9a51-3c1f0e2b6d11"}))]
pub struct AvatarRequest {
    /// One of your own photos, uploaded and not attached to anything yet.
    pub media_id: Uuid,
}

/// A variant to fetch.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MediaQuery {
    /// `320`, `640`, `1280` or `full` (the default). A variant the photo lacks (narrower
    /// originals have fewer) answers 404.
    #[param(example = "640")]
    pub variant: Option<String>,
}

/// The bytes of an image (served in the photo's own format).
#[derive(Debug, Clone, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ImageBytes(pub Vec<u8>);
