//! End-to-end messaging with client fan-out, through the real programs: two accounts, each with
//! a phone and a desktop (all tandem-cli), on a real relay.

use tandem_tests::actors::{Cli, Relay, link};
use tandem_tests::talk::{chat, garble_mailbox, sync, text, words};

struct World {
    relay: Relay,
    alice: String,
    bob: String,
    alice_phone: Cli,
    alice_desktop: Cli,
    bob_phone: Cli,
    bob_desktop: Cli,
}

fn world() -> World {
    let relay = Relay::start();
    let (alice_phone, alice_desktop, bob_phone, bob_desktop) =
        (Cli::new("alice_phone"), Cli::new("alice_desktop"), Cli::new("bob_phone"), Cli::new("bob_desktop"));
    let alice = alice_phone.init_phone(&relay);
    let bob = bob_phone.init_phone(&relay);
    link(&alice_phone, &alice_desktop, &relay);
    link(&bob_phone, &bob_desktop, &relay);
    World { relay, alice, bob, alice_phone, alice_desktop, bob_phone, bob_desktop }
}

#[test]
fn alice_desktop_talks_to_bob_with_alice_phone_switched_off() {
    let w = world();
    w.alice_desktop.ok(&["contacts", "add", &w.bob]);
    // alice_phone runs nothing: it is switched off.
    assert!(w.alice_desktop.ok(&["send", "--to", &w.bob, "hello bob <b>not bold</b>"]).starts_with("sent "));

    // Both of bob's devices decrypt it.
    assert_eq!(sync(&w.bob_phone), [text(false, "hello bob <b>not bold</b>", "received")]);
    assert_eq!(sync(&w.bob_desktop), [text(false, "hello bob <b>not bold</b>", "received")]);

    // bob_desktop replies; alice_phone, switched on later, shows her message and the reply. (The
    // ticks move on as receipts arrive; receipts have their own test below.)
    w.bob_desktop.ok(&["send", "--to", &w.alice, "hi alice"]);
    assert_eq!(words(sync(&w.alice_phone)), [(true, "hello bob <b>not bold</b>"), (false, "hi alice")]);
    assert_eq!(words(sync(&w.alice_desktop)), [(false, "hi alice")]);
    assert_eq!(words(sync(&w.bob_phone)), [(true, "hi alice")]);

    // Every device of both accounts holds the same conversation, in the same order.
    let expected_alice = [(true, "hello bob <b>not bold</b>"), (false, "hi alice")];
    assert_eq!(words(chat(&w.alice_phone, &w.bob)), expected_alice);
    assert_eq!(words(chat(&w.alice_desktop, &w.bob)), expected_alice);
    let expected_bob = [(false, "hello bob <b>not bold</b>"), (true, "hi alice")];
    assert_eq!(words(chat(&w.bob_phone, &w.alice)), expected_bob);
    assert_eq!(words(chat(&w.bob_desktop, &w.alice)), expected_bob);

    // Syncing again finds nothing new: nothing is shown twice.
    assert!(sync(&w.bob_phone).is_empty() && sync(&w.alice_phone).is_empty());
    drop(w.relay);
}

#[test]
fn a_message_written_while_the_relay_is_down_goes_out_later() {
    let w = world();
    w.alice_desktop.ok(&["contacts", "add", &w.bob]);
    let stopped = w.relay.stop();
    let queued = w.alice_desktop.ok(&["send", "--to", &w.bob, "written offline"]);
    assert!(queued.starts_with("queued "), "{queued}");
    assert_eq!(chat(&w.alice_desktop, &w.bob), [text(true, "written offline", "queued")]);

    let relay = stopped.start();
    w.alice_desktop.ok(&["sync"]);
    assert_eq!(chat(&w.alice_desktop, &w.bob), [text(true, "written offline", "sent")]);
    assert_eq!(sync(&w.bob_phone), [text(false, "written offline", "received")]);
    drop(relay);
}

