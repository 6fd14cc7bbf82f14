//! Videos: MP4 and QuickTime files (ISO base media), kept as uploaded — no transcoding — with
//! their metadata blanked in place.
//!
//! A phone writes where and when a video was shot, and on what device, in boxes of the `moov`
//! tree (`udta` with `©xyz`, Apple's `meta` keys, vendors' `uuid` boxes) and in the creation
//! and modification times of `mvhd`, `tkhd` and `mdhd`. Each metadata box is turned into a
//! `free` box of the same size with its bytes zeroed, and the times are zeroed: no byte moves,
//! so every sample offset (`stco`/`co64`) stays right and the file plays as before.
//!
//! Refused: fragmented files (`moof`: their metadata can hide in every fragment), files without
//! a picture or a length, and anything whose box sizes do not add up. WebM/Matroska is refused
//! too (see `docs/API-DESIGN.md`): its metadata lives in EBML elements this module does not
//! rewrite.
//!
//! CPU-light but it walks the whole upload: run it on the blocking pool.

use entraide_domain::media::{
    MAX_SIDE, MAX_VIDEO_MILLISECONDS, MediaFormat, UploadRefusal, VIDEO_METADATA_BOXES,
};

/// Containers searched for metadata boxes and track headers (never deeper than
/// [`MAX_DEPTH`]: a hostile file may nest them without end).
const CONTAINERS: [&[u8; 4]; 7] = [
    b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf",
];
const MAX_DEPTH: usize = 8;

/// A video ready to store: its bytes (metadata blanked) and what it is.
#[derive(Debug)]
pub struct Video {
    pub format: MediaFormat,
    pub width: u32,
    pub height: u32,
    pub duration_ms: u64,
    pub bytes: Vec<u8>,
}

/// Does this look like an ISO base media file (`ftyp` first) of a video brand? HEIF/AVIF
/// images share the container: the caller routes those to the image path first.
pub fn is_iso_media(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[4..8] == b"ftyp"
}

/// WebM and Matroska start with the EBML magic number.
pub fn is_matroska(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])
}

/// One box: where it starts, its header's length, where it ends, its type.
#[derive(Debug, Clone, Copy)]
struct BoxAt {
    start: usize,
    header: usize,
    end: usize,
    kind: [u8; 4],
}

impl BoxAt {
    fn payload(self) -> std::ops::Range<usize> {
        self.start + self.header..self.end
    }
}

fn invalid() -> UploadRefusal {
    UploadRefusal::InvalidVideo
}

fn read_u32(bytes: &[u8], at: usize) -> Result<u32, UploadRefusal> {
    let slice = bytes.get(at..at.checked_add(4).ok_or_else(invalid)?);
    let array: [u8; 4] = slice.and_then(|s| s.try_into().ok()).ok_or_else(invalid)?;
    Ok(u32::from_be_bytes(array))
}

fn read_u64(bytes: &[u8], at: usize) -> Result<u64, UploadRefusal> {
    let slice = bytes.get(at..at.checked_add(8).ok_or_else(invalid)?);
    let array: [u8; 8] = slice.and_then(|s| s.try_into().ok()).ok_or_else(invalid)?;
    Ok(u64::from_be_bytes(array))
}

/// The boxes laid end to end in `bytes[from..to]`; every size must fit its container.
fn boxes(bytes: &[u8], from: usize, to: usize) -> Result<Vec<BoxAt>, UploadRefusal> {
    let mut out = Vec::new();
    let mut at = from;
    while at < to {
        let size32 = read_u32(bytes, at)?;
        let kind: [u8; 4] = bytes
            .get(at + 4..at + 8)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(invalid)?;
        let (header, size) = match size32 {
            // Extends to the end of its container.
            0 => (8, to - at),
            // A 64-bit size follows the type.
            1 => {
                let large = usize::try_from(read_u64(bytes, at + 8)?).map_err(|_| invalid())?;
                (16, large)
            }
            n => (8, usize::try_from(n).map_err(|_| invalid())?),
        };
        let end = at.checked_add(size).ok_or_else(invalid)?;
        if size < header || end > to {
            return Err(invalid());
        }
        out.push(BoxAt {
            start: at,
            header,
            end,
            kind,
        });
        at = end;
    }
    Ok(out)
}

