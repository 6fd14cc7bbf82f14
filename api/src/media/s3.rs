//! Media in an S3-compatible object store (AWS S3, MinIO, Garage, Ceph, moto...) through the
//! `object_store` crate: `[<prefix>/]<id>/<variant>.<ext>`, the same layout as the local
//! folder. Keys are built from a photo's id (a UUID), its variant name and format — never from
//! anything a client sent.
//!
//! [`MediaStore`] is blocking (handlers call it inside `web::block`) while `object_store` is
//! async and needs a tokio reactor for its HTTP client. The store owns a small runtime (two
//! worker threads) of its own: each call is spawned there and the calling thread waits for the
//! answer on a channel. So no actix worker is ever blocked, and no runtime is entered from
//! inside another (which tokio forbids).

use std::io;
use std::sync::Arc;
use std::sync::mpsc;

use entraide_domain::ids::MediaId;
use entraide_domain::media::{MediaFormat, VariantName};
use futures_util::stream::{StreamExt, TryStreamExt};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use secrecy::ExposeSecret;

use super::store::MediaStore;
use crate::configuration::Settings;

/// An object store holding the variants of each photo.
pub struct S3Store {
    inner: Arc<dyn ObjectStore>,
    prefix: Option<ObjectPath>,
    /// `None` only while dropping (see `Drop`).
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store")
            .field("inner", &self.inner.to_string())
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl S3Store {
    /// The S3 store of the settings (`ENTRAIDE_MEDIA_STORE=s3`): bucket, region, endpoint,
    /// credentials (else the usual AWS environment and instance metadata), prefix.
    pub fn from_settings(settings: &Settings) -> io::Result<Self> {
        let bucket = settings
            .s3_bucket
            .as_deref()
            .map(str::trim)
            .filter(|bucket| !bucket.is_empty())
            .ok_or_else(|| io::Error::other("ENTRAIDE_MEDIA_STORE=s3 needs ENTRAIDE_S3_BUCKET"))?;
        let mut builder = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_allow_http(settings.s3_allow_http)
            // A few quick retries, then a 500: a reader waits seconds, not the crate's default
            // three minutes, and a blocking thread is not held for that long.
            .with_retry(object_store::RetryConfig {
                max_retries: 3,
                retry_timeout: std::time::Duration::from_secs(15),
                ..Default::default()
            });
        if let Some(region) = non_empty(settings.s3_region.as_deref()) {
            builder = builder.with_region(region);
        }
        if let Some(endpoint) = non_empty(settings.s3_endpoint.as_deref()) {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(key_id) = non_empty(settings.s3_access_key_id.as_deref()) {
            builder = builder.with_access_key_id(key_id);
        }
        if let Some(secret) = &settings.s3_secret_access_key {
            builder = builder.with_secret_access_key(secret.expose_secret());
        }
        let inner = builder.build().map_err(io::Error::other)?;
        Self::new(Arc::new(inner), settings.s3_prefix.as_deref())
    }

    /// A store over any object store (the in-memory one in tests), keys under `prefix`.
    pub fn new(inner: Arc<dyn ObjectStore>, prefix: Option<&str>) -> io::Result<Self> {
        let prefix = match non_empty(prefix.map(|p| p.trim_matches('/'))) {
            Some(prefix) => Some(ObjectPath::parse(prefix).map_err(io::Error::other)?),
            None => None,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("entraide-s3")
            .enable_all()
            .build()?;
        Ok(Self {
            inner,
            prefix,
            runtime: Some(runtime),
        })
    }

    fn folder(&self, id: MediaId) -> ObjectPath {
        let id = id.to_string();
        match &self.prefix {
            Some(prefix) => prefix.clone().join(id.as_str()),
            None => ObjectPath::from(id),
        }
    }

    fn key(&self, id: MediaId, variant: VariantName, format: MediaFormat) -> ObjectPath {
        self.folder(id)
            .join(format!("{}.{}", variant.as_str(), format.extension()).as_str())
    }

    /// Runs `work` on the store's runtime and waits for its answer.
    fn run<T, F>(&self, work: F) -> io::Result<T>
    where
        T: Send + 'static,
        F: std::future::Future<Output = io::Result<T>> + Send + 'static,
    {
        let runtime = self
            .runtime
            .as_ref()
            .ok_or_else(|| io::Error::other("the S3 store is shutting down"))?;
        let (sender, receiver) = mpsc::sync_channel(1);
        runtime.spawn(async move {
            // The caller may have gone; nothing to do then.
            let _ = sender.send(work.await);
        });
        receiver
            .recv()
            .map_err(|_| io::Error::other("the S3 store's runtime stopped"))?
    }
}

impl Drop for S3Store {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which tokio refuses inside async code (the last holder of
        // the app state may be an actix worker): let its threads end on their own.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

fn to_io(error: object_store::Error) -> io::Error {
    match error {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, error),
        other => io::Error::other(other),
    }
}

impl MediaStore for S3Store {
    fn put(
        &self,
        id: MediaId,
        variant: VariantName,
        format: MediaFormat,
        bytes: &[u8],
    ) -> io::Result<()> {
        let inner = self.inner.clone();
        let key = self.key(id, variant, format);
        // One PUT: an object appears whole or not at all.
        let payload = PutPayload::from(bytes.to_vec());
        self.run(async move {
            inner.put(&key, payload).await.map_err(to_io)?;
            Ok(())
        })
    }

    fn get(
        &self,
        id: MediaId,
        variant: VariantName,
        format: MediaFormat,
    ) -> io::Result<Option<Vec<u8>>> {
        let inner = self.inner.clone();
        let key = self.key(id, variant, format);
        self.run(async move {
            let result = match inner.get(&key).await {
                Ok(result) => result,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(error) => return Err(to_io(error)),
            };
            let bytes = result.bytes().await.map_err(to_io)?;
            Ok(Some(bytes.to_vec()))
        })
    }

    fn delete(&self, id: MediaId) -> io::Result<()> {
        let inner = self.inner.clone();
        let folder = self.folder(id);
        self.run(async move {
            // Every object under `<id>/`: the variants this version wrote and any older ones.
            let keys: Vec<ObjectPath> = inner
                .list(Some(&folder))
                .map_ok(|meta| meta.location)
                .try_collect()
                .await
                .map_err(to_io)?;
            if keys.is_empty() {
                return Ok(());
            }
            let locations = futures_util::stream::iter(keys.into_iter().map(Ok)).boxed();
            let mut deleted = inner.delete_stream(locations);
            while let Some(result) = deleted.next().await {
                match result {
                    Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
                    Err(error) => return Err(to_io(error)),
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_store::memory::InMemory;

    use crate::media::store::check_contract;

    #[test]
    fn in_memory_round_trip_with_and_without_prefix() {
        let memory: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let store = S3Store::new(memory.clone(), Some("/tenant-a/media/")).unwrap();
        let id = MediaId::new();
        store
            .put(id, VariantName::Full, MediaFormat::Jpeg, b"jpeg")
            .unwrap();
        // The key layout: `<prefix>/<id>/<variant>.<ext>`.
        let key = ObjectPath::from(format!("tenant-a/media/{id}/full.jpeg"));
        let raw = store
            .run({
                let memory = memory.clone();
                async move {
                    memory
                        .get(&key)
                        .await
                        .map_err(to_io)?
                        .bytes()
                        .await
                        .map_err(to_io)
                }
            })
            .unwrap();
        assert_eq!(raw.as_ref(), b"jpeg");
        check_contract(&store);
        check_contract(&S3Store::new(Arc::new(InMemory::new()), None).unwrap());
    }

    /// Against a real S3-compatible server (`.ci/run` starts moto and always sets
    /// `ENTRAIDE_TEST_S3_ENDPOINT`).
    #[test]
    fn s3_server_round_trip() {
        let Some(settings) = test_s3_settings() else {
            return;
        };
        let store = S3Store::from_settings(&settings).unwrap();
        check_contract(&store);
    }

    /// Settings for the test S3 server, a bucket created on it; `None` (said loudly, and a
    /// failure under CI) when `ENTRAIDE_TEST_S3_ENDPOINT` is not set.
    fn test_s3_settings() -> Option<Settings> {
        let Ok(endpoint) = std::env::var("ENTRAIDE_TEST_S3_ENDPOINT") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "ENTRAIDE_TEST_S3_ENDPOINT must be set under CI (.ci/run starts moto_server)"
            );
            eprintln!(
                "SKIPPED: ENTRAIDE_TEST_S3_ENDPOINT is not set: the S3 store was NOT tested \
                 against a server (run `bash tests/s3/with-moto.sh cargo test ...` to do so)"
            );
            return None;
        };
        let mut settings = Settings::with_database("sqlite://unused.db", "unused");
        settings.media_store = crate::configuration::MediaStoreKind::S3;
        settings.s3_bucket = Some("entraide-unit".to_owned());
        settings.s3_region = Some("us-east-1".to_owned());
        settings.s3_endpoint = Some(endpoint.clone());
        settings.s3_access_key_id = Some("testing".to_owned());
        settings.s3_secret_access_key = Some(secrecy::SecretString::from("testing"));
        settings.s3_prefix = Some(format!("unit-{}", MediaId::new()));
        settings.s3_allow_http = true;
        create_bucket(&endpoint, "entraide-unit");
        Some(settings)
    }

    /// `PUT /<bucket>` (moto accepts it unsigned; an existing bucket is fine).
    fn create_bucket(endpoint: &str, bucket: &str) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let url = format!("{}/{bucket}", endpoint.trim_end_matches('/'));
        runtime.block_on(async {
            let response = reqwest::Client::new().put(url).send().await.unwrap();
            assert!(
                response.status().is_success() || response.status().as_u16() == 409,
                "cannot create the test bucket: {}",
                response.status()
            );
        });
    }
}
