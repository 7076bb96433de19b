//! `tandem-relay --listen 127.0.0.1:0 --data DIR`: prints `listening on http://ADDR` (or https
//! with TLS) once ready. `--config FILE` reads the same settings from a TOML file.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use tandem_relay::Server;
use tandem_relay::settings::{FileSettings, Overrides, resolve};

#[derive(Parser)]
#[command(name = "tandem-relay", version, about = "Tandem's relay server: it stores only public keys and ciphertext")]
struct Args {
    /// A TOML config file (listen, data, tls_cert, tls_key, [limits], [lifecycle]); flags override it.
    #[arg(long, env = "TANDEM_RELAY_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8420); port 0 picks a free port.
    #[arg(long, env = "TANDEM_RELAY_LISTEN")]
    listen: Option<String>,
    /// Folder for the relay's database.
    #[arg(long, env = "TANDEM_RELAY_DATA")]
    data: Option<PathBuf>,
    /// TLS certificate chain (PEM); with --tls-key the relay serves HTTPS.
    #[arg(long)]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long)]
    tls_key: Option<PathBuf>,
    /// Log companions out when their phone has not been online for this many days (default 14).
    #[arg(long, env = "TANDEM_RELAY_PRIMARY_IDLE_DAYS")]
    primary_idle_days: Option<u64>,
    /// Log out a companion not used for this many days (default 30).
    #[arg(long, env = "TANDEM_RELAY_COMPANION_IDLE_DAYS")]
    companion_idle_days: Option<u64>,
    /// Sets one limit of [limits] (see relay.toml), e.g. --limit sends_per_account=600/minute
    /// or --limit max_companions=2; repeatable, and wins over the file.
    #[arg(long = "limit", value_name = "NAME=VALUE")]
    limits: Vec<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let file = match &args.config {
        Some(path) => FileSettings::load(path)?,
        None => FileSettings::default(),
    };
    let flags = Overrides {
        listen: args.listen,
        data: args.data,
        tls_cert: args.tls_cert,
        tls_key: args.tls_key,
        primary_idle_days: args.primary_idle_days,
        companion_idle_days: args.companion_idle_days,
        limits: args.limits,
    };
    let (listen, config) = resolve(file, flags)?;
    let scheme = if config.tls.is_some() { "https" } else { "http" };
    let data = config.data_dir.clone();
    let server = Server::bind(&listen, config)
        .await
        .with_context(|| format!("cannot start the relay on {listen} with data in {}", data.display()))?;
    let addr = server.local_addr()?;
    let server = tokio::spawn(server.run());
    println!("listening on {scheme}://{addr}");
    std::io::stdout().flush()?;
    tokio::select! {
        result = server => result.context("relay task failed")??,
        _ = tokio::signal::ctrl_c() => tracing::info!("interrupted, stopping"),
        _ = terminated() => tracing::info!("terminated, stopping"),
    }
    Ok(())
}

/// SIGTERM (systemd's stop) on Unix; never elsewhere.
async fn terminated() {
    #[cfg(unix)]
    if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        term.recv().await;
        return;
    }
    std::future::pending::<()>().await
}
