//! Commands: each maps a call onto the client's `DesktopApp` and its error onto `ErrorView`.

use std::sync::Arc;

use tandem_client::desktop::{ChatInfo, DesktopApp, ErrorView, SearchResult, View};
use tauri::State;
use tauri::ipc::Channel;

type App<'a> = State<'a, Arc<DesktopApp>>;

#[tauri::command]
pub fn get_view(app: App<'_>) -> View {
    app.view()
}

/// Streams every new view to the window over `on_view` until the window goes away.
#[tauri::command]
pub fn subscribe_view(app: App<'_>, on_view: Channel<View>) {
    let mut views = app.watch();
    tauri::async_runtime::spawn(async move {
        while views.changed().await.is_ok() {
            let view = views.borrow_and_update().clone();
            if on_view.send(view).is_err() {
                break;
            }
        }
    });
}

#[tauri::command]
pub fn restart_linking(app: App<'_>) -> Result<(), ErrorView> {
    app.restart_linking()
}

#[tauri::command]
pub async fn refresh_devices(app: App<'_>) -> Result<(), ErrorView> {
    app.refresh_devices().await
}

#[tauri::command]
pub async fn open_chat(app: App<'_>, chat_id: String) -> Result<(), ErrorView> {
    app.open_chat(&chat_id).await
}

#[tauri::command]
pub async fn send_message(app: App<'_>, chat_id: String, text: String) -> Result<(), ErrorView> {
    app.send_message(&chat_id, &text).await
}

#[tauri::command]
pub async fn add_contact(app: App<'_>, account_id: String) -> Result<(), ErrorView> {
    app.add_contact(&account_id).await
}

#[tauri::command]
pub async fn log_out(app: App<'_>) -> Result<(), ErrorView> {
    app.log_out().await
}

#[tauri::command]
pub async fn chat_action(app: App<'_>, chat_id: String, action: String) -> Result<(), ErrorView> {
    app.chat_action(&chat_id, &action).await
}

#[tauri::command]
pub fn set_history_range(app: App<'_>, days: u32) -> Result<(), ErrorView> {
    app.set_history_range(days)
}

#[tauri::command]
pub async fn load_older(app: App<'_>, chat_id: String) -> Result<(), ErrorView> {
    app.load_older(&chat_id).await
}

#[tauri::command]
pub async fn set_profile_name(app: App<'_>, name: String) -> Result<(), ErrorView> {
    app.set_profile_name(&name).await
}

#[tauri::command]
pub async fn fetch_media(app: App<'_>, media_id: String) -> Result<(), ErrorView> {
    app.fetch_media(&media_id).await
}

#[tauri::command]
pub async fn get_media(app: App<'_>, media_id: String) -> Result<String, ErrorView> {
    app.media_data_url(&media_id).await
}

#[tauri::command]
pub async fn search(app: App<'_>, query: String) -> Result<Vec<SearchResult>, ErrorView> {
    app.search(&query, 50).await
}

#[tauri::command]
pub async fn show_messages(app: App<'_>, chat_id: String, newer_hidden: u64) -> Result<(), ErrorView> {
    app.show_messages(&chat_id, newer_hidden).await
}

#[tauri::command]
pub async fn open_chat_at(app: App<'_>, chat_id: String, message_id: String) -> Result<(), ErrorView> {
    app.open_chat_at(&chat_id, &message_id).await
}

#[tauri::command]
pub async fn send_image(app: App<'_>, chat_id: String, base64: String, caption: String) -> Result<(), ErrorView> {
    app.send_image_base64(&chat_id, &base64, &caption).await
}

#[tauri::command]
pub async fn chat_info(app: App<'_>, chat_id: String) -> Result<ChatInfo, ErrorView> {
    app.chat_info(&chat_id).await
}

#[tauri::command]
pub async fn dismiss_notice(app: App<'_>) -> Result<(), ErrorView> {
    app.set_notice(None).await;
    Ok(())
}

/// Opens a web link from a message in the browser (the window asked the user first). Only
/// http(s) links pass the core's check.
#[tauri::command]
pub fn open_web_link(app: tauri::AppHandle, url: String) -> Result<(), ErrorView> {
    use tauri_plugin_opener::OpenerExt;
    let url = tandem_client::desktop::web_url(&url)?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| ErrorView { code: "open_failed".into(), message: format!("the browser could not be opened: {e}") })
}

/// A desktop notification (the window decides when: a new message in a chat that is not muted
/// and not in front of the user).
#[tauri::command]
/// Async, so it runs off the main thread: the desktop bus can take seconds to answer (or to
/// time out with no notification service), and the window must not freeze meanwhile.
pub async fn notify(app: tauri::AppHandle, title: String, body: String) -> Result<(), ErrorView> {
    use tauri_plugin_notification::NotificationExt;
    app.notification().builder().title(title).body(body).show().map_err(|e| ErrorView {
        code: "notification_failed".into(),
        message: format!("the system did not show the notification: {e}"),
    })
}

#[tauri::command]
pub async fn accept_request(app: App<'_>, account: String) -> Result<(), ErrorView> {
    app.accept_request(&account).await
}

#[tauri::command]
pub async fn block(app: App<'_>, account: String) -> Result<(), ErrorView> {
    app.block(&account).await
}

#[tauri::command]
pub async fn unblock(app: App<'_>, account: String) -> Result<(), ErrorView> {
    app.unblock(&account).await
}

#[tauri::command]
pub async fn relink_locked(app: App<'_>) -> Result<(), ErrorView> {
    app.relink_locked().await
}

#[tauri::command]
pub fn relink_after_key_loss(app: App<'_>) -> Result<(), ErrorView> {
    app.relink_after_key_loss()
}

#[tauri::command]
pub fn keep_locked_data(app: App<'_>) {
    app.keep_locked_data();
}
