//! Named actors: a relay, phones and companions, each a real process.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use crate::bin;
use crate::process::Running;

pub const STEP: Duration = Duration::from_secs(60);

/// A tandem-relay process with its own data folder.
pub struct Relay {
    pub url: String,
    pub data: TempDir,
    process: Running,
}

impl Relay {
    pub fn start() -> Relay {
        let data = tempfile::tempdir().expect("relay data dir");
        Self::start_in(data, "127.0.0.1:0")
    }

    fn start_in(data: TempDir, listen: &str) -> Relay {
        Self::start_with(data, listen, &[])
    }

    /// Starts a relay with some of its limits set (`NAME=VALUE`, as `--limit` takes them).
    pub fn start_limited(limits: &[&str]) -> Relay {
        let data = tempfile::tempdir().expect("relay data dir");
        let args: Vec<&str> = limits.iter().flat_map(|l| ["--limit", l]).collect();
        Self::start_with(data, "127.0.0.1:0", &args)
    }

    /// Starts a relay with extra command-line arguments (e.g. TLS files).
    pub fn start_with(data: TempDir, listen: &str, extra: &[&str]) -> Relay {
        let mut cmd = Command::new(bin("tandem-relay"));
        cmd.args(["--listen", listen, "--data"]).arg(data.path()).args(extra);
        let mut process = Running::spawn("relay", cmd);
        let line = process.wait_line("'listening on'", STEP, |l| l.starts_with("listening on "));
        let url = line.trim_start_matches("listening on ").trim().to_owned();
        Relay { url, data, process }
    }

    /// Stops the relay (SIGKILL: only what it committed survives) and starts it again on the
    /// same address with the same data.
    pub fn restart(self) -> Relay {
        let Relay { url, data, mut process } = self;
        process.kill();
        let listen = url.trim_start_matches("http://").to_owned();
        Self::start_in(data, &listen)
    }

    /// Stops the relay (SIGKILL); [`StoppedRelay::start`] brings it back on the same address.
    pub fn stop(self) -> StoppedRelay {
        let Relay { url, data, mut process } = self;
        process.kill();
        StoppedRelay { url, data }
    }

    /// Stops the relay (SIGKILL) and starts it on the same address with `data` instead: a relay
    /// that "lost" newer data, or an attacker serving an old snapshot.
    pub fn restart_with(self, data: TempDir) -> (Relay, TempDir) {
        let Relay { url, data: previous, mut process } = self;
        process.kill();
        let listen = url.trim_start_matches("http://").to_owned();
        (Self::start_in(data, &listen), previous)
    }

    /// Stops the relay, copies its data folder, and starts it again on the same data; returns
    /// the copy (a snapshot of the relay's state at this moment).
    pub fn restart_with_snapshot(self) -> (Relay, TempDir) {
        let Relay { url, data, mut process } = self;
        process.kill();
        let copy = tempfile::tempdir().expect("snapshot dir");
        copy_tree(data.path(), copy.path());
        let listen = url.trim_start_matches("http://").to_owned();
        (Self::start_in(data, &listen), copy)
    }

    pub fn stderr(&self) -> String {
        self.process.stderr()
    }
}

/// Copies a folder and its subfolders (the relay's database files and blobs).
fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("relay data") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A relay that is down, with its data kept.
pub struct StoppedRelay {
    pub url: String,
    data: TempDir,
}

impl StoppedRelay {
    /// The relay's data folder (its SQLite database), for tests that play a malicious relay.
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    pub fn start(self) -> Relay {
        let listen = self.url.trim_start_matches("http://").to_owned();
        Relay::start_in(self.data, &listen)
    }
}

/// A tandem-cli device (phone or companion) with its own home folder.
pub struct Cli {
    pub name: String,
    pub home: TempDir,
}

impl Cli {
    pub fn new(name: &str) -> Cli {
        Cli { name: name.to_owned(), home: tempfile::tempdir().expect("home dir") }
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(bin("tandem-cli"));
        cmd.arg("--home").arg(self.home.path());
        cmd
    }

    /// Runs a command to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("run tandem-cli")
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{}: tandem-cli {args:?} failed: {}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs a command that must fail; returns its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "{}: tandem-cli {args:?} should have failed; stdout {}",
            self.name,
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Creates an account with this device as its primary; returns the account id.
    pub fn init_phone(&self, relay: &Relay) -> String {
        self.ok(&["init", "--relay", &relay.url, "--name", &self.name]).trim().to_owned()
    }

    /// The verified device list, as `devices --json` prints it.
    pub fn devices(&self) -> Value {
        serde_json::from_str(&self.ok(&["--json", "devices"])).expect("devices JSON")
    }

    /// Starts `companion` and waits for its first link URI.
    pub fn start_companion(&self, relay: &Relay) -> (Running, String) {
        let mut cmd = self.command();
        cmd.args(["companion", "--relay", &relay.url, "--name", &self.name]);
        let mut process = Running::spawn(&self.name, cmd);
        let uri = process.wait_line("a link URI", STEP, |l| l.starts_with("tandem://link?"));
        (process, uri)
    }
}

/// `phone` links `companion` in one go (as `link --yes`); returns the link URI that was used.
pub fn link(phone: &Cli, companion: &Cli, relay: &Relay) -> String {
    let (mut process, uri) = companion.start_companion(relay);
    phone.ok(&["link", "--yes", &uri]);
    assert!(process.wait_exit(STEP).success(), "{}: {}", companion.name, process.stderr());
    uri
}

/// The names of the devices in a `devices --json` answer.
pub fn device_names(devices: &Value) -> Vec<String> {
    devices["devices"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["name"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}
