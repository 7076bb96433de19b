//! Messages between accounts: what is encrypted (the [`Payload`]), who receives a copy
//! ([`plan_fanout`]), and how a copy travels ([`OutgoingEnvelope`], [`InboxEnvelope`]).
//!
//! Client fan-out: a message is encrypted once per device in the recipient's verified device
//! list and once per *other* device of the sender's own account. Copies for the sender's own
//! devices are [`Payload::SentTranscript`]s, so every device of both accounts shows the same chat.

use serde::{Deserialize, Serialize};

use crate::device_list::DeviceList;
use crate::group::{GroupId, SignedGroupState};
use crate::ids::{AccountId, DeviceId};
use crate::{ProtoError, b64};

/// Longest accepted message text, in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// What is inside one Olm ciphertext.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    /// A text message to the receiving account.
    Text {
        message_id: String,
        sent_ms: u64,
        text: String,
        /// A photo (its thumbnail inline, the file sealed on the relay); the text is its caption.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<crate::media::Attachment>,
        /// The device lists the sender used (split-view detection, [`ListMarks`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lists: Option<ListMarks>,
    },
    /// The sender's own copy, for its other devices: "sent to `to`".
    SentTranscript {
        message_id: String,
        sent_ms: u64,
        to: AccountId,
        text: String,
        /// A photo (its thumbnail inline, the file sealed on the relay); the text is its caption.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<crate::media::Attachment>,
        /// The device lists the sender used (split-view detection, [`ListMarks`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lists: Option<ListMarks>,
    },
    /// "I could not decrypt `message_id`: send it to me again" (at most [`MAX_RETRIES`] times,
    /// to the sending device first, then to its account's other devices, which hold a copy).
    RetryRequest { message_id: String, attempt: u8 },
    /// The reader's devices got (`delivered`) or showed (`read`) messages of the chat with
    /// `peer`. Sent to the peer's devices, and to the reader's own devices so read state agrees.
    Receipt { kind: ReceiptKind, peer: AccountId, message_ids: Vec<String> },
    /// A group's new signed membership state (pairwise only; see [`crate::group`]).
    GroupUpdate { state: SignedGroupState },
    /// The key of the sender device's Megolm session for a group (pairwise only).
    RoomKey { group_id: GroupId, session_id: String, session_key: String },
    /// The account's app-state key (`crate::appstate`), from the phone to its own new companion
    /// (pairwise only; accepted only from the account's own devices).
    AppStateKey { key: String },
    /// A chunk of the phone's history for this companion (pairwise only; accepted only from the
    /// account's own primary).
    HistoryChunk { chunk: crate::history::ChunkRef },
    /// "Send me up to `limit` messages of `chat_id` sent before `before_ms`": a companion's
    /// "load older messages", to its own account's other devices (pairwise only). The answer is a
    /// [`Payload::HistoryChunk`] carrying the same `request_id`.
    HistoryRequest { request_id: String, chat_id: String, before_ms: u64, limit: u32 },
    /// "Send me the full file `media_id`" (an image whose thumbnail this device shows), to the
    /// account's own other devices (pairwise only); answered like a history request.
    MediaRequest { request_id: String, media_id: String },
    /// A text message to a group (inside a Megolm ciphertext only).
    GroupText {
        group_id: GroupId,
        message_id: String,
        sent_ms: u64,
        text: String,
        /// A photo (its thumbnail inline, the file sealed on the relay); the text is its caption.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<crate::media::Attachment>,
        /// The device lists the sender used (split-view detection, [`ListMarks`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lists: Option<ListMarks>,
    },
}

/// The device lists a message was sent with, so that a receiver can tell when the relay shows
/// different parties different lists (a split view): `sender` is the sender's own account's
/// list as the sender holds it; `recipient` the recipient account's list the copies were
/// planned from (1:1 only). Inside the ciphertext, so the relay can neither read nor change it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListMarks {
    pub sender: crate::device_list::ListMark,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<crate::device_list::ListMark>,
}

