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
}

impl Settings {
    pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
    pub const DEFAULT_DATABASE_URL: &str = "sqlite://entraide.db";
    pub const MIN_JWT_SECRET_BYTES: usize = 32;

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
            .set_default("trust_forwarded_for", false)?;
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
        if self.max_body_bytes < 1024 {
            return Err(SettingsError::Invalid(
                "max_body_bytes must be at least 1024".to_owned(),
            ));
        }
        Ok(())
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
