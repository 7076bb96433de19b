//! "Load older messages": a companion asks the account's other devices (the phone, or a sibling
//! companion, whichever is online and holds them) for a chat's messages before the oldest one it
//! has. Every device asked that can answer sends one chunk (`history_send`); the first to arrive
//! is imported like any history chunk, and later ones add nothing (message ids are unique).

use serde::{Deserialize, Serialize};
use tandem_proto::message::Payload;

use crate::device::{Device, now_ms, random_bytes};
use crate::error::{ClientError, Result};

/// Where the requests are kept (settings, as JSON).
const REQUESTS: &str = "history_requests";
/// The newest requests kept (an answer to an older one is refused as unasked).
const MAX_REQUESTS: usize = 32;
/// How many messages one "load older" asks for.
pub const OLDER_PAGE: u32 = 500;

/// One "load older messages" request of this device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OlderRequest {
    pub request_id: String,
    pub chat_id: String,
    pub asked_ms: u64,
    /// How many devices were asked.
    pub asked: u32,
    pub answered: bool,
    /// Set when the request is for an image's full file (`chat_id` is then empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_id: Option<String>,
}

/// A chat's history on this device, as the chat list and `chats --json` show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ChatHistory {
    /// Everything the phone has of this chat is here.
    Complete,
    /// Older messages remain on the phone ("load older" fetches them).
    MoreOnPhone,
    /// Older messages were asked for and are on their way.
    Loading,
    /// Nothing was said about this chat's history (a chat that began after linking).
    Live,
}

impl ChatHistory {
    /// From what the phone said of the chat (`None`: nothing) and whether older messages are asked for.
    pub(crate) fn of(complete: Option<bool>, loading: bool) -> ChatHistory {
        match complete {
            _ if loading => ChatHistory::Loading,
            Some(true) => ChatHistory::Complete,
            Some(false) => ChatHistory::MoreOnPhone,
            None => ChatHistory::Live,
        }
    }
}

impl Device {
    pub fn older_requests(&self) -> Result<Vec<OlderRequest>> {
        self.json_setting(REQUESTS)
    }

    fn save_older_requests(&self, requests: &[OlderRequest]) -> Result<()> {
        self.set_json_setting(REQUESTS, requests)
    }

    pub(crate) fn asked_for_older(&self, request_id: &str) -> bool {
        self.older_requests().is_ok_and(|rs| rs.iter().any(|r| r.request_id == request_id))
    }

    pub(crate) fn older_answered(&self, request_id: &str) -> Result<()> {
        let mut requests = self.older_requests()?;
        for r in requests.iter_mut().filter(|r| r.request_id == request_id) {
            r.answered = true;
        }
        self.save_older_requests(&requests)
    }

    /// Asks the account's other devices for up to `limit` messages of `chat_id` older than the
    /// oldest held here. Returns the request; the answer is imported by the next sync (the
    /// desktop's, or `tandem-cli sync`), and [`Device::chat_history`] says "loading" meanwhile.
    pub async fn load_older(&self, chat_id: &str, limit: Option<u32>) -> Result<OlderRequest> {
        let before_ms = self.state().store.oldest_message_ms(chat_id)?.unwrap_or_else(now_ms);
        let request_id: String = random_bytes::<12>()?.iter().map(|b| format!("{b:02x}")).collect();
        let payload = Payload::HistoryRequest {
            request_id: request_id.clone(),
            chat_id: chat_id.to_owned(),
            before_ms,
            limit: limit.unwrap_or(OLDER_PAGE).clamp(1, tandem_proto::history::CHUNK_MESSAGES as u32),
        };
        self.ask_own_devices(request_id, chat_id, None, &payload).await
    }

    /// Records a request, then sends it to every other device of the account. Fails only when
    /// no device could be asked.
    pub(crate) async fn ask_own_devices(
        &self,
        request_id: String,
        chat_id: &str,
        media_id: Option<&str>,
        payload: &Payload,
    ) -> Result<OlderRequest> {
        let (own, own_device, _) = self.whoami()?;
        let others: Vec<u32> =
            self.refresh_devices().await?.devices.iter().map(|d| d.device_id).filter(|d| *d != own_device).collect();
        if others.is_empty() {
            return Err(ClientError::NoOtherDevice);
        }
        // Recorded first, so an answer that comes quickly is recognised.
        let mut request = OlderRequest {
            request_id,
            chat_id: chat_id.to_owned(),
            asked_ms: now_ms(),
            asked: 0,
            answered: false,
            media_id: media_id.map(str::to_owned),
        };
        let mut requests = self.older_requests()?;
        requests.push(request.clone());
        let excess = requests.len().saturating_sub(MAX_REQUESTS);
        requests.drain(..excess);
        self.save_older_requests(&requests)?;
        let mut last_error = None;
        for device in others {
            match self.send_to_device(&own, device, payload).await {
                Ok(()) => request.asked += 1,
                Err(e) => {
                    tracing::warn!(code = e.code(), device, "could not ask a device for history: {e}");
                    last_error = Some(e);
                }
            }
        }
        if request.asked == 0 {
            return Err(last_error.unwrap_or(ClientError::NoOtherDevice));
        }
        let mut requests = self.older_requests()?;
        for r in requests.iter_mut().filter(|r| r.request_id == request.request_id) {
            r.asked = request.asked;
        }
        self.save_older_requests(&requests)?;
        Ok(request)
    }

    /// Chats whose older messages were asked for and have not arrived yet.
    pub(crate) fn loading_older_chats(&self) -> Result<Vec<String>> {
        Ok(self
            .older_requests()?
            .into_iter()
            .filter(|r| !r.answered && r.media_id.is_none())
            .map(|r| r.chat_id)
            .collect())
    }

    /// Whether this chat's history is all here, partly here, or on its way.
    pub fn chat_history(&self, chat_id: &str) -> Result<ChatHistory> {
        let loading = self.loading_older_chats()?.iter().any(|c| c == chat_id);
        Ok(ChatHistory::of(self.state().store.history_complete(chat_id)?, loading))
    }
}
