//! The relay and strangers are hostile (docs/protocol.md, "Trust model"). Each test is one
//! attack, made with the real relay binary (its database edited as a compromised relay would,
//! `tandem_tests::evil`), real tandem-cli devices and real SQLCipher files.

use serde_json::Value;
use tandem_tests::actors::{Cli, Relay, device_names, link};
use tandem_tests::evil;
use tandem_tests::talk::{chat, chat_full, sync, words};

fn status(device: &Cli) -> Value {
    serde_json::from_str(device.ok(&["--json", "status"]).lines().next().unwrap()).unwrap()
}

/// alice with her phone and one linked companion, and bob with his phone: strangers so far.
struct World {
    relay: Relay,
    alice: String,
    bob: String,
    alice_phone: Cli,
    alice_companion: Cli,
    bob_phone: Cli,
}

fn world(companion: &str) -> World {
    let relay = Relay::start();
    let (alice_phone, alice_companion, bob_phone) =
        (Cli::new("alice_phone"), Cli::new(companion), Cli::new("bob_phone"));
    let alice = alice_phone.init_phone(&relay);
    let bob = bob_phone.init_phone(&relay);
    link(&alice_phone, &alice_companion, &relay);
    World { relay, alice, bob, alice_phone, alice_companion, bob_phone }
}

#[test]
fn a_relay_saying_logged_out_wipes_neither_the_phone_nor_a_companion() {
    let World { relay, alice, bob, alice_phone, alice_companion: alice_desktop, bob_phone } = world("alice_desktop");
    bob_phone.ok(&["contacts", "add", &alice]);
    bob_phone.ok(&["send", "--to", &alice, "kept"]);
    assert_eq!(words(sync(&alice_desktop)), [(false, "kept")]);

    // The relay claims both devices were logged out, with no signed list to show for it.
    evil::claim_logged_out(relay.data.path(), &alice, 1, "unlinked");
    evil::claim_logged_out(relay.data.path(), &alice, 0, "unlinked");

    // The companion locks itself: a coded error that says what to do; nothing deleted.
    let refused = alice_desktop.fails(&["sync"]);
    assert!(refused.contains("error[profile_locked]") && refused.contains("nothing was deleted"), "{refused}");
    assert!(alice_desktop.home().join("tandem.db").exists(), "the database is kept");
    let said = status(&alice_desktop);
    assert_eq!(said["locked"]["reason"], "unlinked", "{said}");
    assert_eq!(words(chat(&alice_desktop, &bob)), [(false, "kept")], "its messages are readable");

    // The phone is never wiped or locked by the relay: it says the relay refuses it.
    let refused = alice_phone.fails(&["sync"]);
    assert!(refused.contains("error[relay_refused]") && refused.contains("Nothing was deleted"), "{refused}");
    assert!(alice_phone.home().join("tandem.db").exists());
    assert!(alice_phone.home().join("keys").exists(), "the account key is kept");

    // The relay behaves again: the phone works, and it never unlinked the desktop.
    evil::withdraw_logout(relay.data.path(), &alice, 0);
    evil::withdraw_logout(relay.data.path(), &alice, 1);
    assert_eq!(device_names(&alice_phone.devices()), ["alice_phone", "alice_desktop"]);
    // The locked desktop stays locked until its user decides; "relink" keeps the messages.
    assert!(alice_desktop.ok(&["relink"]).contains("kept"));
    link(&alice_phone, &alice_desktop, &relay);
    assert_eq!(words(chat(&alice_desktop, &bob)), [(false, "kept")], "linked again, the messages are still there");
}

#[test]
fn a_companion_removed_by_a_signed_list_wipes_and_its_folder_never_grows_a_new_profile() {
    let relay = Relay::start();
    let (alice_phone, alice_desktop) = (Cli::new("alice_phone"), Cli::new("alice_desktop"));
    alice_phone.init_phone(&relay);
    link(&alice_phone, &alice_desktop, &relay);
    alice_phone.ok(&["unlink", "1"]);
    // The relay's answer carries the phone's signed list without it: proof, so it wipes.
    let refused = alice_desktop.fails(&["sync"]);
    assert!(refused.contains("error[logged_out]"), "{refused}");
    assert!(!alice_desktop.home().join("tandem.db").exists());
    // Commands on the wiped folder say so, and create nothing there.
    let refused = alice_desktop.fails(&["messages", "--chat", "x"]);
    assert!(refused.contains("error[logged_out]") && refused.contains("Link it again"), "{refused}");
    assert_eq!(status(&alice_desktop)["logged_out"]["reason"], "unlinked");
    assert!(!alice_desktop.home().join("tandem.db").exists(), "no new database");
    assert!(!alice_desktop.home().join("keys").join("db.key").exists(), "no new key");
}

