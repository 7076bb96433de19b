//! `tandem-relay --listen 127.0.0.1:0 --data DIR`: prints `listening on http://ADDR` once ready.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use tandem_relay::{RelayConfig, Server};

#[derive(Parser)]
#[command(name = "tandem-relay", version, about = "Tandem's relay server: it stores only public keys and ciphertext")]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8420", env = "TANDEM_RELAY_LISTEN")]
    listen: String,
    /// Folder for the relay's database.
    #[arg(long, env = "TANDEM_RELAY_DATA")]
    data: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let server = Server::bind(&args.listen, RelayConfig::new(&args.data))
        .await
        .with_context(|| format!("cannot start the relay on {} with data in {}", args.listen, args.data.display()))?;
    let addr = server.local_addr()?;
    let server = tokio::spawn(server.run());
    println!("listening on http://{addr}");
    std::io::stdout().flush()?;
    tokio::select! {
        result = server => result.context("relay task failed")??,
        _ = tokio::signal::ctrl_c() => tracing::info!("interrupted, stopping"),
    }
    Ok(())
}
