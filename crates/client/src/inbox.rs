//! Receiving: fetch the mailbox, check each sender device against its account's verified device
//! list, decrypt, and store session, keys and message in one transaction before acking.

use tandem_proto::ProtoError;
use tandem_proto::group::OLM_TYPE_MEGOLM;
use tandem_proto::ids::AccountId;
use tandem_proto::message::{AckRequest, Channel, Inbox, InboxEnvelope, Payload, ReceiptKind, envelope_digest};
use tandem_store::{GroupStateUpdate, NewHistoryChunk, ReceiptUpdate, Received, SessionUpdate, StoredMessage};

use crate::megolm::GroupEffect;

use crate::device::{Device, now_ms, pickle_json};
use crate::error::{ClientError, Result};
use crate::olm::session_pickle;

const PAGE: u32 = 100;

impl Device {
    /// Fetches, decrypts and stores everything waiting; returns the new messages. Envelopes that
    /// fail to decrypt stay in the mailbox (retry requests are a later step).
    pub async fn sync(&self) -> Result<Vec<StoredMessage>> {
        Ok(self.sync_counting(&mut |_| {}).await?.0)
    }

    /// [`Device::sync`], calling `on_message` with each new message as soon as it is stored (a
    /// long backlog shows progress, and what was shown is on disk).
    pub async fn sync_each(&self, on_message: &mut (dyn FnMut(&StoredMessage) + Send)) -> Result<usize> {
        Ok(self.sync_counting(on_message).await?.0.len())
    }

    /// [`Device::sync`], also counting every envelope read (receipts change ticks, not messages).
    pub(crate) async fn sync_counting(
        &self,
        on_message: &mut (dyn FnMut(&StoredMessage) + Send),
    ) -> Result<(Vec<StoredMessage>, usize)> {
        let mut new = Vec::new();
        let mut read = 0;
        loop {
            let path = format!("/v1/messages?limit={PAGE}");
            let inbox: Inbox = self.get_authed(&path).await?;
            for expired in &inbox.expired {
                self.note_expired(expired)?;
            }
            let fetched = inbox.envelopes.len();
            let new_before = new.len();
            let mut acks = Vec::new();
            // Keys and membership (pairwise) before the group messages they open.
            let mut envelopes = inbox.envelopes;
            envelopes.sort_by_key(|e| e.olm_type == OLM_TYPE_MEGOLM);
            for envelope in envelopes {
                // Deduplicated on what the sender chose (never the relay's id): a redelivery
                // after a lost ack is acked again; a new message under a reused id is read.
                let digest = envelope_digest(
                    &envelope.sender_account,
                    envelope.sender_device,
                    envelope.olm_type,
                    &envelope.ciphertext,
                );
                if self.state().store.envelope_processed(&digest)? || self.is_blocked(&envelope.sender_account)? {
                    acks.push(envelope.id); // a redelivery, or a blocked sender: dropped unread
                    continue;
                }
                match self.receive(&envelope, digest).await {
                    Ok(message) => {
                        read += 1;
                        acks.push(envelope.id);
                        if let Some(message) = message {
                            on_message(&message);
                            new.push(message);
                        }
                    }
                    Err(e) if e.is_unreachable() => return Err(e),
                    Err(e) => {
                        tracing::warn!(code = e.code(), sender = %envelope.sender_account, "an envelope could not be read: {e}");
                        match self.unreadable(&envelope).await {
                            Ok(asked) => read += usize::from(asked),
                            Err(e) if e.is_unreachable() => return Err(e),
                            Err(e) => tracing::warn!(code = e.code(), "could not ask for the message again: {e}"),
                        }
                        // Acked either way: the placeholder and the retry request now carry it,
                        // and an unreadable receipt has nothing to recover.
                        self.state().store.mark_envelope_processed(&digest, now_ms())?;
                        acks.push(envelope.id);
                    }
                }
            }
            self.acknowledge_delivery(&new[new_before..]).await;
            if !acks.is_empty() {
                // Nothing is acked (and so deleted on the relay) before it is on disk here.
                self.state().store.make_durable(now_ms())?;
                let request = AckRequest { ids: acks.clone() };
                let _: serde_json::Value = self.post_authed("/v1/messages/ack", &request).await?;
            }
            if fetched < PAGE as usize || acks.is_empty() {
                // History announced by the phone is fetched once the mailbox is empty.
                if !self.state().store.pending_history_chunks()?.is_empty() {
                    self.import_history().await?;
                }
                // History this device owes another (a new companion's, or older messages asked for).
                if self.history_to_send()? {
                    self.send_pending_history(&mut |_| {}).await?;
                }
                return Ok((new, read));
            }
        }
    }