#[test]
fn the_phone_drops_a_companion_only_on_its_signed_self_logout_never_on_the_relays_word() {
    let relay = Relay::start();
    let (alice_phone, alice_desktop, alice_laptop) =
        (Cli::new("alice_phone"), Cli::new("alice_desktop"), Cli::new("alice_laptop"));
    let alice = alice_phone.init_phone(&relay);
    link(&alice_phone, &alice_desktop, &relay);
    link(&alice_phone, &alice_laptop, &relay);
    let version = alice_phone.devices()["version"].as_u64().unwrap();
    // The relay says the desktop logged itself out / went idle: no signed statement.
    evil::claim_logged_out(relay.data.path(), &alice, 1, "self_logout");
    evil::claim_logged_out(relay.data.path(), &alice, 2, "companion_inactive");
    let devices = alice_phone.devices();
    assert_eq!(devices["version"].as_u64().unwrap(), version, "no list was signed on the relay's word");
    assert_eq!(device_names(&devices), ["alice_phone", "alice_desktop", "alice_laptop"]);
    // The user sees the claims as what they are: the relay's, unconfirmed.
    let claimed: Vec<bool> =
        devices["devices"].as_array().unwrap().iter().map(|d| d["relay_says_logged_out"].as_bool().unwrap()).collect();
    assert_eq!(claimed, [false, true, true]);
    assert!(alice_phone.ok(&["devices"]).contains("not signed by the phone"));
    // A real self-logout carries the laptop's signature: the phone drops it.
    evil::withdraw_logout(relay.data.path(), &alice, 2);
    alice_laptop.ok(&["logout"]);
    let devices = alice_phone.devices();
    assert_eq!(device_names(&devices), ["alice_phone", "alice_desktop"]);
    assert_eq!(devices["version"].as_u64().unwrap(), version + 1);
}

#[test]
fn a_placeholder_planted_by_the_relay_cannot_make_alices_own_message_look_like_bobs() {
    let World { relay, alice, bob, alice_phone, alice_companion: alice_desktop, .. } = world("alice_desktop");
    alice_phone.ok(&["contacts", "add", &bob]);
    alice_phone.ok(&["send", "--to", &bob, "I owe you 100 EUR"]);
    // The transcript for alice_desktop carries the message id; the relay plants garbage "from
    // bob" with that id ahead of it.
    let ids = evil::waiting_message_ids(relay.data.path(), &alice, 1);
    let message_id = ids.last().expect("the transcript waits").clone();
    evil::plant_garbage(relay.data.path(), (&alice, 1), (&bob, 0), &message_id);
    sync(&alice_desktop);
    let shown = chat_full(&alice_desktop, &bob);
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0].0, alice, "sent by alice, as the ciphertext proves: {shown:?}");
    assert_eq!(words(chat(&alice_desktop, &bob)), [(true, "I owe you 100 EUR")]);
}

#[test]
fn a_relay_restored_from_a_backup_reusing_envelope_ids_loses_no_message() {
    let relay = Relay::start();
    let (alice_phone, bob_phone) = (Cli::new("alice_phone"), Cli::new("bob_phone"));
    let alice = alice_phone.init_phone(&relay);
    let bob = bob_phone.init_phone(&relay);
    bob_phone.ok(&["contacts", "add", &alice]);
    alice_phone.ok(&["contacts", "add", &bob]);
    let (relay, backup) = relay.restart_with_snapshot();
    bob_phone.ok(&["send", "--to", &alice, "one"]);
    assert_eq!(words(sync(&alice_phone)), [(false, "one")]);
    // The relay loses everything since the backup, then takes new mail.
    let (relay, _lost) = relay.restart_with(backup);
    bob_phone.ok(&["send", "--to", &alice, "two"]);
    assert_eq!(words(sync(&alice_phone)), [(false, "two")], "a new message under a reused slot is read");
    assert_eq!(words(chat(&alice_phone, &bob)), [(false, "one"), (false, "two")]);
    drop(relay);
}

#[test]
fn a_stranger_gets_no_receipts_or_retries_and_cannot_flood_a_chat() {
    let relay = Relay::start();
    let (alice_phone, mallory) = (Cli::new("alice_phone"), Cli::new("mallory"));
    let alice = alice_phone.init_phone(&relay);
    let mallory_id = mallory.init_phone(&relay);
    mallory.ok(&["contacts", "add", &alice]);
    // A silent-receipt probe: a real message from a stranger.
    mallory.ok(&["send", "--to", &alice, "hi, remember me?"]);
    // ... and 100 envelopes of garbage with made-up message ids.
    for i in 0..100 {
        evil::plant_garbage(relay.data.path(), (&alice, 0), (&mallory_id, 0), &format!("junk{i}"));
    }
    sync(&alice_phone);
    let shown = chat_full(&alice_phone, &mallory_id);
    assert!(shown.iter().any(|(_, body, _)| body == "hi, remember me?"));
    let placeholders = shown.iter().filter(|(_, _, state)| state == "waiting").count();
    assert!(placeholders <= 3, "at most 3 placeholders a day from a stranger, got {placeholders}");
    assert_eq!(
        evil::waiting_from(relay.data.path(), &mallory_id, &alice),
        0,
        "no receipt and no retry request went back"
    );
    assert_eq!(alice_phone.ok(&["requests"]).trim(), format!("message request from {mallory_id}"));
    alice_phone.ok(&["read", "--chat", &mallory_id]);
    assert_eq!(evil::waiting_from(relay.data.path(), &mallory_id, &alice), 0, "no read receipt either");

    // Accepted: the receipt goes out, and the request is gone.
    alice_phone.ok(&["accept", &mallory_id]);
    assert!(evil::waiting_from(relay.data.path(), &mallory_id, &alice) > 0);
    assert!(alice_phone.ok(&["requests"]).trim().is_empty());
}

