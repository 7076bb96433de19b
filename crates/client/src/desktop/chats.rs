//! The desktop's chats: the chat list, the open conversation, sending, starting a chat.

use super::DesktopApp;
use super::view::{ChatMessage, ChatSummary, ErrorView, LastMessage, LinkedView, OpenChat, SearchResult};
use crate::appstate::ChatAction;
use crate::device::Device;
use crate::devices::AccountDevices;
use crate::history_older::ChatHistory;

const HOUR_MS: u64 = 3600 * 1000;
/// The open chat's view holds a window of this many messages; the list scrolls through the rest.
pub const MESSAGE_WINDOW: u32 = 200;

impl DesktopApp {
    /// The linked screen's content: devices, chats and the open conversation.
    pub(super) fn linked_view(&self, device: &Device, devices: &AccountDevices, device_name: &str) -> LinkedView {
        let mut view = LinkedView::from_devices(devices, device_name);
        view.history = device.history_status().ok().filter(|h| h.state != "none");
        view.settings_ready = device.settings_ready();
        view.profile_name = device.profile_name().ok().flatten();
        view.history_days = device.history_range_days().ok().flatten();
        view.suggested_chat = self.suggested_chat.lock().unwrap_or_else(|p| p.into_inner()).clone();
        view.notice = self.notice.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let groups = device.groups().unwrap_or_default();
        let group = |chat_id: &str| groups.iter().find(|g| g.group_id == chat_id);
        let chats = device.chat_list().unwrap_or_default();
        let requests = device.message_requests().unwrap_or_default();
        view.blocked = device.blocked().unwrap_or_default();
        view.chats = chats
            .iter()
            .map(|c| ChatSummary {
                chat_id: c.chat_id.clone(),
                title: c.title.clone(),
                group: group(&c.chat_id).is_some(),
                last_message: c.last_message.as_ref().map(|m| LastMessage {
                    body: m.body.clone(),
                    outgoing: m.outgoing,
                    sent_ms: m.sent_ms,
                }),
                archived: c.settings.archived,
                pinned: c.settings.pinned,
                muted: c.settings.muted_until_ms.is_some(),
                unread: c.unread,
                marked_unread: c.settings.marked_unread,
                history: c.history,
                request: requests.contains(&c.chat_id),
            })
            .collect();
        let open = self.open_chat.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let newer_hidden = *self.newer_hidden.lock().unwrap_or_else(|p| p.into_inner());
        view.open_chat = open.map(|chat_id| {
            let settings = device.chat_settings(&chat_id).unwrap_or_default();
            let (mut page, total_messages) =
                device.message_window(&chat_id, newer_hidden, MESSAGE_WINDOW).unwrap_or_default();
            // Scrolled past the oldest (or messages went away): the window ends at the oldest.
            let oldest_window = total_messages.saturating_sub(u64::from(MESSAGE_WINDOW));
            let newer_hidden = if newer_hidden > oldest_window {
                page = device.message_window(&chat_id, oldest_window, MESSAGE_WINDOW).unwrap_or_default().0;
                oldest_window
            } else {
                newer_hidden
            };
            OpenChat {
                messages: page
                    .iter()
                    .map(|m| {
                        let mut shown = ChatMessage::from(m);
                        if let Some(image) = shown.image.as_mut() {
                            image.held = device.has_media(&image.media_id).unwrap_or(false);
                        }
                        shown
                    })
                    .collect(),
                title: group(&chat_id).map(|g| g.name.clone()),
                members: group(&chat_id).map(|g| g.members.clone()).unwrap_or_default(),
                archived: settings.archived,
                pinned: settings.pinned,
                muted: settings.muted_until_ms.is_some(),
                total_messages,
                newer_hidden,
                muted_until_ms: settings.muted_until_ms.filter(|t| *t != u64::MAX),
                history: device.chat_history(&chat_id).unwrap_or(ChatHistory::Live),
                request: requests.contains(&chat_id),
                chat_id,
            }
        });
        view
    }

    /// Rebuilds the linked screen from the store (after a send, a receive, a new chat).
    pub(super) fn refresh_linked(&self, device: &Device) {
        let Ok(devices) = device.devices() else { return };
        let mut linked = self.linked_view(device, &devices, &self.config.device_name);
        self.update(|v| {
            if let Some(old) = v.linked.as_mut() {
                linked.inactivity_warning = old.inactivity_warning.take();
                v.linked = Some(linked);
            }
        });
    }

