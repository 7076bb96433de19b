//! tandem:// links reach the core from the command line: the first start's, or a second
//! start's handed over by the single-instance plugin (Linux, Windows) or, for a profile given
//! with `--profile` on Windows and macOS, by the profile's own pipe or socket; on macOS the
//! system delivers them through the deep-link plugin.

use std::sync::Arc;

use tandem_client::desktop::DesktopApp;
use tauri::{AppHandle, Manager};
use tauri_plugin_deep_link::DeepLinkExt;

fn open(desktop: &Arc<DesktopApp>, link: String) {
    let desktop = Arc::clone(desktop);
    tauri::async_runtime::spawn(async move { desktop.open_link(&link).await });
}

/// Another start of the app: the window comes to the front and follows its link, if any.
pub fn second_start(app: &AppHandle, link: Option<String>) {
    crate::tray::show_window(app);
    if let (Some(link), Some(desktop)) = (link, app.try_state::<Arc<DesktopApp>>()) {
        open(&desktop, link);
    }
}

/// The first start's link, and every link the system delivers later.
pub fn follow(app: &AppHandle, desktop: &Arc<DesktopApp>, first: Option<String>) {
    if let Some(link) = first {
        open(desktop, link);
    }
    let desktop = Arc::clone(desktop);
    app.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            open(&desktop, url.to_string());
        }
    });
}

/// Windows and macOS, `--profile`: the other starts of this profile, handed over through its
/// pipe or socket (tandem_client::desktop::instance).
pub fn serve_second_starts(app: &AppHandle, mut listener: tandem_client::desktop::instance::Listener) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match listener.next().await {
                Ok(argv) => second_start(&app, crate::options::Options::link_in(argv)),
                Err(e) => {
                    tracing::warn!("other starts of this profile are no longer heard: {e}");
                    return;
                }
            }
        }
    });
}