/// Turns a box into a `free` box of the same size and zeroes its contents.
fn blank(bytes: &mut [u8], b: BoxAt) {
    bytes[b.start + 4..b.start + 8].copy_from_slice(b"free");
    bytes[b.payload()].fill(0);
}

/// Zeroes the creation and modification times of a full box with `mvhd`'s, `tkhd`'s or
/// `mdhd`'s layout (version 0: two u32 after the version and flags; version 1: two u64).
fn zero_times(bytes: &mut [u8], b: BoxAt) -> Result<(), UploadRefusal> {
    let p = b.start + b.header;
    let version = *bytes.get(p).ok_or_else(invalid)?;
    let span = if version == 1 { 16 } else { 8 };
    bytes
        .get_mut(p + 4..p + 4 + span)
        .filter(|_| p + 4 + span <= b.end)
        .ok_or_else(invalid)?
        .fill(0);
    Ok(())
}

/// What the walk found.
#[derive(Default)]
struct Found {
    /// (timescale, duration) of `mvhd`.
    movie: Option<(u32, u64)>,
    /// The largest picture of the tracks.
    width: u32,
    height: u32,
}

/// Walks the children of a container: blanks metadata, zeroes times, reads `mvhd`/`tkhd`.
fn walk(
    bytes: &mut [u8],
    from: usize,
    to: usize,
    depth: usize,
    found: &mut Found,
) -> Result<(), UploadRefusal> {
    if depth > MAX_DEPTH {
        return Err(invalid());
    }
    for b in boxes(bytes, from, to)? {
        let kind = &b.kind;
        if VIDEO_METADATA_BOXES.contains(&kind) {
            blank(bytes, b);
        } else if kind == b"mvhd" {
            let p = b.start + b.header;
            let version = *bytes.get(p).ok_or_else(invalid)?;
            let (timescale, duration) = if version == 1 {
                (read_u32(bytes, p + 20)?, read_u64(bytes, p + 24)?)
            } else {
                (
                    read_u32(bytes, p + 12)?,
                    u64::from(read_u32(bytes, p + 16)?),
                )
            };
            if b.end < p + if version == 1 { 32 } else { 20 } {
                return Err(invalid());
            }
            found.movie = Some((timescale, duration));
            zero_times(bytes, b)?;
        } else if kind == b"tkhd" {
            // Width and height (16.16 fixed point) are the box's last eight bytes.
            if b.end < b.start + b.header + 84 {
                return Err(invalid());
            }
            let width = read_u32(bytes, b.end - 8)? >> 16;
            let height = read_u32(bytes, b.end - 4)? >> 16;
            if u64::from(width) * u64::from(height)
                > u64::from(found.width) * u64::from(found.height)
            {
                found.width = width;
                found.height = height;
            }
            zero_times(bytes, b)?;
        } else if kind == b"mdhd" {
            zero_times(bytes, b)?;
        } else if CONTAINERS.contains(&kind) {
            let payload = b.payload();
            walk(bytes, payload.start, payload.end, depth + 1, found)?;
        }
    }
    Ok(())
}

