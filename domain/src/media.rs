//! Photos members attach to posts, comments and their avatar.
//!
//! An upload is sniffed (never trusted from the client), decoded within limits (a small file
//! declaring huge dimensions is refused before any allocation), re-encoded — which drops EXIF,
//! GPS and every other metadata — and stored as a few widths. A photo is readable exactly by
//! whoever may read what it is attached to ([`read_rule`]); an unattached photo only by its
//! uploader, until the scheduled worker deletes it ([`UNATTACHED_LIFETIME`]).

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::ParseError;
use crate::ids::{CommentId, MediaId, MemberId, PostId};

/// Photos a post may carry.
pub const MAX_PER_POST: usize = 4;
/// Photos a comment may carry.
pub const MAX_PER_COMMENT: usize = 2;
/// The narrower widths stored besides the full image (only those narrower than the original).
pub const VARIANT_WIDTHS: [u32; 3] = [320, 640, 1280];
/// The full variant's longest side: larger originals are scaled down to it.
pub const FULL_MAX_SIDE: u32 = 2048;
/// Widest or tallest image accepted for decoding (a decompression bomb declares more).
pub const MAX_SIDE: u32 = 12_000;
/// Most pixels accepted for decoding (48 megapixels: a recent phone's full sensor).
pub const MAX_PIXELS: u64 = 48_000_000;
/// How long an upload may wait to be attached before the worker deletes it.
pub const UNATTACHED_LIFETIME: Duration = Duration::hours(24);

/// Longest video accepted ("short videos": three minutes).
pub const MAX_VIDEO_MILLISECONDS: u64 = 180_000;

/// The formats accepted. Each image is re-encoded in its own format (JPEG stays lossy, PNG and
/// WebP lossless, so transparency is kept). HEIC/HEIF is refused: no pure-Rust decoder exists.
/// Videos (MP4, QuickTime) are kept as uploaded, their metadata boxes blanked in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaFormat {
    Jpeg,
    Png,
    Webp,
    /// An MPEG-4 video (ISO base media file).
    Mp4,
    /// A QuickTime movie (what iPhones record).
    Mov,
}

wire_enum!(MediaFormat, "format", "unknown_format",
    Jpeg => "jpeg", Png => "png", Webp => "webp", Mp4 => "mp4", Mov => "mov");

/// An image or a video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Video,
}

wire_enum!(MediaKind, "kind", "unknown_kind", Image => "image", Video => "video");

impl MediaFormat {
    /// The `Content-Type` the bytes are served with.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Mp4 => "video/mp4",
            Self::Mov => "video/quicktime",
        }
    }

    pub fn kind(self) -> MediaKind {
        match self {
            Self::Jpeg | Self::Png | Self::Webp => MediaKind::Image,
            Self::Mp4 | Self::Mov => MediaKind::Video,
        }
    }

    /// The file extension of the stored variants.
    pub fn extension(self) -> &'static str {
        self.as_str()
    }
}

/// Why an upload is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UploadRefusal {
    /// More bytes than the configured limit.
    #[error("the file is too large")]
    TooLarge,
    /// Not a JPEG, PNG or WebP by its bytes (HEIC included: `heic` says so).
    #[error("not a supported image")]
    Unsupported { heic: bool },
    /// A video, but not one kept (WebM, Matroska, fragmented MP4...).
    #[error("not a supported video")]
    UnsupportedVideo,
    /// An MP4 or QuickTime file whose structure cannot be read (or without a picture).
    #[error("the video cannot be read")]
    InvalidVideo,
    /// Longer than [`MAX_VIDEO_MILLISECONDS`].
    #[error("the video is too long")]
    VideoTooLong,
    /// Declares more pixels or a longer side than the limits (a decompression bomb).
    #[error("the image's dimensions are over the limits")]
    TooManyPixels,
    /// Looks like a supported format but cannot be decoded.
    #[error("the image cannot be decoded")]
    Undecodable,
    /// The request is not one file part (`file`).
    #[error("expected one file part")]
    NotOneFile,
}

/// Checks dimensions a decoder read from a header, before decoding anything.
pub fn check_dimensions(width: u32, height: u32) -> Result<(), UploadRefusal> {
    let pixels = u64::from(width).checked_mul(u64::from(height));
    if width == 0 || height == 0 {
        return Err(UploadRefusal::Undecodable);
    }
    match pixels {
        Some(p) if p <= MAX_PIXELS && width <= MAX_SIDE && height <= MAX_SIDE => Ok(()),
        _ => Err(UploadRefusal::TooManyPixels),
    }
}

/// A stored variant's name: `320`, `640`, `1280` or `full`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum VariantName {
    W320,
    W640,
    W1280,
    Full,
}

wire_enum!(VariantName, "variant", "unknown_variant",
    W320 => "320", W640 => "640", W1280 => "1280", Full => "full");

