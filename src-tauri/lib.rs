//! The Tauri shell of Tandem desktop. Invariant: no logic here. It reads the command line, starts
//! the client's [`DesktopApp`] and maps its commands and one view channel onto it.

mod commands;
mod options;

use std::sync::Arc;

use tandem_client::KeyStorage;
use tandem_client::desktop::{DesktopApp, DesktopConfig};
use tauri::Manager;

pub fn run() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("TANDEM_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let options = options::Options::from_env_and_args();
    if options.link.is_some() {
        // Opening tandem:// links inside the app arrives with the full UI (issue #5).
        tracing::info!("started from a tandem:// link; links are not acted on yet");
    }
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            let profile_dir = match options.profile {
                Some(dir) => dir,
                None => app.path().app_data_dir()?.join("profile"),
            };
            let config = DesktopConfig {
                relay_url: options.relay,
                profile_dir,
                device_name: options.name,
                key_storage: KeyStorage::Keychain,
                app_version: app.package_info().version.to_string(),
            };
            let desktop: Arc<DesktopApp> = tauri::async_runtime::block_on(async move { DesktopApp::start(config) });
            app.manage(desktop);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::get_view,
            commands::subscribe_view,
            commands::restart_linking,
            commands::refresh_devices,
            commands::open_chat,
            commands::send_message,
            commands::add_contact,
            commands::log_out,
            commands::chat_action,
            commands::set_history_range,
            commands::load_older,
            commands::set_profile_name,
            commands::fetch_media,
            commands::get_media,
            commands::search,
            commands::show_earlier,
            commands::notify
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: Tandem could not start its window: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
