//! Command line and environment: `--relay URL` (TANDEM_RELAY), `--profile DIR` (TANDEM_PROFILE),
//! `--name NAME` (TANDEM_DEVICE_NAME).

use std::path::PathBuf;

use clap::Parser;

pub const DEFAULT_RELAY: &str = "http://127.0.0.1:8420";

#[derive(Parser, Debug)]
#[command(name = "tandem-desktop", version, about = "Tandem desktop: link it to your phone by QR code")]
pub struct Options {
    /// The relay this desktop uses (the phone must use the same one).
    #[arg(long, env = "TANDEM_RELAY", default_value = DEFAULT_RELAY)]
    pub relay: String,
    /// The profile folder (database). Default: the platform's app data folder.
    #[arg(long, env = "TANDEM_PROFILE")]
    pub profile: Option<PathBuf>,
    /// This desktop's name, as the phone will list it.
    #[arg(long, env = "TANDEM_DEVICE_NAME", default_value = "Tandem Desktop")]
    pub name: String,
    /// A tandem:// link, as the system's URL handler passes it (the desktop entry's `%u`).
    #[arg(hide = true)]
    pub link: Option<String>,
}

impl Options {
    /// The tandem:// link in another start's command line, if any.
    pub fn link_in(argv: Vec<String>) -> Option<String> {
        Options::try_parse_from(argv).ok().and_then(|o| o.link)
    }

    pub fn from_env_and_args() -> Self {
        // Unknown arguments (some launchers add their own) are reported, not fatal.
        Options::try_parse().unwrap_or_else(|e| {
            if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) {
                e.exit();
            }
            eprintln!("warning: {e}");
            Options::parse_from(["tandem-desktop"])
        })
    }
}
