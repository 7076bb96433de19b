//! Linking through a real relay, with the relay's clock under the test's control.

mod common;

use common::{Actor, TestRelay, next_code};
use tandem_client::LinkProgress;

#[tokio::test]
async fn codes_rotate_60s_then_20s_and_stop_after_six() {
    let relay = TestRelay::with_manual_clock().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let alice_desktop = Actor::new("alice_desktop");
    let (task, mut progress) = alice_desktop.start_linking(&relay.url());
    for n in 1..=6u32 {
        let (uri, expires_at_ms, code_number) = next_code(&mut progress).await;
        assert_eq!(code_number, n);
        let ttl = if n == 1 { 60_000 } else { 20_000 };
        assert_eq!(expires_at_ms - relay.now_ms(), ttl, "code {n}");
        relay.advance_secs(ttl / 1000 + 1);
        // The phone scans the code too late: the relay says it expired.
        let err = alice_phone.begin_link(&uri).await.err().expect("expired code accepted");
        assert_eq!(err.code(), "link_expired", "{err}");
        assert!(err.to_string().contains("show a new code"), "{err}");
    }
    let err = task.await.unwrap().err().expect("linking should stop after six codes");
    assert_eq!(err.code(), "link_expired");
    assert!(err.to_string().contains("no phone scanned the code"), "{err}");
}

#[tokio::test]
async fn approval_that_comes_too_late_fails_cleanly() {
    let relay = TestRelay::with_manual_clock().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let alice_desktop = Actor::new("alice_desktop");
    let (task, mut progress) = alice_desktop.start_linking(&relay.url());
    let (uri, _, _) = next_code(&mut progress).await;
    let pending = alice_phone.begin_link(&uri).await.unwrap();
    assert!(matches!(progress.recv().await, Some(LinkProgress::Scanned { .. })));
    relay.advance_secs(121);
    let err = pending.approve().await.expect_err("late approval accepted");
    assert_eq!(err.code(), "link_expired", "{err}");
    let err = task.await.unwrap().err().unwrap();
    assert_eq!(err.code(), "link_expired");
    assert!(err.to_string().contains("did not approve in time"), "{err}");
    assert_eq!(alice_phone.refresh_devices().await.unwrap().devices.len(), 1);
}

#[tokio::test]
async fn the_companion_retries_an_unreachable_relay_and_says_so() {
    // Reserve a port, then free it: the relay is not there yet.
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let url = format!("http://{addr}");
    let alice_desktop = Actor::new("alice_desktop");
    let (task, mut progress) = alice_desktop.start_linking(&url);
    match progress.recv().await.unwrap() {
        LinkProgress::RelayUnreachable { reason, retry_at_ms } => {
            assert!(reason.contains("cannot reach the relay"), "{reason}");
            assert!(retry_at_ms > 0);
        }
        other => panic!("expected RelayUnreachable, got {other:?}"),
    }
    // The relay comes up on that address: the next retry shows a code.
    let data = tempfile::tempdir().unwrap();
    let relay = tandem_relay::RunningRelay::start(&addr.to_string(), tandem_relay::RelayConfig::new(data.path()))
        .await
        .unwrap();
    let (_uri, _, n) = next_code(&mut progress).await;
    assert_eq!(n, 1);
    task.abort();
    relay.stop();
}

#[tokio::test]
async fn a_linked_desktop_reloads_linked_and_lists_the_account() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let alice_desktop = Actor::new("alice_desktop");
    let (task, mut progress) = alice_desktop.start_linking(&relay.url());
    let (uri, _, _) = next_code(&mut progress).await;
    let pending = alice_phone.begin_link(&uri).await.unwrap();
    assert_eq!(pending.companion_name(), "alice_desktop");
    let linked = pending.approve().await.unwrap();
    assert_eq!((linked.device_id, linked.device_list_version), (1, 2));
    let desktop = task.await.unwrap().unwrap();
    let listed = desktop.devices().unwrap();
    assert_eq!(listed.devices.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["alice_phone", "alice_desktop"]);
    drop(desktop);

    let reopened = tandem_client::Device::load(alice_desktop.profile()).unwrap();
    assert!(reopened.is_linked());
    assert_eq!(reopened.devices().unwrap().version, 2);
    assert_eq!(reopened.refresh_devices().await.unwrap().devices.len(), 2);
}
