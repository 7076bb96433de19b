//! The relay's limits, as an operator sets them (`[limits]` in relay.toml, `--limit NAME=VALUE`
//! on the command line). Every limit says what it protects in packaging/relay/relay.toml and
//! docs/operators.md. The defaults are meant for a relay on the internet.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;

/// A rate: up to `burst` at once, refilled at `burst` per `period` (GCRA, as `governor` counts).
/// Written `"20/hour"`, `"120/minute"`, `"5/second"` or `"100/day"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Rate {
    pub burst: NonZeroU32,
    pub period: Duration,
}

/// Why a rate could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "a rate is written COUNT/PERIOD with COUNT at least 1 and PERIOD one of second, minute, hour, day (e.g. \"20/hour\"), not {0:?}"
)]
pub struct BadRate(String);

impl FromStr for Rate {
    type Err = BadRate;

    fn from_str(text: &str) -> Result<Self, BadRate> {
        let bad = || BadRate(text.to_owned());
        let (count, unit) = text.split_once('/').ok_or_else(bad)?;
        let burst = count.trim().parse::<NonZeroU32>().map_err(|_| bad())?;
        let secs = match unit.trim() {
            "second" | "s" => 1,
            "minute" | "min" => 60,
            "hour" | "h" => 3600,
            "day" | "d" => 86_400,
            _ => return Err(bad()),
        };
        Ok(Rate { burst, period: Duration::from_secs(secs) })
    }
}

impl TryFrom<String> for Rate {
    type Error = BadRate;
    fn try_from(text: String) -> Result<Self, BadRate> {
        text.parse()
    }
}

impl Rate {
    fn of(burst: u32, period_secs: u64) -> Rate {
        Rate { burst: NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN), period: Duration::from_secs(period_secs) }
    }
}

