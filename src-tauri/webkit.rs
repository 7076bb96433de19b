//! The window's web engine. On Linux, WebKitGTK sizes its memory caches for a web browser by
//! default, and scales them with the machine's RAM; Tandem shows one local page, so it asks for
//! the document-viewer cache model (no page cache, small object caches). Other platforms' web
//! engines need nothing here.
//!
//! It keeps WebKitGTK's default compositing. Drawing without accelerated compositing (the
//! hardware acceleration policy "never", 3c81beb) saved about 60 MB of the web process under
//! Xvfb, but in that mode WebKitWebDriver's screenshot waits for a repaint that a page at rest
//! never makes, and never answers: every real-window test and QA script that took a screenshot
//! of a still window hung (BENCHMARKS.md, README known gaps).

use tauri::AppHandle;

#[cfg(target_os = "linux")]
pub fn keep_small(app: &AppHandle) {
    use tauri::Manager;
    use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
    let Some(window) = app.get_webview_window("main") else { return };
    let applied = window.with_webview(|webview| {
        let view = webview.inner();
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    });
    if let Err(e) = applied {
        tracing::warn!("the web view's cache model was not set: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
pub fn keep_small(_app: &AppHandle) {}
