//! Photos and videos outside the database: the media store (where the bytes live), the image
//! pipeline (sniff, decode within limits, re-encode without metadata, resize, blurhash) and the
//! video check (MP4/QuickTime kept as uploaded, metadata blanked in place).

pub mod process;
pub mod store;
pub mod video;

pub use store::{FsStore, MediaStore};