#[test]
fn a_companion_linked_later_is_included_in_the_next_send() {
    let w = world();
    w.alice_desktop.ok(&["contacts", "add", &w.bob]);
    w.alice_desktop.ok(&["send", "--to", &w.bob, "one"]);
    // bob links a laptop: alice_desktop's view of bob's devices is now stale. The relay refuses
    // the batch that misses the laptop; the client refetches, verifies and sends again.
    let bob_laptop = Cli::new("bob_laptop");
    link(&w.bob_phone, &bob_laptop, &w.relay);
    w.alice_desktop.ok(&["send", "--to", &w.bob, "two"]);
    assert_eq!(sync(&bob_laptop), [text(false, "two", "received")]);
    // alice_desktop's chat with bob says that bob's devices changed.
    let events: Vec<_> = chat(&w.alice_desktop, &w.bob).into_iter().filter(|m| m.2 == "event").collect();
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(events[0].1.contains("linked \"bob_laptop\"") && events[0].1.contains("safety number"), "{events:?}");
    assert_eq!(sync(&w.bob_phone), [text(false, "one", "received"), text(false, "two", "received")]);
}

#[test]
fn both_sides_see_the_same_safety_number_until_a_device_is_added() {
    let w = world();
    let on_alice = w.alice_desktop.ok(&["safety-number", &w.bob]);
    let on_bob = w.bob_phone.ok(&["safety-number", &w.alice]);
    assert_eq!(on_alice, on_bob);
    assert_eq!(on_alice.trim().split(' ').count(), 12, "{on_alice}");
    let bob_laptop = Cli::new("bob_laptop");
    link(&w.bob_phone, &bob_laptop, &w.relay);
    assert_ne!(w.alice_desktop.ok(&["safety-number", &w.bob]), on_alice, "a new device of bob changes the number");
}

#[test]
fn delivered_and_read_receipts_reach_every_device() {
    let w = world();
    w.alice_desktop.ok(&["contacts", "add", &w.bob]);
    // bob knows alice (receipts never go to a stranger: tests/trust.rs).
    w.bob_phone.ok(&["contacts", "add", &w.alice]);
    w.bob_desktop.ok(&["contacts", "add", &w.alice]);
    w.alice_desktop.ok(&["send", "--to", &w.bob, "did you get this?"]);
    // bob_phone receives it and sends a delivery receipt to alice's devices (and bob's own).
    sync(&w.bob_phone);
    w.alice_desktop.ok(&["sync"]);
    assert_eq!(chat(&w.alice_desktop, &w.bob), [text(true, "did you get this?", "delivered")]);
    // bob reads it on his phone: alice's devices show it read, and so does bob_desktop.
    assert!(w.bob_phone.ok(&["read", "--chat", &w.alice]).contains("marked 1"));
    sync(&w.bob_desktop);
    assert_eq!(chat(&w.bob_desktop, &w.alice), [text(false, "did you get this?", "read")]);
    w.alice_desktop.ok(&["sync"]);
    assert_eq!(chat(&w.alice_desktop, &w.bob), [text(true, "did you get this?", "read")]);
    w.alice_phone.ok(&["sync"]);
    assert_eq!(chat(&w.alice_phone, &w.bob), [text(true, "did you get this?", "read")]);
    // A late delivery receipt does not turn "read" back into "delivered".
    assert!(w.bob_phone.ok(&["read", "--chat", &w.alice]).contains("marked 0"));
}

#[test]
fn a_copy_that_cannot_be_decrypted_is_asked_for_again_and_arrives() {
    let w = world();
    w.alice_desktop.ok(&["contacts", "add", &w.bob]);
    // Retry requests go only to known senders (tests/trust.rs).
    w.bob_desktop.ok(&["contacts", "add", &w.alice]);
    w.alice_desktop.ok(&["send", "--to", &w.bob, "the secret plan"]);
    let stopped = w.relay.stop();
    garble_mailbox(stopped.data_dir(), &w.bob, 1);
    let relay = stopped.start();

    // bob_desktop cannot read its copy: it says why it waits, and asks alice_desktop again.
    assert!(sync(&w.bob_desktop).is_empty());
    let waiting = chat(&w.bob_desktop, &w.alice);
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0].2, "waiting");
    assert!(waiting[0].1.contains("asked") && waiting[0].1.contains("request 1 of 5"), "{waiting:?}");

    // alice_desktop answers when it next syncs (over a new session); bob_desktop then has it.
    w.alice_desktop.ok(&["sync"]);
    assert_eq!(sync(&w.bob_desktop), [text(false, "the secret plan", "received")]);
    assert_eq!(chat(&w.bob_desktop, &w.alice), [text(false, "the secret plan", "received")]);
    // bob_phone's copy was never touched, and nothing shows twice anywhere.
    assert_eq!(words(sync(&w.bob_phone)), [(false, "the secret plan")]);
    assert!(sync(&w.bob_desktop).is_empty());
    drop(relay);
}

