//! Shared set-up: a real relay in-process on loopback (optionally with a manual clock), real
//! SQLite profiles in temporary folders.

#![allow(dead_code)]

use std::sync::Arc;

use tandem_client::{
    CompanionProfile, Device, DeviceKind, KeyStorage, LinkProgress, Profile, create_account, open_companion,
};
use tandem_relay::{ManualClock, RelayConfig, RunningRelay};
use tempfile::TempDir;
use tokio::sync::mpsc;

pub struct TestRelay {
    pub relay: RunningRelay,
    pub data: TempDir,
    pub clock: Option<Arc<ManualClock>>,
}

impl TestRelay {
    pub async fn start() -> TestRelay {
        let data = tempfile::tempdir().unwrap();
        let relay = RunningRelay::start("127.0.0.1:0", RelayConfig::new(data.path())).await.unwrap();
        TestRelay { relay, data, clock: None }
    }

    pub async fn with_manual_clock() -> TestRelay {
        let data = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(1_800_000_000_000));
        let config = RelayConfig { clock: clock.clone(), ..RelayConfig::new(data.path()) };
        let relay = RunningRelay::start("127.0.0.1:0", config).await.unwrap();
        TestRelay { relay, data, clock: Some(clock) }
    }

    pub fn url(&self) -> String {
        self.relay.url()
    }

    pub fn now_ms(&self) -> u64 {
        use tandem_relay::Clock;
        self.clock.as_ref().expect("manual clock").now_ms()
    }

    pub fn advance_secs(&self, secs: u64) {
        self.clock.as_ref().expect("manual clock").advance_ms(secs * 1000);
    }
}

/// A named device with its own profile folder (key in a file, as tandem-cli keeps it).
pub struct Actor {
    pub name: &'static str,
    pub home: TempDir,
}

impl Actor {
    pub fn new(name: &'static str) -> Actor {
        Actor { name, home: tempfile::tempdir().unwrap() }
    }

    pub fn profile(&self) -> Profile {
        Profile::open(self.home.path(), KeyStorage::File).unwrap()
    }

    pub async fn create_phone(&self, relay: &str) -> Device {
        create_account(self.profile(), relay, self.name).await.unwrap()
    }

    /// Starts linking as a companion in the background; progress arrives on the channel.
    pub fn start_linking(
        &self,
        relay: &str,
    ) -> (tokio::task::JoinHandle<tandem_client::Result<Device>>, mpsc::UnboundedReceiver<LinkProgress>) {
        let CompanionProfile::Unlinked(companion) =
            open_companion(self.profile(), relay, self.name, DeviceKind::Desktop).unwrap()
        else {
            panic!("{} is already linked", self.name)
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(companion.link(move |p| {
            let _ = tx.send(p);
        }));
        (task, rx)
    }
}

/// The next progress report that is a QR code: (uri, expires_at_ms, code_number).
pub async fn next_code(rx: &mut mpsc::UnboundedReceiver<LinkProgress>) -> (String, u64, u32) {
    loop {
        match rx.recv().await.expect("linking stopped before showing a code") {
            LinkProgress::Code { uri, expires_at_ms, code_number, .. } => return (uri, expires_at_ms, code_number),
            _ => continue,
        }
    }
}

/// Waits until the desktop's view satisfies `pred` (the timeout only guards a hung run; the wait
/// itself is on view changes).
pub async fn wait_for_view(
    views: &mut tokio::sync::watch::Receiver<tandem_client::desktop::View>,
    what: &str,
    pred: impl Fn(&tandem_client::desktop::View) -> bool,
) -> tandem_client::desktop::View {
    let waited = tokio::time::timeout(std::time::Duration::from_secs(60), views.wait_for(|v| pred(v))).await;
    match waited.map(|r| r.map(|v| v.clone())) {
        Ok(Ok(view)) => view,
        _ => panic!("no view where {what}; last view: {:?}", views.borrow()),
    }
}

/// The desktop app's settings for a test: this relay, this profile folder, this name.
pub fn desktop_config(
    relay_url: &str,
    profile: &std::path::Path,
    name: &str,
    key_storage: KeyStorage,
) -> tandem_client::desktop::DesktopConfig {
    tandem_client::desktop::DesktopConfig {
        relay_url: relay_url.to_owned(),
        profile_dir: profile.to_owned(),
        device_name: name.into(),
        key_storage,
        app_version: "0.0.0-test".into(),
    }
}

/// The desktop app named alice_desktop on a fresh profile folder (key in a file), and its views.
pub fn start_desktop(
    relay: &str,
) -> (TempDir, Arc<tandem_client::desktop::DesktopApp>, tokio::sync::watch::Receiver<tandem_client::desktop::View>) {
    let profile = tempfile::tempdir().unwrap();
    let app = tandem_client::desktop::DesktopApp::start(desktop_config(
        relay,
        profile.path(),
        "alice_desktop",
        KeyStorage::File,
    ));
    let views = app.watch();
    (profile, app, views)
}

/// The phone approves a scanned code and sends the history it asked for (all of it, at once);
/// returns the desktop's view once its history is complete.
pub async fn approve_with_history(
    phone: &Device,
    pending: tandem_client::PendingLink,
    scope: tandem_client::HistoryScope,
    views: &mut tokio::sync::watch::Receiver<tandem_client::desktop::View>,
) -> tandem_client::desktop::View {
    let linked = pending.approve().await.unwrap();
    phone.send_history(linked.device_id, scope, &mut |_| {}).await.unwrap();
    phone.send_pending_history(&mut |_| {}).await.unwrap();
    wait_for_view(views, "history complete", |v| {
        v.linked.as_ref().and_then(|l| l.history.as_ref()).is_some_and(|h| h.state == "complete")
    })
    .await
}

/// The window shows a QR code, `phone` links it, and it is linked and online: that view.
pub async fn link_window(
    views: &mut tokio::sync::watch::Receiver<tandem_client::desktop::View>,
    phone: &Device,
) -> tandem_client::desktop::View {
    use tandem_client::desktop::Screen;
    let linking = wait_for_view(views, "a QR code shows", |v| v.screen == Screen::Linking).await;
    phone.begin_link(&linking.linking.expect("a code").uri).await.unwrap().approve().await.unwrap();
    wait_for_view(views, "linked and online", |v| v.screen == Screen::Linked && v.connection.state == "online").await
}

/// `phone` links the companion `actor` (through the real linking flow); returns the companion.
pub async fn link(phone: &Device, actor: &Actor, relay: &str) -> Device {
    let (task, mut progress) = actor.start_linking(relay);
    let (uri, _, _) = next_code(&mut progress).await;
    phone.begin_link(&uri).await.unwrap().approve().await.unwrap();
    task.await.unwrap().unwrap()
}
