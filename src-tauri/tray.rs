//! The tray icon: the unread count (tooltip, and a label where the tray shows one), "Show
//! Tandem" and "Quit". Without a tray on the desktop (or its library), the app runs without one.

use std::sync::Arc;

use tandem_client::desktop::DesktopApp;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager};

/// Brings the window to the front (the tray's "Show", or another start of the app).
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

fn build(app: &AppHandle) -> tauri::Result<tauri::tray::TrayIcon> {
    let show = MenuItem::with_id(app, "show", "Show Tandem", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Tandem", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&show, &quit])?;
    let mut tray = TrayIconBuilder::with_id("main")
        .tooltip("Tandem")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "show" => show_window(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click { button: MouseButton::Left, button_state: MouseButtonState::Up, .. } = event {
                show_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)
}

/// Adds the tray icon and keeps its count up to date with the core's views.
pub fn start(app: &AppHandle, desktop: &Arc<DesktopApp>) {
    // The Linux tray library is loaded at run time and panics when it is missing.
    let tray = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(app))) {
        Ok(Ok(tray)) => tray,
        Ok(Err(e)) => return tracing::warn!("no tray icon: {e}"),
        Err(_) => return tracing::warn!("no tray icon: the system tray library is not installed"),
    };
    let mut views = desktop.watch();
    tauri::async_runtime::spawn(async move {
        let mut shown = (String::new(), String::new());
        loop {
            let text = views.borrow_and_update().tray_text();
            if text != shown {
                let _ = tray.set_tooltip(Some(&text.0));
                let _ = tray.set_title(Some(&text.1));
                shown = text;
            }
            if views.changed().await.is_err() {
                break;
            }
        }
    });
}
