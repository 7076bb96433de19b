//! The abuses of #14, each against the real relay binary: what a stranger with free accounts
//! could do to a relay on the internet (rates, mailbox floods, key draining, metadata), and how
//! honest clients are told (`rate_limited`, `mailbox_full`, the companion limit).

use reqwest::Method;
use serde_json::{Value, json};
use tandem_proto::prekeys::sign_unpublished;
use tandem_proto::wire::{AccountDevicesResponse, ApiError, ErrorCode, KeyCountResponse};
use tandem_tests::actors::{Cli, Relay};
use tandem_tests::raw::{Answer, RawPrimary};

fn refused<T: std::fmt::Debug>(answer: &Answer<T>) -> &ApiError {
    answer.1.as_ref().expect_err("the relay accepted it")
}

/// One envelope from `from` to device 0 of `to` (both accounts have only their primary).
fn envelope_to(from: &RawPrimary, to: &RawPrimary, n: usize) -> Value {
    json!({
        "lists": [{"account_id": to.account_id, "version": 1}, {"account_id": from.account_id, "version": 1}],
        "envelopes": [{"account_id": to.account_id, "device_id": 0, "olm_type": 1,
            "ciphertext": tandem_proto::b64_encode(format!("sealed {n}").as_bytes()), "message_id": format!("m{n}")}],
    })
}

#[tokio::test]
async fn a_stranger_making_accounts_challenges_and_link_codes_is_slowed_down_with_a_retry_after() {
    let relay = Relay::start_limited(&["accounts_per_ip=3/hour", "challenges_per_ip=5/minute", "links_per_ip=2/hour"]);
    for i in 0..3 {
        let (_, created) = RawPrimary::create(&relay.url, &format!("stranger{i}")).await;
        assert!(created.1.is_ok(), "{created:?}");
    }
    let (_, fourth) = RawPrimary::create(&relay.url, "stranger3").await;
    assert_eq!((fourth.0, refused(&fourth).code), (429, ErrorCode::RateLimited));
    let wait = refused(&fourth).retry_after_secs.expect("how long to wait");
    assert!((1..=3600).contains(&wait), "{wait}");

    let http = reqwest::Client::new();
    let challenge = || http.get(format!("{}/v1/auth/challenge", relay.url)).send();
    for _ in 0..5 {
        assert_eq!(challenge().await.unwrap().status().as_u16(), 200);
    }
    let answer = challenge().await.unwrap();
    assert_eq!(answer.status().as_u16(), 429);
    let retry_after: u64 = answer.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry_after >= 1);
    assert_eq!(answer.json::<ApiError>().await.unwrap().code, ErrorCode::RateLimited);

    let open = || http.post(format!("{}/v1/link", relay.url)).json(&json!({"ttl_secs": 60})).send();
    assert_eq!(open().await.unwrap().status().as_u16(), 200);
    assert_eq!(open().await.unwrap().status().as_u16(), 200);
    assert_eq!(open().await.unwrap().status().as_u16(), 429);
}

#[tokio::test]
async fn a_stranger_cannot_drain_alice_phones_one_time_keys() {
    let relay = Relay::start(); // the default limits
    let mut alice_phone = RawPrimary::join(&relay.url, "alice_phone").await;
    alice_phone.account.generate_one_time_keys(50);
    alice_phone.account.generate_fallback_key();
    let keys = sign_unpublished(&alice_phone.account, &alice_phone.account_id, 0);
    let uploaded =
        alice_phone.send::<_, KeyCountResponse>(Method::POST, "/v1/keys", Some(&json!({ "keys": keys }))).await;
    assert_eq!(uploaded.1.unwrap().one_time_keys, 50);

    let stranger = RawPrimary::join(&relay.url, "stranger").await;
    let target = json!({ "account_id": alice_phone.account_id, "device_id": 0 });
    let mut claimed = 0;
    let refusal = loop {
        let answer = stranger.post("/v1/keys/claim", &target).await;
        match answer.1 {
            Ok(_) => claimed += 1,
            Err(e) => break e,
        }
        assert!(claimed <= 50, "the stranger drained every one-time key");
    };
    assert_eq!(refusal.code, ErrorCode::RateLimited);
    assert!(claimed <= 10, "{claimed} keys went to one stranger");
    let left = alice_phone.send::<(), KeyCountResponse>(Method::GET, "/v1/keys/count", None).await.1.unwrap();
    assert_eq!(left.one_time_keys, 50 - claimed);

    // Another account is counted on its own: bob still gets a key for a first message.
    let bob_phone = RawPrimary::join(&relay.url, "bob_phone").await;
    assert!(bob_phone.post("/v1/keys/claim", &target).await.1.is_ok());
}