impl VariantName {
    fn of_width(width: u32) -> Option<Self> {
        match width {
            320 => Some(Self::W320),
            640 => Some(Self::W640),
            1280 => Some(Self::W1280),
            _ => None,
        }
    }
}

/// One stored size of a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    pub name: VariantName,
    pub width: u32,
    pub height: u32,
}

/// `width * target / original`, rounded, at least 1 (no overflow: computed in u64).
fn scaled(side: u32, target: u32, original: u32) -> u32 {
    // u32 * u32 fits in u64, so only a zero divisor could fail: checked all the same.
    let value = u64::from(side)
        .checked_mul(u64::from(target))
        .and_then(|p| p.checked_add(u64::from(original) / 2))
        .and_then(|p| p.checked_div(u64::from(original)))
        .unwrap_or(1);
    u32::try_from(value.max(1)).unwrap_or(u32::MAX)
}

/// The variants stored for an image of `width` × `height`: each of [`VARIANT_WIDTHS`] narrower
/// than the image, then `full`, whose longest side is at most [`FULL_MAX_SIDE`].
pub fn variants_for(width: u32, height: u32) -> Vec<Variant> {
    let (full_width, full_height) = if width.max(height) > FULL_MAX_SIDE {
        if width >= height {
            (FULL_MAX_SIDE, scaled(height, FULL_MAX_SIDE, width))
        } else {
            (scaled(width, FULL_MAX_SIDE, height), FULL_MAX_SIDE)
        }
    } else {
        (width, height)
    };
    let mut out: Vec<Variant> = VARIANT_WIDTHS
        .iter()
        .filter(|w| **w < full_width)
        .filter_map(|w| {
            VariantName::of_width(*w).map(|name| Variant {
                name,
                width: *w,
                height: scaled(full_height, *w, full_width),
            })
        })
        .collect();
    out.push(Variant {
        name: VariantName::Full,
        width: full_width,
        height: full_height,
    });
    out
}

/// What a photo illustrates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attachment {
    /// Uploaded, not yet used: its uploader's alone, deleted after [`UNATTACHED_LIFETIME`].
    Unattached,
    Post(PostId),
    Comment(CommentId),
    /// Its owner's avatar.
    Avatar,
}

/// A stored photo or video.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub id: MediaId,
    pub owner_id: MemberId,
    pub format: MediaFormat,
    /// Dimensions of the `full` variant (a video's picture size).
    pub width: u32,
    pub height: u32,
    /// An image's placeholder (`None` for a video: it is never decoded).
    pub blurhash: Option<String>,
    /// A video's length (`None` for an image).
    pub duration_ms: Option<u64>,
    pub variants: Vec<Variant>,
    /// Bytes stored, all variants together.
    pub byte_size: i64,
    pub attachment: Attachment,
    pub created_at: DateTime<Utc>,
    /// When it was attached (`None` while unattached).
    pub attached_at: Option<DateTime<Utc>>,
}

impl Media {
    pub fn variant(&self, name: VariantName) -> Option<Variant> {
        self.variants.iter().copied().find(|v| v.name == name)
    }
}

/// Which check serves a photo to a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadRule {
    /// Readers of the post (its read policy; never once the post is deleted).
    Post(PostId),
    /// Readers of the comment (its post's read policy and the comment's own filters).
    Comment(CommentId),
    /// Anyone: an avatar is part of the public profile card, like the pseudonym.
    Anyone,
    /// Nobody but `MemberId` itself (an unattached upload, for its uploader).
    Owner(MemberId),
}

/// The read policy of a photo: it inherits the visibility of what it is attached to. An
/// unattached upload is its uploader's alone (a 404 for anyone else, as for no photo at all).
pub fn read_rule(media: &Media) -> ReadRule {
    match media.attachment {
        Attachment::Unattached => ReadRule::Owner(media.owner_id),
        Attachment::Post(post) => ReadRule::Post(post),
        Attachment::Comment(comment) => ReadRule::Comment(comment),
        Attachment::Avatar => ReadRule::Anyone,
    }
}

/// Why a photo cannot be attached: one answer for "not yours", "already used" and "no such
/// photo", so an id reveals nothing about someone else's uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not one of your unattached photos")]
pub struct NotAttachable;

/// Only the uploader's own unattached photos can be attached.
pub fn can_attach(media: &Media, actor: MemberId) -> Result<(), NotAttachable> {
    if media.owner_id == actor && media.attachment == Attachment::Unattached {
        Ok(())
    } else {
        Err(NotAttachable)
    }
}

/// The `media_ids` of a post or comment: at most `max`, no id twice.
pub fn parse_media_ids(ids: &[Uuid], max: usize) -> Result<Vec<MediaId>, ParseError> {
    if ids.len() > max {
        return Err(ParseError::single(
            "media_ids",
            "too_many",
            format!("at most {max} photos"),
        ));
    }
    let mut out: Vec<MediaId> = Vec::with_capacity(ids.len());
    for id in ids {
        let id = MediaId::from_uuid(*id);
        if out.contains(&id) {
            return Err(ParseError::single(
                "media_ids",
                "duplicate",
                "a photo is listed twice",
            ));
        }
        out.push(id);
    }
    Ok(out)
}

