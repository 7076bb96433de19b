//! The chat list as people see it: every chat with its synced settings (archived, pinned,
//! muted), its unread count and its newest message; pinned chats first, then newest first.

use crate::appstate::{ChatSettings, chat_settings};
use crate::device::{Device, now_ms};
use crate::error::Result;
use crate::history_older::ChatHistory;
use crate::messaging::Message;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ChatInfo {
    pub chat_id: String,
    /// A group's name, or the contact's synced display name.
    pub title: Option<String>,
    #[serde(flatten)]
    pub settings: ChatSettings,
    pub unread: usize,
    pub last_message: Option<Message>,
    /// Whether this chat's past messages are all here.
    pub history: ChatHistory,
}

impl Device {
    /// Every chat, pinned first, then by newest message.
    pub fn chat_list(&self) -> Result<Vec<ChatInfo>> {
        let groups = self.groups().unwrap_or_default();
        let state = self.state().store.app_state()?;
        let unread = self.state().store.unread_counts()?;
        let complete: std::collections::HashMap<String, bool> =
            self.state().store.history_chats()?.into_iter().map(|c| (c.chat_id, c.complete)).collect();
        let loading = self.loading_older_chats()?;
        let now = now_ms();
        let mut chats = Vec::new();
        for (chat_id, last) in self.chats()? {
            let title = match groups.iter().find(|g| g.group_id == chat_id) {
                Some(g) => Some(g.name.clone()),
                None => state.entries.get(&format!("name:{chat_id}")).and_then(|v| serde_json::from_str(v).ok()),
            };
            let unread = unread.get(&chat_id).copied().unwrap_or(0);
            let history = ChatHistory::of(complete.get(&chat_id).copied(), loading.contains(&chat_id));
            chats.push(ChatInfo {
                history,
                settings: chat_settings(&state.entries, &chat_id, now),
                chat_id,
                title,
                unread,
                last_message: last,
            });
        }
        chats
            .sort_by_key(|c| (!c.settings.pinned, std::cmp::Reverse(c.last_message.as_ref().map_or(0, |m| m.sent_ms))));
        Ok(chats)
    }
}