    pub(super) async fn linked_device(&self) -> Result<Device, ErrorView> {
        self.device
            .lock()
            .await
            .clone()
            .ok_or_else(|| ErrorView { code: "not_linked".into(), message: "this desktop is not linked yet".into() })
    }

    pub async fn open_chat(&self, chat_id: &str) -> Result<(), ErrorView> {
        self.open_chat_with(chat_id, 0).await
    }

    /// Opens a chat with its window leaving out the `newer_hidden` newest messages.
    async fn open_chat_with(&self, chat_id: &str, newer_hidden: u64) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        *self.open_chat.lock().unwrap_or_else(|p| p.into_inner()) = Some(chat_id.trim().to_owned());
        *self.notice.lock().unwrap_or_else(|p| p.into_inner()) = None;
        *self.newer_hidden.lock().unwrap_or_else(|p| p.into_inner()) = newer_hidden;
        self.refresh_linked(&device);
        self.read_open_chat(&device).await;
        Ok(())
    }

    /// The open chat is on screen: its messages are read (receipts go to the sender and to this
    /// account's other devices). Best effort: offline, they are marked again on the next open.
    pub(super) async fn read_open_chat(&self, device: &Device) {
        let open = self.open_chat.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(chat) = open {
            match device.mark_read(&chat).await {
                Ok(0) => {}
                Ok(_) => self.refresh_linked(device),
                Err(e) => tracing::warn!(code = e.code(), "read receipts not sent: {e}"),
            }
        }
    }

    /// Sends `text` to the open chat (an account or a group). Offline, it is queued and shown as such.
    pub async fn send_message(&self, chat_id: &str, text: &str) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        if text.trim().is_empty() {
            return Err(ErrorView { code: "empty_message".into(), message: "type a message first".into() });
        }
        let result = device.send_text(chat_id, text).await;
        self.refresh_linked(&device);
        result.map(|_| ()).map_err(|e| ErrorView::from(&e))
    }

    /// Sends a photo (the file's bytes) with a caption to a chat; the file goes to the relay
    /// sealed, its key inside the message.
    pub async fn send_image(&self, chat_id: &str, bytes: &[u8], caption: &str) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        if bytes.is_empty() {
            return Err(ErrorView { code: "invalid_data".into(), message: "the photo is empty".into() });
        }
        let result = device.send_image(chat_id, bytes, caption).await;
        self.refresh_linked(&device);
        result.map(|_| ()).map_err(|e| ErrorView::from(&e))
    }

    /// [`DesktopApp::send_image`] with the file in standard base64, as the window reads it.
    pub async fn send_image_base64(&self, chat_id: &str, base64: &str, caption: &str) -> Result<(), ErrorView> {
        use base64::Engine;
        if base64.len() > tandem_proto::media::MAX_MEDIA_BYTES / 3 * 4 + 8 {
            return Err(ErrorView { code: "too_large".into(), message: "photos can be at most 5 MiB".into() });
        }
        let bytes = base64::engine::general_purpose::STANDARD.decode(base64.trim()).map_err(|_| ErrorView {
            code: "invalid_data".into(),
            message: "the photo could not be read (not base64)".into(),
        })?;
        self.send_image(chat_id, &bytes, caption).await
    }

    /// Starts a chat with an account: its devices are fetched and verified first.
    pub async fn add_contact(&self, account_id: &str) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        let account = device.add_contact(account_id).await.map_err(|e| ErrorView::from(&e))?;
        *self.suggested_chat.lock().unwrap_or_else(|p| p.into_inner()) = None;
        self.open_chat(account.as_str()).await
    }

    /// Searches this computer's messages (every word must appear; `word*` is a prefix): the
    /// newest `limit` matches.
    pub async fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchResult>, ErrorView> {
        let device = self.linked_device().await?;
        if query.trim().is_empty() {
            return Ok(Vec::new());
        }
        let hits = device.search(query, limit).map_err(|e| ErrorView::from(&e))?;
        let titles: std::collections::HashMap<String, Option<String>> =
            device.chat_list().unwrap_or_default().into_iter().map(|c| (c.chat_id, c.title)).collect();
        Ok(hits
            .into_iter()
            .map(|h| SearchResult {
                title: titles.get(&h.message.chat_id).cloned().flatten(),
                chat_id: h.message.chat_id,
                message_id: h.message.message_id,
                outgoing: h.message.outgoing,
                sent_ms: h.message.sent_ms,
                snippet: h.snippet,
            })
            .collect())
    }

    /// Moves the open chat's window of messages: it leaves out the `newer_hidden` newest (the
    /// list asks for the part the user scrolled to). Ignored unless `chat_id` is still the open
    /// chat (the user may have opened another meanwhile).
    pub async fn show_messages(&self, chat_id: &str, newer_hidden: u64) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        {
            let open = self.open_chat.lock().unwrap_or_else(|p| p.into_inner());
            if open.as_deref() != Some(chat_id.trim()) {
                return Ok(());
            }
            *self.newer_hidden.lock().unwrap_or_else(|p| p.into_inner()) = newer_hidden;
        }
        self.refresh_linked(&device);
        Ok(())
    }

    /// Opens a chat with its window around `message_id` (a search result), so it is on screen
    /// however old it is. Errors: not_found (not in that chat).
    pub async fn open_chat_at(&self, chat_id: &str, message_id: &str) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        let newer = device.messages_newer_than(chat_id, message_id).map_err(|e| ErrorView::from(&e))?;
        let newer = newer.ok_or_else(|| ErrorView {
            code: "not_found".into(),
            message: "that message is not on this computer any more".into(),
        })?;
        self.open_chat_with(chat_id, newer.saturating_sub(u64::from(MESSAGE_WINDOW / 2))).await
    }

    /// Asks the account's other devices for an image's full file (it arrives with the sync).
    pub async fn fetch_media(&self, media_id: &str) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        let result = device.fetch_media(media_id.trim()).await;
        self.refresh_linked(&device);
        result.map(|_| ()).map_err(|e| ErrorView::from(&e))
    }

    /// An image's full file as a `data:` URL, once it is on this device.
    pub async fn media_data_url(&self, media_id: &str) -> Result<String, ErrorView> {
        let device = self.linked_device().await?;
        match device.media(media_id.trim()) {
            Ok(Some(file)) => crate::media::shown::full_image_url(file.bytes).await,
            Ok(None) => Err(ErrorView {
                code: "not_found".into(),
                message: "the full image is not on this computer yet: ask for it from your phone first".into(),
            }),
            Err(e) => Err(ErrorView::from(&e)),
        }
    }

    /// Sets the user's profile name on every device of the account.
    pub async fn set_profile_name(&self, name: &str) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        let result = device.set_profile_name(name).await;
        self.refresh_linked(&device);
        result.map(|_| ()).map_err(|e| ErrorView::from(&e))
    }

    /// Asks the account's other devices for the open chat's older messages; they are imported
    /// as they arrive, and the chat says "loading" meanwhile.
    pub async fn load_older(&self, chat_id: &str) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        let result = device.load_older(chat_id.trim(), None).await;
        self.refresh_linked(&device);
        result.map(|_| ()).map_err(|e| ErrorView::from(&e))
    }

    /// Archives, pins or mutes a chat on every device of the account: `action` is one of
    /// archive, unarchive, pin, unpin, mute (until unmuted), mute_8h, mute_week, unmute,
    /// mark_unread.
    pub async fn chat_action(&self, chat_id: &str, action: &str) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        let action = match action {
            "archive" => ChatAction::Archive,
            "unarchive" => ChatAction::Unarchive,
            "pin" => ChatAction::Pin,
            "unpin" => ChatAction::Unpin,
            "mute" => ChatAction::Mute(None),
            "mute_8h" => ChatAction::Mute(Some(crate::device::now_ms() + 8 * HOUR_MS)),
            "mute_week" => ChatAction::Mute(Some(crate::device::now_ms() + 7 * 24 * HOUR_MS)),
            "unmute" => ChatAction::Unmute,
            "mark_unread" => {
                // Marked unread, the chat is closed (opening it reads it again).
                *self.open_chat.lock().unwrap_or_else(|p| p.into_inner()) = None;
                ChatAction::MarkUnread
            }
            other => {
                return Err(ErrorView { code: "invalid_data".into(), message: format!("no chat action \"{other}\"") });
            }
        };
        let result = device.chat_action(chat_id, action).await;
        self.refresh_linked(&device);
        result.map(|_| ()).map_err(|e| ErrorView::from(&e))
    }
}
