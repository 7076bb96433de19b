//! Messages that cannot be decrypted: the receiver shows why it is waiting and asks for the
//! message again (a bounded number of times, first from the sending device, then from its
//! account's other devices, which hold a copy); the sender answers with a fresh session.

use tandem_proto::group::{GroupEnvelope, GroupId, OLM_TYPE_MEGOLM};
use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::message::{InboxEnvelope, MAX_RETRIES, OutgoingEnvelope, Payload};
use tandem_store::{SessionUpdate, StoredMessage};

use crate::device::{Device, now_ms};
use crate::error::{ClientError, Result};
use crate::olm::{olm_parts, session_pickle};

impl Device {
    /// Sends one payload to one device over a new Olm session (retry traffic).
    pub(crate) async fn send_direct(&self, account: &AccountId, device: DeviceId, payload: &Payload) -> Result<()> {
        self.send_one(account, device, payload, true).await
    }

    /// Sends one payload to one device only, over its current session.
    pub(crate) async fn send_to_device(&self, account: &AccountId, device: DeviceId, payload: &Payload) -> Result<()> {
        self.send_one(account, device, payload, false).await
    }

    async fn send_one(&self, account: &AccountId, device: DeviceId, payload: &Payload, fresh: bool) -> Result<()> {
        let (_, identities, key) = self.refresh_account(account).await?;
        let identity = identities.iter().find(|i| i.device_id == device).ok_or_else(|| {
            ClientError::Untrusted(format!("device {device} is not in the signed device list of {account}"))
        })?;
        let keys = self.peer_keys(identity, &key)?;
        let mut session = if fresh {
            self.new_outbound_session(account, device, &keys).await?
        } else {
            self.outbound_session(account, device, &keys).await?
        };
        let encrypted =
            session.encrypt(payload.encode()?).map_err(|e| ClientError::Internal(format!("cannot encrypt: {e}")))?;
        let (olm_type, ciphertext) = olm_parts(&encrypted);
        let message_id = match payload {
            Payload::Text { message_id, .. } | Payload::SentTranscript { message_id, .. } => Some(message_id.clone()),
            _ => None,
        };
        let (session_id, pickle) = (session.session_id(), session_pickle(&session)?);
        let update = SessionUpdate { session_id: &session_id, account_id: account, device_id: device, pickle: &pickle };
        self.state().store.save_olm_sessions(&[update], now_ms())?;
        let envelope =
            OutgoingEnvelope { account_id: account.clone(), device_id: device, olm_type, ciphertext, message_id };
        let _: serde_json::Value = self.post_authed("/v1/messages/direct", &envelope).await?;
        Ok(())
    }

    /// An envelope carrying `message_id` could not be decrypted: show a placeholder that says
    /// why, and ask for the message again, until [`MAX_RETRIES`] requests have gone unanswered.
    /// A stranger's (`known` false) gets the placeholder only: no request goes back to them.
    pub(crate) async fn ask_again(&self, envelope: &InboxEnvelope, message_id: &str, known: bool) -> Result<()> {
        let sender = &envelope.sender_account;
        let chat_id = self.chat_of(envelope)?;
        let attempts = self.state().store.bump_retry(&chat_id, message_id)?;
        let mut placeholder = StoredMessage {
            chat_id,
            message_id: message_id.to_owned(),
            sender_account: sender.to_string(),
            sender_device: envelope.sender_device,
            outgoing: false,
            body: String::new(),
            sent_ms: envelope.received_ms,
            state: "waiting".into(),
            attachment: None,
        };
        if attempts > MAX_RETRIES {
            placeholder.state = "failed".into();
            placeholder.body = format!(
                "This message could not be decrypted, even after {MAX_RETRIES} requests. Ask {sender} to send it again."
            );
            self.state().store.set_placeholder(&placeholder, now_ms())?;
            return Ok(());
        }
        if !known {
            placeholder.body = format!(
                "A message from {sender}, who is not in your contacts, could not be decrypted. It was not asked for again: accept the request to hear from them."
            );
            self.state().store.set_placeholder(&placeholder, now_ms())?;
            return Ok(());
        }
        // First the device that sent it; then the account's other devices, which hold a copy.
        let (list, _, _) = self.refresh_account(sender).await?;
        let siblings: Vec<DeviceId> =
            list.devices.iter().map(|d| d.device_id).filter(|d| *d != envelope.sender_device).collect();
        let target = if attempts <= 2 || siblings.is_empty() {
            envelope.sender_device
        } else {
            siblings[usize::from(attempts) % siblings.len()]
        };
        placeholder.body = format!(
            "Waiting for this message: it could not be decrypted, so Tandem asked {sender}'s device {target} to send it again (request {attempts} of {MAX_RETRIES})."
        );
        self.state().store.set_placeholder(&placeholder, now_ms())?;
        self.send_direct(
            sender,
            target,
            &Payload::RetryRequest { message_id: message_id.to_owned(), attempt: attempts },
        )
        .await
    }

    /// Another device asks for a message this account sent: send it again over a new session.
    /// A request for a message this device does not hold is ignored (another device may answer).
    pub(crate) async fn answer_retry(&self, from: &AccountId, from_device: DeviceId, message_id: &str) -> Result<()> {
        let (own, _, _) = self.whoami()?;
        let found = {
            let st = self.state();
            if *from == own {
                st.store.outgoing_message_anywhere(message_id)?
            } else {
                match st.store.outgoing_message(from.as_str(), message_id)? {
                    Some(m) => Some(m),
                    // A group message: answered below only if `from` is a member.
                    None => st.store.outgoing_message_anywhere(message_id)?.filter(|m| GroupId::is_group(&m.chat_id)),
                }
            }
        };
        let Some(message) = found else { return Ok(()) };
        if GroupId::is_group(&message.chat_id) {
            return self.answer_group_retry(from, from_device, &message).await;
        }
        let payload = if *from == own {
            let to = AccountId::parse(&message.chat_id)?;
            Payload::SentTranscript {
                message_id: message.message_id,
                sent_ms: message.sent_ms,
                to,
                text: message.body,
                attachment: message.attachment,
                lists: None,
            }
        } else {
            Payload::Text {
                message_id: message.message_id,
                sent_ms: message.sent_ms,
                text: message.body,
                attachment: message.attachment,
                lists: None,
            }
        };
        self.send_direct(from, from_device, &payload).await
    }

    /// The chat an envelope belongs to: its group (if this device knows it), else the sender's.
    fn chat_of(&self, envelope: &InboxEnvelope) -> Result<String> {
        // Filed under a group only if the (claimed) sender is one of its members: a relay cannot
        // put a stranger's placeholder into a group chat.
        if envelope.olm_type == OLM_TYPE_MEGOLM
            && let Ok(sealed) = GroupEnvelope::decode(&envelope.ciphertext)
            && self.state().store.group(sealed.group_id.as_str())?.is_some()
            && self.group_state(&sealed.group_id).is_ok_and(|g| g.is_member(&envelope.sender_account))
        {
            return Ok(sealed.group_id.to_string());
        }
        Ok(envelope.sender_account.to_string())
    }
}
