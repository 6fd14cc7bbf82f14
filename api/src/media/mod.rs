//! Photos and videos outside the database: the media store (where the bytes live: a local
//! folder or an S3-compatible object store), the image pipeline (sniff, decode within limits,
//! re-encode without metadata, resize, blurhash) and the video check (MP4/QuickTime kept as
//! uploaded, metadata blanked in place).

pub mod process;
pub mod s3;
pub mod store;
pub mod video;

pub use s3::S3Store;
pub use store::{FsStore, MediaStore};