/// Checks an MP4 or QuickTime upload and blanks its metadata.
pub fn process(mut bytes: Vec<u8>) -> Result<Video, UploadRefusal> {
    let top = boxes(&bytes, 0, bytes.len())?;
    let ftyp = top
        .first()
        .filter(|b| &b.kind == b"ftyp")
        .copied()
        .ok_or_else(invalid)?;
    let brand = bytes
        .get(ftyp.start + 8..ftyp.start + 12)
        .ok_or_else(invalid)?;
    let format = if brand == b"qt  " {
        MediaFormat::Mov
    } else {
        MediaFormat::Mp4
    };
    if top.iter().any(|b| &b.kind == b"moof") {
        return Err(UploadRefusal::UnsupportedVideo);
    }
    let movies = top.iter().filter(|b| &b.kind == b"moov").count();
    if movies != 1 || !top.iter().any(|b| &b.kind == b"mdat") {
        return Err(invalid());
    }
    let mut found = Found::default();
    for b in top {
        if VIDEO_METADATA_BOXES.contains(&&b.kind) {
            blank(&mut bytes, b);
        } else if &b.kind == b"moov" {
            let payload = b.payload();
            walk(&mut bytes, payload.start, payload.end, 1, &mut found)?;
        }
    }
    let (timescale, duration) = found.movie.ok_or_else(invalid)?;
    if timescale == 0 || duration == 0 || duration == u64::MAX || duration == u64::from(u32::MAX) {
        return Err(invalid());
    }
    let duration_ms = duration
        .checked_mul(1000)
        .map(|ms| ms / u64::from(timescale))
        .ok_or(UploadRefusal::VideoTooLong)?;
    if duration_ms > MAX_VIDEO_MILLISECONDS {
        return Err(UploadRefusal::VideoTooLong);
    }
    let (width, height) = (found.width, found.height);
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(invalid());
    }
    Ok(Video {
        format,
        width,
        height,
        duration_ms: duration_ms.max(1),
        bytes,
    })
}