/// Which channel a payload came on: a pairwise Olm session, or a group's Megolm session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Pairwise,
    Group,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptKind {
    Delivered,
    Read,
}

impl ReceiptKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptKind::Delivered => "delivered",
            ReceiptKind::Read => "read",
        }
    }
}

/// A message that cannot be decrypted is asked for again at most this many times.
pub const MAX_RETRIES: u8 = 5;

/// At most this many message ids in one receipt.
pub const MAX_RECEIPT_IDS: usize = 500;

/// A message id as senders make them: 1 to 64 ASCII letters and digits. Checked by the relay
/// on every envelope and by every client on every payload.
pub fn valid_message_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn valid_id(id: &str) -> bool {
    valid_message_id(id)
}

impl Payload {
    pub fn encode(&self) -> Result<Vec<u8>, ProtoError> {
        self.check()?;
        serde_json::to_vec(self).map_err(|_| ProtoError::Malformed("message"))
    }

    /// Decodes a payload and refuses one that does not belong on `channel`: group text only in
    /// a Megolm ciphertext, everything else (keys, membership, receipts) only pairwise.
    pub fn decode(bytes: &[u8], channel: Channel) -> Result<Self, ProtoError> {
        let payload: Payload = serde_json::from_slice(bytes).map_err(|_| ProtoError::Malformed("message"))?;
        payload.check()?;
        match (&payload, channel) {
            (Payload::GroupText { .. }, Channel::Group) => Ok(payload),
            (Payload::GroupText { .. }, Channel::Pairwise) => Err(ProtoError::WrongChannel("group message")),
            (_, Channel::Pairwise) => Ok(payload),
            (_, Channel::Group) => Err(ProtoError::WrongChannel("pairwise message")),
        }
    }

    /// The message id a copy carries in the clear, for retry requests.
    pub fn message_id(&self) -> Option<&str> {
        match self {
            Payload::Text { message_id, .. }
            | Payload::SentTranscript { message_id, .. }
            | Payload::GroupText { message_id, .. } => Some(message_id),
            _ => None,
        }
    }

    fn check(&self) -> Result<(), ProtoError> {
        let (id, text) = match self {
            Payload::Text { message_id, text, attachment, .. }
            | Payload::SentTranscript { message_id, text, attachment, .. }
            | Payload::GroupText { message_id, text, attachment, .. } => {
                if let Some(a) = attachment {
                    a.check()?;
                }
                (message_id, text)
            }
            Payload::GroupUpdate { .. } => return Ok(()),
            Payload::HistoryChunk { chunk } => return chunk.check(),
            Payload::MediaRequest { request_id, media_id } => {
                if !valid_id(request_id) || media_id.len() != 64 || !media_id.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(ProtoError::Malformed("media request"));
                }
                return Ok(());
            }
            Payload::HistoryRequest { request_id, chat_id, limit, .. } => {
                if !valid_id(request_id)
                    || chat_id.is_empty()
                    || chat_id.len() > 128
                    || *limit == 0
                    || *limit as usize > crate::history::CHUNK_MESSAGES
                {
                    return Err(ProtoError::Malformed("history request"));
                }
                return Ok(());
            }
            Payload::AppStateKey { key } => {
                if key.len() > 64 {
                    return Err(ProtoError::Malformed("app state key"));
                }
                return Ok(());
            }
            Payload::RoomKey { session_id, session_key, .. } => {
                if session_id.is_empty() || session_id.len() > 128 || session_key.len() > 1024 {
                    return Err(ProtoError::Malformed("room key"));
                }
                return Ok(());
            }
            Payload::RetryRequest { message_id, attempt } => {
                if !valid_id(message_id) || *attempt == 0 || *attempt > MAX_RETRIES {
                    return Err(ProtoError::Malformed("retry request"));
                }
                return Ok(());
            }
            Payload::Receipt { message_ids, .. } => {
                if message_ids.is_empty()
                    || message_ids.len() > MAX_RECEIPT_IDS
                    || !message_ids.iter().all(|id| valid_id(id))
                {
                    return Err(ProtoError::Malformed("receipt"));
                }
                return Ok(());
            }
        };
        if !valid_id(id) {
            return Err(ProtoError::Malformed("message id"));
        }
        if text.len() > MAX_TEXT_BYTES {
            return Err(ProtoError::Malformed("message text (too long)"));
        }
        Ok(())
    }
}

