//! Logging devices out through the real programs: the phone unlinks a running companion (told
//! at once, it wipes itself), and a companion logs itself out. The inactivity rules, which need
//! the relay's clock, are in crates/client/tests/lifecycle.rs.

use std::time::Duration;

use serde_json::Value;
use tandem_tests::actors::{Cli, Relay, device_names, link};
use tandem_tests::process::Running;

fn status(device: &Cli) -> Value {
    serde_json::from_str(device.ok(&["--json", "status"]).lines().next().unwrap()).unwrap()
}

#[test]
fn the_phone_unlinks_a_running_companion_which_wipes_itself_and_says_why() {
    let relay = Relay::start();
    let (alice_phone, alice_desktop, alice_laptop) =
        (Cli::new("alice_phone"), Cli::new("alice_desktop"), Cli::new("alice_laptop"));
    alice_phone.init_phone(&relay);
    link(&alice_phone, &alice_desktop, &relay);
    link(&alice_phone, &alice_laptop, &relay);
    let mut running = Running::spawn("alice_desktop run", {
        let mut c = alice_desktop.command();
        c.args(["--json", "run"]);
        c
    });
    running.wait_line("online", Duration::from_secs(60), |l| l.contains("\"state\":\"online\""));

    let out = alice_phone.ok(&["unlink", "1"]);
    assert!(out.contains("logged out device 1"), "{out}");
    // Told at once over its push channel: it stops, saying why.
    assert!(!running.wait_exit(Duration::from_secs(60)).success());
    let stderr = running.stderr();
    assert!(stderr.contains("logged_out") && stderr.contains("logged out from the phone"), "{stderr}");
    assert!(!alice_desktop.home().join("tandem.db").exists(), "its database is deleted");
    let said = status(&alice_desktop);
    assert_eq!(said["logged_out"]["reason"], "unlinked", "{said}");
    assert_eq!(device_names(&alice_phone.devices()), ["alice_phone", "alice_laptop"]);
    // It can be linked again, from scratch.
    link(&alice_phone, &alice_desktop, &relay);
    assert_eq!(status(&alice_desktop)["linked"], true);
}

#[test]
fn a_companion_logs_itself_out_and_the_phone_drops_it_from_the_list() {
    let relay = Relay::start();
    let (alice_phone, alice_laptop) = (Cli::new("alice_phone"), Cli::new("alice_laptop"));
    alice_phone.init_phone(&relay);
    link(&alice_phone, &alice_laptop, &relay);
    assert!(alice_laptop.ok(&["logout"]).contains("data was deleted"));
    assert_eq!(status(&alice_laptop)["logged_out"]["reason"], "self_logout");
    assert_eq!(device_names(&alice_phone.devices()), ["alice_phone"]);
    let refused = alice_phone.fails(&["unlink", "0"]);
    assert!(refused.contains("cannot unlink itself"), "{refused}");
    let refused = alice_phone.fails(&["unlink", "9"]);
    assert!(refused.contains("error[unknown_device]"), "{refused}");
}
