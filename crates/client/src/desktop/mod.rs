//! The desktop app's behaviour, without Tauri: open the profile (key in the OS keychain), link
//! by QR code when not linked, then stay online. It publishes a [`View`] on every change; the
//! Tauri shell forwards views to the window and calls the few actions below.

mod chats;
mod info;
pub mod instance;
mod links;
mod requests;
mod view;

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{Mutex, Notify, watch};

pub use info::{ChatInfo, GroupMember};
pub use links::{LinkTarget, instance_id, parse_link, stays_in_app, web_url};
#[cfg(feature = "ts")]
pub use view::typescript;
pub use view::{
    ChatMessage, ChatSummary, ConnectionView, ErrorView, ImageView, LastMessage, LinkPhase, LinkedView, LinkingView,
    OpenChat, Screen, SearchResult, View,
};

use crate::companion::{CompanionProfile, LinkProgress, open_companion};
use crate::device::Device;
use crate::error::ClientError;
use crate::events::{ClientEvent, ConnectionState, Observed, next_event};
use crate::keychain::KeyStorage;
use crate::lifecycle::{clear_logged_out_note, logged_out_note};
use crate::profile::Profile;
use crate::qr;
use tandem_proto::identity::DeviceKind;

#[derive(Clone, Debug)]
pub struct DesktopConfig {
    pub relay_url: String,
    pub profile_dir: PathBuf,
    pub device_name: String,
    /// Where the database key lives; always the keychain in the real app.
    pub key_storage: KeyStorage,
    /// The app's version, shown in About.
    pub app_version: String,
}

pub struct DesktopApp {
    config: DesktopConfig,
    view: watch::Sender<View>,
    retry: Notify,
    /// The user chose "Link again" on the Locked screen.
    relink: Notify,
    /// The user chose to link again after the database key was lost.
    key_lost: Notify,
    device: Mutex<Option<Device>>,
    open_chat: std::sync::Mutex<Option<String>>,
    /// Where the open chat's window of messages is: how many newer ones it leaves out.
    newer_hidden: std::sync::Mutex<u64>,
    /// The history range the linking screen asks for (days; 0: everything).
    history_days: watch::Sender<u32>,
    /// A `tandem://` link that arrived before linking.
    pending_link: std::sync::Mutex<Option<String>>,
    /// Something the window should tell the user (a link that could not be followed).
    notice: std::sync::Mutex<Option<ErrorView>>,
    /// An account a `tandem://` link named that is not a contact yet: offered, not started.
    suggested_chat: std::sync::Mutex<Option<String>>,
    /// Held while the app runs: one app per profile folder.
    profile_lock: std::sync::Mutex<Option<std::fs::File>>,
}

/// Locks the profile folder for this app (a second app on the same folder would use the same
/// device keys and sessions at once). Released when the app exits, however it exits.
fn lock_profile(dir: &std::path::Path) -> Result<std::fs::File, ClientError> {
    let folder = |reason: String| ClientError::ProfileFolder { path: dir.display().to_string(), reason };
    std::fs::create_dir_all(dir).map_err(|e| folder(e.to_string()))?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("desktop.lock"))
        .map_err(|e| folder(e.to_string()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(folder("it is open in another Tandem window: use that one, or close it first".into()))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(folder(e.to_string())),
    }
}

/// The ranges the linking screen offers: 3 months, 1 year, everything.
pub const HISTORY_CHOICES: [u32; 3] = [90, 365, 0];

impl DesktopApp {
    /// Starts the app's work on the current tokio runtime.
    pub fn start(config: DesktopConfig) -> Arc<Self> {
        let (view, _) = watch::channel(View::starting(&config.app_version, &config.device_name, &config.relay_url));
        let app = Arc::new(DesktopApp {
            config,
            view,
            retry: Notify::new(),
            relink: Notify::new(),
            key_lost: Notify::new(),
            device: Mutex::new(None),
            open_chat: std::sync::Mutex::new(None),
            newer_hidden: std::sync::Mutex::new(0),
            history_days: watch::channel(crate::companion::DEFAULT_HISTORY_DAYS).0,
            pending_link: std::sync::Mutex::new(None),
            notice: std::sync::Mutex::new(None),
            profile_lock: std::sync::Mutex::new(None),
            suggested_chat: std::sync::Mutex::new(None),
        });
        tokio::spawn(Arc::clone(&app).drive());
        app
    }

