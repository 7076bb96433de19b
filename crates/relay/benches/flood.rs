//! A mailbox flooded with 1,000,000 envelopes (#14): how long an *empty* mailbox's fetch takes,
//! and how long an unrelated request waits meanwhile. A bench binary, not a timed test. Run:
//!
//!     cargo bench -p tandem-relay --bench flood
//!
//! It starts the real relay binary on loopback, creates alice_phone and bob_phone, stops the
//! relay, writes the flood straight into its database (bob_phone's mailbox, all fresh, as
//! strangers with free accounts could before the quotas), starts it again and measures alice's
//! fetches (`TANDEM_BENCH_FETCHES`, default 20) while bob_phone asks for its key count in a loop.
//! `TANDEM_RELAY_BIN=path` measures another build of the relay (the "before" figure);
//! `TANDEM_BENCH_FLOOD=N` changes the flood's size.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use tandem_proto::identity::{DeviceIdentityDetails, DeviceKeys, DeviceKind, sign_identity};
use tandem_proto::ids::AccountId;
use tandem_proto::vodozemac::olm::Account;
use tandem_proto::wire::{AuthResponse, ChallengeResponse};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The relay binary, listening on `listen`; returns it and its URL.
fn start(bin: &str, data: &std::path::Path, listen: &str) -> (Child, String) {
    let mut child = Command::new(bin)
        .args(["--listen", listen, "--data"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the relay");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("listening line");
    let url = line.trim().trim_start_matches("listening on ").to_owned();
    (child, url)
}

/// Creates an account on the relay and signs its primary in; returns its id and token.
async fn join(http: &reqwest::Client, url: &str, name: &str) -> (AccountId, String) {
    let account = Account::new();
    let key = *account.identity_keys().ed25519.as_bytes();
    let account_id = AccountId::from_account_key(&key);
    let details = DeviceIdentityDetails {
        account_id: account_id.clone(),
        device_id: 0,
        key_index: 0,
        created_ms: 1,
        kind: DeviceKind::Primary,
        name: name.into(),
        keys: DeviceKeys::of(&account),
    };
    let primary = sign_identity(&account, &details).and_then(|s| s.countersign(&account, &key)).expect("identity");
    let list = tandem_proto::device_list::DeviceList {
        account_id: account_id.clone(),
        version: 1,
        timestamp_ms: 1,
        devices: vec![tandem_proto::device_list::DeviceListEntry { device_id: 0, key_index: 0 }],
    }
    .sign(&account)
    .expect("list");
    let create =
        json!({"account_key": tandem_proto::b64_encode(&key), "primary": primary, "device_list": list, "prekeys": []});
    let created = http.post(format!("{url}/v1/accounts")).json(&create).send().await.expect("create");
    assert!(created.status().is_success(), "create: {}", created.status());
    let challenge: ChallengeResponse =
        http.get(format!("{url}/v1/auth/challenge")).send().await.expect("challenge").json().await.expect("json");
    let signature = tandem_proto::auth::sign_challenge(&account, &account_id, 0, &challenge.nonce);
    let auth = json!({"account_id": account_id, "device_id": 0, "nonce": tandem_proto::b64_encode(&challenge.nonce),
        "signature": tandem_proto::b64_encode(&signature)});
    let token: AuthResponse =
        http.post(format!("{url}/v1/auth")).json(&auth).send().await.expect("auth").json().await.expect("json");
    (account_id, token.token)
}

/// Writes `n` fresh envelopes for bob's phone straight into the stopped relay's database.
fn flood(db: &std::path::Path, bob: &AccountId, stranger: &AccountId, n: u64) -> Duration {
    let started = Instant::now();
    let conn = rusqlite::Connection::open(db).expect("relay database");
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as u64;
    conn.execute(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?1)
         INSERT INTO mailbox (account_id, device_id, sender_account, sender_device, olm_type, ciphertext, received_ms, message_id, eid)
         SELECT ?2, 0, ?3, 0, 1, randomblob(100), ?4, 'm' || x, lower(hex(randomblob(16))) FROM c",
        rusqlite::params![n, bob.as_str(), stranger.as_str(), now_ms],
    )
    .expect("flood");
    started.elapsed()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let at = |p: f64| ms(times[((times.len() as f64 - 1.0) * p).round() as usize]);
    format!("p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms (n = {})", at(0.5), at(0.95), at(1.0), times.len())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let bin = std::env::var("TANDEM_RELAY_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tandem-relay").to_owned());
    let (n, fetches) = (env_or("TANDEM_BENCH_FLOOD", 1_000_000), env_or("TANDEM_BENCH_FETCHES", 20));
    let data = tempfile::tempdir().expect("data");
    let http = reqwest::Client::new();
    let (mut relay, url) = start(&bin, data.path(), "127.0.0.1:0");
    let (alice, alice_token) = join(&http, &url, "alice_phone").await;
    let (bob, bob_token) = join(&http, &url, "bob_phone").await;
    let (stranger, _) = join(&http, &url, "stranger").await;
    let _ = relay.kill();
    let _ = relay.wait();
    let wrote = flood(&data.path().join("relay.sqlite3"), &bob, &stranger, n);
    let (mut relay, url) = start(&bin, data.path(), url.trim_start_matches("http://"));
    let _ = alice;

    // bob_phone asks for its key count, one request after another, for as long as alice fetches.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (stop, bob_http, bob_url) = (done.clone(), http.clone(), url.clone());
    let unrelated = tokio::spawn(async move {
        let mut times = Vec::new();
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            let started = Instant::now();
            let answer = bob_http
                .get(format!("{bob_url}/v1/keys/count"))
                .bearer_auth(&bob_token)
                .header("x-tandem-protocol", "1")
                .send()
                .await
                .expect("key count");
            assert!(answer.status().is_success(), "{}", answer.status());
            times.push(started.elapsed());
        }
        times
    });
    let mut fetch_times = Vec::new();
    for _ in 0..fetches {
        let started = Instant::now();
        let answer = http
            .get(format!("{url}/v1/messages"))
            .bearer_auth(&alice_token)
            .header("x-tandem-protocol", "1")
            .send()
            .await
            .expect("fetch");
        let inbox: serde_json::Value = answer.json().await.expect("inbox");
        assert_eq!(inbox["envelopes"].as_array().map(Vec::len), Some(0), "alice's mailbox is empty");
        fetch_times.push(started.elapsed());
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let unrelated = unrelated.await.expect("unrelated requests");
    let _ = relay.kill();
    let _ = relay.wait();
    println!("relay: {bin}");
    println!("| {n} envelopes written into bob_phone's mailbox | {:.1} s |", wrote.as_secs_f64());
    println!("| alice_phone's empty-mailbox fetch | {} |", summary(fetch_times));
    println!("| bob_phone's key count meanwhile | {} |", summary(unrelated));
}
