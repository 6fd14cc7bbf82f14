//! The image pipeline: what an upload becomes before anything is stored.
//!
//! 1. The format is sniffed from the bytes (`image::guess_format`), whatever the client said.
//! 2. The header's dimensions are checked against `domain::media` limits before decoding, and
//!    the decoder runs under `image::Limits` (side and allocation caps): a small file declaring
//!    a huge image is refused without allocating it.
//! 3. The pixels are decoded (the EXIF orientation applied first, so the photo stays upright)
//!    and re-encoded from pixels alone: EXIF, GPS, XMP, ICC and comments are not carried over.
//! 4. Each variant of `domain::media::variants_for` is encoded in the upload's own format, and
//!    a BlurHash is computed from a 32-pixel thumbnail.
//!
//! CPU-bound: run it on the blocking pool.

use std::io::Cursor;

use entraide_domain::media::{
    MAX_PIXELS, MAX_SIDE, MediaFormat, UploadRefusal, Variant, check_dimensions, variants_for,
};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};

/// JPEG quality of re-encoded photos.
const JPEG_QUALITY: u8 = 85;

/// A decoded, re-encoded upload: its variants' bytes, smallest first, `full` last.
pub struct Processed {
    pub format: MediaFormat,
    pub width: u32,
    pub height: u32,
    pub blurhash: String,
    pub variants: Vec<(Variant, Vec<u8>)>,
}

impl Processed {
    /// Bytes of all variants together.
    pub fn byte_size(&self) -> i64 {
        self.variants
            .iter()
            .map(|(_, bytes)| i64::try_from(bytes.len()).unwrap_or(i64::MAX))
            .fold(0i64, i64::saturating_add)
    }
}

/// HEIC/HEIF (an ISO-BMFF `ftyp` box of an image brand): named in the refusal, since phones
/// send it and no pure-Rust decoder exists.
pub fn is_heif(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" | b"avif"
        )
}

fn sniff(bytes: &[u8]) -> Result<(MediaFormat, image::ImageFormat), UploadRefusal> {
    match image::guess_format(bytes) {
        Ok(image::ImageFormat::Jpeg) => Ok((MediaFormat::Jpeg, image::ImageFormat::Jpeg)),
        Ok(image::ImageFormat::Png) => Ok((MediaFormat::Png, image::ImageFormat::Png)),
        Ok(image::ImageFormat::WebP) => Ok((MediaFormat::Webp, image::ImageFormat::WebP)),
        _ => Err(UploadRefusal::Unsupported {
            heic: is_heif(bytes),
        }),
    }
}

fn refusal(error: &ImageError) -> UploadRefusal {
    match error {
        ImageError::Limits(_) => UploadRefusal::TooManyPixels,
        _ => UploadRefusal::Undecodable,
    }
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // RGBA at the pixel limit, with room for the decoder's own buffers.
    limits.max_alloc = Some(MAX_PIXELS.saturating_mul(4).saturating_add(64 << 20));
    limits
}

fn decode(bytes: &[u8], format: image::ImageFormat) -> Result<DynamicImage, UploadRefusal> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| refusal(&e))?;
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height)?;
    // A broken EXIF block only loses the orientation, never the photo.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| refusal(&e))?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn encode(image: &DynamicImage, format: MediaFormat) -> Result<Vec<u8>, UploadRefusal> {
    let mut out = Vec::new();
    let result = match format {
        MediaFormat::Jpeg => DynamicImage::ImageRgb8(image.to_rgb8())
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)),
        MediaFormat::Png => {
            let image = if image.color().has_alpha() {
                DynamicImage::ImageRgba8(image.to_rgba8())
            } else {
                DynamicImage::ImageRgb8(image.to_rgb8())
            };
            image.write_with_encoder(PngEncoder::new(&mut out))
        }
        MediaFormat::Webp => DynamicImage::ImageRgba8(image.to_rgba8())
            .write_with_encoder(WebPEncoder::new_lossless(&mut out)),
        // Never sniffed as an image.
        MediaFormat::Mp4 | MediaFormat::Mov => return Err(UploadRefusal::Undecodable),
    };
    result.map_err(|e| {
        tracing::warn!(error = %e, "could not re-encode a decoded image");
        UploadRefusal::Undecodable
    })?;
    Ok(out)
}

fn blurhash(image: &DynamicImage) -> Result<String, UploadRefusal> {
    let small = image.thumbnail(32, 32).to_rgba8();
    blurhash::encode(4, 3, small.width(), small.height(), small.as_raw())
        .map_err(|_| UploadRefusal::Undecodable)
}

/// Sniffs, decodes, strips and resizes an upload.
pub fn process(bytes: &[u8]) -> Result<Processed, UploadRefusal> {
    let (format, codec) = sniff(bytes)?;
    let image = decode(bytes, codec)?;
    let planned = variants_for(image.width(), image.height());
    let mut variants = Vec::with_capacity(planned.len());
    for variant in planned {
        let resized = if variant.width == image.width() && variant.height == image.height() {
            image.clone()
        } else {
            image.resize_exact(variant.width, variant.height, FilterType::Triangle)
        };
        variants.push((variant, encode(&resized, format)?));
    }
    let (full, _) = variants.last().ok_or(UploadRefusal::Undecodable)?;
    Ok(Processed {
        format,
        width: full.width,
        height: full.height,
        blurhash: blurhash(&image)?,
        variants,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(image)
            .write_with_encoder(PngEncoder::new(&mut out))
            .unwrap();
        out
    }

    #[test]
    fn a_png_becomes_its_variants_and_a_blurhash() {
        let processed = process(&png(700, 350)).unwrap();
        assert_eq!(processed.format, MediaFormat::Png);
        assert_eq!((processed.width, processed.height), (700, 350));
        let names: Vec<&str> = processed
            .variants
            .iter()
            .map(|(v, _)| v.name.as_str())
            .collect();
        assert_eq!(names, ["320", "640", "full"]);
        assert!(!processed.blurhash.is_empty());
        for (variant, bytes) in &processed.variants {
            let decoded = image::load_from_memory(bytes).unwrap();
            assert_eq!(
                (decoded.width(), decoded.height()),
                (variant.width, variant.height)
            );
        }
    }

    #[test]
    fn text_and_heic_are_refused_by_their_bytes() {
        assert_eq!(
            process(b"hello, I am not an image").err(),
            Some(UploadRefusal::Unsupported { heic: false })
        );
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        assert_eq!(
            process(&heic).err(),
            Some(UploadRefusal::Unsupported { heic: true })
        );
    }
}