    /// An envelope that could not be read. A copy of a message already held is a replay (or a
    /// late duplicate): nothing to ask for. Otherwise a placeholder says why the message waits,
    /// within a per-sender daily budget; a known sender is also asked to send it again, while a
    /// stranger (a message request) is never answered. Returns whether anything was done.
    async fn unreadable(&self, envelope: &InboxEnvelope) -> Result<bool> {
        let Some(message_id) = envelope.message_id.as_deref() else { return Ok(false) };
        if !tandem_proto::message::valid_message_id(message_id) || self.state().store.has_message(message_id)? {
            return Ok(false);
        }
        let known = self.is_known_sender(&envelope.sender_account)?;
        if !self.may_spend_on(&envelope.sender_account, known)? {
            tracing::warn!(sender = %envelope.sender_account, "too many unreadable envelopes from this sender today: dropped");
            return Ok(false);
        }
        self.ask_again(envelope, message_id, known).await?;
        Ok(true)
    }

    /// Messages that expired unread on the relay: said in the chat, never silently lost.
    fn note_expired(&self, expired: &tandem_proto::message::ExpiredMessages) -> Result<()> {
        let sender = &expired.sender_account;
        let event = StoredMessage {
            chat_id: sender.to_string(),
            message_id: format!("expired{}", now_ms()),
            sender_account: sender.to_string(),
            sender_device: 0,
            outgoing: false,
            body: format!(
                "{} message(s) from {sender} expired on the relay before this device came online (the relay keeps them 30 days). Ask {sender} to send them again.",
                expired.count
            ),
            sent_ms: now_ms(),
            state: "event".into(),
            attachment: None,
        };
        self.state().store.add_message(&event, now_ms())?;
        Ok(())
    }

    /// Delivery receipts for newly received messages, per sender. Best effort: a receipt that
    /// cannot be sent now only leaves the sender's tick at "sent".
    async fn acknowledge_delivery(&self, new: &[StoredMessage]) {
        let mut by_sender: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        for m in new.iter().filter(|m| !m.outgoing && m.state == "received") {
            by_sender.entry(m.sender_account.as_str()).or_default().push(m.message_id.clone());
        }
        for (sender, ids) in by_sender {
            // A message request gets no receipts until the user accepts it.
            if let Ok(sender) = AccountId::parse(sender)
                && self.is_known_sender(&sender).unwrap_or(false)
                && let Err(e) = self.send_receipt(&sender, tandem_proto::message::ReceiptKind::Delivered, ids).await
            {
                tracing::warn!(code = e.code(), "a delivery receipt was not sent: {e}");
            }
        }
    }

