//! Photos on the wire.

use entraide_domain::media::{ImageFormat, Media, Variant};
use entraide_openapi::media as wire;

enum_conversions!(
    format_to_wire,
    format_from_wire,
    ImageFormat,
    wire::ImageFormat,
    [Jpeg, Png, Webp]
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
        variants,
        byte_size: _,
        attachment: _,
        created_at,
        attached_at: _,
    } = media;
    wire::MediaItem {
        id: id.as_uuid(),
        kind: "image".to_owned(),
        format: format_to_wire(format),
        width,
        height,
        blurhash,
        variants: variants.into_iter().map(variant).collect(),
        created_at,
    }
}