/// Video metadata a phone writes (ISO base media boxes): `udta` (user data: GPS `©xyz`, the
/// device's make and model), `meta` (Apple's keys: location, software, creation date), and
/// `uuid` boxes (XMP, vendors' GPS tracks). Blanked in place (turned into `free` boxes of the
/// same size, their bytes zeroed), so no sample offset moves and nothing is transcoded.
pub const VIDEO_METADATA_BOXES: [&[u8; 4]; 3] = [b"udta", b"meta", b"uuid"];

#[cfg(test)]
mod tests {
    use super::*;

    fn media(owner: MemberId, attachment: Attachment) -> Media {
        Media {
            id: MediaId::new(),
            owner_id: owner,
            format: MediaFormat::Jpeg,
            width: 10,
            height: 10,
            blurhash: None,
            duration_ms: None,
            variants: variants_for(10, 10),
            byte_size: 0,
            attachment,
            created_at: Utc::now(),
            attached_at: None,
        }
    }

    #[test]
    fn variants_are_the_narrower_widths_then_a_capped_full() {
        let names = |v: Vec<Variant>| {
            v.iter()
                .map(|v| (v.name.as_str(), v.width, v.height))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(variants_for(300, 200)), vec![("full", 300, 200)]);
        assert_eq!(
            names(variants_for(1000, 500)),
            vec![("320", 320, 160), ("640", 640, 320), ("full", 1000, 500)]
        );
        assert_eq!(
            names(variants_for(4000, 3000)),
            vec![
                ("320", 320, 240),
                ("640", 640, 480),
                ("1280", 1280, 960),
                ("full", 2048, 1536)
            ]
        );
        // Portrait: the height is capped.
        assert_eq!(
            variants_for(3000, 6000).last().map(|v| (v.width, v.height)),
            Some((1024, 2048))
        );
        // Extremely thin: never a zero side.
        assert!(variants_for(12_000, 1).iter().all(|v| v.height >= 1));
    }

    #[test]
    fn bombs_are_refused_from_their_header() {
        assert_eq!(check_dimensions(4000, 3000), Ok(()));
        assert_eq!(
            check_dimensions(60_000, 60_000),
            Err(UploadRefusal::TooManyPixels)
        );
        assert_eq!(
            check_dimensions(12_001, 10),
            Err(UploadRefusal::TooManyPixels)
        );
        assert_eq!(
            check_dimensions(u32::MAX, u32::MAX),
            Err(UploadRefusal::TooManyPixels)
        );
        assert_eq!(check_dimensions(0, 10), Err(UploadRefusal::Undecodable));
    }

    #[test]
    fn the_read_rule_follows_the_attachment() {
        let owner = MemberId::new();
        let post = PostId::new();
        let comment = CommentId::new();
        let table = [
            (Attachment::Unattached, ReadRule::Owner(owner)),
            (Attachment::Post(post), ReadRule::Post(post)),
            (Attachment::Comment(comment), ReadRule::Comment(comment)),
            (Attachment::Avatar, ReadRule::Anyone),
        ];
        for (attachment, rule) in table {
            assert_eq!(read_rule(&media(owner, attachment)), rule, "{attachment:?}");
        }
    }

    #[test]
    fn only_ones_own_unattached_photo_can_be_attached() {
        let owner = MemberId::new();
        let other = MemberId::new();
        assert_eq!(
            can_attach(&media(owner, Attachment::Unattached), owner),
            Ok(())
        );
        assert_eq!(
            can_attach(&media(owner, Attachment::Unattached), other),
            Err(NotAttachable)
        );
        assert_eq!(
            can_attach(&media(owner, Attachment::Post(PostId::new())), owner),
            Err(NotAttachable)
        );
        assert_eq!(
            can_attach(&media(owner, Attachment::Avatar), owner),
            Err(NotAttachable)
        );
    }

    #[test]
    fn media_ids_are_bounded_and_distinct() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        assert_eq!(
            parse_media_ids(&[a, b], MAX_PER_COMMENT).map(|v| v.len()),
            Ok(2)
        );
        assert!(parse_media_ids(&[a, b, Uuid::now_v7()], MAX_PER_COMMENT).is_err());
        assert!(parse_media_ids(&[a, a], MAX_PER_POST).is_err());
        assert_eq!(parse_media_ids(&[], MAX_PER_POST).map(|v| v.len()), Ok(0));
    }

    #[test]
    fn variant_names_round_trip() {
        for name in VariantName::ALL {
            assert_eq!(VariantName::parse(name.as_str()), Ok(*name));
        }
        assert!(VariantName::parse("99999").is_err());
    }
}