    pub fn view(&self) -> View {
        self.view.borrow().clone()
    }

    pub fn watch(&self) -> watch::Receiver<View> {
        self.view.subscribe()
    }

    /// "Try again" after linking failed.
    pub fn restart_linking(&self) -> Result<(), ErrorView> {
        if self.view.borrow().screen != Screen::LinkFailed {
            return Err(ErrorView {
                code: "not_applicable".into(),
                message: "linking is not waiting for a retry".into(),
            });
        }
        self.retry.notify_one();
        Ok(())
    }

    /// The user picked how much history to bring over (one of [`HISTORY_CHOICES`]): a new code
    /// asking for it replaces the one on screen. Only before the phone scanned the code.
    pub fn set_history_range(&self, days: u32) -> Result<(), ErrorView> {
        if !HISTORY_CHOICES.contains(&days) {
            return Err(ErrorView {
                code: "invalid_data".into(),
                message: "choose 3 months (90), 1 year (365) or everything (0)".into(),
            });
        }
        let scanning = self.view.borrow().linking.as_ref().is_some_and(|l| l.phase == LinkPhase::WaitingForScan);
        if !scanning {
            return Err(ErrorView {
                code: "not_applicable".into(),
                message: "the history range can only change before the phone scans the code".into(),
            });
        }
        self.history_days.send_replace(days);
        Ok(())
    }

    /// Refetches and verifies the account's device list.
    pub async fn refresh_devices(&self) -> Result<(), ErrorView> {
        let device =
            self.device.lock().await.clone().ok_or_else(|| ErrorView {
                code: "not_linked".into(),
                message: "this desktop is not linked yet".into(),
            })?;
        device.refresh_devices().await.map(|_| ()).map_err(|e| ErrorView::from(&e))
    }

    fn update(&self, change: impl FnOnce(&mut View)) {
        self.view.send_if_modified(|view| {
            let before = view.clone();
            change(view);
            view.title = view.window_title();
            *view != before
        });
    }

    fn fail(&self, screen: Screen, error: &ClientError) {
        tracing::warn!(code = error.code(), "{error}");
        self.update(|v| {
            v.screen = screen;
            v.linking = None;
            v.error = Some(ErrorView::from(error));
        });
    }

    async fn drive(self: Arc<Self>) {
        match lock_profile(&self.config.profile_dir) {
            Ok(lock) => *self.profile_lock.lock().unwrap_or_else(|p| p.into_inner()) = Some(lock),
            Err(e) => return self.fail(Screen::Fatal, &e),
        }
        loop {
            let dir = self.config.profile_dir.clone();
            let storage = self.config.key_storage.clone();
            // The keychain API blocks (D-Bus on Linux): keep it off the async workers.
            let opened = tokio::task::spawn_blocking(move || Profile::open(&dir, storage)).await;
            let profile = match opened {
                Ok(Ok(profile)) => profile,
                Ok(Err(e @ ClientError::KeyMissing(_))) => {
                    // Nothing can read this database again. The window says so and offers to
                    // link again; only that choice deletes it.
                    self.fail(Screen::Fatal, &e);
                    self.key_lost.notified().await;
                    let (dir, storage) = (self.config.profile_dir.clone(), self.config.key_storage.clone());
                    match tokio::task::spawn_blocking(move || Profile::discard_unreadable(&dir, storage)).await {
                        Ok(Ok(_)) => {}
                        Ok(Err(e)) => return self.fail(Screen::Fatal, &e),
                        Err(e) => return self.fail(Screen::Fatal, &ClientError::Internal(e.to_string())),
                    }
                    self.update(|v| {
                        v.screen = Screen::Starting;
                        v.error = None;
                    });
                    continue;
                }
                Ok(Err(e)) => return self.fail(Screen::Fatal, &e),
                Err(e) => return self.fail(Screen::Fatal, &ClientError::Internal(e.to_string())),
            };
            let note = logged_out_note(&self.config.profile_dir);
            self.update(|v| v.logged_out = note.map(|n| n.message));
            let mut companion =
                match open_companion(profile, &self.config.relay_url, &self.config.device_name, DeviceKind::Desktop) {
                    Ok(CompanionProfile::Linked(device)) => {
                        if self.clone().online(device).await {
                            continue; // logged out and wiped: link again
                        }
                        return;
                    }
                    Ok(CompanionProfile::Unlinked(companion)) => companion,
                    Err(e) => return self.fail(Screen::Fatal, &e),
                };
            companion.follow_history_choice(self.history_days.subscribe());
            match companion.link(|p| self.on_progress(p)).await {
                Ok(device) => {
                    clear_logged_out_note(&self.config.profile_dir);
                    self.update(|v| v.logged_out = None);
                    if self.clone().online(device).await {
                        continue;
                    }
                    return;
                }
                Err(e) => {
                    self.fail(Screen::LinkFailed, &e);
                    self.retry.notified().await;
                    self.update(|v| {
                        v.screen = Screen::Starting;
                        v.error = None;
                    });
                }
            }
        }
    }