/// Test files: a minimal, well-formed MP4 (what a phone writes, minus the samples' codec
/// data), for this crate's tests and the end-to-end tests.
pub mod sample {
    fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(payload.len() + 8);
        out.extend_from_slice(
            &u32::try_from(payload.len() + 8)
                .unwrap_or(u32::MAX)
                .to_be_bytes(),
        );
        out.extend_from_slice(kind);
        out.extend_from_slice(payload);
        out
    }

    /// An MP4 (`brand`: `isom`, or `qt  ` for QuickTime) of `seconds` at 1000 units a second,
    /// `width`×`height`, recorded at `gps` (an ISO 6709 string in `udta/©xyz`), with a device
    /// name in Apple's `meta` and a creation time in `mvhd`.
    pub fn mp4(brand: &[u8; 4], seconds: u32, width: u16, height: u16, gps: &str) -> Vec<u8> {
        let mut ftyp = brand.to_vec();
        ftyp.extend_from_slice(&[0, 0, 2, 0]);
        ftyp.extend_from_slice(b"isommp42");
        let mut mvhd = vec![0u8; 100];
        mvhd[4..8].copy_from_slice(&0xE1F2_A3B4_u32.to_be_bytes()); // creation time
        mvhd[8..12].copy_from_slice(&0xE1F2_A3B5_u32.to_be_bytes()); // modification time
        mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
        mvhd[16..20].copy_from_slice(&seconds.saturating_mul(1000).to_be_bytes());
        let mut tkhd = vec![0u8; 84];
        tkhd[4..8].copy_from_slice(&0xE1F2_A3B4_u32.to_be_bytes());
        tkhd[76..80].copy_from_slice(&(u32::from(width) << 16).to_be_bytes());
        tkhd[80..84].copy_from_slice(&(u32::from(height) << 16).to_be_bytes());
        let mut xyz = vec![0, u8::try_from(gps.len()).unwrap_or(0), 0x15, 0xC7];
        xyz.extend_from_slice(gps.as_bytes());
        let udta = boxed(b"udta", &boxed(b"\xA9xyz", &xyz));
        let mut meta = vec![0u8; 4];
        meta.extend_from_slice(&boxed(b"keys", b"com.apple.quicktime.model iPhone 15"));
        let meta = boxed(b"meta", &meta);
        let trak = boxed(
            b"trak",
            &[boxed(b"tkhd", &tkhd), boxed(b"udta", b"trackname")].concat(),
        );
        let moov = boxed(b"moov", &[boxed(b"mvhd", &mvhd), trak, udta, meta].concat());
        [
            boxed(b"ftyp", &ftyp),
            moov,
            boxed(b"mdat", &[0x42u8; 64]),
            boxed(b"uuid", b"\xBE\x7A\xCF\xCB\x97\xA9\x42\xE8\x9C\x71\x99\x94\x91\xE3\xAF\xACxmp:GPSLatitude=48.85"),
        ]
        .concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn metadata_is_blanked_in_place_and_the_file_keeps_its_size() {
        let original = sample::mp4(b"isom", 12, 1920, 1080, "+48.8566+002.3522/");
        assert!(contains(&original, b"+48.8566"));
        let video = process(original.clone()).unwrap();
        assert_eq!(video.format, MediaFormat::Mp4);
        assert_eq!((video.width, video.height), (1920, 1080));
        assert_eq!(video.duration_ms, 12_000);
        assert_eq!(video.bytes.len(), original.len(), "no byte moved");
        for secret in [
            &b"+48.8566"[..],
            b"iPhone",
            b"GPSLatitude",
            b"trackname",
            &0xE1F2_A3B4_u32.to_be_bytes(),
        ] {
            assert!(!contains(&video.bytes, secret), "{secret:?} survived");
        }
        // The samples are untouched, at the same offset.
        let at = original.windows(8).position(|w| w == [0x42; 8]).unwrap();
        assert_eq!(video.bytes[at..at + 64], original[at..at + 64]);
        // And the result is still a well-formed file.
        assert!(process(video.bytes).is_ok());
    }

    #[test]
    fn quicktime_is_recognised_by_its_brand() {
        let video = process(sample::mp4(b"qt  ", 3, 720, 1280, "+45.76+004.83/")).unwrap();
        assert_eq!(video.format, MediaFormat::Mov);
        assert_eq!((video.width, video.height), (720, 1280));
    }

    #[test]
    fn refusals() {
        let long = sample::mp4(b"isom", 181, 640, 360, "");
        assert_eq!(process(long).unwrap_err(), UploadRefusal::VideoTooLong);
        let no_picture = sample::mp4(b"isom", 10, 0, 0, "");
        assert_eq!(
            process(no_picture).unwrap_err(),
            UploadRefusal::InvalidVideo
        );
        let good = sample::mp4(b"isom", 10, 640, 360, "");
        // A box claiming more than the file holds.
        let mut lying = good.clone();
        lying[0..4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(process(lying).unwrap_err(), UploadRefusal::InvalidVideo);
        // Truncated anywhere: refused, never a panic.
        for cut in (0..good.len()).step_by(7) {
            let _ = process(good[..cut].to_vec());
        }
        // A fragmented file.
        let mut fragmented = good.clone();
        fragmented.extend_from_slice(&[0, 0, 0, 8, b'm', b'o', b'o', b'f']);
        assert_eq!(
            process(fragmented).unwrap_err(),
            UploadRefusal::UnsupportedVideo
        );
        // Nesting without end is cut short.
        let mut nested = vec![0u8; 0];
        for _ in 0..40 {
            let mut b = u32::try_from(nested.len() + 8)
                .unwrap()
                .to_be_bytes()
                .to_vec();
            b.extend_from_slice(b"trak");
            b.extend_from_slice(&nested);
            nested = b;
        }
        let mut deep = good[..good.windows(4).position(|w| w == b"moov").unwrap() - 4].to_vec();
        let mut moov = u32::try_from(nested.len() + 8)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        moov.extend_from_slice(b"moov");
        moov.extend_from_slice(&nested);
        deep.extend_from_slice(&moov);
        deep.extend_from_slice(&[0, 0, 0, 8, b'm', b'd', b'a', b't']);
        assert_eq!(process(deep).unwrap_err(), UploadRefusal::InvalidVideo);
    }
}
