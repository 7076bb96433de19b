//! The Tauri shell of Tandem desktop. Invariant: no logic here. It reads the command line, starts
//! the client's [`DesktopApp`] and maps its commands and one view channel onto it.

mod commands;
mod links;
mod options;
mod relaunch;
mod title;
mod tray;
mod webkit;
mod window_state;

use std::sync::Arc;

use tandem_client::KeyStorage;
use tandem_client::desktop::{DesktopApp, DesktopConfig};
use tauri::Manager;

pub fn run() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("TANDEM_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let mut options = options::Options::from_env_and_args();
    // One running app per profile: a second start hands its tandem:// link to the first (which
    // comes to the front) and quits. A profile given on the command line is its own instance,
    // named by the folder's one true name (it exists from here on; the profile lock follows it).
    options.profile = options.profile.map(|p| {
        let _ = std::fs::create_dir_all(&p);
        std::fs::canonicalize(&p).or_else(|_| std::path::absolute(&p)).unwrap_or(p)
    });
    // Per OS (README, "One instance per profile"): Linux names the plugin's D-Bus name after the
    // profile; Windows and macOS, where the plugin can only use the app's identifier, claim a
    // profile given on the command line with a named pipe or a socket of its own (instance.rs).
    let mut single_instance = Some(tauri_plugin_single_instance::Builder::new().callback(|app, argv, _cwd| {
        links::second_start(app, options::Options::link_in(argv));
    }));
    let mut window_state = tauri_plugin_window_state::Builder::new().with_state_flags(window_state::FLAGS);
    let mut profile_instance = None;
    if let Some(profile) = &options.profile {
        let id = tandem_client::desktop::instance_id(profile);
        if cfg!(target_os = "linux") {
            single_instance = single_instance.map(|s| s.dbus_id(id));
        } else {
            single_instance = None;
            let args: Vec<String> = std::env::args().collect();
            match tauri::async_runtime::block_on(tandem_client::desktop::instance::claim(&id, &args)) {
                Ok(Some(listener)) => profile_instance = Some(listener),
                Ok(None) => return std::process::ExitCode::SUCCESS,
                Err(e) => eprintln!("warning: could not check for another Tandem on this profile: {e}"),
            }
        }
        window_state = window_state.with_filename(profile.join("window-state.json").to_string_lossy());
    }
    let first_link = options.link.clone();
    let mut builder = tauri::Builder::default();
    if let Some(single_instance) = single_instance {
        builder = builder.plugin(single_instance.build());
    }
    let result = builder
        .plugin(tauri_plugin_deep_link::init())
        .plugin(window_state.build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        // The window never leaves Tandem's own page (a link, or a file dropped on it).
        .plugin(
            tauri::plugin::Builder::<tauri::Wry>::new("navigation-guard")
                .on_navigation(|_, url| tandem_client::desktop::stays_in_app(url))
                .build(),
        )
        .manage(window_state::Changes::default())
        .on_window_event(window_state::on_window_event)
        .setup(move |app| {
            let profile_dir = match options.profile {
                Some(dir) => dir,
                // The device's own data stays on this machine: %LOCALAPPDATA% on Windows, not
                // the roaming %APPDATA%; the same folder as app_data_dir on macOS and Linux.
                None => app.path().app_local_data_dir()?.join("profile"),
            };
            let config = DesktopConfig {
                relay_url: options.relay,
                profile_dir,
                device_name: options.name,
                key_storage: KeyStorage::Keychain,
                app_version: app.package_info().version.to_string(),
            };
            let desktop: Arc<DesktopApp> = tauri::async_runtime::block_on(async move { DesktopApp::start(config) });
            app.manage(Arc::clone(&desktop));
            links::follow(app.handle(), &desktop, first_link);
            if let Some(listener) = profile_instance {
                links::serve_second_starts(app.handle(), listener);
            }
            tray::start(app.handle(), &desktop);
            title::start(app.handle(), &desktop);
            webkit::keep_small(app.handle());
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
            commands::show_messages,
            commands::open_chat_at,
            commands::notify,
            commands::send_image,
            commands::chat_info,
            commands::dismiss_notice,
            commands::open_web_link,
            commands::accept_request,
            commands::block,
            commands::unblock,
            commands::relink_locked,
            commands::keep_locked_data,
            commands::relink_after_key_loss
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) if relaunch::lost_handover(&e) => relaunch::start_again(),
        Err(e) => {
            eprintln!("error: Tandem could not start its window: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
