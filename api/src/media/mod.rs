//! Photos outside the database: the media store (where the bytes live) and the image pipeline
//! (sniff, decode within limits, re-encode without metadata, resize, blurhash).

pub mod process;
pub mod store;

pub use store::{FsStore, MediaStore};
