//! History sync through the real programs: a phone with seeded history links a desktop, which
//! imports every message exactly once, says per chat whether it is complete, refuses a tampered
//! chunk whole, resumes a broken download with Range, and finishes after being killed mid-import.

use std::time::Duration;

use serde_json::Value;
use tandem_tests::actors::{Cli, Relay, STEP, link};
use tandem_tests::evil;
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
    // `link` sent the bootstrap; the phone's next sync sends the rest.
    alice_phone.ok(&["sync"]);
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
    assert_eq!(s["chats"], 4, "3 contacts and their group");
    assert!(stored > 3000 && stored < 4500, "about a year of 400 days: {stored}");
    // 3 contacts and the seeded group of them, whose signed membership came with the history.
    assert_eq!(history["partial_chats"].as_array().unwrap().len(), 4, "older messages remain on the phone");
    assert!(alice_desktop.ok(&["group", "list"]).contains("Climbing"));
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

fn lines(output: &str) -> Vec<Value> {
    output.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

fn chats(device: &Cli) -> Vec<Value> {
    lines(&device.ok(&["--json", "chats"])).into_iter().map(|l| l["chat"].clone()).collect()
}

#[test]
fn link_returns_after_the_bootstrap_and_the_rest_follows_while_the_phone_runs() {
    let relay = Relay::start();
    let (alice_phone, alice_desktop) = (Cli::new("alice_phone"), Cli::new("alice_desktop"));
    alice_phone.init_phone(&relay);
    alice_phone.ok(&["seed-history", "--chats", "3", "--messages", "1500", "--days", "400", "--seed", "7"]);
    // The desktop asks for 3 months; the phone sends those, its recent chats first.
    let mut cmd = alice_desktop.command();
    cmd.args(["companion", "--relay", &relay.url, "--name", "alice_desktop", "--history-days", "90"]);
    let mut companion = Running::spawn("alice_desktop companion", cmd);
    let uri = companion.wait_line("a link URI", STEP, |l| l.starts_with("tandem://link?"));
    let linked = lines(&alice_phone.ok(&["--json", "link", "--yes", &uri]));
    assert!(companion.wait_exit(STEP).success(), "{}", companion.stderr());
    let scanned = linked.iter().find(|l| l["event"] == "scanned").unwrap();
    assert_eq!(scanned["history_days_asked"], 90);
    let uploads: Vec<&Value> = linked.iter().filter(|l| l["event"] == "history_chunk").collect();
    assert_eq!(uploads.len(), 1, "link returns once the bootstrap is uploaded: {linked:?}");
    let chunks = uploads[0]["progress"]["chunks"].as_u64().unwrap();
    assert!(chunks > 1, "{uploads:?}");
    assert_eq!(uploads[0]["progress"]["messages"], 80, "20 newest of each of 3 chats and their group");
    // The recent chats are there at once.
    alice_desktop.ok(&["sync"]);
    let s = status(&alice_desktop);
    assert_eq!(s["history"]["state"], "syncing", "{s}");
    assert_eq!(s["messages_stored"], 80);
    assert_eq!(chats(&alice_desktop).len(), 4);
    // The phone comes online; the desktop, online too, imports the rest as it arrives.
    let mut phone = Running::spawn("alice_phone run", {
        let mut c = alice_phone.command();
        c.args(["--json", "run"]);
        c
    });
    let mut desktop = Running::spawn("alice_desktop run", {
        let mut c = alice_desktop.command();
        c.args(["--json", "run"]);
        c
    });
    desktop.wait_line("history complete", Duration::from_secs(120), |l| {
        l.contains("\"event\":\"history\"") && l.contains("\"state\":\"complete\"")
    });
    desktop.kill();
    phone.kill();
    let s = status(&alice_desktop);
    let stored = s["messages_stored"].as_u64().unwrap();
    assert_eq!(stored, s["history"]["messages_total"].as_u64().unwrap(), "{s}");
    assert!(stored > 900 && stored < 1250, "about 90 of 400 days: {stored}");
    assert!(chats(&alice_desktop).iter().all(|c| c["history"] == "more_on_phone"));
}

#[test]
fn older_messages_come_on_demand_from_the_phone_or_a_sibling() {
    let (relay, alice_phone, alice_desktop) = seeded(2, 1500, 400);
    alice_desktop.ok(&["sync"]);
    let chat = chats(&alice_desktop)[0]["chat_id"].as_str().unwrap().to_owned();
    let before = status(&alice_desktop)["messages_stored"].as_u64().unwrap();
    let oldest = |device: &Cli| -> u64 {
        let all = lines(&device.ok(&["--json", "messages", "--chat", &chat]));
        all.iter().filter_map(|m| m["message"]["sent_ms"].as_u64()).min().unwrap()
    };
    let oldest_before = oldest(&alice_desktop);

    // "Load older": the phone answers; the desktop imports 100 older messages of that chat.
    alice_desktop.ok(&["older", &chat, "--limit", "100"]);
    let listed = chats(&alice_desktop);
    assert_eq!(listed.iter().find(|c| c["chat_id"] == chat.as_str()).unwrap()["history"], "loading");
    alice_phone.ok(&["sync"]);
    alice_desktop.ok(&["sync"]);
    assert_eq!(status(&alice_desktop)["messages_stored"].as_u64().unwrap(), before + 100);
    assert!(oldest(&alice_desktop) < oldest_before);
    let listed = chats(&alice_desktop);
    assert_eq!(listed.iter().find(|c| c["chat_id"] == chat.as_str()).unwrap()["history"], "more_on_phone");

    // A laptop linked for everything holds the whole chat; with the phone away, it answers.
    let alice_laptop = Cli::new("alice_laptop");
    let mut cmd = alice_laptop.command();
    cmd.args(["companion", "--relay", &relay.url, "--name", "alice_laptop", "--history-days", "0"]);
    let mut companion = Running::spawn("alice_laptop companion", cmd);
    let uri = companion.wait_line("a link URI", STEP, |l| l.starts_with("tandem://link?"));
    alice_phone.ok(&["link", "--yes", &uri]);
    assert!(companion.wait_exit(STEP).success(), "{}", companion.stderr());
    alice_phone.ok(&["sync"]);
    alice_laptop.ok(&["sync"]);
    assert_eq!(status(&alice_laptop)["messages_stored"], 3000);
    assert!(chats(&alice_laptop).iter().all(|c| c["history"] == "complete"));
    alice_desktop.ok(&["older", &chat, "--limit", "2000"]);
    alice_laptop.ok(&["sync"]);
    alice_desktop.ok(&["sync"]);
    let listed = chats(&alice_desktop);
    assert_eq!(listed.iter().find(|c| c["chat_id"] == chat.as_str()).unwrap()["history"], "complete");
    let all = lines(&alice_desktop.ok(&["--json", "messages", "--chat", &chat]));
    let total = all.iter().filter(|m| m["message"]["state"] != "event").count();
    assert_eq!(total, 1500, "the whole chat, each message once");
}

#[test]
fn a_desktop_syncing_history_goes_on_after_the_relay_restarts_midway() {
    let relay = Relay::start();
    let (alice_phone, alice_desktop) = (Cli::new("alice_phone"), Cli::new("alice_desktop"));
    alice_phone.init_phone(&relay);
    alice_phone.ok(&["seed-history", "--chats", "2", "--messages", "3000", "--days", "30", "--seed", "7"]);
    link(&alice_phone, &alice_desktop, &relay);
    // The desktop is online and has imported the recent chats; the rest is still on the phone.
    let mut desktop = Running::spawn("alice_desktop run", {
        let mut c = alice_desktop.command();
        c.args(["--json", "run"]);
        c
    });
    desktop.wait_line("the bootstrap imported", STEP, |l| {
        l.contains("\"event\":\"history\"") && l.contains("\"messages_imported\":40")
    });
    // The relay dies (SIGKILL) and comes back; the phone sends the rest; the desktop reconnects
    // on its own and finishes.
    let relay = relay.restart();
    alice_phone.ok(&["sync"]);
    desktop.wait_line("history complete", Duration::from_secs(120), |l| {
        l.contains("\"event\":\"history\"") && l.contains("\"state\":\"complete\"")
    });
    desktop.kill();
    let s = status(&alice_desktop);
    assert_eq!(s["messages_stored"].as_u64().unwrap(), 6000, "no duplicates, no gaps: {s}");
    drop(relay);
}

#[test]
fn images_arrive_as_thumbnails_and_the_full_file_comes_on_demand() {
    let (_relay, alice_phone, alice_desktop) = seeded(2, 200, 30);
    alice_desktop.ok(&["sync"]);
    let chat = chats(&alice_desktop)[0]["chat_id"].as_str().unwrap().to_owned();
    let all = lines(&alice_desktop.ok(&["--json", "messages", "--chat", &chat]));
    let photo = all.iter().find_map(|l| l["message"]["attachment"].as_object().cloned()).expect("a seeded photo");
    // The thumbnail is a real JPEG of at most 96 px a side, made from the phone's picture.
    let thumbnail = tandem_proto::b64_decode(photo["thumbnail"].as_str().unwrap(), "thumbnail").unwrap();
    let small = image::load_from_memory(&thumbnail).unwrap();
    assert!(small.width() <= 96 && small.height() <= 96, "{}x{}", small.width(), small.height());
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(480), Some(320)));
    // The full file is not here until asked for; then the phone sends it and it checks out.
    let id = photo["media_id"].as_str().unwrap();
    let saved = alice_desktop.home().join("photo.png");
    let saved_arg = saved.to_str().unwrap();
    assert!(alice_desktop.fails(&["media", "save", id, "--out", saved_arg]).contains("media fetch"));
    alice_desktop.ok(&["media", "fetch", id]);
    alice_phone.ok(&["sync"]);
    alice_desktop.ok(&["sync"]);
    alice_desktop.ok(&["media", "save", id, "--out", saved_arg]);
    let bytes = std::fs::read(&saved).unwrap();
    let full = image::load_from_memory(&bytes).unwrap();
    assert_eq!((full.width(), full.height()), (480, 320));
    assert_eq!(tandem_proto::media::media_id(&bytes), id, "the file is the one its id names");
}