#[test]
fn a_lost_ack_or_a_replayed_envelope_shows_nothing_twice() {
    let w = world();
    w.alice_desktop.ok(&["contacts", "add", &w.bob]);
    w.alice_desktop.ok(&["send", "--to", &w.bob, "only once"]);
    // Keep the relay's state with the envelope still waiting for bob_phone.
    let (relay, waiting) = w.relay.restart_with_snapshot();
    assert_eq!(sync(&w.bob_phone), [text(false, "only once", "received")]);
    // The relay comes back from before bob_phone's ack (a lost ack, or a replay): the same
    // envelope is delivered again. It is recognised, acked again, and not shown twice.
    let (relay, _) = relay.restart_with(waiting);
    assert!(sync(&w.bob_phone).is_empty());
    assert_eq!(words(chat(&w.bob_phone, &w.alice)), [(false, "only once")]);
    drop(relay);
}

#[test]
fn a_device_killed_in_the_middle_of_a_backlog_loses_nothing_and_shows_nothing_twice() {
    let w = world();
    const N: usize = 60;
    for i in 0..N {
        w.alice_desktop.ok(&["send", "--to", &w.bob, &format!("backlog {i:03}")]);
    }
    // bob_phone drains the backlog; it prints each message once it is stored. After the 25th it
    // is killed (SIGKILL): some envelopes are stored but not acked, one may be decrypted but not
    // committed.
    let mut draining = tandem_tests::process::Running::spawn("bob_phone sync", {
        let mut c = w.bob_phone.command();
        c.args(["--json", "sync"]);
        c
    });
    for n in 1..=25 {
        draining.wait_line(&format!("stored message {n}"), std::time::Duration::from_secs(60), |l| {
            l.contains("\"event\":\"message\"")
        });
    }
    draining.kill();
    // Started again, it finishes the backlog: every message exactly once, in order, none waiting.
    sync(&w.bob_phone);
    let held = chat(&w.bob_phone, &w.alice);
    let expected: Vec<(bool, String, String)> =
        (0..N).map(|i| text(false, &format!("backlog {i:03}"), "received")).collect();
    assert_eq!(held, expected);
    // And the sessions still work both ways.
    w.bob_phone.ok(&["send", "--to", &w.alice, "all read"]);
    assert_eq!(words(sync(&w.alice_desktop)), [(false, "all read")]);
}

#[test]
fn alice_desktop_sends_a_photo_that_bob_opens_with_alice_phone_off() {
    let w = world();
    w.alice_desktop.ok(&["contacts", "add", &w.bob]);
    let mut photo = Vec::new();
    image::RgbImage::from_fn(200, 150, |x, y| image::Rgb([x as u8, y as u8, 90]))
        .write_to(&mut std::io::Cursor::new(&mut photo), image::ImageFormat::Png)
        .unwrap();
    let path = w.alice_desktop.home().join("beach.png");
    std::fs::write(&path, &photo).unwrap();
    let not_photo = w.alice_desktop.home().join("notes.txt");
    std::fs::write(&not_photo, "just text").unwrap();
    let refused = w.alice_desktop.fails(&["send", "--to", &w.bob, "--image", not_photo.to_str().unwrap(), "x"]);
    assert!(refused.contains("PNG and JPEG"), "{refused}");
    assert!(
        w.alice_desktop.ok(&["send", "--to", &w.bob, "--image", path.to_str().unwrap(), "beach"]).starts_with("sent ")
    );

    // bob_desktop gets the caption and thumbnail with the message, then the file from the relay.
    assert_eq!(words(sync(&w.bob_desktop)), [(false, "beach")]);
    let line = w.bob_desktop.ok(&["--json", "messages", "--chat", &w.alice]);
    let message: serde_json::Value = serde_json::from_str(line.lines().last().unwrap()).unwrap();
    let id = message["message"]["attachment"]["media_id"].as_str().expect("an attachment").to_owned();
    assert_eq!(id, tandem_proto::media::media_id(&photo));
    w.bob_desktop.ok(&["media", "fetch", &id]);
    let saved = w.bob_desktop.home().join("saved.png");
    w.bob_desktop.ok(&["media", "save", &id, "--out", saved.to_str().unwrap()]);
    assert_eq!(std::fs::read(&saved).unwrap(), photo, "bob has alice's exact file");
    drop(w.relay);
}
