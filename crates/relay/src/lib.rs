//! tandem-relay as a library: `serve(listener, config)` runs the server on a bound listener, so
//! tests start a real relay on `127.0.0.1:0`.
//!
//! The relay stores accounts, device identities, signed device lists, prekeys and link sessions;
//! it checks every signature it is given, refuses device-list rollbacks, and never holds a private
//! key or a plaintext message.

mod api;
mod clock;
mod db;
mod error;
mod files;
mod links;
mod push;
pub mod settings;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::RelayError;
use tokio::net::TcpListener;

/// How the relay is set up.
#[derive(Clone)]
pub struct RelayConfig {
    /// Folder for the SQLite database (created if missing).
    pub data_dir: PathBuf,
    pub clock: Arc<dyn Clock>,
    /// Serve HTTPS with this certificate and key (PEM); plain HTTP when `None` (loopback only).
    pub tls: Option<TlsFiles>,
    /// Request bodies larger than this are refused with `too_large`.
    pub max_request_bytes: usize,
    /// Companions are logged out once the account's primary has not been online for this long.
    pub primary_idle_ms: u64,
    /// A companion not used for this long is logged out (and its primary drops it from the list).
    pub companion_idle_ms: u64,
}

/// A day in milliseconds.
pub const DAY_MS: u64 = 24 * 3600 * 1000;
/// Defaults of the inactivity rules (days).
pub const PRIMARY_IDLE_DAYS: u64 = 14;
pub const COMPANION_IDLE_DAYS: u64 = 30;
/// Companions warn this long before they are logged out for the phone's inactivity.
pub const LOGOUT_WARNING_MS: u64 = 4 * DAY_MS;

#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl RelayConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        RelayConfig {
            data_dir: data_dir.into(),
            clock: Arc::new(SystemClock),
            tls: None,
            max_request_bytes: tandem_proto::wire::MAX_REQUEST_BYTES,
            primary_idle_ms: PRIMARY_IDLE_DAYS * DAY_MS,
            companion_idle_ms: COMPANION_IDLE_DAYS * DAY_MS,
        }
    }
}

/// Shared state of a running relay.
#[derive(Clone)]
pub(crate) struct Relay {
    pub db: db::Db,
    pub clock: Arc<dyn Clock>,
    pub links: links::LinkWatchers,
    pub push: push::PushHub,
    pub idle: Idle,
    /// Where blob files live (`<data>/blobs`).
    pub blob_dir: PathBuf,
    /// Where sealed photo files live (`<data>/media`).
    pub media_dir: PathBuf,
}

/// The inactivity periods (see [`RelayConfig`]).
#[derive(Clone, Copy)]
pub(crate) struct Idle {
    pub primary_ms: u64,
    pub companion_ms: u64,
}

impl Relay {
    pub fn open(config: &RelayConfig) -> Result<Self, RelayError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| RelayError::DataDir(config.data_dir.clone(), e))?;
        let db = db::Db::open(&config.data_dir.join("relay.sqlite3"))?;
        let idle = Idle { primary_ms: config.primary_idle_ms, companion_ms: config.companion_idle_ms };
        let blob_dir = config.data_dir.join("blobs");
        std::fs::create_dir_all(&blob_dir).map_err(|e| RelayError::DataDir(blob_dir.clone(), e))?;
        let media_dir = config.data_dir.join("media");
        std::fs::create_dir_all(&media_dir).map_err(|e| RelayError::DataDir(media_dir.clone(), e))?;
        Ok(Relay {
            db,
            clock: config.clock.clone(),
            links: Default::default(),
            push: Default::default(),
            idle,
            blob_dir,
            media_dir,
        })
    }

    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }
}

/// A relay bound to its listener, database open, not yet serving.
pub struct Server {
    listener: TcpListener,
    relay: Relay,
    tls: Option<TlsFiles>,
    max_request_bytes: usize,
}

impl Server {
    pub async fn bind(listen: &str, config: RelayConfig) -> Result<Self, RelayError> {
        let listener = TcpListener::bind(listen).await.map_err(RelayError::Bind)?;
        Self::from_listener(listener, &config)
    }

    pub fn from_listener(listener: TcpListener, config: &RelayConfig) -> Result<Self, RelayError> {
        let relay = Relay::open(config)?;
        // What expired while the relay was down goes before it serves (then hourly, in `run`).
        if api::blobs::expire(&relay).and(api::media::expire(&relay)).is_err() {
            tracing::warn!("expired files could not be removed at start; the hourly sweep tries again");
        }
        Ok(Server { listener, relay, tls: config.tls.clone(), max_request_bytes: config.max_request_bytes })
    }

    pub fn local_addr(&self) -> Result<SocketAddr, RelayError> {
        self.listener.local_addr().map_err(RelayError::Bind)
    }

    pub async fn run(self) -> Result<(), RelayError> {
        // Expired history blobs and photo files go within the hour even when nobody uploads;
        // the sweep lives as long as the server.
        let janitor = self.relay.clone();
        let sweep = async move {
            let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                hourly.tick().await;
                if api::blobs::expire(&janitor).and(api::media::expire(&janitor)).is_err() {
                    tracing::warn!("expired files could not be removed this hour; trying again in an hour");
                }
            }
        };
        let app = api::router(self.relay, self.max_request_bytes);
        let serve = async move {
            match self.tls {
                None => axum::serve(self.listener, app).await.map_err(RelayError::Serve),
                Some(files) => {
                    let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&files.cert, &files.key)
                        .await
                        .map_err(|e| RelayError::Tls(files.cert.clone(), e))?;
                    let listener = self.listener.into_std().map_err(RelayError::Bind)?;
                    axum_server::from_tcp_rustls(listener, tls)
                        .map_err(RelayError::Bind)?
                        .serve(app.into_make_service())
                        .await
                        .map_err(RelayError::Serve)
                }
            }
        };
        tokio::select! {
            served = serve => served,
            () = sweep => Ok(()),
        }
    }

    /// Runs in the background of the current tokio runtime (tests, embedding).
    pub fn spawn(self) -> Result<RunningRelay, RelayError> {
        let addr = self.local_addr()?;
        Ok(RunningRelay { addr, task: tokio::spawn(self.run()) })
    }
}

/// Serves the relay API on `listener` until the server fails.
pub async fn serve(listener: TcpListener, config: RelayConfig) -> Result<(), RelayError> {
    Server::from_listener(listener, &config)?.run().await
}

/// A relay running in the background.
pub struct RunningRelay {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<Result<(), RelayError>>,
}

impl RunningRelay {
    pub async fn start(listen: &str, config: RelayConfig) -> Result<Self, RelayError> {
        Server::bind(listen, config).await?.spawn()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the relay abruptly (as a crash would: only what SQLite committed survives).
    pub fn stop(self) {
        self.task.abort();
    }

    /// Stops the relay and waits until its listener and database are closed.
    pub async fn stop_and_wait(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}
