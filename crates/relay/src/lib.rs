//! tandem-relay as a library: `serve(listener, config)` runs the server on a bound listener, so
//! tests start a real relay on `127.0.0.1:0`.
//!
//! The relay stores accounts, device identities, signed device lists, prekeys and link sessions;
//! it checks every signature it is given, refuses device-list rollbacks, and never holds a private
//! key or a plaintext message.

mod api;
mod clock;
mod conns;
mod db;
mod error;
mod files;
mod janitor;
pub mod limits;
mod links;
mod push;
pub mod settings;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::RelayError;
pub use limits::Limits;
use tokio::net::TcpListener;

/// How the relay is set up.
#[derive(Clone)]
pub struct RelayConfig {
    /// Folder for the SQLite database (created if missing).
    pub data_dir: PathBuf,
    pub clock: Arc<dyn Clock>,
    /// Serve HTTPS with this certificate and key (PEM); plain HTTP when `None` (loopback only).
    pub tls: Option<TlsFiles>,
    /// Rates, quotas, timeouts and caps (see [`Limits`]).
    pub limits: Limits,
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
            limits: Limits::default(),
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
    pub limits: Arc<Limits>,
    pub rates: Arc<api::RateLimits>,
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
        config.limits.check()?;
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
            limits: Arc::new(config.limits.clone()),
            rates: Arc::new(api::RateLimits::new(&config.limits)),
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
}

impl Server {
    pub async fn bind(listen: &str, config: RelayConfig) -> Result<Self, RelayError> {
        let listener = TcpListener::bind(listen).await.map_err(RelayError::Bind)?;
        Self::from_listener(listener, &config)
    }

    pub fn from_listener(listener: TcpListener, config: &RelayConfig) -> Result<Self, RelayError> {
        let relay = Relay::open(config)?;
        // What expired while the relay was down goes before it serves (then in `run`).
        janitor::sweep(&relay);
        Ok(Server { listener, relay, tls: config.tls.clone() })
    }

    pub fn local_addr(&self) -> Result<SocketAddr, RelayError> {
        self.listener.local_addr().map_err(RelayError::Bind)
    }

    pub async fn run(self) -> Result<(), RelayError> {
        let limits = self.relay.limits.clone();
        let sweep = janitor::run(self.relay.clone());
        let app = api::router(self.relay).into_make_service_with_connect_info::<SocketAddr>();
        let caps = conns::ConnLimiter::new(
            limits.max_connections,
            limits.max_connections_per_ip,
            limits.trusted_proxies.clone(),
        );
        let listener = self.listener.into_std().map_err(RelayError::Bind)?;
        let serve = async move {
            match self.tls {
                None => {
                    let mut server = axum_server::from_tcp(listener).map_err(RelayError::Bind)?.acceptor(caps);
                    configure(server.http_builder(), &limits);
                    server.first_request_timeout(limits.header_timeout()).serve(app).await.map_err(RelayError::Serve)
                }
                Some(files) => {
                    let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&files.cert, &files.key)
                        .await
                        .map_err(|e| RelayError::Tls(files.cert.clone(), e))?;
                    let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(tls)
                        .handshake_timeout(limits.header_timeout())
                        .acceptor(caps);
                    let mut server = axum_server::from_tcp(listener).map_err(RelayError::Bind)?.acceptor(acceptor);
                    configure(server.http_builder(), &limits);
                    server.first_request_timeout(limits.header_timeout()).serve(app).await.map_err(RelayError::Serve)
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
        let relay = self.relay.clone();
        Ok(RunningRelay { addr, relay, task: tokio::spawn(self.run()) })
    }
}

/// hyper's side of the limits: a request head must arrive within `header_timeout_secs` (with
/// a real timer, so it fires; an idle kept-alive connection waits for its next head under the
/// same timer), heads are bounded in size, and HTTP/2 connections carry few streams.
fn configure(builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>, limits: &Limits) {
    builder
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_timeout())
        .max_buf_size(64 * 1024);
    builder
        .http2()
        .timer(hyper_util::rt::TokioTimer::new())
        .max_concurrent_streams(64)
        .keep_alive_interval(Some(limits.ws_idle() / 2))
        .keep_alive_timeout(limits.header_timeout());
}

/// Serves the relay API on `listener` until the server fails.
pub async fn serve(listener: TcpListener, config: RelayConfig) -> Result<(), RelayError> {
    Server::from_listener(listener, &config)?.run().await
}

/// A relay running in the background.
pub struct RunningRelay {
    pub addr: SocketAddr,
    relay: Relay,
    task: tokio::task::JoinHandle<Result<(), RelayError>>,
}

impl RunningRelay {
    pub async fn start(listen: &str, config: RelayConfig) -> Result<Self, RelayError> {
        Server::bind(listen, config).await?.spawn()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Runs the janitor's sweep now (tests that move a manual clock past a lifetime wait on this
    /// instead of the next scheduled sweep).
    pub async fn sweep(&self) {
        let relay = self.relay.clone();
        let _ = tokio::task::spawn_blocking(move || janitor::sweep(&relay)).await;
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
