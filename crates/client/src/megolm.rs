//! Group messages (Megolm, vodozemac): each device sends with its own session per group, whose
//! key goes pairwise to every member device. The session is replaced whenever the set of member
//! devices changes, so a removed member, or a device removed from a member's list, cannot read
//! what follows. Received group messages are checked against the key's sender and the group's
//! current membership before they are stored.

use std::collections::BTreeSet;

use tandem_proto::group::{GroupEnvelope, GroupId, GroupState, OLM_TYPE_MEGOLM, SignedGroupState};
use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::message::{Channel, InboxEnvelope, OutgoingEnvelope, Payload, SendBatch};
use tandem_proto::vodozemac::megolm::{
    GroupSession, GroupSessionPickle, InboundGroupSession as Inbound, InboundGroupSessionPickle, MegolmMessage,
    SessionConfig, SessionKey,
};
use tandem_proto::wire::ErrorCode;
use tandem_store::{InboundGroupSession, OutboundGroupSession, Received, StoredMessage};

use crate::device::{Device, now_ms};
use crate::error::{ClientError, Result};
use crate::messaging::list_versions;

const STALE_RETRIES: usize = 3;

type Targets = BTreeSet<(AccountId, DeviceId)>;

/// What a pairwise group payload (a membership state or a room key) changes, or why it was refused.
#[derive(Default)]
pub(crate) struct GroupEffect {
    /// A newer verified state: (state, the one held before, its signed JSON).
    pub state: Option<(GroupState, Option<GroupState>, String)>,
    pub inbound: Option<InboundGroupSession>,
    /// Refused: the group's chat says why.
    pub refused: Option<(GroupId, String)>,
}

impl Device {
    /// Sends a queued group message: to every device of every other member and this account's
    /// other devices, as one Megolm ciphertext, after sharing a new session key if needed.
    pub(crate) async fn send_group_text(&self, message: &StoredMessage) -> Result<()> {
        let group_id = GroupId::parse(&message.chat_id)?;
        let (own, _, _) = self.whoami()?;
        let mut payload = Payload::GroupText {
            group_id: group_id.clone(),
            message_id: message.message_id.clone(),
            sent_ms: message.sent_ms,
            text: message.body.clone(),
            attachment: message.attachment.clone(),
            lists: None,
        };
        let mut last = None;
        for _ in 0..STALE_RETRIES {
            let state = self.group_state(&group_id)?;
            if !state.is_member(&own) {
                return Err(ClientError::NotAMember(state.name));
            }
            let others: Vec<AccountId> = state.members.iter().filter(|m| **m != own).cloned().collect();
            let (verified, planned) = self.plan(&others).await?;
            let (targets, outdated): (Vec<_>, Vec<_>) =
                planned.into_iter().partition(|(account, device)| !self.lacks_groups(account, *device));
            let targets: Targets = targets.into_iter().collect();
            for (account, device) in outdated {
                self.needs_update(&group_id, &account, device)?;
            }
            if let Payload::GroupText { lists, .. } = &mut payload {
                *lists = self.list_marks(None); // this account's list, as just verified
            }
            let Some(mut session) = self.sending_session(&group_id, &others, &targets).await? else {
                continue; // the lists moved while the key went out: plan again
            };
            let encrypted = session.encrypt(payload.encode()?);
            let envelope = GroupEnvelope {
                group_id: group_id.clone(),
                session_id: session.session_id(),
                message: encrypted.to_bytes(),
            }
            .encode()?;
            self.save_sending_session(&group_id, &session, &targets)?; // the index moved on
            let envelopes = targets
                .iter()
                .map(|(account, device)| OutgoingEnvelope {
                    account_id: account.clone(),
                    device_id: *device,
                    olm_type: OLM_TYPE_MEGOLM,
                    ciphertext: envelope.clone(),
                    message_id: Some(message.message_id.clone()),
                })
                .collect();
            let batch = SendBatch { lists: list_versions(&verified), envelopes };
            let result: Result<serde_json::Value> = self.post_authed("/v1/messages", &batch).await;
            match result {
                Ok(_) => return Ok(()),
                Err(e) if e.is_relay(ErrorCode::StaleDeviceList) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| ClientError::internal("the group send was not accepted")))
    }

