//! The relay's settings: command line, environment, and an optional TOML config file (what the
//! packaged service uses: /etc/tandem-relay/relay.toml). Flags win over the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::limits::{LimitError, Limits};
use crate::{RelayConfig, TlsFiles};

/// The config file's shape. Every field is optional; see packaging/relay/relay.toml.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub listen: Option<String>,
    pub data: Option<PathBuf>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub lifecycle: FileLifecycle,
}

/// The inactivity rules, in days.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLifecycle {
    pub primary_idle_days: Option<u64>,
    pub companion_idle_days: Option<u64>,
}

/// Why the settings are unusable.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read the config file {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("the config file {0} is not valid: {1}")]
    Parse(PathBuf, toml::de::Error),
    #[error("no data folder: set `data` in the config file or pass --data DIR")]
    NoData,
    #[error("TLS needs both a certificate and a key (tls_cert and tls_key)")]
    HalfTls,
    #[error(transparent)]
    BadLimit(#[from] LimitError),
    #[error("inactivity periods must be between 5 and 365 days (the warning starts 4 days before)")]
    BadIdleDays,
}

impl FileSettings {
    pub fn load(path: &Path) -> Result<Self, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|e| SettingsError::Read(path.to_owned(), e))?;
        toml::from_str(&text).map_err(|e| SettingsError::Parse(path.to_owned(), e))
    }
}

/// Values given on the command line (or environment); `None` falls back to the file.
#[derive(Debug, Default)]
pub struct Overrides {
    pub listen: Option<String>,
    pub data: Option<PathBuf>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub primary_idle_days: Option<u64>,
    pub companion_idle_days: Option<u64>,
    /// `NAME=VALUE` over `[limits]` (`--limit`, repeatable).
    pub limits: Vec<String>,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8420";

/// Merges flags over the file; returns the listen address and the relay's config.
pub fn resolve(file: FileSettings, flags: Overrides) -> Result<(String, RelayConfig), SettingsError> {
    let listen = flags.listen.or(file.listen).unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    let data = flags.data.or(file.data).ok_or(SettingsError::NoData)?;
    let tls = match (flags.tls_cert.or(file.tls_cert), flags.tls_key.or(file.tls_key)) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        (None, None) => None,
        _ => return Err(SettingsError::HalfTls),
    };
    let mut config = RelayConfig::new(data);
    config.tls = tls;
    config.limits = file.limits.with_overrides(&flags.limits)?;
    config.limits.check()?;
    let days = |d: Option<u64>, default: u64| match d {
        None => Ok(default * crate::DAY_MS),
        Some(d) if (5..=365).contains(&d) => Ok(d * crate::DAY_MS),
        Some(_) => Err(SettingsError::BadIdleDays),
    };
    config.primary_idle_ms =
        days(flags.primary_idle_days.or(file.lifecycle.primary_idle_days), crate::PRIMARY_IDLE_DAYS)?;
    config.companion_idle_ms =
        days(flags.companion_idle_days.or(file.lifecycle.companion_idle_days), crate::COMPANION_IDLE_DAYS)?;
    Ok((listen, config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_tls_needs_both_parts() {
        let file: FileSettings =
            toml::from_str("listen = \"0.0.0.0:443\"\ndata = \"/var/lib/x\"\n[limits]\nmax_request_bytes = 65536\n")
                .unwrap();
        let (listen, config) =
            resolve(file, Overrides { listen: Some("127.0.0.1:1".into()), ..Default::default() }).unwrap();
        assert_eq!(listen, "127.0.0.1:1");
        assert_eq!(config.data_dir, PathBuf::from("/var/lib/x"));
        assert_eq!(config.limits.max_request_bytes, 65536);
        let half = Overrides { data: Some("/d".into()), tls_cert: Some("/c".into()), ..Default::default() };
        assert!(matches!(resolve(FileSettings::default(), half), Err(SettingsError::HalfTls)));
        assert!(matches!(resolve(FileSettings::default(), Overrides::default()), Err(SettingsError::NoData)));
        assert!(toml::from_str::<FileSettings>("lsiten = 1").is_err(), "typos are reported");
        let file: FileSettings = toml::from_str("data = \"/d\"\n[lifecycle]\nprimary_idle_days = 7\n").unwrap();
        let flags = Overrides { companion_idle_days: Some(60), ..Default::default() };
        let (_, config) = resolve(file, flags).unwrap();
        assert_eq!((config.primary_idle_ms, config.companion_idle_ms), (7 * crate::DAY_MS, 60 * crate::DAY_MS));
        let silly = Overrides { data: Some("/d".into()), primary_idle_days: Some(0), ..Default::default() };
        assert!(matches!(resolve(FileSettings::default(), silly), Err(SettingsError::BadIdleDays)));
        let file: FileSettings =
            toml::from_str("data = \"/d\"\n[limits]\nsends_per_account = \"5/minute\"\nmax_companions = 3\n").unwrap();
        let flags = Overrides { limits: vec!["max_companions=2".into()], ..Default::default() };
        let (_, config) = resolve(file, flags).unwrap();
        assert_eq!((config.limits.max_companions, config.limits.sends_per_account.burst.get()), (2, 5));
        let tiny =
            Overrides { data: Some("/d".into()), limits: vec!["max_request_bytes=10".into()], ..Default::default() };
        assert!(matches!(resolve(FileSettings::default(), tiny), Err(SettingsError::BadLimit(_))));
    }

    #[test]
    fn the_packaged_config_file_reads_and_shows_the_defaults() {
        let shipped: FileSettings = toml::from_str(include_str!("../../../packaging/relay/relay.toml")).unwrap();
        assert_eq!(shipped.limits, Limits::default(), "relay.toml shows every limit with its default");
    }
}
