//! Groups through the real programs: alice (phone switched off, desktop on), bob (phone and
//! desktop) and carol (phone) on a real relay. Membership is signed by the admin; each device
//! sends with its own Megolm session, replaced when members change.

use serde_json::Value;
use tandem_tests::actors::{Cli, Relay, link};
use tandem_tests::talk::{chat_full, copy_mailbox, relabel_mailbox, sync, words};

struct World {
    relay: Relay,
    alice: String,
    bob: String,
    carol: String,
    alice_phone: Cli,
    alice_desktop: Cli,
    bob_phone: Cli,
    bob_desktop: Cli,
    carol_phone: Cli,
}

fn world() -> World {
    let relay = Relay::start();
    let names = ["alice_phone", "alice_desktop", "bob_phone", "bob_desktop", "carol_phone"];
    let [alice_phone, alice_desktop, bob_phone, bob_desktop, carol_phone] = names.map(Cli::new);
    let alice = alice_phone.init_phone(&relay);
    let bob = bob_phone.init_phone(&relay);
    let carol = carol_phone.init_phone(&relay);
    link(&alice_phone, &alice_desktop, &relay);
    link(&bob_phone, &bob_desktop, &relay);
    World { relay, alice, bob, carol, alice_phone, alice_desktop, bob_phone, bob_desktop, carol_phone }
}

/// `group create` on `admin`; returns the group id.
fn create_group(admin: &Cli, name: &str, members: &[&str]) -> String {
    let out = admin.ok(&["--json", "group", "create", name, "--members", &members.join(",")]);
    let v: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    v["group"]["group_id"].as_str().unwrap().to_owned()
}

fn members(device: &Cli, group: &str) -> Vec<String> {
    let out = device.ok(&["--json", "group", "list"]);
    let v: Value = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["group"]["group_id"] == group)
        .unwrap_or_else(|| panic!("{} does not know {group}", device.name));
    v["group"]["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_owned()).collect()
}

fn sorted(mut accounts: Vec<&str>) -> Vec<String> {
    accounts.sort();
    accounts.into_iter().map(str::to_owned).collect()
}

fn events(device: &Cli, group: &str) -> Vec<String> {
    chat_full(device, group).into_iter().filter(|(_, _, state)| state == "event").map(|(_, body, _)| body).collect()
}

#[test]
fn a_group_works_across_devices_and_a_removed_member_reads_nothing_new() {
    let w = world();
    // alice_phone stays switched off: alice_desktop creates the group and talks in it.
    let group = create_group(&w.alice_desktop, "Climbing", &[&w.bob, &w.carol]);
    let everyone = sorted(vec![&w.alice, &w.bob, &w.carol]);
    w.alice_desktop.ok(&["send", "--to", &group, "who is in on saturday?"]);

    for device in [&w.bob_phone, &w.bob_desktop, &w.carol_phone] {
        assert_eq!(words(sync(device)), [(false, "who is in on saturday?")], "{}", device.name);
        assert_eq!(members(device, &group), everyone, "{}", device.name);
        assert!(events(device, &group)[0].contains("created the group \"Climbing\""), "{}", device.name);
    }
    // bob_desktop answers; everyone, alice's switched-off phone included, ends with the same chat.
    w.bob_desktop.ok(&["send", "--to", &group, "me! <script>alert(1)</script>"]);
    assert_eq!(
        words(sync(&w.alice_phone)),
        [(true, "who is in on saturday?"), (false, "me! <script>alert(1)</script>")]
    );
    assert_eq!(words(sync(&w.alice_desktop)), [(false, "me! <script>alert(1)</script>")]);
    assert_eq!(words(sync(&w.bob_phone)), [(true, "me! <script>alert(1)</script>")]);
    assert_eq!(words(sync(&w.carol_phone)), [(false, "me! <script>alert(1)</script>")]);
    let said = |device: &Cli| -> Vec<(String, String)> {
        chat_full(device, &group).into_iter().filter(|m| m.2 != "event").map(|(who, body, _)| (who, body)).collect()
    };
    let reference = said(&w.carol_phone);
    assert_eq!(reference.len(), 2);
    for device in [&w.alice_phone, &w.alice_desktop, &w.bob_phone, &w.bob_desktop] {
        assert_eq!(said(device), reference, "{} holds the same group chat", device.name);
    }

    // Only the admin changes membership.
    let refused = w.bob_desktop.fails(&["group", "add", &group, &w.carol]);
    assert!(refused.contains("error[not_group_admin]"), "{refused}");

    // alice_desktop removes carol; carol is told, and can no longer send to the group.
    w.alice_desktop.ok(&["group", "remove", &group, &w.carol]);
    assert!(sync(&w.carol_phone).is_empty());
    assert!(events(&w.carol_phone, &group).last().unwrap().contains("removed you"));
    assert_eq!(members(&w.carol_phone, &group), sorted(vec![&w.alice, &w.bob]));
    let refused = w.carol_phone.fails(&["send", "--to", &group, "still here?"]);
    assert!(refused.contains("error[not_a_member]"), "{refused}");

    // New messages go under a new session that carol never gets a key for. Even when a
    // malicious relay hands her a copy of bob_phone's envelope, she cannot read it, and alice
    // does not answer her request to send it again.
    w.alice_desktop.ok(&["send", "--to", &group, "carol has left"]);
    let stopped = w.relay.stop();
    assert!(copy_mailbox(stopped.data_dir(), (&w.bob, 0), (&w.carol, 0)) > 0);
    let relay = stopped.start();
    assert!(sync(&w.carol_phone).is_empty());
    w.alice_desktop.ok(&["sync"]);
    assert!(sync(&w.carol_phone).is_empty());
    assert!(chat_full(&w.carol_phone, &group).iter().all(|(_, body, _)| !body.contains("carol has left")));
    for device in [&w.bob_phone, &w.bob_desktop] {
        assert_eq!(words(sync(device)), [(false, "carol has left")], "{}", device.name);
        assert_eq!(members(device, &group), sorted(vec![&w.alice, &w.bob]));
    }
    drop(relay);
}

#[test]
fn a_group_message_relabelled_as_pairwise_is_refused_then_recovered() {
    let w = world();
    let group = create_group(&w.alice_desktop, "Plans", &[&w.bob]);
    w.alice_desktop.ok(&["send", "--to", &group, "meet at 8"]);
    // The relay delivers the Megolm ciphertext to bob_phone as if it were a pairwise message.
    let stopped = w.relay.stop();
    assert_eq!(relabel_mailbox(stopped.data_dir(), &w.bob, 0, 2, 1), 1);
    let relay = stopped.start();
    assert!(sync(&w.bob_phone).is_empty(), "refused, not shown");
    // bob_phone asked alice_desktop again; the answer comes over the right channels.
    w.alice_desktop.ok(&["sync"]);
    assert_eq!(words(sync(&w.bob_phone)), [(false, "meet at 8")]);
    let everywhere: Vec<(String, String, String)> =
        chat_full(&w.bob_phone, &w.alice).into_iter().chain(chat_full(&w.bob_phone, &group)).collect();
    assert!(everywhere.iter().all(|(_, _, state)| state != "waiting"), "no placeholder left: {everywhere:?}");
    drop(relay);
}
