//! tandem:// links reach the core from the command line: the first start's, or a second
//! start's handed over by the single-instance plugin (Linux, Windows); on macOS the system
//! delivers them through the deep-link plugin.

use std::sync::Arc;

use tandem_client::desktop::DesktopApp;
use tauri::{AppHandle, Manager};
use tauri_plugin_deep_link::DeepLinkExt;

/// A link from a second start of the app.
pub fn follow_later(app: &AppHandle, link: Option<String>) {
    if let (Some(link), Some(desktop)) = (link, app.try_state::<Arc<DesktopApp>>()) {
        let desktop = Arc::clone(&desktop);
        tauri::async_runtime::spawn(async move { desktop.open_link(&link).await });
    }
}

pub fn follow(app: &AppHandle, desktop: &Arc<DesktopApp>, first: Option<String>) {
    if let Some(link) = first {
        let desktop = Arc::clone(desktop);
        tauri::async_runtime::spawn(async move { desktop.open_link(&link).await });
    }
    let desktop = Arc::clone(desktop);
    app.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            let desktop = Arc::clone(&desktop);
            let link = url.to_string();
            tauri::async_runtime::spawn(async move { desktop.open_link(&link).await });
        }
    });
}
