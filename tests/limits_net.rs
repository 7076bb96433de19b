//! Connection-level abuses of #14 against the real relay binary, spoken as raw TCP: half-sent
//! headers, bodies that never come, too many connections from one address, silent WebSockets,
//! oversized link refs, and `keys_low` pushed once for a burst of claims. Each wait is on the
//! relay's own action (a closed socket, a frame); read timeouts are only a failsafe.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::json;
use tandem_proto::prekeys::sign_unpublished;
use tandem_proto::wire::{ApiError, ErrorCode};
use tandem_tests::actors::Relay;
use tandem_tests::raw::RawPrimary;

/// How long a test waits for the relay before it calls the run broken.
const FAILSAFE: Duration = Duration::from_secs(30);

fn connect(relay: &Relay) -> TcpStream {
    let stream = TcpStream::connect(relay.url.trim_start_matches("http://")).expect("connect");
    stream.set_read_timeout(Some(FAILSAFE)).expect("read timeout");
    stream
}

/// Reads until the relay closes the connection; false if it was still open at the failsafe.
fn closed_by_relay(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return false,
            Err(_) => return true, // reset
        }
    }
}

/// One request on a kept-alive connection; returns the answer's head and body.
fn healthz(stream: &mut TcpStream) -> std::io::Result<String> {
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n")?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.ends_with(b"ok") {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        answer.extend_from_slice(&buf[..n]);
    }
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[test]
fn half_sent_headers_and_silent_connections_are_cut_off() {
    let relay = Relay::start_limited(&["header_timeout_secs=1"]);
    let mut strangers: Vec<TcpStream> = (0..40).map(|_| connect(&relay)).collect();
    for (i, stranger) in strangers.iter_mut().enumerate() {
        if i % 2 == 0 {
            stranger.write_all(b"GET /healthz HTTP/1.1\r\nHost: rel").expect("half a header");
        } // the others say nothing at all
    }
    for stranger in &mut strangers {
        assert!(closed_by_relay(stranger), "a connection with half a header stayed open");
    }
    // An honest client on a kept-alive connection is served, and closed only once idle.
    let mut alice_phone = connect(&relay);
    assert!(healthz(&mut alice_phone).unwrap().starts_with("HTTP/1.1 200"));
    assert!(healthz(&mut alice_phone).unwrap().starts_with("HTTP/1.1 200"));
    assert!(closed_by_relay(&mut alice_phone), "an idle kept-alive connection stays open");
}

#[test]
fn a_body_that_never_arrives_is_cut_off() {
    let relay = Relay::start_limited(&["body_timeout_secs=1"]);
    let mut stranger = connect(&relay);
    let head =
        "POST /v1/link HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
    stranger.write_all(head.as_bytes()).unwrap();
    stranger.write_all(b"{\"ttl_secs\":").unwrap();
    let mut buf = [0u8; 1024];
    match stranger.read(&mut buf) {
        Ok(n) => assert!(n == 0 || String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 4")),
        Err(e) => assert!(!matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut), "still waiting: {e}"),
    }
}

#[test]
fn connections_past_the_per_address_cap_are_closed_at_once() {
    let relay = Relay::start_limited(&["max_connections_per_ip=4"]);
    let mut held: Vec<TcpStream> = (0..4).map(|_| connect(&relay)).collect();
    for stream in &mut held {
        assert!(healthz(stream).unwrap().starts_with("HTTP/1.1 200"), "the first four are served");
    }
    let mut fifth = connect(&relay);
    assert!(healthz(&mut fifth).is_err(), "a fifth connection from one address is refused");
    assert!(closed_by_relay(&mut fifth));

    // A slot comes back when a connection closes: the relay sees the close, then serves again.
    drop(held.pop());
    let served = (0..200).any(|_| {
        let mut again = connect(&relay);
        let ok = healthz(&mut again).is_ok();
        if !ok {
            std::thread::park_timeout(Duration::from_millis(20));
        }
        ok
    });
    assert!(served, "the freed slot was never given back");
}