    /// The group's sending session if exactly `targets` hold its key; otherwise a new one whose
    /// key goes to them now. `None` if the devices changed while the key went out.
    async fn sending_session(
        &self,
        group_id: &GroupId,
        others: &[AccountId],
        targets: &Targets,
    ) -> Result<Option<GroupSession>> {
        if let Some(stored) = self.state().store.outbound_group_session(group_id.as_str())? {
            let shared: Targets = serde_json::from_str(&stored.shared_with).map_err(ClientError::internal)?;
            if shared == *targets {
                let pickle: GroupSessionPickle = serde_json::from_str(&stored.pickle).map_err(ClientError::internal)?;
                return Ok(Some(GroupSession::from_pickle(pickle)));
            }
        }
        let session = GroupSession::new(SessionConfig::version_1());
        let key = Payload::RoomKey {
            group_id: group_id.clone(),
            session_id: session.session_id(),
            session_key: session.session_key().to_base64(),
        };
        let delivered: Targets = self
            .send_pairwise(others, &|_| key.clone())
            .await?
            .into_iter()
            .filter(|(account, device)| !self.lacks_groups(account, *device))
            .collect();
        self.save_sending_session(group_id, &session, &delivered)?;
        Ok((delivered == *targets).then_some(session))
    }

    fn save_sending_session(&self, group_id: &GroupId, session: &GroupSession, shared: &Targets) -> Result<()> {
        let stored = OutboundGroupSession {
            group_id: group_id.to_string(),
            session_id: session.session_id(),
            pickle: serde_json::to_string(&session.pickle()).map_err(ClientError::internal)?,
            shared_with: serde_json::to_string(shared).map_err(ClientError::internal)?,
        };
        self.state().store.save_outbound_group_session(&stored, None, now_ms())?;
        Ok(())
    }

    /// Another member device could not read a group message this device sent: send it the
    /// current session's key and the message again under that session (both addressed to it
    /// alone). A request from a non-member is ignored.
    pub(crate) async fn answer_group_retry(
        &self,
        from: &AccountId,
        from_device: DeviceId,
        message: &StoredMessage,
    ) -> Result<()> {
        let group_id = GroupId::parse(&message.chat_id)?;
        // Only a member, and only for what was sent while they were one: a member added later
        // cannot read the past by asking for it again.
        if !self.group_state(&group_id)?.is_member(from) {
            return Ok(());
        }
        let since = self.state().store.member_since(group_id.as_str(), from.as_str())?;
        if since.is_some_and(|since| since.is_none_or(|since| since > message.sent_ms)) {
            tracing::warn!(group = %group_id, "a retry request for a message sent before the asker joined: not answered");
            return Ok(());
        }
        let Some(stored) = self.state().store.outbound_group_session(group_id.as_str())? else { return Ok(()) };
        let pickle: GroupSessionPickle = serde_json::from_str(&stored.pickle).map_err(ClientError::internal)?;
        let mut session = GroupSession::from_pickle(pickle);
        let key = Payload::RoomKey {
            group_id: group_id.clone(),
            session_id: session.session_id(),
            session_key: session.session_key().to_base64(),
        };
        self.send_direct(from, from_device, &key).await?;
        let payload = Payload::GroupText {
            group_id: group_id.clone(),
            message_id: message.message_id.clone(),
            sent_ms: message.sent_ms,
            text: message.body.clone(),
            attachment: message.attachment.clone(),
            lists: None,
        };
        let encrypted = session.encrypt(payload.encode()?);
        let shared: Targets = serde_json::from_str(&stored.shared_with).map_err(ClientError::internal)?;
        self.save_sending_session(&group_id, &session, &shared)?;
        let sealed =
            GroupEnvelope { group_id, session_id: session.session_id(), message: encrypted.to_bytes() }.encode()?;
        let envelope = OutgoingEnvelope {
            account_id: from.clone(),
            device_id: from_device,
            olm_type: OLM_TYPE_MEGOLM,
            ciphertext: sealed,
            message_id: Some(message.message_id.clone()),
        };
        let _: serde_json::Value = self.post_authed("/v1/messages/direct", &envelope).await?;
        Ok(())
    }