    /// Reads one envelope. Returns the message if it was new (`None` for a duplicate).
    async fn receive(&self, envelope: &InboxEnvelope, digest: [u8; 32]) -> Result<Option<StoredMessage>> {
        if envelope.olm_type == OLM_TYPE_MEGOLM {
            let (message, lists) = self.receive_group(envelope, digest)?;
            if let (Some(m), Some(lists)) = (&message, &lists) {
                self.check_list_marks(&envelope.sender_account, &m.chat_id, lists, false).await;
            }
            return Ok(message);
        }
        let sender = &envelope.sender_account;
        let (_, identities, account_key) = self.sender_identities(sender, envelope.sender_device).await?;
        let identity = identities.iter().find(|i| i.device_id == envelope.sender_device).ok_or_else(|| {
            ClientError::Untrusted(format!(
                "device {} is not in the signed device list of {sender}",
                envelope.sender_device
            ))
        })?;
        let keys = self.peer_keys(identity, &account_key)?;
        let (plaintext, session, account_changed) =
            self.decrypt(sender, envelope.sender_device, &keys, envelope.olm_type, &envelope.ciphertext)?;
        let (own, _, _) = self.whoami()?;
        let mut receipt = None;
        let mut retry = None;
        let mut group = GroupEffect::default();
        let mut refused_here = None;
        let mut marks: Option<(tandem_proto::message::ListMarks, bool)> = None;
        let mut history: Option<tandem_proto::history::ChunkRef> = None;
        let payload = match Payload::decode(&plaintext, Channel::Pairwise) {
            Ok(payload) => Some(payload),
            // Refused, but the session moved on: it is kept, and the chat says why.
            Err(e @ ProtoError::WrongChannel(_)) => {
                refused_here = Some(format!("A message from {sender} was refused: {e}"));
                None
            }
            Err(e) => return Err(e.into()),
        };
        let message = match payload {
            None | Some(Payload::GroupText { .. }) => None,
            Some(Payload::HistoryChunk { chunk }) => {
                refused_here = self.accept_history_chunk(sender, envelope.sender_device, &chunk);
                if refused_here.is_none() {
                    history = Some(chunk);
                }
                None
            }
            Some(Payload::HistoryRequest { request_id, chat_id, before_ms, limit }) => {
                // Queued before the envelope is committed: a crash in between answers twice,
                // which adds nothing.
                refused_here = self.queue_history_request(
                    sender,
                    envelope.sender_device,
                    (request_id, chat_id, before_ms, limit),
                )?;
                None
            }
            Some(Payload::MediaRequest { request_id, media_id }) => {
                refused_here = self.queue_media_request(sender, envelope.sender_device, request_id, media_id)?;
                None
            }
            Some(Payload::AppStateKey { key }) => {
                refused_here = self.accept_app_state_key(sender, &key);
                None
            }
            Some(p @ (Payload::GroupUpdate { .. } | Payload::RoomKey { .. })) => {
                group = self.group_payload(sender, envelope.sender_device, p).await;
                None
            }
            Some(Payload::RetryRequest { message_id, .. }) => {
                retry = Some(message_id);
                None
            }
            Some(Payload::Receipt { kind, peer, message_ids }) => {
                receipt = Some((kind, peer, message_ids));
                None
            }
            Some(Payload::Text { message_id, sent_ms, text, attachment, lists }) => {
                marks = lists.map(|l| (l, true));
                Some(StoredMessage {
                    chat_id: sender.to_string(),
                    message_id,
                    sender_account: sender.to_string(),
                    sender_device: envelope.sender_device,
                    outgoing: false,
                    body: text,
                    sent_ms: tandem_proto::message::clamp_sent_ms(sent_ms, now_ms()),
                    state: "received".into(),
                    attachment,
                })
            }
            Some(Payload::SentTranscript { message_id, sent_ms, to, text, attachment, lists }) => {
                marks = lists.map(|l| (l, false));
                if *sender != own {
                    return Err(ClientError::Untrusted(format!(
                        "{sender} sent a transcript, which only this account's own devices may"
                    )));
                }
                Some(StoredMessage {
                    chat_id: to.to_string(),
                    message_id,
                    sender_account: own.to_string(),
                    sender_device: envelope.sender_device,
                    outgoing: true,
                    body: text,
                    sent_ms,
                    state: "sent".into(),
                    attachment,
                })
            }
        };
        // From the other party: their devices got or read this account's messages. From one of
        // this account's own devices: it read the peer's messages there.
        let receipt_update = receipt.as_ref().and_then(|(kind, peer, ids)| match (*sender == own, kind) {
            (true, ReceiptKind::Read) => Some((peer.to_string(), false, ids, "read")),
            (true, ReceiptKind::Delivered) => None, // another own device got them: nothing changes here
            (false, kind) => Some((sender.to_string(), true, ids, kind.as_str())),
        });
        let group_update = group.state.as_ref().map(|(state, _, json)| GroupStateUpdate { state, signed: json });
        let history_json = match &history {
            Some(chunk) => Some(serde_json::to_string(chunk).map_err(|e| ClientError::Internal(e.to_string()))?),
            None => None,
        };
        let history_chunk = history.as_ref().zip(history_json.as_deref()).map(|(c, json)| NewHistoryChunk {
            bundle_id: &c.bundle_id,
            index: c.index,
            chunk: json,
            messages: c.messages,
            bundle_messages: c.bundle_messages,
            bundle_chunks: c.bundle_chunks,
            request_id: c.request_id.as_deref(),
        });
        let inserted = {
            let pickle = session_pickle(&session)?;
            let session_id = session.session_id();
            let mut st = self.state();
            let account_pickle = if account_changed { Some(pickle_json(&st.account)?) } else { None };
            let received = Received {
                digest,
                session: Some(SessionUpdate {
                    session_id: &session_id,
                    account_id: sender,
                    device_id: envelope.sender_device,
                    pickle: &pickle,
                }),
                group_state: group_update,
                group_session: group.inbound.as_ref(),
                history_chunk,
                account_pickle: account_pickle.as_deref(),
                message: message.as_ref(),
                receipt: receipt_update.as_ref().map(|(chat_id, outgoing, ids, state)| ReceiptUpdate {
                    chat_id,
                    outgoing: *outgoing,
                    message_ids: ids,
                    state,
                }),
            };
            let inserted = st.store.commit_received(&received, now_ms())?;
            if let Some(p) = account_pickle {
                st.identity.account_pickle = p;
            }
            inserted
        };
        self.after_group_effect(sender, &group, refused_here)?;
        if inserted && let (Some((lists, to_us)), Some(m)) = (&marks, &message) {
            self.check_list_marks(sender, &m.chat_id, lists, *to_us).await;
        }
        if let Some(message_id) = retry
            && let Err(e) = self.answer_retry(sender, envelope.sender_device, &message_id).await
        {
            tracing::warn!(code = e.code(), "a retry request was not answered: {e}");
        }
        Ok(if inserted { message } else { None })
    }

    /// The sender account's verified identities; refetched when the device is not known yet.
    async fn sender_identities(
        &self,
        sender: &AccountId,
        device: u32,
    ) -> Result<(tandem_proto::device_list::DeviceList, Vec<tandem_store::StoredIdentity>, [u8; 32])> {
        let held = {
            let st = self.state();
            match st.store.device_list(sender)? {
                Some(held) => Some((held.list, st.store.device_identities(sender)?, held.account_key)),
                None => None,
            }
        };
        if let Some((list, ids, key)) = held
            && ids.iter().any(|i| i.device_id == device)
        {
            return Ok((list, ids, key));
        }
        self.refresh_account(sender).await
    }
}
