//! History sync through the real programs: a phone with seeded history links a desktop, which
//! imports every message exactly once, says per chat whether it is complete, refuses a tampered
//! chunk whole, resumes a broken download with Range, and finishes after being killed mid-import.

use std::time::Duration;

use serde_json::Value;
use tandem_tests::actors::{Cli, Relay, link};
use tandem_tests::process::Running;

fn status(device: &Cli) -> Value {
    serde_json::from_str(device.ok(&["--json", "status"]).lines().next().unwrap()).unwrap()
}

/// A phone with `chats` × `messages` seeded messages over `days`, and a linked desktop that has
/// not synced yet.
fn seeded(chats: u32, messages: u32, days: u32) -> (Relay, Cli, Cli) {
    let relay = Relay::start();
    let (alice_phone, alice_desktop) = (Cli::new("alice_phone"), Cli::new("alice_desktop"));
    alice_phone.init_phone(&relay);
    let (c, m, d) = (chats.to_string(), messages.to_string(), days.to_string());
    alice_phone.ok(&["seed-history", "--chats", &c, "--messages", &m, "--days", &d, "--seed", "7"]);
    link(&alice_phone, &alice_desktop, &relay);
    (relay, alice_phone, alice_desktop)
}

fn blob_files(relay: &Relay) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(relay.data.path().join("blobs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none())
        .collect();
    files.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    files
}

#[test]
fn a_new_desktop_gets_every_message_once_and_knows_which_chats_are_complete() {
    // 400 days of history: the phone sends the last year; older messages stay on the phone.
    let (_relay, _alice_phone, alice_desktop) = seeded(3, 1500, 400);
    alice_desktop.ok(&["sync"]);
    let s = status(&alice_desktop);
    let history = &s["history"];
    assert_eq!(history["state"], "complete", "{s}");
    let stored = s["messages_stored"].as_u64().unwrap();
    assert_eq!(stored, history["messages_total"].as_u64().unwrap());
    assert!(stored > 3000 && stored < 4500, "about a year of 400 days: {stored}");
    assert_eq!(history["partial_chats"].as_array().unwrap().len(), 3, "older messages remain on the phone");
    // Syncing again imports nothing twice.
    alice_desktop.ok(&["sync"]);
    assert_eq!(status(&alice_desktop)["messages_stored"].as_u64().unwrap(), stored);
    // Imported history is searchable: words and 3-letter prefixes, newest first, with snippets.
    let hits: Vec<Value> = alice_desktop
        .ok(&["--json", "search", "sourdough", "--limit", "5"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(hits.len(), 5);
    assert!(hits.iter().all(|h| h["hit"]["snippet"].as_str().unwrap().contains("[sourdough]")));
    let times: Vec<u64> = hits.iter().map(|h| h["hit"]["message"]["sent_ms"].as_u64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(!alice_desktop.ok(&["search", "sou*"]).is_empty());
    assert!(alice_desktop.ok(&["search", "\" OR NEAR("]).is_empty(), "query syntax is not interpreted");
}

#[test]
fn a_tampered_chunk_is_refused_whole_and_the_rest_is_imported() {
    let (relay, _alice_phone, alice_desktop) = seeded(2, 2500, 30);
    let blobs = blob_files(&relay);
    assert!(blobs.len() >= 3, "bootstrap and full chunks: {blobs:?}");
    let mut bytes = std::fs::read(&blobs[1]).unwrap();
    bytes[40] ^= 0x55;
    std::fs::write(&blobs[1], bytes).unwrap();
    alice_desktop.ok(&["sync"]);
    let s = status(&alice_desktop);
    assert_eq!(s["history"]["state"], "failed", "{s}");
    let failures = s["history"]["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1);
    assert!(failures[0].as_str().unwrap().contains("tampered"), "{failures:?}");
    let stored = s["messages_stored"].as_u64().unwrap();
    assert_eq!(stored, 5000 - 2000, "everything but the refused chunk (2000 messages), none of it half-imported");
}

#[test]
fn a_broken_download_resumes_and_a_killed_import_finishes_exactly() {
    let (relay, _alice_phone, alice_desktop) = seeded(2, 3000, 30);
    // A download that broke halfway: the desktop holds the first half of one chunk.
    let blobs = blob_files(&relay);
    let first = &blobs[0];
    let bytes = std::fs::read(first).unwrap();
    let part =
        alice_desktop.home().join("history").join(format!("{}.part", first.file_name().unwrap().to_str().unwrap()));
    std::fs::create_dir_all(part.parent().unwrap()).unwrap();
    std::fs::write(&part, &bytes[..bytes.len() / 2]).unwrap();
    // The import is killed after the first chunk lands.
    let mut importing = Running::spawn("alice_desktop sync", {
        let mut c = alice_desktop.command();
        c.args(["--json", "sync"]);
        c
    });
    importing.wait_line("a chunk imported", Duration::from_secs(120), |l| l.contains("\"event\":\"history\""));
    importing.kill();
    alice_desktop.ok(&["sync"]);
    let s = status(&alice_desktop);
    assert_eq!(s["history"]["state"], "complete", "{s}");
    assert_eq!(s["messages_stored"].as_u64().unwrap(), 6000, "no duplicates, no gaps");
    assert!(blob_files(&relay).is_empty(), "every blob was acked and deleted");
}

#[test]
fn history_waits_on_the_relay_across_a_restart() {
    let (relay, _alice_phone, alice_desktop) = seeded(2, 1000, 30);
    // The relay goes down (SIGKILL) and comes back before the desktop fetches anything.
    let relay = relay.restart();
    alice_desktop.ok(&["sync"]);
    let s = status(&alice_desktop);
    assert_eq!(s["history"]["state"], "complete", "{s}");
    assert_eq!(s["messages_stored"].as_u64().unwrap(), 2000);
    drop(relay);
}
