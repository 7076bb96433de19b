//! Read marks and the profile name as synced settings (`tandem_proto::appstate`): reading a chat
//! on one device marks it read on all of the account's devices, "mark as unread" shows on all of
//! them, and the user's profile name is the same everywhere. Receipts still tell the sender.
//!
//! Entries: `read:CHAT` = when the newest message read was sent (ms), `unread:CHAT` = "true" while
//! the user has marked the chat unread, `profile:name` = the name as JSON.

use tandem_proto::appstate::Mutation;

use crate::device::Device;
use crate::error::{ClientError, Result};

const PROFILE_NAME: &str = "profile:name";

impl Device {
    /// After this device read a chat up to `newest_ms`: says so on the other devices and clears
    /// a "marked unread". Best effort: before the settings key arrives, only receipts travel.
    pub(crate) async fn sync_read_mark(&self, chat: &str, newest_ms: Option<u64>) {
        if !self.settings_ready() {
            return;
        }
        let Ok(state) = self.state().store.app_state() else { return };
        let held: u64 = state.entries.get(&format!("read:{chat}")).and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut mutations = Vec::new();
        if let Some(newest) = newest_ms.filter(|n| *n > held) {
            mutations.push(Mutation::Set { index: format!("read:{chat}"), value: newest.to_string() });
        }
        if state.entries.contains_key(&format!("unread:{chat}")) {
            mutations.push(Mutation::Remove { index: format!("unread:{chat}") });
        }
        if mutations.is_empty() {
            return;
        }
        if let Err(e) = self.write_app_state(mutations).await {
            tracing::warn!(code = e.code(), "the read mark was not synced (receipts still went): {e}");
        }
    }

    /// Applies the synced read marks here: messages another device of the account read are read
    /// here too (no receipts: the reading device sent them). Returns how many changed.
    pub(crate) fn apply_read_marks(&self) -> Result<usize> {
        let state = self.state().store.app_state()?;
        let mut changed = 0;
        for (index, value) in &state.entries {
            if let (Some(chat), Ok(until)) = (index.strip_prefix("read:"), value.parse::<u64>()) {
                changed += self.state().store.mark_read_until(chat, until)?;
            }
        }
        Ok(changed)
    }

    /// The user's profile name, the same on all of the account's devices.
    pub async fn set_profile_name(&self, name: &str) -> Result<crate::appstate::AppStateSync> {
        tandem_proto::identity::validate_name(name)?;
        let value = serde_json::to_string(name.trim()).map_err(ClientError::internal)?;
        self.write_app_state(vec![Mutation::Set { index: PROFILE_NAME.into(), value }]).await
    }

    /// The profile name, once one was set on any device of the account.
    pub fn profile_name(&self) -> Result<Option<String>> {
        let state = self.state().store.app_state()?;
        Ok(state.entries.get(PROFILE_NAME).and_then(|v| serde_json::from_str(v).ok()))
    }
}