#[test]
fn a_desktop_linked_later_gets_the_groups_with_the_history_and_can_write_in_them() {
    let relay = Relay::start();
    let (alice_phone, alice_desktop, bob_phone) =
        (Cli::new("alice_phone"), Cli::new("alice_desktop"), Cli::new("bob_phone"));
    let alice = alice_phone.init_phone(&relay);
    bob_phone.init_phone(&relay);
    // bob made a group with alice before alice had a desktop.
    let created = bob_phone.ok(&["--json", "group", "create", "Climbing", "--members", &alice]);
    let group: Value = serde_json::from_str(created.lines().last().unwrap()).unwrap();
    let group = group["group"]["group_id"].as_str().unwrap().to_owned();
    bob_phone.ok(&["send", "--to", &group, "saturday?"]);
    alice_phone.ok(&["sync"]);
    link(&alice_phone, &alice_desktop, &relay);
    alice_phone.ok(&["sync"]);
    alice_desktop.ok(&["sync"]);
    // The membership came with the history, checked against bob's devices; so did the message.
    let listed = alice_desktop.ok(&["group", "list"]);
    assert!(listed.contains("Climbing") && listed.contains(&group), "{listed}");
    assert!(alice_desktop.ok(&["messages", "--chat", &group]).contains("saturday?"));
    alice_desktop.ok(&["send", "--to", &group, "count me in"]);
    assert!(bob_phone.ok(&["sync"]).contains("count me in"));
}

