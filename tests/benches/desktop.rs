//! Desktop start-up and memory (a bench binary, not a timed test). Run under the test session
//! (keychain, X display), ideally with a release build of the desktop:
//!
//!     scripts/package   # or: ui/node_modules/.bin/tauri build --no-bundle
//!     TANDEM_DESKTOP_BIN=target/release/tandem-desktop \
//!       scripts/with-session cargo bench --profile dev -p tandem-tests --bench desktop
//!
//! The release binary must come from `tauri build`: WebKitWebDriver does not attach to one made
//! by a plain `cargo build --release` here (the session request waits until it gives up).
//!
//! `TANDEM_BENCH_MESSAGES` (default 100000) sets the history size, `TANDEM_BENCH_IDLE_SECS`
//! (default 600) how long the window idles before its memory is read.
//!
//! A phone seeded with that many messages in 200 chats links a fresh window, which imports them
//! all. Then: cold start (process start to a chat list on screen, 3 runs), and the resident
//! memory of the app and its WebKit processes after idling.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use tandem_tests::actors::{Cli, Relay};
use tandem_tests::ui::{Driver, testid_text, wait_testid};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Polls (every 10 ms) until an element with this test id is on the page; the time it took.
async fn until_testid(window: &Client, id: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    let css = format!("[data-testid=\"{id}\"]");
    while window.find(Locator::Css(&css)).await.is_err() {
        assert!(start.elapsed() < limit, "no {id} within {limit:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    start.elapsed()
}

/// The desktop process started with `profile` and every process below it (WebKit's).
fn app_processes(profile: &str) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    let mut roots = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains("tandem-desktop") && cmdline.contains(profile) {
            roots.push(pid);
        }
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let ppid = stat.rsplit(')').next().and_then(|r| r.split_whitespace().nth(1)).and_then(|p| p.parse().ok());
        if let Some(ppid) = ppid {
            parents.push((pid, ppid));
        }
    }
    let mut all = roots.clone();
    let mut i = 0;
    while i < all.len() {
        let parent = all[i];
        all.extend(parents.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
        i += 1;
    }
    all
}

/// Proportional set size (shared pages split between sharers) of these processes, in MB.
fn pss_mb(pids: &[u32]) -> f64 {
    let kb: u64 = pids
        .iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")).ok())
        .filter_map(|s| {
            s.lines().find(|l| l.starts_with("Pss:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .sum();
    kb as f64 / 1024.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let messages = env_u64("TANDEM_BENCH_MESSAGES", 100_000);
    let idle = Duration::from_secs(env_u64("TANDEM_BENCH_IDLE_SECS", 600));
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    alice_phone.init_phone(&relay);
    let per_chat = (messages / 200).to_string();
    alice_phone.ok(&["seed-history", "--chats", "200", "--messages", &per_chat, "--days", "365", "--seed", "1"]);
    let profile = tempfile::tempdir().expect("profile");
    let profile_arg = profile.path().to_str().expect("path").to_owned();
    let args = ["--relay", relay.url.as_str(), "--profile", profile_arg.as_str(), "--name", "alice_desktop"];
    let driver = Driver::start();

    // Link, and let the window import everything.
    let window = driver.launch(&args).await;
    let uri = testid_text(&window, "link-text").await;
    alice_phone.ok(&["link", "--yes", &uri]);
    alice_phone.ok(&["sync"]);
    let synced = Instant::now();
    loop {
        if let Ok(label) = window.find(Locator::Css("[data-testid=\"history-label\"]")).await
            && label.text().await.unwrap_or_default().contains("History synced")
        {
            break;
        }
        assert!(synced.elapsed() < Duration::from_secs(3600), "history did not finish within an hour");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let import = synced.elapsed();
    window.close().await.expect("close");

    // Cold starts: process start to the chat list on screen.
    let mut starts = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let window = driver.launch(&args).await;
        until_testid(&window, "chat-row", Duration::from_secs(120)).await;
        starts.push(start.elapsed());
        window.close().await.expect("close");
    }
    starts.sort();

    // Idle memory.
    let window = driver.launch(&args).await;
    wait_testid(&window, "chat-row").await;
    let pss_start = pss_mb(&app_processes(&profile_arg));
    tokio::time::sleep(idle).await;
    let pids = app_processes(&profile_arg);
    let pss_idle = pss_mb(&pids);
    let breakdown: Vec<String> = pids
        .iter()
        .map(|p| {
            let name = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default();
            format!("{} {:.0} MB", name.trim(), pss_mb(&[*p]))
        })
        .collect();
    window.close().await.expect("close");
    let binary = std::env::var_os("TANDEM_DESKTOP_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tandem_tests::bin("tandem-desktop"));
    let size = std::fs::metadata(&binary).map(|m| m.len()).unwrap_or(0);

    println!(
        "| history of {messages} messages imported by the window (after the phone's upload) | {:.1} s |",
        import.as_secs_f64()
    );
    println!(
        "| cold start to an interactive chat list, {messages} messages (3 runs: min / median / max) | {:.0} / {:.0} / {:.0} ms |",
        starts[0].as_secs_f64() * 1000.0,
        starts[1].as_secs_f64() * 1000.0,
        starts[2].as_secs_f64() * 1000.0
    );
    println!(
        "| memory (PSS) of the app and its {} processes, at start / after {} s idle | {pss_start:.0} / {pss_idle:.0} MB |",
        pids.len(),
        idle.as_secs()
    );
    println!("| of which, per process | {} |", breakdown.join(", "));
    println!("| binary {} | {:.1} MB |", binary.display(), size as f64 / 1e6);
}