    fn on_progress(&self, progress: LinkProgress) {
        match progress {
            LinkProgress::Code { uri, code, expires_at_ms, code_number, max_codes } => {
                let qr_data_url = match qr::svg_data_url(&uri) {
                    Ok(url) => url,
                    Err(e) => return self.fail(Screen::LinkFailed, &e),
                };
                self.update(|v| {
                    v.screen = Screen::Linking;
                    v.error = None;
                    v.connection = ConnectionView::from(&ConnectionState::Online);
                    v.linking = Some(LinkingView {
                        uri,
                        qr_data_url,
                        code,
                        expires_at_ms,
                        code_number,
                        max_codes,
                        phase: LinkPhase::WaitingForScan,
                        history_days: *self.history_days.borrow(),
                    });
                });
            }
            LinkProgress::Scanned { expires_at_ms } => self.update(|v| {
                if let Some(l) = v.linking.as_mut() {
                    l.phase = LinkPhase::WaitingForApproval;
                    l.expires_at_ms = expires_at_ms;
                }
            }),
            LinkProgress::Finishing => self.update(|v| {
                if let Some(l) = v.linking.as_mut() {
                    l.phase = LinkPhase::Finishing;
                }
            }),
            LinkProgress::RelayUnreachable { retry_at_ms, reason } => self.update(|v| {
                v.connection = ConnectionView::from(&ConnectionState::Offline { retry_at_ms, reason });
            }),
        }
    }

