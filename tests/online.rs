//! `tandem-cli run`: the phone switched on. It answers what the relay asks, and a second
//! connection for the same device takes over from the first.

use std::process::Command;

use tandem_proto::prekeys::SignedPreKey;
use tandem_proto::wire::ClaimKeyResponse;
use tandem_tests::actors::{Cli, Relay, STEP};
use tandem_tests::process::Running;
use tandem_tests::raw::RawPrimary;

fn run(device: &Cli) -> Running {
    let mut cmd: Command = device.command();
    cmd.args(["--json", "run"]);
    Running::spawn(&format!("{} run", device.name), cmd)
}

#[test]
fn a_second_connection_for_the_same_device_replaces_the_first() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    alice_phone.init_phone(&relay);
    let mut first = run(&alice_phone);
    first.wait_line("online", STEP, |l| l.contains(r#""state":"online""#));
    let mut second = run(&alice_phone);
    second.wait_line("online", STEP, |l| l.contains(r#""state":"online""#));
    assert!(!first.wait_exit(STEP).success());
    assert!(first.stderr().contains("replaced"), "{}", first.stderr());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_phone_tops_up_its_one_time_keys_when_the_relay_asks() {
    // bob claims 41 keys at once, more than the default key_claims_per_pair lets one account.
    let relay = Relay::start_limited(&["key_claims_per_pair=100/hour"]);
    let alice_phone = Cli::new("alice_phone");
    let account = alice_phone.init_phone(&relay);
    let mut phone = run(&alice_phone);
    phone.wait_line("online", STEP, |l| l.contains(r#""state":"online""#));

    // bob (scripted) claims alice_phone's one-time keys, as senders will to open sessions.
    let bob = RawPrimary::join(&relay.url, "bob_phone").await;
    let devices: tandem_proto::wire::AccountDevicesResponse = bob
        .send::<(), _>(reqwest::Method::GET, &format!("/v1/accounts/{account}/devices"), None)
        .await
        .1
        .expect("devices");
    let alice_key = devices.account_key;
    let account_id = tandem_proto::ids::AccountId::parse(&account).unwrap();
    let mut claimed: Vec<SignedPreKey> = Vec::new();
    for _ in 0..41 {
        let (_, answer) = bob
            .send::<_, ClaimKeyResponse>(
                reqwest::Method::POST,
                "/v1/keys/claim",
                Some(&serde_json::json!({"account_id": account, "device_id": 0})),
            )
            .await;
        let key = answer.expect("a key").key;
        key.verify(&alice_key, &account_id, 0).expect("signed by alice_phone");
        assert!(!key.fallback, "one-time keys come before the fallback key");
        claimed.push(key);
    }
    let mut ids: Vec<_> = claimed.iter().map(|k| k.key_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 41, "each one-time key is handed out once");
    // 9 left: the relay pushes keys_low and the phone publishes fresh keys.
    let line = phone.wait_line("a top-up", STEP, |l| l.contains("prekeys_published"));
    assert!(line.contains(r#""one_time_keys":50"#), "{line}");
}