#[test]
fn a_history_bundle_of_an_older_link_replayed_to_the_new_one_imports_nothing() {
    let (relay, alice_phone, alice_desktop) = seeded(2, 60, 30);
    let alice = alice_phone.devices()["account_id"].as_str().unwrap().to_owned();
    // The relay keeps a copy of the bundle's chunk keys waiting for the desktop (device 1).
    let kept = evil::keep_mailbox(relay.data.path(), &alice, 1);
    assert!(!kept.is_empty());
    alice_desktop.ok(&["sync"]);
    assert_eq!(status(&alice_desktop)["history"]["state"], "complete");
    // Unlinked and linked again: a new device, with a new bundle.
    alice_phone.ok(&["unlink", "1"]);
    alice_desktop.fails(&["sync"]);
    link(&alice_phone, &alice_desktop, &relay);
    alice_phone.ok(&["sync"]);
    alice_desktop.ok(&["sync"]);
    let s = status(&alice_desktop);
    let stored = s["messages_stored"].as_u64().unwrap();
    let new_device = alice_phone.devices()["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["device_id"].as_u64())
        .max()
        .unwrap();
    // The relay replays the older link's bundle to the new device: nothing is imported twice,
    // nothing fails, the history stays complete.
    evil::replay_to(relay.data.path(), &kept, (&alice, u32::try_from(new_device).unwrap()));
    alice_desktop.ok(&["sync"]);
    let s = status(&alice_desktop);
    assert_eq!(s["messages_stored"].as_u64().unwrap(), stored, "{s}");
    assert_eq!(s["history"]["state"], "complete", "{s}");
}