    /// A group message: its session must have come pairwise from this very sender device for
    /// this group, the sender must still be a member, and the text must name the same group.
    /// Returns the message if it was new, with the list marks it carried.
    pub(crate) fn receive_group(
        &self,
        envelope: &InboxEnvelope,
        digest: [u8; 32],
    ) -> Result<(Option<StoredMessage>, Option<tandem_proto::message::ListMarks>)> {
        let sealed = GroupEnvelope::decode(&envelope.ciphertext)?;
        let sender = &envelope.sender_account;
        let mut stored = self.state().store.inbound_group_session(&sealed.session_id)?.ok_or_else(|| {
            ClientError::internal("a group message whose key has not arrived (it is asked for again)")
        })?;
        if stored.group_id != sealed.group_id.as_str()
            || stored.sender_account != sender.as_str()
            || stored.sender_device != envelope.sender_device
        {
            return Err(ClientError::Untrusted(format!(
                "a group message from {sender} under a session that belongs to another sender or group"
            )));
        }
        let state = self.group_state(&sealed.group_id)?;
        if !state.is_member(sender) {
            return Err(ClientError::Untrusted(format!("a group message from {sender}, who is not a member")));
        }
        let pickle: InboundGroupSessionPickle = serde_json::from_str(&stored.pickle).map_err(ClientError::internal)?;
        let mut session = Inbound::from_pickle(pickle);
        let message = MegolmMessage::from_bytes(&sealed.message).map_err(ClientError::internal)?;
        let decrypted = session.decrypt(&message).map_err(|e| ClientError::internal(format!("cannot decrypt: {e}")))?;
        let Payload::GroupText { group_id, message_id, sent_ms, text, attachment, lists } =
            Payload::decode(&decrypted.plaintext, Channel::Group)?
        else {
            return Err(tandem_proto::ProtoError::WrongChannel("pairwise message").into());
        };
        if group_id != sealed.group_id {
            return Err(ClientError::Untrusted("a group message naming another group".into()));
        }
        let (own, _, _) = self.whoami()?;
        let outgoing = *sender == own;
        let message = StoredMessage {
            chat_id: group_id.to_string(),
            message_id,
            sender_account: sender.to_string(),
            sender_device: envelope.sender_device,
            outgoing,
            body: text,
            sent_ms: tandem_proto::message::clamp_sent_ms(sent_ms, now_ms()),
            state: if outgoing { "sent" } else { "received" }.into(),
            attachment,
        };
        stored.pickle = serde_json::to_string(&session.pickle()).map_err(ClientError::internal)?;
        let received = Received {
            digest,
            session: None,
            group_state: None,
            group_session: Some(&stored),
            history_chunk: None,
            account_pickle: None,
            message: Some(&message),
            receipt: None,
        };
        let inserted = self.state().store.commit_received(&received, now_ms())?;
        Ok((inserted.then_some(message), lists))
    }

    /// A membership state or a room key that arrived pairwise from `sender`'s device. Anything
    /// not signed by the admin, not newer, or from a non-member is refused (and said in the chat).
    pub(crate) async fn group_payload(&self, sender: &AccountId, device: DeviceId, payload: Payload) -> GroupEffect {
        match payload {
            Payload::GroupUpdate { state } => self.group_update(&state).await,
            Payload::RoomKey { group_id, session_id, session_key } => {
                match self.room_key(sender, device, &group_id, &session_id, &session_key) {
                    Ok(inbound) => GroupEffect { inbound: Some(inbound), ..GroupEffect::default() },
                    Err(e) => refused(&group_id, format!("A message key from {sender} was refused: {e}")),
                }
            }
            _ => GroupEffect::default(),
        }
    }

