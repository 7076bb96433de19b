//! A relay that lies. The relay is the real program; the attack is done to its data, as a
//! compromised server could: it serves an old signed device list again (a rollback), or
//! replays pre-key messages. (Group attacks: tests/groups.rs and the client's group_attacks.)

use tandem_tests::actors::{Cli, Relay, device_names, link};
use tandem_tests::talk::{chat, replay_mailbox, sync, words};

#[test]
fn a_relay_replaying_an_old_device_list_is_refused_by_every_device() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    alice_phone.init_phone(&relay);
    let alice_desktop = Cli::new("alice_desktop");
    link(&alice_phone, &alice_desktop, &relay);

    // Keep a copy of the relay's data while the list is at version 2.
    let (relay, old_copy) = relay.restart_with_snapshot();
    let alice_laptop = Cli::new("alice_laptop");
    link(&alice_phone, &alice_laptop, &relay);
    assert_eq!(alice_desktop.devices()["version"], 3);

    // The relay comes back serving the old data: version 2, without alice_laptop.
    let (relay, real_data) = relay.restart_with(old_copy);
    for device in [&alice_phone, &alice_desktop] {
        let err = device.fails(&["devices"]);
        assert!(
            err.contains("error[device_list_rollback]") && err.contains("older than version 3"),
            "{}: {err}",
            device.name
        );
    }
    // Once the relay serves the real data again, everything agrees.
    let (_relay, _) = relay.restart_with(real_data);
    assert_eq!(device_names(&alice_desktop.devices()), ["alice_phone", "alice_desktop", "alice_laptop"]);
}

#[test]
fn a_replayed_pre_key_message_shows_nothing_twice_and_breaks_no_session() {
    let relay = Relay::start();
    let (alice_phone, bob_phone) = (Cli::new("alice_phone"), Cli::new("bob_phone"));
    let alice = alice_phone.init_phone(&relay);
    let bob = bob_phone.init_phone(&relay);
    alice_phone.ok(&["send", "--to", &bob, "first"]);
    // The envelope (a pre-key message: the session's first) is stored a second time.
    let stopped = relay.stop();
    assert_eq!(replay_mailbox(stopped.data_dir(), &bob, 0), 1);
    let relay = stopped.start();
    assert_eq!(words(sync(&bob_phone)), [(false, "first")]);
    assert_eq!(words(chat(&bob_phone, &alice)), [(false, "first")], "shown once, no placeholder");
    // The session still works in both directions.
    alice_phone.ok(&["send", "--to", &bob, "second"]);
    assert_eq!(words(sync(&bob_phone)), [(false, "second")]);
    bob_phone.ok(&["send", "--to", &alice, "got both"]);
    assert_eq!(words(sync(&alice_phone)), [(false, "got both")]);
    drop(relay);
}