#[test]
fn a_blocked_account_costs_nothing_its_envelopes_never_reach_the_mailbox() {
    let relay = Relay::start();
    let (alice_phone, alice_desktop, mallory) =
        (Cli::new("alice_phone"), Cli::new("alice_desktop"), Cli::new("mallory"));
    let alice = alice_phone.init_phone(&relay);
    let mallory_id = mallory.init_phone(&relay);
    link(&alice_phone, &alice_desktop, &relay);
    alice_phone.ok(&["sync"]); // the settings key reaches the desktop's mailbox
    alice_desktop.ok(&["sync"]);
    mallory.ok(&["contacts", "add", &alice]);
    alice_phone.ok(&["block", &mallory_id]);
    mallory.ok(&["send", "--to", &alice, "let me in"]);
    assert_eq!(evil::waiting_from(relay.data.path(), &alice, &mallory_id), 0, "the relay kept nothing");
    assert_eq!(alice_phone.ok(&["blocked"]).trim(), mallory_id);
    // Synced: the desktop knows too.
    alice_desktop.ok(&["sync"]);
    assert_eq!(alice_desktop.ok(&["blocked"]).trim(), mallory_id);
    alice_phone.ok(&["unblock", &mallory_id]);
    mallory.ok(&["send", "--to", &alice, "second try"]);
    assert_eq!(words(sync(&alice_phone)), [(false, "second try")]);
}

#[test]
fn a_split_view_of_alices_devices_is_seen_by_alice_when_bob_writes_with_the_old_list() {
    let World { relay, alice, bob, alice_phone, bob_phone, .. } = world("alice_laptop");
    // The relay keeps everything as it is before alice removes her laptop...
    let (relay, before) = relay.restart_with_snapshot();
    alice_phone.ok(&["unlink", "1"]);
    // ...and shows that old state to bob, who never saw the newer list.
    let (relay, _now) = relay.restart_with(before);
    bob_phone.ok(&["contacts", "add", &alice]);
    bob_phone.ok(&["send", "--to", &alice, "for alice's eyes"]);
    sync(&alice_phone);
    let said = chat_full(&alice_phone, &bob);
    assert!(
        said.iter().any(|(_, body, state)| state == "event" && body.contains("older list of your devices")),
        "alice is told bob wrote for an old list of her devices: {said:?}"
    );
    drop(relay);
}

#[test]
fn a_relay_hiding_alices_newer_list_from_bob_is_seen_by_bob_when_alice_writes() {
    let World { relay, alice, bob, alice_phone, bob_phone, .. } = world("alice_laptop");
    let with_laptop = evil::saved_list(relay.data.path(), &alice);
    alice_phone.ok(&["unlink", "1"]);
    alice_phone.ok(&["contacts", "add", &bob]);
    alice_phone.ok(&["send", "--to", &bob, "hi bob"]);
    // Bob has never seen alice's list; the relay serves him the one that still has the laptop.
    evil::serve_list(relay.data.path(), &alice, &with_laptop);
    assert_eq!(words(sync(&bob_phone)), [(false, "hi bob")]);
    let said = chat_full(&bob_phone, &alice);
    assert!(
        said.iter().any(|(_, body, state)| state == "event" && body.contains("relay serves version")),
        "bob is told the relay hides alice's newer list: {said:?}"
    );
}

#[test]
fn a_device_the_relay_slips_into_a_list_is_refused_and_gets_no_copy() {
    let relay = Relay::start();
    let (alice_phone, bob_phone) = (Cli::new("alice_phone"), Cli::new("bob_phone"));
    let alice = alice_phone.init_phone(&relay);
    let bob = bob_phone.init_phone(&relay);
    evil::inject_device(relay.data.path(), &alice, 7);
    let refused = bob_phone.fails(&["contacts", "add", &alice]);
    assert!(refused.contains("error[bad_signature]"), "{refused}");
    let refused = bob_phone.fails(&["send", "--to", &alice, "for alice only"]);
    assert!(refused.contains("error[bad_signature]"), "{refused}");
    assert_eq!(evil::waiting_from(relay.data.path(), &alice, &bob), 0, "no copy went anywhere");
}
