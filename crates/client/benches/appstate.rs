//! How fast a synced setting shows on the account's other devices (a bench binary, not a timed
//! test). Run:
//!
//!     cargo bench -p tandem-client --bench appstate
//!
//! alice's phone, desktop and laptop on a real relay on loopback; the laptop is online (push).
//! The desktop archives or unarchives a chat 30 times; each time we measure from the start of
//! the write until the laptop has applied it (its `AppStateChanged` event).

use std::time::{Duration, Instant};

use tandem_client::{
    ChatAction, ClientEvent, CompanionProfile, Device, DeviceKind, KeyStorage, LinkProgress, Profile, create_account,
    open_companion,
};
use tandem_relay::{RelayConfig, RunningRelay};

async fn link(phone: &Device, home: &std::path::Path, url: &str, name: &str) -> Device {
    let profile = Profile::open(home, KeyStorage::File).expect("profile");
    let CompanionProfile::Unlinked(companion) = open_companion(profile, url, name, DeviceKind::Desktop).expect("open")
    else {
        panic!("already linked")
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(companion.link(move |p| {
        let _ = tx.send(p);
    }));
    let uri = loop {
        if let Some(LinkProgress::Code { uri, .. }) = rx.recv().await {
            break uri;
        }
    };
    phone.begin_link(&uri).await.expect("begin").approve().await.expect("approve");
    task.await.expect("join").expect("linked")
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let data = tempfile::tempdir().expect("dir");
    let relay = RunningRelay::start(
        "127.0.0.1:0",
        RelayConfig { limits: tandem_relay::Limits::relaxed(), ..RelayConfig::new(data.path()) },
    )
    .await
    .expect("relay");
    let url = relay.url();
    let homes: Vec<_> = (0..3).map(|_| tempfile::tempdir().expect("home")).collect();
    let phone = create_account(Profile::open(homes[0].path(), KeyStorage::File).expect("p"), &url, "alice_phone")
        .await
        .expect("phone");
    let desktop = link(&phone, homes[1].path(), &url, "alice_desktop").await;
    let laptop = link(&phone, homes[2].path(), &url, "alice_laptop").await;
    desktop.sync().await.expect("key");
    laptop.sync().await.expect("key");
    let chat = phone.info().account_id.expect("id").to_string();
    let mut events = laptop.subscribe();
    let online = laptop.clone();
    tokio::spawn(async move { online.run_online().await });
    loop {
        if let Ok(ClientEvent::Connection(tandem_client::ConnectionState::Online)) = events.recv().await {
            break;
        }
    }
    let mut seen = Vec::new();
    for round in 0..30 {
        let action = if round % 2 == 0 { ChatAction::Archive } else { ChatAction::Unarchive };
        let start = Instant::now();
        desktop.chat_action(&chat, action).await.expect("write");
        loop {
            if let Ok(ClientEvent::AppStateChanged) = events.recv().await {
                break;
            }
        }
        seen.push(start.elapsed());
        assert_eq!(laptop.chat_settings(&chat).expect("settings").archived, round % 2 == 0);
    }
    seen.sort();
    println!(
        "| archive on the desktop → applied on the laptop (30 rounds) | p50 {:.1} ms | p95 {:.1} ms | max {:.1} ms |",
        percentile(&seen, 0.5),
        percentile(&seen, 0.95),
        percentile(&seen, 1.0)
    );
}
