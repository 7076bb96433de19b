//! tandem:// links reach the core from the command line (the first start) and from the
//! deep-link plugin (the system's URL handler, or a second start handing its link over).

use std::sync::Arc;

use tandem_client::desktop::DesktopApp;
use tauri::AppHandle;
use tauri_plugin_deep_link::DeepLinkExt;

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
