//! Typed settings: built-in defaults, then an optional TOML file, then `ENTRAIDE_*` variables.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// `development` (the default: generates what it lacks) or `production` (refuses to guess).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines (default in development).
    Pretty,
    /// One JSON object per line (default in production).
    Json,
}

/// Where mail goes (`ENTRAIDE_MAILER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailerKind {
    /// An SMTP server (`ENTRAIDE_SMTP_URL`).
    Smtp,
    /// The `outbox_emails` table and a log line: nothing is sent.
    Outbox,
}

/// Where photos and videos are kept (`ENTRAIDE_MEDIA_STORE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaStoreKind {
    /// A local folder (`ENTRAIDE_MEDIA_DIR`, by default beside the SQLite file).
    #[default]
    Local,
    /// An S3-compatible object store (`ENTRAIDE_S3_*`).
    S3,
}

/// The mail transport the settings resolve to.
#[derive(Debug, Clone)]
pub enum MailTransport {
    Smtp { url: SecretString, from: String },
    Outbox { from: String },
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// `ENTRAIDE_BIND`: address to listen on.
    pub bind: String,
    /// `ENTRAIDE_DATABASE_URL`: `sqlite://<file>` (default `sqlite://entraide.db`) or
    /// `postgres://...`.
    pub database_url: String,
    /// `ENTRAIDE_DATABASE_MAX_CONNECTIONS`: pool size (PostgreSQL, or SQLite readers).
    pub database_max_connections: u32,
    /// `ENTRAIDE_JWT_SECRET`: HS256 key, at least 32 bytes. Required in production.
    pub jwt_secret: Option<SecretString>,
    /// `ENTRAIDE_ENV`.
    pub env: Environment,
    /// `ENTRAIDE_AUTH_RATE_LIMIT`: login/register/refresh attempts per minute per IP; 0 = off.
    pub auth_rate_limit: u32,
    /// `ENTRAIDE_ACCESS_TOKEN_TTL_SECS`.
    pub access_token_ttl_secs: u64,
    /// `ENTRAIDE_REFRESH_TOKEN_TTL_DAYS`.
    pub refresh_token_ttl_days: u64,
    /// `ENTRAIDE_MAX_BODY_BYTES`: larger JSON bodies get 413.
    pub max_body_bytes: usize,
    /// `ENTRAIDE_TRUST_FORWARDED_FOR`: take the client IP from the last `Forwarded`/
    /// `X-Forwarded-For` entry, the one the reverse proxy appends (only behind one proxy that
    /// sets it).
    pub trust_forwarded_for: bool,
    /// `ENTRAIDE_LOG_FORMAT`: `pretty` or `json`; defaults by environment.
    pub log_format: Option<LogFormat>,
    /// `ENTRAIDE_WORKERS`: HTTP worker threads; defaults to the number of CPUs.
    pub workers: Option<usize>,
    /// `ENTRAIDE_PUBLIC_URL`: the address clients reach the API at (`https://entraide.example.org`,
    /// optionally with a path prefix), used to build the URLs the API hands out (calendar feeds).
    /// Never taken from request headers (`Host`, `X-Forwarded-Host/Proto`), which a client
    /// controls. Defaults to `http://` + the bind address (`127.0.0.1` for an unspecified host).
    pub public_url: Option<String>,
    /// `[safety]`: the crisis safety net (expressions of distress and the helplines shown).
    #[serde(default)]
    pub safety: crate::safety::SafetySettings,
    /// `ENTRAIDE_SMTP_URL`: the SMTP server mail goes through: `smtp://host:port` (plain, for
    /// a relay on the same host or network), `smtp://host:587?tls=required` (STARTTLS) or
    /// `smtps://user:password@host` (TLS from the start, port 465). Unset: mail goes to the
    /// outbox (development only, unless `ENTRAIDE_MAILER=outbox`).
    pub smtp_url: Option<SecretString>,
    /// `ENTRAIDE_MAIL_FROM`: the sender, `Entraide <no-reply@entraide.example.org>`. Required
    /// with SMTP in production.
    pub mail_from: Option<String>,
    /// `ENTRAIDE_MAILER`: `smtp` or `outbox`; by default SMTP when `ENTRAIDE_SMTP_URL` is set,
    /// otherwise the outbox — which production refuses unless it is asked for explicitly.
    pub mailer: Option<MailerKind>,
    /// `ENTRAIDE_VERIFY_EMAIL_PATH`: the client route that verification links open, after the
    /// public URL: `{public_url}{path}?token=...` (default `/verify-email`).
    pub verify_email_path: String,
    /// `ENTRAIDE_RESET_PASSWORD_PATH`: the client route of password reset links (default
    /// `/reset-password`).
    pub reset_password_path: String,
    /// `ENTRAIDE_NOTIFICATIONS_PATH`: the client route of the notification list, linked from
    /// the e-mail digest (default `/notifications`).
    pub notifications_path: String,
    /// `ENTRAIDE_NOTIFICATIONS_WORKER_INTERVAL_MS`: how often the server writes due event
    /// reminders and questionnaire notices and sends due e-mail digests (default 60000); 0 runs
    /// no worker in this process (`entraide_api::scheduled::run_due` runs one pass).
    pub notifications_worker_interval_ms: u64,
    /// `ENTRAIDE_API_KEY_RATE_LIMIT`: requests per minute and per association API key (a burst
    /// refilled evenly over the minute); 0 = off. Default 120.
    pub api_key_rate_limit: u32,
    /// `ENTRAIDE_WEBHOOKS_ALLOW_PRIVATE_TARGETS`: let outgoing webhooks reach loopback, private
    /// and link-local addresses, and plain `http` (tests, an intranet). Off by default: a
    /// webhook URL must be `https` to a public address (server-side request forgery).
    pub webhooks_allow_private_targets: bool,
    /// `ENTRAIDE_WEBHOOKS_WORKER_INTERVAL_MS`: how often the server sends due webhook
    /// deliveries (default 5000); 0 runs no worker in this process (another process sends
    /// them; `entraide_api::webhooks::run_due` runs one pass).
    pub webhooks_worker_interval_ms: u64,
    /// `ENTRAIDE_MESSAGE_KEYS`: the keys that encrypt direct messages at rest,
    /// `id:base64key,id2:base64key` (32-byte keys, ids of letters, digits, `-`, `_`): the first
    /// encrypts, all decrypt. Required in production; development generates one and keeps it
    /// beside the SQLite file.
    pub message_keys: Option<SecretString>,
    /// `ENTRAIDE_STREAM_KEEPALIVE_MS`: how often an idle notification stream sends a keep-alive
    /// comment and re-checks its session (default 20000).
    pub stream_keepalive_ms: u64,
    /// `ENTRAIDE_STREAM_MAX_SECS`: how long one notification stream may stay open before it
    /// ends with `closed: expired` and the client reconnects with fresh credentials (default
    /// 900, one access token's lifetime): a stolen token or ticket does not buy a stream for
    /// ever.
    pub stream_max_secs: u64,
    /// `ENTRAIDE_STREAM_TICKET_TTL_SECS`: how long a stream ticket may wait for its one use
    /// (default 60).
    pub stream_ticket_ttl_secs: u64,
    /// `ENTRAIDE_STREAMS_PER_MEMBER`: open notification streams per member and process; one more
    /// closes the oldest (default 5).
    pub streams_per_member: usize,
    /// `ENTRAIDE_SESSION_CACHE_ENTRIES`: members whose live sessions a server process keeps in
    /// memory, so that a request of a known session costs no database round trip (default
    /// 100000; 0 turns the cache off: every request reads its session).
    pub session_cache_entries: usize,
    /// `ENTRAIDE_SESSION_CACHE_MAX_AGE_MS`: on SQLite, how long a session read stays in memory
    /// (default 2000). The server forgets sessions at once after its own writes; this bounds
    /// how long a write by another process on the same file (the CLI) may go unseen. Not used
    /// on PostgreSQL, where the database notifies every process.
    pub session_cache_max_age_ms: u64,
    /// `ENTRAIDE_MEDIA_DIR`: where the local media store keeps photos. Default: beside the
    /// SQLite file (`<file>.media/`), or `./entraide-media` with PostgreSQL.
    pub media_dir: Option<String>,
    /// `ENTRAIDE_MEDIA_MAX_IMAGE_BYTES`: the largest image upload (default 10 MiB); larger
    /// ones get 413.
    pub media_max_image_bytes: usize,
    /// `ENTRAIDE_MEDIA_MAX_VIDEO_BYTES`: the largest video upload (default 50 MiB); larger
    /// ones get 413.
    pub media_max_video_bytes: usize,
    /// `ENTRAIDE_MEDIA_STORE`: `local` (default: the folder of `ENTRAIDE_MEDIA_DIR`) or `s3`
    /// (an S3-compatible object store: AWS S3, MinIO, Garage...).
    pub media_store: MediaStoreKind,
    /// `ENTRAIDE_S3_BUCKET`: the bucket of the S3 store (required with `s3`).
    pub s3_bucket: Option<String>,
    /// `ENTRAIDE_S3_REGION`: its region (else `AWS_REGION`/`AWS_DEFAULT_REGION`, else
    /// `us-east-1`).
    pub s3_region: Option<String>,
    /// `ENTRAIDE_S3_ENDPOINT`: the server of an S3-compatible store other than AWS
    /// (`https://minio.internal:9000`); path-style requests.
    pub s3_endpoint: Option<String>,
    /// `ENTRAIDE_S3_ACCESS_KEY_ID`: else the usual AWS environment or instance credentials.
    pub s3_access_key_id: Option<String>,
    /// `ENTRAIDE_S3_SECRET_ACCESS_KEY`.
    pub s3_secret_access_key: Option<SecretString>,
    /// `ENTRAIDE_S3_PREFIX`: keys go under this prefix (`entraide/media`), to share a bucket.
    pub s3_prefix: Option<String>,
    /// `ENTRAIDE_S3_ALLOW_HTTP`: allow a plain `http://` endpoint (a local test server only;
    /// off by default).
    pub s3_allow_http: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("invalid configuration: {0}")]
    Invalid(String),
    #[error(transparent)]
    Load(#[from] config::ConfigError),
    #[error("cannot use the JWT secret file {path}: {source}")]
    SecretFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    MessageKeys(#[from] crate::security::message_keys::KeyError),
    #[error("cannot use the message key file {path}: {source}")]
    MessageKeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Settings {
    pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
    pub const DEFAULT_DATABASE_URL: &str = "sqlite://entraide.db";
    pub const MIN_JWT_SECRET_BYTES: usize = 32;
    pub const DEFAULT_VERIFY_EMAIL_PATH: &str = "/verify-email";
    pub const DEFAULT_RESET_PASSWORD_PATH: &str = "/reset-password";
    pub const DEFAULT_NOTIFICATIONS_PATH: &str = "/notifications";
    /// The sender when `ENTRAIDE_MAIL_FROM` is not set (development and the outbox).
    pub const DEFAULT_MAIL_FROM: &str = "Entraide <no-reply@localhost>";
    pub const DEFAULT_STREAM_KEEPALIVE_MS: u64 = 20_000;
    pub const DEFAULT_STREAM_MAX_SECS: u64 = 900;
    pub const DEFAULT_STREAM_TICKET_TTL_SECS: u64 = 60;
    pub const DEFAULT_STREAMS_PER_MEMBER: u32 = 5;
    pub const DEFAULT_SESSION_CACHE_ENTRIES: u32 = 100_000;
    pub const DEFAULT_SESSION_CACHE_MAX_AGE_MS: u64 = 2000;
    pub const DEFAULT_MEDIA_MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;
    pub const DEFAULT_MEDIA_MAX_VIDEO_BYTES: u64 = 50 * 1024 * 1024;

    /// Loads defaults, then `file` (or `entraide.toml` in the working directory when it exists),
    /// then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, SettingsError> {
        let mut builder = config::Config::builder()
            .set_default("bind", Self::DEFAULT_BIND)?
            .set_default("database_url", Self::DEFAULT_DATABASE_URL)?
            .set_default("database_max_connections", 8)?
            .set_default("env", "development")?
            .set_default("auth_rate_limit", 10)?
            .set_default("access_token_ttl_secs", 900)?
            .set_default("refresh_token_ttl_days", 30)?
            .set_default("max_body_bytes", 64 * 1024)?
            .set_default("trust_forwarded_for", false)?
            .set_default("verify_email_path", Self::DEFAULT_VERIFY_EMAIL_PATH)?
            .set_default("reset_password_path", Self::DEFAULT_RESET_PASSWORD_PATH)?
            .set_default("notifications_path", Self::DEFAULT_NOTIFICATIONS_PATH)?
            .set_default("notifications_worker_interval_ms", 60_000)?
            .set_default(
                "api_key_rate_limit",
                entraide_domain::integration::DEFAULT_KEY_RATE_LIMIT,
            )?
            .set_default("webhooks_allow_private_targets", false)?
            .set_default("webhooks_worker_interval_ms", 5000)?
            .set_default("stream_keepalive_ms", Self::DEFAULT_STREAM_KEEPALIVE_MS)?
            .set_default("stream_max_secs", Self::DEFAULT_STREAM_MAX_SECS)?
            .set_default(
                "stream_ticket_ttl_secs",
                Self::DEFAULT_STREAM_TICKET_TTL_SECS,
            )?
            .set_default("streams_per_member", Self::DEFAULT_STREAMS_PER_MEMBER)?
            .set_default("session_cache_entries", Self::DEFAULT_SESSION_CACHE_ENTRIES)?
            .set_default(
                "session_cache_max_age_ms",
                Self::DEFAULT_SESSION_CACHE_MAX_AGE_MS,
            )?
            .set_default("media_max_image_bytes", Self::DEFAULT_MEDIA_MAX_IMAGE_BYTES)?
            .set_default("media_max_video_bytes", Self::DEFAULT_MEDIA_MAX_VIDEO_BYTES)?
            .set_default("media_store", "local")?
            .set_default("s3_allow_http", false)?;
        builder = match file {
            Some(path) => builder.add_source(config::File::from(path).required(true)),
            None => builder.add_source(config::File::with_name("entraide").required(false)),
        };
        let settings: Self = builder
            .add_source(config::Environment::with_prefix("ENTRAIDE").try_parsing(true))
            .build()?
            .try_deserialize()?;
        settings.check()?;
        Ok(settings)
    }

    /// Settings for tests and tools: defaults with this database and secret.
    pub fn with_database(database_url: &str, jwt_secret: &str) -> Self {
        Self {
            bind: "127.0.0.1:0".to_owned(),
            database_url: database_url.to_owned(),
            database_max_connections: 4,
            jwt_secret: Some(SecretString::from(jwt_secret.to_owned())),
            env: Environment::Development,
            auth_rate_limit: 0,
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
            max_body_bytes: 64 * 1024,
            trust_forwarded_for: false,
            log_format: None,
            workers: Some(1),
            public_url: None,
            safety: crate::safety::SafetySettings::default(),
            smtp_url: None,
            mail_from: None,
            mailer: None,
            verify_email_path: Self::DEFAULT_VERIFY_EMAIL_PATH.to_owned(),
            reset_password_path: Self::DEFAULT_RESET_PASSWORD_PATH.to_owned(),
            notifications_path: Self::DEFAULT_NOTIFICATIONS_PATH.to_owned(),
            notifications_worker_interval_ms: 0,
            api_key_rate_limit: entraide_domain::integration::DEFAULT_KEY_RATE_LIMIT,
            webhooks_allow_private_targets: false,
            webhooks_worker_interval_ms: 0,
            // A fresh key per instance: tests never share a key file.
            message_keys: Some(SecretString::from(
                crate::security::message_keys::MessageKeys::generate_entry("test1"),
            )),
            stream_keepalive_ms: Self::DEFAULT_STREAM_KEEPALIVE_MS,
            stream_max_secs: Self::DEFAULT_STREAM_MAX_SECS,
            stream_ticket_ttl_secs: Self::DEFAULT_STREAM_TICKET_TTL_SECS,
            streams_per_member: Self::DEFAULT_STREAMS_PER_MEMBER as usize,
            session_cache_entries: Self::DEFAULT_SESSION_CACHE_ENTRIES as usize,
            session_cache_max_age_ms: Self::DEFAULT_SESSION_CACHE_MAX_AGE_MS,
            media_dir: None,
            media_max_image_bytes: Self::DEFAULT_MEDIA_MAX_IMAGE_BYTES as usize,
            media_max_video_bytes: Self::DEFAULT_MEDIA_MAX_VIDEO_BYTES as usize,
            media_store: MediaStoreKind::Local,
            s3_bucket: None,
            s3_region: None,
            s3_endpoint: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_prefix: None,
            s3_allow_http: false,
        }
    }

    /// The public base URL, without a trailing slash: `ENTRAIDE_PUBLIC_URL`, or derived from the
    /// bind address.
    pub fn public_url(&self) -> String {
        if let Some(url) = &self.public_url {
            return url.trim().trim_end_matches('/').to_owned();
        }
        let bind = match self.bind.parse::<std::net::SocketAddr>() {
            Ok(addr) if addr.ip().is_unspecified() => format!("127.0.0.1:{}", addr.port()),
            _ => self.bind.clone(),
        };
        format!("http://{bind}")
    }

    fn check(&self) -> Result<(), SettingsError> {
        if self.access_token_ttl_secs == 0 || self.refresh_token_ttl_days == 0 {
            return Err(SettingsError::Invalid(
                "token lifetimes must be positive".to_owned(),
            ));
        }
        if let Some(public_url) = &self.public_url {
            let valid = url::Url::parse(public_url.trim()).is_ok_and(|url| {
                matches!(url.scheme(), "http" | "https")
                    && url.host().is_some()
                    && url.username().is_empty()
                    && url.password().is_none()
                    && url.query().is_none()
                    && url.fragment().is_none()
            });
            if !valid {
                return Err(SettingsError::Invalid(
                    "ENTRAIDE_PUBLIC_URL must be an http(s) URL with a host, without credentials, \
                     query or fragment"
                        .to_owned(),
                ));
            }
        }
        for (name, path) in [
            ("ENTRAIDE_VERIFY_EMAIL_PATH", &self.verify_email_path),
            ("ENTRAIDE_RESET_PASSWORD_PATH", &self.reset_password_path),
            ("ENTRAIDE_NOTIFICATIONS_PATH", &self.notifications_path),
        ] {
            let valid = path.starts_with('/')
                && path
                    .chars()
                    .all(|c| c.is_ascii_graphic() && !matches!(c, '?' | '#' | '\\'));
            if !valid {
                return Err(SettingsError::Invalid(format!(
                    "{name} must be a path starting with / (printable ASCII, no query or fragment)"
                )));
            }
        }
        if self.stream_keepalive_ms == 0
            || self.stream_max_secs == 0
            || self.stream_ticket_ttl_secs == 0
            || self.streams_per_member == 0
        {
            return Err(SettingsError::Invalid(
                "stream keep-alive, lifetime, ticket lifetime and streams per member must be positive"
                    .to_owned(),
            ));
        }
        if self.media_max_image_bytes < 1024 {
            return Err(SettingsError::Invalid(
                "media_max_image_bytes must be at least 1024".to_owned(),
            ));
        }
        if self.media_max_video_bytes < 1024 {
            return Err(SettingsError::Invalid(
                "media_max_video_bytes must be at least 1024".to_owned(),
            ));
        }
        if self.media_store == MediaStoreKind::S3
            && self
                .s3_bucket
                .as_deref()
                .is_none_or(|bucket| bucket.trim().is_empty())
        {
            return Err(SettingsError::Invalid(
                "ENTRAIDE_MEDIA_STORE=s3 needs ENTRAIDE_S3_BUCKET".to_owned(),
            ));
        }
        if self.max_body_bytes < 1024 {
            return Err(SettingsError::Invalid(
                "max_body_bytes must be at least 1024".to_owned(),
            ));
        }
        Ok(())
    }

    /// A link mailed to a member: `{public_url}{path}?token={token}` (the token is base64url, so
    /// it needs no escaping).
    pub fn mail_link(&self, path: &str, token: &str) -> String {
        format!("{}{path}?token={token}", self.public_url())
    }

    /// Where mail goes. Production refuses to keep mail in the outbox unless
    /// `ENTRAIDE_MAILER=outbox` asks for it, and needs a real sender with SMTP.
    pub fn mail_transport(&self) -> Result<MailTransport, SettingsError> {
        let from = self
            .mail_from
            .as_deref()
            .map(str::trim)
            .filter(|from| !from.is_empty())
            .map(str::to_owned);
        let kind = match (self.mailer, &self.smtp_url) {
            (Some(kind), _) => kind,
            (None, Some(_)) => MailerKind::Smtp,
            (None, None) if self.env == Environment::Production => {
                return Err(SettingsError::Invalid(
                    "ENTRAIDE_SMTP_URL is required in production to send account mail \
                     (verification, password reset); set ENTRAIDE_MAILER=outbox to keep mail in \
                     the outbox_emails table instead"
                        .to_owned(),
                ));
            }
            (None, None) => MailerKind::Outbox,
        };
        match kind {
            MailerKind::Outbox => Ok(MailTransport::Outbox {
                from: from.unwrap_or_else(|| Self::DEFAULT_MAIL_FROM.to_owned()),
            }),
            MailerKind::Smtp => {
                let Some(url) = self.smtp_url.clone() else {
                    return Err(SettingsError::Invalid(
                        "ENTRAIDE_MAILER=smtp needs ENTRAIDE_SMTP_URL".to_owned(),
                    ));
                };
                let from = match (from, self.env) {
                    (Some(from), _) => from,
                    (None, Environment::Development) => Self::DEFAULT_MAIL_FROM.to_owned(),
                    (None, Environment::Production) => {
                        return Err(SettingsError::Invalid(
                            "ENTRAIDE_MAIL_FROM is required with SMTP in production \
                             (e.g. \"Entraide <no-reply@entraide.example.org>\")"
                                .to_owned(),
                        ));
                    }
                };
                Ok(MailTransport::Smtp { url, from })
            }
        }
    }

    pub fn log_format(&self) -> LogFormat {
        self.log_format.unwrap_or(match self.env {
            Environment::Development => LogFormat::Pretty,
            Environment::Production => LogFormat::Json,
        })
    }

    /// The JWT signing key. A configured secret must be at least 32 bytes. Without one,
    /// production refuses to start; development generates a key once and keeps it beside the
    /// SQLite file (or in `.entraide-jwt-secret`), so restarts keep sessions.
    pub fn resolve_jwt_secret(&self) -> Result<SecretString, SettingsError> {
        if let Some(secret) = &self.jwt_secret {
            if secret.expose_secret().len() < Self::MIN_JWT_SECRET_BYTES {
                return Err(SettingsError::Invalid(format!(
                    "ENTRAIDE_JWT_SECRET must be at least {} bytes",
                    Self::MIN_JWT_SECRET_BYTES
                )));
            }
            return Ok(secret.clone());
        }
        if self.env == Environment::Production {
            return Err(SettingsError::Invalid(format!(
                "ENTRAIDE_JWT_SECRET is required in production (at least {} random bytes)",
                Self::MIN_JWT_SECRET_BYTES
            )));
        }
        let path = self.jwt_secret_file();
        load_or_create_secret(&path).map_err(|source| SettingsError::SecretFile { path, source })
    }

    fn jwt_secret_file(&self) -> PathBuf {
        match entraide_persistence::connection::DatabaseUrl::parse(&self.database_url)
            .ok()
            .as_ref()
            .and_then(|url| url.sqlite_file())
        {
            Some(file) => PathBuf::from(format!("{file}.jwt-secret")),
            None => PathBuf::from(".entraide-jwt-secret"),
        }
    }
}

impl Settings {
    /// The keys of direct messages (`ENTRAIDE_MESSAGE_KEYS`). Without the setting, production
    /// refuses to start; development generates one key once and keeps it beside the SQLite
    /// file (`<file>.message-keys`, or `.entraide-message-keys`), so restarts read old messages.
    pub fn resolve_message_keys(
        &self,
    ) -> Result<crate::security::message_keys::MessageKeys, SettingsError> {
        use crate::security::message_keys::MessageKeys;
        if let Some(list) = &self.message_keys {
            return Ok(MessageKeys::parse(list.expose_secret())?);
        }
        if self.env == Environment::Production {
            return Err(SettingsError::Invalid(
                "ENTRAIDE_MESSAGE_KEYS is required in production (id:base64 of 32 random bytes; \
                 `entraide generate-message-key` prints one)"
                    .to_owned(),
            ));
        }
        let path = self.secret_file("message-keys", ".entraide-message-keys");
        let list = load_or_create_message_keys(&path)
            .map_err(|source| SettingsError::MessageKeyFile { path, source })?;
        Ok(MessageKeys::parse(&list)?)
    }

    /// The folder of the local media store: `ENTRAIDE_MEDIA_DIR`, else beside the SQLite file
    /// (`<file>.media`), else `entraide-media` in the working directory.
    pub fn media_dir(&self) -> PathBuf {
        if let Some(dir) = &self.media_dir {
            return PathBuf::from(dir);
        }
        self.secret_file("media", "entraide-media")
    }

    fn secret_file(&self, suffix: &str, fallback: &str) -> PathBuf {
        match entraide_persistence::connection::DatabaseUrl::parse(&self.database_url)
            .ok()
            .as_ref()
            .and_then(|url| url.sqlite_file())
        {
            Some(file) => PathBuf::from(format!("{file}.{suffix}")),
            None => PathBuf::from(fallback),
        }
    }
}

fn load_or_create_message_keys(path: &Path) -> std::io::Result<String> {
    use std::io::Write;
    match std::fs::read_to_string(path) {
        Ok(existing) => return Ok(existing.trim().to_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let entry = crate::security::message_keys::MessageKeys::generate_entry("dev1");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(entry.as_bytes())?;
    tracing::info!(path = %path.display(), "generated a development message key");
    Ok(entry)
}

fn load_or_create_secret(path: &Path) -> std::io::Result<SecretString> {
    use std::io::Write;
    match std::fs::read_to_string(path) {
        Ok(existing) if existing.trim().len() >= Settings::MIN_JWT_SECRET_BYTES => {
            return Ok(SecretString::from(existing.trim().to_owned()));
        }
        Ok(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the file holds a secret shorter than 32 bytes",
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let secret = crate::security::tokens::random_token(48);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(secret.as_bytes())?;
    tracing::info!(path = %path.display(), "generated a development JWT secret");
    Ok(SecretString::from(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &Path, env: Environment, secret: Option<&str>) -> Settings {
        let url = format!("sqlite://{}", dir.join("entraide.db").display());
        let mut settings = Settings::with_database(&url, "unused-unused-unused-unused-unused");
        settings.env = env;
        settings.jwt_secret = secret.map(|s| SecretString::from(s.to_owned()));
        settings
    }

    #[test]
    fn production_requires_a_long_enough_secret() {
        let dir = tempfile::tempdir().unwrap();
        let missing = settings(dir.path(), Environment::Production, None);
        assert!(missing.resolve_jwt_secret().is_err());
        let short = settings(dir.path(), Environment::Production, Some("too-short"));
        assert!(short.resolve_jwt_secret().is_err());
        let good = settings(
            dir.path(),
            Environment::Production,
            Some("a-production-secret-of-32-bytes!"),
        );
        assert!(good.resolve_jwt_secret().is_ok());
        assert!(
            !dir.path().join("entraide.db.jwt-secret").exists(),
            "production never writes a secret file"
        );
    }

    #[test]
    fn development_generates_one_secret_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let dev = settings(dir.path(), Environment::Development, None);
        let first = dev.resolve_jwt_secret().unwrap();
        let second = dev.resolve_jwt_secret().unwrap();
        assert_eq!(first.expose_secret(), second.expose_secret());
        assert!(first.expose_secret().len() >= Settings::MIN_JWT_SECRET_BYTES);
        let file = dir.path().join("entraide.db.jwt-secret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A configured secret still has to be long enough in development.
        let short = settings(dir.path(), Environment::Development, Some("short"));
        assert!(short.resolve_jwt_secret().is_err());
    }

    #[test]
    fn a_settings_file_overrides_defaults() {
        // Reads a file rather than the process environment, which tests share.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("entraide.toml");
        std::fs::write(
            &file,
            "bind = \"0.0.0.0:9000\"\nauth_rate_limit = 0\nenv = \"production\"\n",
        )
        .unwrap();
        let settings = Settings::load(Some(&file)).unwrap();
        assert_eq!(settings.bind, "0.0.0.0:9000");
        assert_eq!(settings.auth_rate_limit, 0);
        assert_eq!(settings.env, Environment::Production);
        assert_eq!(settings.log_format(), LogFormat::Json);
        assert_eq!(settings.database_url, Settings::DEFAULT_DATABASE_URL);
        std::fs::write(&file, "env = \"staging\"\n").unwrap();
        assert!(Settings::load(Some(&file)).is_err());
    }

    #[test]
    fn the_media_store_is_local_by_default_and_s3_needs_a_bucket() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("entraide.toml");
        std::fs::write(&file, "").unwrap();
        let settings = Settings::load(Some(&file)).unwrap();
        assert_eq!(settings.media_store, MediaStoreKind::Local);
        assert!(!settings.s3_allow_http);
        std::fs::write(&file, "media_store = \"s3\"\n").unwrap();
        let error = Settings::load(Some(&file)).unwrap_err().to_string();
        assert!(error.contains("ENTRAIDE_S3_BUCKET"), "{error}");
        std::fs::write(&file, "media_store = \"s3\"\ns3_bucket = \"  \"\n").unwrap();
        assert!(Settings::load(Some(&file)).is_err(), "a blank bucket");
        std::fs::write(
            &file,
            "media_store = \"s3\"\ns3_bucket = \"photos\"\ns3_prefix = \"entraide\"\n\
             s3_secret_access_key = \"shh\"\ns3_allow_http = true\n",
        )
        .unwrap();
        let settings = Settings::load(Some(&file)).unwrap();
        assert_eq!(settings.media_store, MediaStoreKind::S3);
        assert_eq!(settings.s3_bucket.as_deref(), Some("photos"));
        assert!(settings.s3_allow_http);
        // The secret never shows in a debug print.
        assert!(!format!("{settings:?}").contains("shh"));
        std::fs::write(&file, "media_store = \"ftp\"\n").unwrap();
        assert!(Settings::load(Some(&file)).is_err());
    }

    #[test]
    fn production_needs_smtp_or_an_explicit_outbox() {
        let mut settings = Settings::with_database("sqlite://x.db", "unused");
        assert!(matches!(
            settings.mail_transport(),
            Ok(MailTransport::Outbox { ref from }) if from == Settings::DEFAULT_MAIL_FROM
        ));
        settings.env = Environment::Production;
        assert!(settings.mail_transport().is_err(), "no silent outbox");
        settings.mailer = Some(MailerKind::Outbox);
        assert!(matches!(
            settings.mail_transport(),
            Ok(MailTransport::Outbox { .. })
        ));
        settings.mailer = None;
        settings.smtp_url = Some(SecretString::from("smtps://u:p@mail.example.org"));
        assert!(settings.mail_transport().is_err(), "a sender is required");
        settings.mail_from = Some("Entraide <no-reply@example.org>".to_owned());
        assert!(matches!(
            settings.mail_transport(),
            Ok(MailTransport::Smtp { ref from, .. }) if from == "Entraide <no-reply@example.org>"
        ));
        // An explicit outbox wins over a configured server.
        settings.mailer = Some(MailerKind::Outbox);
        assert!(matches!(
            settings.mail_transport(),
            Ok(MailTransport::Outbox { .. })
        ));
        settings.smtp_url = None;
        settings.mailer = Some(MailerKind::Smtp);
        assert!(settings.mail_transport().is_err(), "smtp without a URL");
    }

    #[test]
    fn mail_links_use_the_public_url_and_a_checked_path() {
        let mut settings = Settings::with_database("sqlite://x.db", "unused");
        settings.public_url = Some("https://entraide.example.org/".to_owned());
        assert_eq!(
            settings.mail_link(&settings.verify_email_path, "abc_-9"),
            "https://entraide.example.org/verify-email?token=abc_-9"
        );
        settings.reset_password_path = "/app/#/reset".to_owned();
        assert!(settings.check().is_err());
        for bad in ["reset", "/a b", "/a?x=1", ""] {
            settings.reset_password_path = bad.to_owned();
            assert!(settings.check().is_err(), "{bad}");
        }
        settings.reset_password_path = "/compte/mot-de-passe".to_owned();
        assert!(settings.check().is_ok());
    }

    #[test]
    fn the_public_url_is_configured_or_derived_from_the_bind_address() {
        let mut settings = Settings::with_database("sqlite://x.db", "unused");
        settings.bind = "0.0.0.0:9000".to_owned();
        assert_eq!(settings.public_url(), "http://127.0.0.1:9000");
        settings.bind = "192.0.2.4:8080".to_owned();
        assert_eq!(settings.public_url(), "http://192.0.2.4:8080");
        settings.public_url = Some("https://entraide.example.org/app/".to_owned());
        assert!(settings.check().is_ok());
        assert_eq!(settings.public_url(), "https://entraide.example.org/app");
        for bad in [
            "javascript://x.org/",
            "entraide.example.org",
            "https://user:pw@x.org",
            "https://x.org/?q=1",
            "https://x.org/#f",
        ] {
            settings.public_url = Some(bad.to_owned());
            assert!(settings.check().is_err(), "{bad}");
        }
    }
}