/// How far ahead of the receiver's clock a peer's `sent_ms` may be before it is clamped.
pub const MAX_SENT_AHEAD_MS: u64 = 5 * 60 * 1000;

/// A peer's `sent_ms` as the receiver orders by it: never more than [`MAX_SENT_AHEAD_MS`] ahead
/// of `now_ms`, so a message cannot pin itself to the bottom of a chat (or the top of the list).
pub fn clamp_sent_ms(sent_ms: u64, now_ms: u64) -> u64 {
    sent_ms.min(now_ms.saturating_add(MAX_SENT_AHEAD_MS))
}

/// A message id from 16 random bytes (hex).
pub fn message_id(random: [u8; 16]) -> String {
    random.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every device that gets a copy: every device in the given (verified) lists, the recipients'
/// and the sender's own, except the sending device itself. A list given twice counts once.
pub fn plan_fanout(lists: &[&DeviceList], sender: (&AccountId, DeviceId)) -> Vec<(AccountId, DeviceId)> {
    let mut targets: Vec<(AccountId, DeviceId)> = Vec::new();
    for (i, list) in lists.iter().enumerate() {
        if lists[..i].iter().any(|l| l.account_id == list.account_id) {
            continue;
        }
        for device in &list.devices {
            if !(list.account_id == *sender.0 && device.device_id == sender.1) {
                targets.push((list.account_id.clone(), device.device_id));
            }
        }
    }
    targets
}

/// Olm message type on the wire: 0 = pre-key (starts a session), 1 = normal.
pub type OlmType = u8;

/// One copy as the sender hands it to the relay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingEnvelope {
    pub account_id: AccountId,
    pub device_id: DeviceId,
    pub olm_type: OlmType,
    #[serde(with = "b64")]
    pub ciphertext: Vec<u8>,
    /// The message's id in the clear (random, says nothing of the content), so a device that
    /// cannot decrypt the copy can ask for that message again. `None` for receipts and requests.
    #[serde(default)]
    pub message_id: Option<String>,
}

/// One send: every copy, plus the device-list versions they were planned from. The relay refuses
/// a batch whose devices differ from the current lists (`stale_device_list`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SendBatch {
    pub lists: Vec<ListVersion>,
    pub envelopes: Vec<OutgoingEnvelope>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListVersion {
    pub account_id: AccountId,
    pub version: u64,
}

