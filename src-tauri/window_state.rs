//! The window's size and position, kept in the profile by the window-state plugin. The plugin
//! writes them only when the app exits normally; they are also written half a second after the
//! window stops moving or resizing, so a session that ends the app abruptly keeps them too.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{Manager, Runtime, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

pub const FLAGS: StateFlags = StateFlags::SIZE.union(StateFlags::POSITION).union(StateFlags::MAXIMIZED);

/// Counts moves and resizes: a write happens only when no newer one followed.
#[derive(Default)]
pub struct Changes(Arc<AtomicU64>);

pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
        return;
    }
    let app = window.app_handle().clone();
    let counter = Arc::clone(&app.state::<Changes>().0);
    let mine = counter.fetch_add(1, Ordering::SeqCst) + 1;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if counter.load(Ordering::SeqCst) == mine
            && let Err(e) = app.save_window_state(FLAGS)
        {
            tracing::warn!("the window's size and position were not saved: {e}");
        }
    });
}