#[tokio::test]
async fn a_stranger_flooding_alice_phone_fills_only_its_own_share_and_is_told_mailbox_full() {
    let relay = Relay::start_limited(&["sender_max_envelopes=5", "mailbox_max_envelopes=8"]);
    let alice_phone = RawPrimary::join(&relay.url, "alice_phone").await;
    let stranger = RawPrimary::join(&relay.url, "stranger").await;
    for n in 0..5 {
        assert!(stranger.post("/v1/messages", &envelope_to(&stranger, &alice_phone, n)).await.1.is_ok());
    }
    let sixth = stranger.post("/v1/messages", &envelope_to(&stranger, &alice_phone, 5)).await;
    assert_eq!((sixth.0, refused(&sixth).code), (409, ErrorCode::MailboxFull));
    assert!(refused(&sixth).message.contains("from you"), "{}", refused(&sixth).message);

    // A second stranger fills what is left of the device's mailbox, and no more.
    let another = RawPrimary::join(&relay.url, "another_stranger").await;
    for n in 0..3 {
        assert!(another.post("/v1/messages", &envelope_to(&another, &alice_phone, n)).await.1.is_ok());
    }
    let full = another.post("/v1/messages", &envelope_to(&another, &alice_phone, 3)).await;
    assert_eq!(refused(&full).code, ErrorCode::MailboxFull);

    // Once alice_phone fetched and acked its mail, senders get through again.
    let inbox: Value = alice_phone.send::<(), Value>(Method::GET, "/v1/messages", None).await.1.unwrap();
    let ids: Vec<Value> = inbox["envelopes"].as_array().unwrap().iter().map(|e| e["id"].clone()).collect();
    assert_eq!(ids.len(), 8);
    assert!(alice_phone.post("/v1/messages/ack", &json!({ "ids": ids })).await.1.is_ok());
    assert!(stranger.post("/v1/messages", &envelope_to(&stranger, &alice_phone, 6)).await.1.is_ok());
}

/// bob_phone sends alice_phone "one" and "two" under a relay with `limit`, then "three", which
/// fails: the relay (kept alive), both phones, and the CLI's error for the third.
fn third_send_under(limit: &str) -> (Relay, Cli, Cli, String) {
    let relay = Relay::start_limited(&[limit]);
    let (alice_phone, bob_phone) = (Cli::new("alice_phone"), Cli::new("bob_phone"));
    let alice = alice_phone.init_phone(&relay);
    bob_phone.init_phone(&relay);
    bob_phone.ok(&["contacts", "add", &alice]);
    bob_phone.ok(&["send", "--to", &alice, "one"]);
    bob_phone.ok(&["send", "--to", &alice, "two"]);
    let error = bob_phone.fails(&["send", "--to", &alice, "three"]);
    (relay, alice_phone, bob_phone, error)
}

#[test]
fn bob_phone_is_told_when_alice_phones_mailbox_is_full_and_the_message_goes_later() {
    let (_relay, alice_phone, bob_phone, error) = third_send_under("sender_max_envelopes=2");
    assert!(error.starts_with("error[mailbox_full]"), "{error}");
    assert!(error.contains("sent again once that device has fetched"), "{error}");

    alice_phone.ok(&["sync"]);
    let synced = bob_phone.run(&["sync"]);
    assert!(synced.status.success());
    assert!(String::from_utf8_lossy(&synced.stderr).contains("sent 1 queued message"), "{synced:?}");
    assert!(alice_phone.ok(&["sync"]).contains("three"));
}

#[test]
fn bob_phone_sending_too_fast_is_told_to_wait() {
    let (_relay, _alice_phone, _bob_phone, error) = third_send_under("sends_per_account=2/hour");
    assert!(error.starts_with("error[rate_limited]"), "{error}");
    assert!(error.contains("try again in"), "{error}");
}

#[tokio::test]
async fn a_stranger_learns_no_activity_raw_capabilities_or_unlisted_identities() {
    let relay = Relay::start();
    let mut alice_phone = RawPrimary::join(&relay.url, "alice_phone").await;
    alice_phone.sign_in(Some(&["groups-v1", "appstate-v1", "build-7f3a-nightly"])).await.unwrap();
    let stranger = RawPrimary::join(&relay.url, "stranger").await;
    let path = format!("/v1/accounts/{}/devices", alice_phone.account_id);

    let seen = stranger.send::<(), AccountDevicesResponse>(Method::GET, &path, None).await.1.unwrap();
    assert_eq!(seen.activity[0].last_active_ms, None);
    assert_eq!(seen.activity[0].capabilities, Some(vec!["groups-v1".to_owned(), "appstate-v1".to_owned()]));
    assert_eq!(seen.max_companions, None);
    let identity = format!("/v1/accounts/{}/devices/0/identity", alice_phone.account_id);
    let answer = stranger.send::<(), Value>(Method::GET, &identity, None).await;
    assert_eq!(refused(&answer).code, ErrorCode::NotFound);

    let own = alice_phone.send::<(), AccountDevicesResponse>(Method::GET, &path, None).await.1.unwrap();
    assert!(own.activity[0].last_active_ms.is_some());
    assert_eq!(own.activity[0].capabilities.as_ref().map(Vec::len), Some(3));
    assert_eq!(own.max_companions, Some(4));
    assert!(alice_phone.send::<(), Value>(Method::GET, &identity, None).await.1.is_ok());
}

#[test]
fn alice_phone_learns_the_relays_companion_limit_before_it_claims_a_code() {
    let relay = Relay::start_limited(&["max_companions=1"]);
    let (alice_phone, alice_desktop, alice_laptop) =
        (Cli::new("alice_phone"), Cli::new("alice_desktop"), Cli::new("alice_laptop"));
    alice_phone.init_phone(&relay);
    tandem_tests::actors::link(&alice_phone, &alice_desktop, &relay);
    let (_laptop, uri) = alice_laptop.start_companion(&relay);
    let error = alice_phone.fails(&["link", "--yes", &uri]);
    assert!(error.starts_with("error[companion_limit]"), "{error}");
    assert!(error.contains("1 linked devices"), "{error}");
}
