//! Messaging benchmarks (a bench binary, not timed tests). Run:
//!
//!     cargo bench -p tandem-client --bench messaging
//!
//! 1. Fan-out of a 200-byte message to 10 established Olm sessions, as the client does it (encode
//!    the payload, encrypt, pickle each session for storage), against raw vodozemac encryption of
//!    the same message 10 times.
//! 2. Draining N queued envelopes (default 5,000; `TANDEM_BENCH_DRAIN=N`) from a real relay on
//!    loopback into a real store: fetch, verify, decrypt, store, ack.

use std::time::{Duration, Instant};

use tandem_client::{KeyStorage, Profile, create_account};
use tandem_proto::message::{Payload, message_id};
use tandem_proto::vodozemac::olm::{Account, OlmMessage, Session, SessionConfig};
use tandem_relay::{RelayConfig, RunningRelay};

fn sessions(n: usize) -> Vec<Session> {
    let alice = Account::new();
    (0..n)
        .map(|_| {
            let mut bob = Account::new();
            bob.generate_one_time_keys(1);
            let otk = *bob.one_time_keys().values().next().expect("a key");
            let mut out =
                alice.create_outbound_session(SessionConfig::version_1(), bob.curve25519_key(), otk).expect("session");
            // Establish it: one round trip, so later messages are normal (not pre-key) messages.
            let first = out.encrypt("hello").expect("encrypt");
            let OlmMessage::PreKey(pre) = first else { panic!("pre-key expected") };
            let mut created =
                bob.create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &pre).expect("inbound");
            let reply = created.session.encrypt("hi").expect("encrypt");
            out.decrypt(&reply).expect("decrypt");
            out
        })
        .collect()
}

fn per_op(total: Duration, ops: u32) -> f64 {
    total.as_secs_f64() * 1e6 / f64::from(ops)
}

fn fanout() {
    let text = "x".repeat(200);
    let rounds = 2_000u32;
    let mut raw = sessions(10);
    let start = Instant::now();
    for _ in 0..rounds {
        for s in raw.iter_mut() {
            std::hint::black_box(s.encrypt(text.as_bytes()).expect("encrypt"));
        }
    }
    let raw_us = per_op(start.elapsed(), rounds);

    let mut ours = sessions(10);
    let start = Instant::now();
    for _ in 0..rounds {
        let payload = Payload::Text {
            message_id: message_id([7; 16]),
            sent_ms: 1,
            text: text.clone(),
            attachment: None,
            lists: None,
        };
        let bytes = payload.encode().expect("encode");
        for s in ours.iter_mut() {
            std::hint::black_box(s.encrypt(&bytes).expect("encrypt"));
            std::hint::black_box(serde_json::to_string(&s.pickle()).expect("pickle"));
        }
    }
    let ours_us = per_op(start.elapsed(), rounds);
    println!("| fan-out of 200 B to 10 established sessions (ours: encode + encrypt + pickle) | {ours_us:.1} µs |");
    println!("| raw vodozemac encrypt of the same message x10 | {raw_us:.1} µs |");
    println!("| ratio ours / raw (target ≤ 1.2) | {:.2} |", ours_us / raw_us);
}

async fn drain(n: usize) {
    let data = tempfile::tempdir().expect("dir");
    let relay = RunningRelay::start(
        "127.0.0.1:0",
        RelayConfig { limits: tandem_relay::Limits::relaxed(), ..RelayConfig::new(data.path()) },
    )
    .await
    .expect("relay");
    let url = relay.url();
    let homes: Vec<_> = (0..2).map(|_| tempfile::tempdir().expect("home")).collect();
    let alice = create_account(Profile::open(homes[0].path(), KeyStorage::File).expect("p"), &url, "alice_phone")
        .await
        .expect("alice");
    let bob = create_account(Profile::open(homes[1].path(), KeyStorage::File).expect("p"), &url, "bob_phone")
        .await
        .expect("bob");
    let bob_id = bob.info().account_id.expect("id").to_string();
    alice.add_contact(&bob_id).await.expect("contact");
    let start = Instant::now();
    for i in 0..n {
        alice.send_text(&bob_id, &format!("message {i:05} {}", "x".repeat(180))).await.expect("send");
    }
    let send = start.elapsed();
    let start = Instant::now();
    let received = bob.sync().await.expect("sync");
    let drain = start.elapsed();
    assert_eq!(received.len(), n);
    println!(
        "| send {n} messages one by one (refresh lists, encrypt, POST each) | {:.2} s ({:.0} msg/s) |",
        send.as_secs_f64(),
        n as f64 / send.as_secs_f64()
    );
    println!(
        "| drain {n} queued envelopes into the store (target ≤ 5 s) | {:.2} s ({:.0} msg/s) |",
        drain.as_secs_f64(),
        n as f64 / drain.as_secs_f64()
    );
    relay.stop();
}

fn main() {
    let n: usize = std::env::var("TANDEM_BENCH_DRAIN").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000);
    println!("| benchmark | result |\n|---|---|");
    fanout();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(drain(n));
}