/// A copy waiting in a device's mailbox. The relay stamps the sender it authenticated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEnvelope {
    /// The relay's handle for acking this copy: 128 random bits (hex), never reused, so a relay
    /// restored from a backup cannot make a new message look like one already processed. Clients
    /// do not deduplicate on it (see [`envelope_digest`]).
    pub id: String,
    pub sender_account: AccountId,
    pub sender_device: DeviceId,
    pub olm_type: OlmType,
    #[serde(with = "b64")]
    pub ciphertext: Vec<u8>,
    pub received_ms: u64,
    #[serde(default)]
    pub message_id: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Inbox {
    pub envelopes: Vec<InboxEnvelope>,
    /// Messages that expired unread on the relay (kept 30 days), per sender: told once.
    #[serde(default)]
    pub expired: Vec<ExpiredMessages>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiredMessages {
    pub sender_account: AccountId,
    pub count: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AckRequest {
    pub ids: Vec<String>,
}

/// What a receiving device deduplicates on: the sender's account and device and the exact
/// ciphertext, all chosen by the sender (never the relay's envelope id). A redelivery after a
/// lost ack has the same digest; a new message never does.
pub fn envelope_digest(sender: &AccountId, sender_device: DeviceId, olm_type: OlmType, ciphertext: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(b"tandem envelope digest v1\0");
    h.update(sender.as_str().as_bytes());
    h.update(sender_device.to_be_bytes());
    h.update([olm_type]);
    h.update(ciphertext);
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sent_time_far_ahead_is_clamped_and_one_in_the_past_kept() {
        assert_eq!(clamp_sent_ms(u64::MAX, 1000), 1000 + MAX_SENT_AHEAD_MS);
        assert_eq!(clamp_sent_ms(500, 1000), 500);
        assert_eq!(clamp_sent_ms(1000 + MAX_SENT_AHEAD_MS, 1000), 1000 + MAX_SENT_AHEAD_MS);
    }
    use crate::device_list::DeviceListEntry;

    fn list(key: u8, devices: &[u32]) -> DeviceList {
        DeviceList {
            account_id: AccountId::from_account_key(&[key; 32]),
            version: 1,
            timestamp_ms: 0,
            devices: devices.iter().map(|&d| DeviceListEntry { device_id: d, key_index: d }).collect(),
        }
    }

    #[test]
    fn fanout_reaches_every_recipient_device_and_the_senders_other_devices() {
        let (bob, alice) = (list(2, &[0, 1]), list(1, &[0, 1, 2]));
        let targets = plan_fanout(&[&bob, &alice], (&alice.account_id, 1));
        assert_eq!(targets.len(), 4);
        assert!(targets.contains(&(bob.account_id.clone(), 0)) && targets.contains(&(bob.account_id.clone(), 1)));
        assert!(targets.contains(&(alice.account_id.clone(), 0)) && targets.contains(&(alice.account_id.clone(), 2)));
        assert!(!targets.contains(&(alice.account_id.clone(), 1)), "not to the sending device itself");
    }

    #[test]
    fn payloads_round_trip_and_are_bounded() {
        let p = Payload::Text {
            message_id: message_id([7; 16]),
            sent_ms: 5,
            text: "hi <b>".into(),
            attachment: None,
            lists: None,
        };
        assert_eq!(Payload::decode(&p.encode().unwrap(), Channel::Pairwise).unwrap(), p);
        let long = Payload::Text {
            message_id: "a".into(),
            sent_ms: 5,
            text: "x".repeat(MAX_TEXT_BYTES + 1),
            attachment: None,
            lists: None,
        };
        assert!(long.encode().is_err());
        assert!(
            Payload::decode(br#"{"type":"text","message_id":"../x","sent_ms":1,"text":""}"#, Channel::Pairwise)
                .is_err()
        );
    }

    #[test]
    fn group_text_only_in_megolm_and_everything_else_only_pairwise() {
        let group_id = crate::group::GroupId::derive(&AccountId::from_account_key(&[1; 32]), &[2; 16]);
        let group = Payload::GroupText {
            group_id: group_id.clone(),
            message_id: "a1".into(),
            sent_ms: 1,
            text: "hi".into(),
            attachment: None,
            lists: None,
        };
        let bytes = group.encode().unwrap();
        assert_eq!(Payload::decode(&bytes, Channel::Group).unwrap(), group);
        assert_eq!(Payload::decode(&bytes, Channel::Pairwise), Err(ProtoError::WrongChannel("group message")));
        let key = Payload::RoomKey { group_id, session_id: "s".into(), session_key: "k".into() };
        let bytes = key.encode().unwrap();
        assert_eq!(Payload::decode(&bytes, Channel::Pairwise).unwrap(), key);
        assert_eq!(Payload::decode(&bytes, Channel::Group), Err(ProtoError::WrongChannel("pairwise message")));
    }
}
