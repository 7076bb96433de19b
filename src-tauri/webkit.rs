//! The window's web engine. On Linux, WebKitGTK sizes its memory caches for a web browser by
//! default, and scales them with the machine's RAM; Tandem shows one local page, so it asks for
//! the document-viewer cache model (no page cache, small object caches). It also draws without
//! accelerated compositing: a page of text and thumbnails needs no GPU layers, and the
//! compositor's GL context alone took about 55 MB of the web process (159 to 104 MB on an empty
//! window here, BENCHMARKS.md). Other platforms' web engines need nothing here.

use tauri::AppHandle;

#[cfg(target_os = "linux")]
pub fn keep_small(app: &AppHandle) {
    use tauri::Manager;
    use webkit2gtk::{CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt};
    let Some(window) = app.get_webview_window("main") else { return };
    let applied = window.with_webview(|webview| {
        let view = webview.inner();
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    if let Err(e) = applied {
        tracing::warn!("the web view's cache model was not set: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
pub fn keep_small(_app: &AppHandle) {}
