//! The native window's title follows the core's (`View::title`, with the unread count): the page's
//! `document.title` does not reach the window on its own.

use std::sync::Arc;

use tandem_client::desktop::DesktopApp;
use tauri::{AppHandle, Manager};

pub fn start(app: &AppHandle, desktop: &Arc<DesktopApp>) {
    let Some(window) = app.get_webview_window("main") else { return };
    let mut views = desktop.watch();
    tauri::async_runtime::spawn(async move {
        let mut shown = String::new();
        loop {
            let title = views.borrow_and_update().title.clone();
            if title != shown {
                if let Err(e) = window.set_title(&title) {
                    tracing::warn!("the window title could not be set: {e}");
                }
                shown = title;
            }
            if views.changed().await.is_err() {
                break;
            }
        }
    });
}
