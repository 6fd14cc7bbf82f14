//! Photos on the wire.

use entraide_domain::media::{Media, MediaFormat, MediaKind, Variant};
use entraide_openapi::media as wire;

enum_conversions!(
    format_to_wire,
    format_from_wire,
    MediaFormat,
    wire::MediaFormat,
    [Jpeg, Png, Webp, Mp4, Mov]
);

enum_conversions!(
    kind_to_wire,
    kind_from_wire,
    MediaKind,
    wire::MediaKind,
    [Image, Video]
);

fn variant(variant: Variant) -> wire::MediaVariant {
    let Variant {
        name,
        width,
        height,
    } = variant;
    wire::MediaVariant {
        name: name.as_str().to_owned(),
        width,
        height,
    }
}

pub fn item(media: Media) -> wire::MediaItem {
    let Media {
        id,
        owner_id: _,
        format,
        width,
        height,
        blurhash,
        duration_ms,
        variants,
        byte_size: _,
        attachment: _,
        created_at,
        attached_at: _,
    } = media;
    wire::MediaItem {
        id: id.as_uuid(),
        kind: kind_to_wire(format.kind()),
        format: format_to_wire(format),
        width,
        height,
        blurhash,
        duration_ms,
        variants: variants.into_iter().map(variant).collect(),
        created_at,
    }
}

enum_conversions!(
    provider_to_wire,
    provider_from_wire,
    entraide_domain::video_link::VideoProvider,
    wire::VideoProvider,
    [Youtube, Vimeo, Peertube]
);

/// The previews of the video links of a post's or comment's body.
pub fn video_previews(body: &str) -> Vec<wire::VideoPreview> {
    entraide_domain::video_link::previews(body)
        .into_iter()
        .map(|preview| {
            let entraide_domain::video_link::VideoPreview {
                provider,
                video_id,
                url,
                embed_url,
                thumbnail_url,
            } = preview;
            wire::VideoPreview {
                provider: provider_to_wire(provider),
                video_id,
                url,
                embed_url,
                thumbnail_url,
            }
        })
        .collect()
}
