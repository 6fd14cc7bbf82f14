//! Where photo bytes live. `MediaStore` is the seam between handlers and a backend: the local
//! folder ([`FsStore`], the default) or an S3-compatible object store
//! ([`S3Store`](super::s3::S3Store), `ENTRAIDE_MEDIA_STORE=s3`). Keys are built from a photo's id (a UUID), its variant
//! name and format — never from anything a client sent — so no path can escape the folder.
//!
//! Calls are blocking (file or network IO): run them on actix's blocking pool (`web::block`).

use std::io;
use std::path::{Path, PathBuf};

use entraide_domain::ids::MediaId;
use entraide_domain::media::{MediaFormat, VariantName};

/// A place to keep the variants of each photo.
pub trait MediaStore: Send + Sync {
    /// Stores one variant (replacing it if present).
    fn put(
        &self,
        id: MediaId,
        variant: VariantName,
        format: MediaFormat,
        bytes: &[u8],
    ) -> io::Result<()>;
    /// One variant's bytes, `None` when absent.
    fn get(
        &self,
        id: MediaId,
        variant: VariantName,
        format: MediaFormat,
    ) -> io::Result<Option<Vec<u8>>>;
    /// Deletes every variant of a photo (nothing to do when it has none).
    fn delete(&self, id: MediaId) -> io::Result<()>;
}

/// The store the settings choose (`ENTRAIDE_MEDIA_STORE`): the local folder of
/// `Settings::media_dir`, or the S3 bucket of `ENTRAIDE_S3_*`. What the server, the seeder and
/// the scheduled worker use. Fails when the S3 client cannot be built (a malformed endpoint,
/// an unknown region...): the server does not start.
pub fn from_settings(
    settings: &crate::configuration::Settings,
) -> io::Result<std::sync::Arc<dyn MediaStore>> {
    use crate::configuration::MediaStoreKind;
    Ok(match settings.media_store {
        MediaStoreKind::Local => std::sync::Arc::new(FsStore::new(settings.media_dir())),
        MediaStoreKind::S3 => std::sync::Arc::new(super::s3::S3Store::from_settings(settings)?),
    })
}

/// The local filesystem: `<root>/<id>/<variant>.<ext>`.
#[derive(Debug, Clone)]
pub struct FsStore {
    root: PathBuf,
}

impl FsStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn folder(&self, id: MediaId) -> PathBuf {
        self.root.join(id.to_string())
    }

    fn file(&self, id: MediaId, variant: VariantName, format: MediaFormat) -> PathBuf {
        self.folder(id)
            .join(format!("{}.{}", variant.as_str(), format.extension()))
    }
}

impl MediaStore for FsStore {
    fn put(
        &self,
        id: MediaId,
        variant: VariantName,
        format: MediaFormat,
        bytes: &[u8],
    ) -> io::Result<()> {
        let folder = self.folder(id);
        std::fs::create_dir_all(&folder)?;
        let target = self.file(id, variant, format);
        // Written aside then renamed: a reader never sees half a file.
        let partial = folder.join(format!(".{}.partial", variant.as_str()));
        std::fs::write(&partial, bytes)?;
        std::fs::rename(&partial, &target)
    }

    fn get(
        &self,
        id: MediaId,
        variant: VariantName,
        format: MediaFormat,
    ) -> io::Result<Option<Vec<u8>>> {
        match std::fs::read(self.file(id, variant, format)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    fn delete(&self, id: MediaId) -> io::Result<()> {
        match std::fs::remove_dir_all(self.folder(id)) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

/// Deletes the files of photos whose rows are gone (after the transaction that deleted them
/// committed); a failure is logged, the rest go on. How many were deleted.
pub fn delete_all(store: &dyn MediaStore, ids: &[MediaId]) -> usize {
    let mut deleted = 0;
    for id in ids {
        match store.delete(*id) {
            Ok(()) => deleted += 1,
            Err(error) => tracing::warn!(media_id = %id, %error, "could not delete photo files"),
        }
    }
    deleted
}

/// The contract every store keeps, checked against each implementation by its tests: what is
/// put is got back, a missing variant is `None`, deleting a photo removes all of its variants
/// and none of another's, and deleting what is gone is fine.
#[cfg(test)]
pub(crate) fn check_contract(store: &dyn MediaStore) {
    let id = MediaId::new();
    let other = MediaId::new();
    let png = MediaFormat::Png;
    store.put(id, VariantName::Full, png, b"png bytes").unwrap();
    store.put(id, VariantName::W320, png, b"small").unwrap();
    store.put(other, VariantName::Full, png, b"other").unwrap();
    assert_eq!(
        store.get(id, VariantName::Full, png).unwrap(),
        Some(b"png bytes".to_vec())
    );
    assert_eq!(store.get(id, VariantName::W640, png).unwrap(), None);
    store.delete(id).unwrap();
    assert_eq!(store.get(id, VariantName::Full, png).unwrap(), None);
    assert_eq!(store.get(id, VariantName::W320, png).unwrap(), None);
    assert_eq!(
        store.get(other, VariantName::Full, png).unwrap(),
        Some(b"other".to_vec())
    );
    store.delete(id).unwrap();
    assert_eq!(delete_all(store, &[id, other]), 2);
    assert_eq!(store.get(other, VariantName::Full, png).unwrap(), None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_folder_keeps_the_store_contract() {
        let dir = tempfile::tempdir().unwrap();
        check_contract(&FsStore::new(dir.path()));
    }
}