/// Every limit the relay enforces. Field names are the keys of `[limits]` and of `--limit`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    // Request rates (429 `rate_limited` with Retry-After).
    /// New accounts per client address.
    pub accounts_per_ip: Rate,
    /// Authentication challenges per client address.
    pub challenges_per_ip: Rate,
    /// Sign-ins (`POST /v1/auth`) per device.
    pub auths_per_device: Rate,
    /// New link sessions (QR codes) per client address.
    pub links_per_ip: Rate,
    /// Link-session requests (long polls, claims, replies, registrations) per client address.
    pub link_requests_per_ip: Rate,
    /// One-time-key claims per client address.
    pub key_claims_per_ip: Rate,
    /// One-time-key claims per claiming account and target device.
    pub key_claims_per_pair: Rate,
    /// Sends (batches and direct copies) per client address.
    pub sends_per_ip: Rate,
    /// Sends per account.
    pub sends_per_account: Rate,
    /// Device look-ups (device lists, identities) per client address.
    pub lookups_per_ip: Rate,
    /// Device look-ups per account.
    pub lookups_per_account: Rate,

    // Mailbox quotas (`mailbox_full`).
    /// Envelopes waiting for one device, from everyone.
    pub mailbox_max_envelopes: u64,
    /// Bytes of ciphertext waiting for one device, from everyone.
    pub mailbox_max_bytes: u64,
    /// Envelopes waiting for one device from one sending account.
    pub sender_max_envelopes: u64,
    /// Bytes waiting for one device from one sending account.
    pub sender_max_bytes: u64,

    // Connections.
    /// Open connections in all.
    pub max_connections: usize,
    /// Open connections per client address (trusted proxies are not counted).
    pub max_connections_per_ip: usize,
    /// A request's head (line and headers) must arrive within this; an idle kept-alive
    /// connection is closed after it too.
    pub header_timeout_secs: u64,
    /// A request's body must arrive within this.
    pub body_timeout_secs: u64,
    /// A WebSocket that answers no ping (nor sends anything) for this long is closed.
    pub ws_idle_secs: u64,
    /// Longest accepted URL path, in bytes.
    pub max_path_bytes: usize,
    /// Largest accepted request body, in bytes (history chunks and photos have their own caps).
    pub max_request_bytes: usize,

    // Accounts and devices.
    /// Companions (linked devices besides the phone) per account; the phone learns it.
    pub max_companions: usize,
    /// `keys_low` is pushed to a device at most once in this many seconds.
    pub keys_low_every_secs: u64,

    // Housekeeping.
    /// How often expired mail, sessions, challenges, tokens and idle watchers are removed.
    pub janitor_every_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` is believed (its last address is the client's).
    /// Their own connections are not capped per address.
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for Limits {
    fn default() -> Self {
        const MIN: u64 = 60;
        const HOUR: u64 = 3600;
        Limits {
            accounts_per_ip: Rate::of(20, HOUR),
            challenges_per_ip: Rate::of(600, MIN),
            auths_per_device: Rate::of(120, MIN),
            links_per_ip: Rate::of(60, HOUR),
            link_requests_per_ip: Rate::of(600, MIN),
            key_claims_per_ip: Rate::of(3000, HOUR),
            key_claims_per_pair: Rate::of(10, HOUR),
            sends_per_ip: Rate::of(3000, MIN),
            sends_per_account: Rate::of(1200, MIN),
            lookups_per_ip: Rate::of(3000, MIN),
            lookups_per_account: Rate::of(600, MIN),
            mailbox_max_envelopes: 50_000,
            mailbox_max_bytes: 512 * 1024 * 1024,
            sender_max_envelopes: 5_000,
            sender_max_bytes: 64 * 1024 * 1024,
            max_connections: 10_000,
            max_connections_per_ip: 128,
            header_timeout_secs: 10,
            body_timeout_secs: 60,
            ws_idle_secs: 60,
            max_path_bytes: 512,
            max_request_bytes: tandem_proto::wire::MAX_REQUEST_BYTES,
            max_companions: tandem_proto::DEFAULT_MAX_COMPANIONS,
            keys_low_every_secs: 60,
            janitor_every_secs: 60,
            trusted_proxies: Vec::new(),
        }
    }
}

impl Limits {
    /// Rates and quotas out of the way, for benchmarks that measure throughput (thousands of
    /// sends from one account on loopback); the connection limits stay.
    pub fn relaxed() -> Limits {
        let lots = Rate::of(u32::MAX, 1);
        Limits {
            accounts_per_ip: lots,
            challenges_per_ip: lots,
            auths_per_device: lots,
            links_per_ip: lots,
            link_requests_per_ip: lots,
            key_claims_per_ip: lots,
            key_claims_per_pair: lots,
            sends_per_ip: lots,
            sends_per_account: lots,
            lookups_per_ip: lots,
            lookups_per_account: lots,
            mailbox_max_envelopes: 100_000_000,
            mailbox_max_bytes: 1 << 40,
            sender_max_envelopes: 100_000_000,
            sender_max_bytes: 1 << 40,
            ..Limits::default()
        }
    }
}

/// A limit outside what the relay can work with.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LimitError {
    #[error("limits.{0} must be between {1} and {2}")]
    OutOfRange(&'static str, u64, u64),
    #[error("--limit takes NAME=VALUE (a key of [limits]), not {0:?}")]
    NotAnAssignment(String),
    #[error("--limit {0}: {1}")]
    Invalid(String, String),
}

impl Limits {
    /// Checks every bound; the relay refuses to start otherwise.
    pub fn check(&self) -> Result<(), LimitError> {
        let within = |name: &'static str, value: u64, lo: u64, hi: u64| {
            if (lo..=hi).contains(&value) { Ok(()) } else { Err(LimitError::OutOfRange(name, lo, hi)) }
        };
        within("max_request_bytes", self.max_request_bytes as u64, 16 * 1024, 16 * 1024 * 1024)?;
        within("max_companions", self.max_companions as u64, 1, tandem_proto::MAX_COMPANIONS as u64)?;
        within("header_timeout_secs", self.header_timeout_secs, 1, 300)?;
        within("body_timeout_secs", self.body_timeout_secs, 1, 3600)?;
        within("ws_idle_secs", self.ws_idle_secs, 2, 3600)?;
        within("max_path_bytes", self.max_path_bytes as u64, 64, 8192)?;
        within("max_connections", self.max_connections as u64, 1, 1_000_000)?;
        within("max_connections_per_ip", self.max_connections_per_ip as u64, 1, 1_000_000)?;
        within("mailbox_max_envelopes", self.mailbox_max_envelopes, 1, 100_000_000)?;
        within("mailbox_max_bytes", self.mailbox_max_bytes, 1024, 1 << 40)?;
        within("sender_max_envelopes", self.sender_max_envelopes, 1, self.mailbox_max_envelopes)?;
        within("sender_max_bytes", self.sender_max_bytes, 1024, self.mailbox_max_bytes)?;
        within("keys_low_every_secs", self.keys_low_every_secs, 1, 86_400)?;
        within("janitor_every_secs", self.janitor_every_secs, 1, 86_400)?;
        Ok(())
    }

    /// Applies `NAME=VALUE` overrides (from `--limit`) over these limits. Values are TOML
    /// (`sends_per_account="10/minute"`, `max_companions=2`; a rate may go without quotes).
    pub fn with_overrides(self, assignments: &[String]) -> Result<Limits, LimitError> {
        if assignments.is_empty() {
            return Ok(self);
        }
        let mut table = self.as_table();
        for assignment in assignments {
            let (name, value) =
                assignment.split_once('=').ok_or_else(|| LimitError::NotAnAssignment(assignment.clone()))?;
            let (name, value) = (name.trim(), value.trim());
            let parsed: toml::Value = toml::from_str::<toml::Table>(&format!("v = {value}"))
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or_else(|| toml::Value::String(value.to_owned()));
            table.insert(name.to_owned(), parsed);
        }
        table.try_into::<Limits>().map_err(|e| LimitError::Invalid(assignments.join(" "), e.message().to_owned()))
    }

    pub fn header_timeout(&self) -> Duration {
        Duration::from_secs(self.header_timeout_secs)
    }
    pub fn body_timeout(&self) -> Duration {
        Duration::from_secs(self.body_timeout_secs)
    }
    pub fn ws_idle(&self) -> Duration {
        Duration::from_secs(self.ws_idle_secs)
    }
    pub fn janitor_every(&self) -> Duration {
        Duration::from_secs(self.janitor_every_secs)
    }
}

impl Limits {
    /// The limits written back as TOML values (rates as their text), to merge `--limit` flags.
    fn as_table(&self) -> toml::Table {
        let l = self;
        let rate = |r: &Rate| toml::Value::String(text(r));
        let int = |n: u64| toml::Value::Integer(i64::try_from(n).unwrap_or(i64::MAX));
        let mut t = toml::Table::new();
        for (name, r) in [
            ("accounts_per_ip", &l.accounts_per_ip),
            ("challenges_per_ip", &l.challenges_per_ip),
            ("auths_per_device", &l.auths_per_device),
            ("links_per_ip", &l.links_per_ip),
            ("link_requests_per_ip", &l.link_requests_per_ip),
            ("key_claims_per_ip", &l.key_claims_per_ip),
            ("key_claims_per_pair", &l.key_claims_per_pair),
            ("sends_per_ip", &l.sends_per_ip),
            ("sends_per_account", &l.sends_per_account),
            ("lookups_per_ip", &l.lookups_per_ip),
            ("lookups_per_account", &l.lookups_per_account),
        ] {
            t.insert(name.into(), rate(r));
        }
        for (name, n) in [
            ("mailbox_max_envelopes", l.mailbox_max_envelopes),
            ("mailbox_max_bytes", l.mailbox_max_bytes),
            ("sender_max_envelopes", l.sender_max_envelopes),
            ("sender_max_bytes", l.sender_max_bytes),
            ("max_connections", l.max_connections as u64),
            ("max_connections_per_ip", l.max_connections_per_ip as u64),
            ("header_timeout_secs", l.header_timeout_secs),
            ("body_timeout_secs", l.body_timeout_secs),
            ("ws_idle_secs", l.ws_idle_secs),
            ("max_path_bytes", l.max_path_bytes as u64),
            ("max_request_bytes", l.max_request_bytes as u64),
            ("max_companions", l.max_companions as u64),
            ("keys_low_every_secs", l.keys_low_every_secs),
            ("janitor_every_secs", l.janitor_every_secs),
        ] {
            t.insert(name.into(), int(n));
        }
        let proxies = l.trusted_proxies.iter().map(|ip| toml::Value::String(ip.to_string())).collect();
        t.insert("trusted_proxies".into(), toml::Value::Array(proxies));
        t
    }
}

/// `"N/second"` etc., the way [`Rate`] reads it.
fn text(rate: &Rate) -> String {
    let unit = match rate.period.as_secs() {
        1 => "second",
        60 => "minute",
        3600 => "hour",
        _ => "day",
    };
    format!("{}/{unit}", rate.burst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_count_per_period() {
        assert_eq!("20/hour".parse::<Rate>().unwrap(), Rate::of(20, 3600));
        assert_eq!(" 5 / second ".parse::<Rate>().unwrap(), Rate::of(5, 1));
        assert!("0/hour".parse::<Rate>().is_err());
        assert!("20/fortnight".parse::<Rate>().is_err());
        assert!("20".parse::<Rate>().is_err());
    }

    #[test]
    fn flags_override_named_limits_and_typos_are_refused() {
        let limits = Limits::default()
            .with_overrides(&["sends_per_account=2/minute".into(), "max_companions = 2".into()])
            .unwrap();
        assert_eq!(limits.sends_per_account, Rate::of(2, 60));
        assert_eq!(limits.max_companions, 2);
        assert_eq!(limits.accounts_per_ip, Limits::default().accounts_per_ip, "the rest stays");
        assert!(Limits::default().with_overrides(&["sends_per_acount=2/minute".into()]).is_err());
        assert!(Limits::default().with_overrides(&["max_companions".into()]).is_err());
        let proxied = Limits::default().with_overrides(&["trusted_proxies=[\"127.0.0.1\"]".into()]).unwrap();
        assert_eq!(proxied.trusted_proxies, vec![IpAddr::from([127, 0, 0, 1])]);
    }

    #[test]
    fn bounds_are_checked() {
        assert_eq!(Limits::default().check(), Ok(()));
        let too_many = Limits { max_companions: tandem_proto::MAX_COMPANIONS + 1, ..Limits::default() };
        assert!(matches!(too_many.check(), Err(LimitError::OutOfRange("max_companions", _, _))));
    }
}