    async fn group_update(&self, signed: &SignedGroupState) -> GroupEffect {
        let group_id = signed.peek().map(|s| s.group_id);
        match self.check_group_state(signed).await {
            Ok(Some((state, held))) => match serde_json::to_string(signed) {
                Ok(json) => GroupEffect { state: Some((state, held, json)), ..GroupEffect::default() },
                Err(_) => GroupEffect::default(),
            },
            Ok(None) => GroupEffect::default(),
            Err(e) => match group_id {
                Ok(id) => refused(&id, format!("A membership change was refused: {e}")),
                Err(_) => GroupEffect::default(),
            },
        }
    }

    fn room_key(
        &self,
        sender: &AccountId,
        device: DeviceId,
        group_id: &GroupId,
        session_id: &str,
        session_key: &str,
    ) -> Result<InboundGroupSession> {
        let state = self.group_state(group_id)?;
        if !state.is_member(sender) {
            return Err(ClientError::Untrusted(format!("{sender} is not a member of the group")));
        }
        if let Some(held) = self.state().store.inbound_group_session(session_id)? {
            // Already held (a key sent again with a retry): keep the copy that reaches furthest back.
            if held.group_id == group_id.as_str()
                && held.sender_account == sender.as_str()
                && held.sender_device == device
            {
                return Ok(held);
            }
            return Err(ClientError::Untrusted("a key for a session another device already owns".into()));
        }
        let key = SessionKey::from_base64(session_key).map_err(ClientError::internal)?;
        let session = Inbound::new(&key, SessionConfig::version_1());
        if session.session_id() != session_id {
            return Err(ClientError::Untrusted("the key does not match its session id".into()));
        }
        Ok(InboundGroupSession {
            session_id: session_id.to_owned(),
            group_id: group_id.to_string(),
            sender_account: sender.to_string(),
            sender_device: device,
            pickle: serde_json::to_string(&session.pickle()).map_err(ClientError::internal)?,
        })
    }
}

impl Device {
    /// A member device too old for group messages: said once per device in the group's chat.
    fn needs_update(&self, group_id: &GroupId, account: &AccountId, device: DeviceId) -> Result<()> {
        let now = now_ms();
        let event = StoredMessage {
            chat_id: group_id.to_string(),
            message_id: format!("needsupdate{account}{device}"),
            sender_account: String::new(),
            sender_device: 0,
            outgoing: false,
            body: format!(
                "Device {device} of {account} needs an update to receive group messages: it gets none until it is updated."
            ),
            sent_ms: now,
            state: "event".into(),
            attachment: None,
        };
        self.state().store.add_message(&event, now)?;
        Ok(())
    }

    /// After a pairwise envelope was committed: note a membership change, or a refusal, in the chat.
    pub(crate) fn after_group_effect(
        &self,
        sender: &AccountId,
        effect: &GroupEffect,
        refused_here: Option<String>,
    ) -> Result<()> {
        if let Some((state, held, _)) = &effect.state {
            let (own, _, _) = self.whoami()?;
            self.note_group_change(held.as_ref(), state, &own)?;
        }
        if let Some((group, why)) = &effect.refused
            && self.state().store.group(group.as_str())?.is_some()
        {
            self.group_event(group, why)?;
        }
        if let Some(why) = refused_here {
            tracing::warn!(%sender, "{why}");
            self.chat_event(sender.as_str(), &why)?;
        }
        Ok(())
    }
}

fn refused(group_id: &GroupId, why: String) -> GroupEffect {
    tracing::warn!(group = %group_id, "{why}");
    GroupEffect { refused: Some((group_id.clone(), why)), ..GroupEffect::default() }
}