#[tokio::test]
async fn oversized_paths_and_unknown_link_refs_are_refused_without_a_watcher() {
    let relay = Relay::start();
    let http = reqwest::Client::new();
    let huge = "A".repeat(16 * 1024);
    let answer = http.get(format!("{}/v1/link/{huge}", relay.url)).header("x-tandem-link-token", "t").send().await;
    assert_eq!(answer.unwrap().status().as_u16(), 414);
    let odd = "not a ref!".replace(' ', "%20");
    let answer = http.get(format!("{}/v1/link/{odd}", relay.url)).header("x-tandem-link-token", "t").send().await;
    let answer = answer.unwrap();
    assert_eq!(answer.status().as_u16(), 404);
    assert_eq!(answer.json::<ApiError>().await.unwrap().code, ErrorCode::LinkNotFound);
}

/// Opens alice's push channel by hand (never answering a ping); returns the socket.
fn open_push(relay: &Relay, token: &str) -> TcpStream {
    let mut ws = connect(relay);
    let upgrade = format!(
        "GET /v1/ws HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\nx-tandem-protocol: 1\r\n\r\n"
    );
    ws.write_all(upgrade.as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(ws.read(&mut byte).unwrap(), 1, "the relay closed the upgrade");
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 101"), "{}", String::from_utf8_lossy(&head));
    ws
}

/// The next text frame the relay sends (pings are skipped, unanswered).
fn next_text(ws: &mut TcpStream) -> String {
    loop {
        let mut head = [0u8; 2];
        ws.read_exact(&mut head).expect("a frame");
        let len = match head[1] & 0x7f {
            126 => {
                let mut ext = [0u8; 2];
                ws.read_exact(&mut ext).unwrap();
                u16::from_be_bytes(ext) as usize
            }
            n => n as usize,
        };
        let mut payload = vec![0u8; len];
        ws.read_exact(&mut payload).unwrap();
        if head[0] & 0x0f == 1 {
            return String::from_utf8(payload).unwrap();
        }
    }
}

#[tokio::test]
async fn a_push_channel_that_never_answers_pings_is_closed() {
    let relay = Relay::start_limited(&["ws_idle_secs=2"]);
    let alice_phone = RawPrimary::join(&relay.url, "alice_phone").await;
    let mut ws = open_push(&relay, &alice_phone.token);
    let closed = tokio::task::spawn_blocking(move || closed_by_relay(&mut ws)).await.unwrap();
    assert!(closed, "a silent WebSocket stayed open");
}

#[tokio::test]
async fn a_burst_of_claims_wakes_alice_phone_once_for_keys() {
    let relay = Relay::start();
    let mut alice_phone = RawPrimary::join(&relay.url, "alice_phone").await;
    alice_phone.account.generate_one_time_keys(12);
    let keys = sign_unpublished(&alice_phone.account, &alice_phone.account_id, 0);
    assert!(alice_phone.post("/v1/keys", &json!({ "keys": keys })).await.1.is_ok());
    let ws = open_push(&relay, &alice_phone.token);

    let bob_phone = RawPrimary::join(&relay.url, "bob_phone").await;
    let target = json!({ "account_id": alice_phone.account_id, "device_id": 0 });
    for _ in 0..6 {
        assert!(bob_phone.post("/v1/keys/claim", &target).await.1.is_ok()); // 11, 10, then 9 .. 6 left
    }
    // Then a message: every push before it is what the claims caused.
    let batch = json!({
        "lists": [{"account_id": alice_phone.account_id, "version": 1}, {"account_id": bob_phone.account_id, "version": 1}],
        "envelopes": [{"account_id": alice_phone.account_id, "device_id": 0, "olm_type": 1,
            "ciphertext": tandem_proto::b64_encode(b"sealed"), "message_id": "m1"}],
    });
    assert!(bob_phone.post("/v1/messages", &batch).await.1.is_ok());
    let pushes = tokio::task::spawn_blocking(move || {
        let mut ws = ws;
        let mut seen = Vec::new();
        loop {
            let text = next_text(&mut ws);
            if text.contains("\"messages\"") {
                return seen;
            }
            seen.push(text);
        }
    })
    .await
    .unwrap();
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    assert!(pushes[0].contains("keys_low"), "{pushes:?}");
}
