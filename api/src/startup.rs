//! Builds the application exactly as `entraide serve` runs it; tests use the same function.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use entraide_persistence::{Backend, Database, PersistenceError, PoolOptions};
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::configuration::{Settings, SettingsError};
use crate::error::{self, ApiError};
pub use crate::handlers::health::OpenApiDocument;
use crate::security::jwt::JwtKeys;
use crate::security::rate_limit::AuthRateLimiter;
use crate::state::AppState;
use crate::{context, routes};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Database(#[from] PersistenceError),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

impl From<ApiError> for StartupError {
    fn from(error: ApiError) -> Self {
        Self::Other(error.to_string())
    }
}

pub struct Application {
    port: u16,
    server: Server,
    #[cfg(feature = "fault-injection")]
    faults: std::sync::Arc<crate::faults::Faults>,
    sessions: std::sync::Arc<crate::session_cache::SessionCache>,
    database: Database,
}

/// Builds the shared state: settings checked, JWT key resolved, mailer chosen, database
/// connected.
pub fn build_state(settings: Settings, database: Database) -> Result<AppState, StartupError> {
    let secret = settings.resolve_jwt_secret()?;
    let mailer = crate::mail::from_settings(&settings, &database)?;
    let message_keys = settings.resolve_message_keys()?;
    let feed = std::sync::Arc::new(crate::feed_index::FeedIndex::default());
    let hub = crate::hub::Hub::start(database.backend(), &settings.database_url, feed.clone())
        .map_err(|e| StartupError::Other(format!("cannot start the wake-up listener: {e}")))?;
    let sessions = crate::session_cache::SessionCache::start(
        database.backend(),
        &settings.database_url,
        settings.session_cache_entries,
        Duration::from_millis(settings.session_cache_max_age_ms),
    )
    .map_err(|e| StartupError::Other(format!("cannot start the session listener: {e}")))?;
    let media = crate::media::store::from_settings(&settings)
        .map_err(|e| StartupError::Other(format!("cannot open the media store: {e}")))?;
    Ok(AppState {
        db: database,
        jwt: JwtKeys::new(&secret, settings.access_token_ttl_secs)?,
        auth_limiter: AuthRateLimiter::new(settings.auth_rate_limit),
        key_limiter: crate::security::api_keys::KeyRateLimiter::new(settings.api_key_rate_limit),
        safety: crate::safety::SafetyNet::new(&settings.safety),
        settings,
        announcements: Default::default(),
        feed,
        faults: Default::default(),
        mailer,
        message_keys,
        hub,
        sessions: std::sync::Arc::new(sessions),
        media,
    })
}

/// Opens the database of the settings and applies pending migrations.
pub fn connect_and_migrate(settings: &Settings) -> Result<Database, StartupError> {
    let database = Database::connect(
        &settings.database_url,
        &PoolOptions {
            max_connections: settings.database_max_connections,
            ..PoolOptions::default()
        },
    )?;
    let applied = database.migrate()?;
    if !applied.is_empty() {
        tracing::info!(
            ?applied,
            backend = database.backend().as_str(),
            "migrations applied"
        );
    }
    Ok(database)
}

/// Everything but the listener: routes, extractor configuration, middleware, docs.
pub fn app(
    state: web::Data<AppState>,
    document: web::Data<OpenApiDocument>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let max_body = state.settings.max_body_bytes;
    App::new()
        .into_utoipa_app()
        .app_data(state)
        .app_data(document)
        .app_data(web::PayloadConfig::new(max_body))
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .configure(routes::configure)
        .into_app()
        .service(SwaggerUi::new("/api/docs/{_:.*}").config(Config::new(["/api/openapi.json"])))
        .service(web::redirect("/api/docs", "/api/docs/"))
        .default_service(web::to(error::not_found))
        .wrap(from_fn(crate::input::middleware))
        .wrap(from_fn(crate::panics::middleware))
        .wrap(from_fn(crate::key_audit::middleware))
        .wrap(from_fn(context::middleware))
        .wrap(
            DefaultHeaders::new()
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("Referrer-Policy", "no-referrer")),
        )
        .wrap(TracingLogger::<crate::telemetry::PrivateRootSpan>::new())
}

impl Application {
    /// Connects, migrates, binds `settings.bind` (port 0 picks a free port) and prepares the
    /// server; `run_until_stopped` runs it.
    pub fn build(settings: Settings) -> Result<Self, StartupError> {
        let database = connect_and_migrate(&settings)?;
        let address = settings.bind.clone();
        let listener = TcpListener::bind(&address).map_err(|source| StartupError::Bind {
            address: address.clone(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { address, source })?
            .port();
        let database_backend = database.backend();
        let state = web::Data::new(build_state(settings, database)?);
        let document = web::Data::new(OpenApiDocument(
            routes::openapi_json().map_err(|e| StartupError::Other(e.to_string()))?,
        ));

        #[cfg(feature = "fault-injection")]
        let faults = state.faults.clone();
        let limiter_state = state.clone();
        let sessions = state.sessions.clone();
        let handle = state.db.clone();
        if state.settings.webhooks_worker_interval_ms > 0 {
            crate::webhooks::spawn_worker(
                state.db.clone(),
                state.settings.clone(),
                Duration::from_millis(state.settings.webhooks_worker_interval_ms),
            );
        }
        if state.settings.notifications_worker_interval_ms > 0 {
            crate::scheduled::spawn_worker(
                state.clone(),
                Duration::from_millis(state.settings.notifications_worker_interval_ms),
            );
        }
        let mut server = HttpServer::new(move || app(state.clone(), document.clone()));
        // actix's default: one worker per available core.
        let workers = limiter_state
            .settings
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        server = server.workers(workers);
        // Database work runs on the workers' blocking pools (`db::read`, `db::write`). With
        // more threads than connections, the extra ones wait inside the connection pool, which
        // is not fair: a thread that hands a connection back takes it again before a waiter
        // wakes (PostgreSQL p99 of a one-query read reached ~800 ms at 16 connections). So the
        // workers together get as many threads as there are connections, and requests queue
        // in order in the blocking pools' task queues instead. (actix's default, 512 / workers,
        // let a 64-connection load start ~70 threads, each with a stack and a malloc arena.)
        let connections = limiter_state.settings.database_max_connections as usize
            + usize::from(database_backend == Backend::Sqlite); // SQLite's single writer
        server = server.worker_max_blocking_threads(connections.div_ceil(workers).max(1));
        let server = server
            .listen(listener)
            .map_err(|source| StartupError::Bind {
                address: "listener".to_owned(),
                source,
            })?
            .run();
        actix_web::rt::spawn(async move {
            let mut tick = actix_web::rt::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                limiter_state.auth_limiter.retain_recent();
                limiter_state.key_limiter.retain_recent();
            }
        });
        Ok(Self {
            port,
            server,
            #[cfg(feature = "fault-injection")]
            faults,
            sessions,
            database: handle,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The faults the tests inject into this application's writes.
    #[cfg(feature = "fault-injection")]
    pub fn faults(&self) -> std::sync::Arc<crate::faults::Faults> {
        self.faults.clone()
    }

    /// This process's sessions in memory (tests: to wait for the listener, or to forget what a
    /// write made behind the server's back changed, as the CLI's would be on PostgreSQL).
    pub fn sessions(&self) -> std::sync::Arc<crate::session_cache::SessionCache> {
        self.sessions.clone()
    }

    /// The application's database pools (tests count connection checkouts).
    pub fn database(&self) -> Database {
        self.database.clone()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
