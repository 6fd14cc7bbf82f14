//! Photos and videos: what an upload returns and how posts, comments and avatars refer to them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The format a photo or video is stored and served in (its own: uploads are sniffed, never
/// trusted from the client's `Content-Type`). `mp4` is served as `video/mp4`, `mov` as
/// `video/quicktime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaFormat {
    Jpeg,
    Png,
    Webp,
    Mp4,
    Mov,
}

/// An image or a video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    Video,
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

/// An uploaded photo or video. A photo was decoded and re-encoded: no EXIF, GPS or other
/// metadata is kept. A video is kept as uploaded with its metadata boxes (GPS, device, dates)
/// blanked. The bytes are served only to readers of what it is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-cccc-7cc3-9a51-3c1f0e2b6d11",
    "kind": "image",
    "format": "jpeg",
    "width": 1024,
    "height": 768,
    "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
    "duration_ms": null,
    "variants": [
        {"name": "320", "width": 320, "height": 240},
        {"name": "640", "width": 640, "height": 480},
        {"name": "full", "width": 1024, "height": 768}
    ],
    "created_at": "2026-12-09T10:00:00Z"
}))]
pub struct MediaItem {
    pub id: Uuid,
    pub kind: MediaKind,
    pub format: MediaFormat,
    /// Dimensions of the `full` variant (a video's picture).
    pub width: u32,
    pub height: u32,
    /// A BlurHash (4 × 3 components) to paint while a photo loads; `null` for a video.
    pub blurhash: Option<String>,
    /// A video's length in milliseconds; `null` for a photo.
    pub duration_ms: Option<u64>,
    /// Smallest first, `full` last.
    pub variants: Vec<MediaVariant>,
    pub created_at: DateTime<Utc>,
}

/// The upload form (`multipart/form-data`): one part named `file` holding a JPEG, PNG or WebP
/// image (HEIC is refused: no pure-Rust decoder exists) or an MP4 or QuickTime video of at
/// most three minutes. The part's own content type and file name are ignored: the type is
/// read from the bytes.
#[derive(Debug, Clone, ToSchema)]
pub struct MediaUpload {
    /// The file's bytes: an image of at most 10 MiB (`ENTRAIDE_MEDIA_MAX_IMAGE_BYTES`), a
    /// video of at most 50 MiB (`ENTRAIDE_MEDIA_MAX_VIDEO_BYTES`).
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

/// The name of a stored variant: a width, or the full image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum MediaVariantName {
    #[serde(rename = "320")]
    W320,
    #[serde(rename = "640")]
    W640,
    #[serde(rename = "1280")]
    W1280,
    #[serde(rename = "full")]
    Full,
}

/// A variant to fetch.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MediaQuery {
    /// `320`, `640`, `1280` or `full` (the default). A variant the photo lacks (narrower
    /// originals have fewer; a video has only `full`) answers 404; another value 422
    /// `unknown_variant`.
    #[param(example = "640", value_type = Option<MediaVariantName>)]
    pub variant: Option<String>,
}

/// The bytes of an image or a video (served in its own format; a video answers `Range`
/// requests with `206 Partial Content`).
#[derive(Debug, Clone, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ImageBytes(pub Vec<u8>);

/// Where a linked video is hosted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VideoProvider {
    Youtube,
    Vimeo,
    Peertube,
}

/// A preview of a video linked in a post or comment, derived from the link alone (the server
/// fetches nothing). Every address is rebuilt from the checked video id on the provider's own
/// host: YouTube's privacy-enhanced `youtube-nocookie.com` player, Vimeo's player with
/// `dnt=1`, the PeerTube instance's embed (only for the instances the platform allows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "provider": "youtube",
    "video_id": "dQw4w9WgXcQ",
    "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "embed_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    "thumbnail_url": "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
}))]
pub struct VideoPreview {
    pub provider: VideoProvider,
    pub video_id: String,
    /// The video's page.
    pub url: String,
    /// The provider's player, for an `<iframe>`.
    pub embed_url: String,
    /// A still image where the provider serves one at a fixed address (YouTube), else `null`.
    pub thumbnail_url: Option<String>,
}