    /// Runs a linked device until it is logged out (true: start over) or fails (false).
    async fn online(self: Arc<Self>, device: Device) -> bool {
        *self.device.lock().await = Some(device.clone());
        let mut events = device.subscribe();
        if let Ok(devices) = device.devices() {
            self.update(|v| {
                v.screen = Screen::Linked;
                v.linking = None;
                v.error = None;
                v.linked = Some(self.linked_view(&device, &devices, &v.device_name));
            });
        }
        if let Some(link) = self.take_pending_link() {
            let app = Arc::clone(&self);
            tokio::spawn(async move { app.open_link(&link).await });
        }
        if let Some(note) = device.locked() {
            return self.stay_locked(&device, note.message).await;
        }
        let runner = device.clone();
        let online = tokio::spawn(async move { runner.run_online().await });
        while let Some(observed) = next_event(&mut events).await {
            let event = match observed {
                Observed::Event(event) => event,
                // Fell behind a burst of events (a history import): the view is read afresh,
                // which is all the missed events would have done.
                Observed::Missed(_) => {
                    self.refresh_linked(&device);
                    continue;
                }
            };
            match event {
                ClientEvent::Connection(state) => {
                    let online = state == ConnectionState::Online;
                    self.update(|v| v.connection = ConnectionView::from(&state));
                    if online {
                        self.show_inactivity_warning(&device).await;
                    }
                }
                ClientEvent::Locked(reason) => {
                    online.abort();
                    return self.stay_locked(&device, crate::lockout::locked_message(reason)).await;
                }
                ClientEvent::LoggedOut(reason) => {
                    tracing::info!(reason = reason.as_str(), "logged out: back to linking");
                    self.forget_device().await;
                    online.abort();
                    self.update(|v| {
                        v.screen = Screen::Starting;
                        v.linked = None;
                        v.logged_out = Some(reason.explain().to_owned());
                    });
                    return true;
                }
                ClientEvent::DevicesChanged(devices) => {
                    let mut linked = self.linked_view(&device, &devices, &self.config.device_name);
                    self.update(|v| {
                        linked.inactivity_warning = v.linked.as_mut().and_then(|l| l.inactivity_warning.take());
                        v.screen = Screen::Linked;
                        v.linked = Some(linked);
                    });
                }
                ClientEvent::Messages(_) => {
                    self.refresh_linked(&device);
                    self.read_open_chat(&device).await;
                }
                ClientEvent::AppStateChanged | ClientEvent::HistoryProgress(_) => self.refresh_linked(&device),
                ClientEvent::PrekeysPublished { .. } => {}
            }
            if online.is_finished() {
                break;
            }
        }
        match online.await {
            Ok(Err(ClientError::LoggedOut(_))) => return true,
            Ok(Err(ClientError::Locked(reason))) => {
                return self.stay_locked(&device, crate::lockout::locked_message(reason)).await;
            }
            Ok(Err(e)) => self.fail(Screen::Fatal, &e),
            _ => {}
        }
        false
    }

    /// Clears what belonged to the device that is gone.
    async fn forget_device(&self) {
        *self.device.lock().await = None;
        *self.open_chat.lock().unwrap_or_else(|p| p.into_inner()) = None;
        *self.newer_hidden.lock().unwrap_or_else(|p| p.into_inner()) = 0;
        *self.notice.lock().unwrap_or_else(|p| p.into_inner()) = None;
        *self.pending_link.lock().unwrap_or_else(|p| p.into_inner()) = None;
        *self.suggested_chat.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The Locked screen: offline, nothing deleted, until the user chooses to link again (the
    /// data stays readable meanwhile if they choose to keep it). Returns true: start over.
    async fn stay_locked(&self, device: &Device, message: String) -> bool {
        tracing::warn!("locked: the relay said this desktop was logged out, without proof");
        let linked = device.devices().ok().map(|d| self.linked_view(device, &d, &self.config.device_name));
        self.update(|v| {
            v.screen = Screen::Locked;
            v.locked = Some(message);
            v.connection = ConnectionView::from(&ConnectionState::Offline {
                retry_at_ms: 0,
                reason: "locked: not connected".into(),
            });
            if linked.is_some() {
                v.linked = linked;
            }
        });
        self.relink.notified().await;
        self.forget_device().await;
        self.update(|v| {
            v.screen = Screen::Starting;
            v.linked = None;
            v.locked = None;
        });
        true
    }

    /// "Your phone has not been online…": shown from 4 days before the logout.
    async fn show_inactivity_warning(&self, device: &Device) {
        match device.inactivity_warning().await {
            Ok(warning) => self.update(|v| {
                if let Some(linked) = v.linked.as_mut() {
                    linked.inactivity_warning = warning;
                }
            }),
            Err(e) => tracing::warn!(code = e.code(), "cannot check the phone's inactivity: {e}"),
        }
    }

    /// Logs this desktop out: the relay and the phone drop it, and it wipes itself.
    pub async fn log_out(&self) -> Result<(), ErrorView> {
        let device = self
            .device
            .lock()
            .await
            .clone()
            .ok_or_else(|| ErrorView { code: "not_linked".into(), message: "this desktop is not linked".into() })?;
        device.log_out().await.map(|_| ()).map_err(|e| ErrorView::from(&e))
    }
}
