//! Sending: a message goes into the outbox (stored as 'queued'), then out as one fan-out batch:
//! a copy per device of the recipient and per other device of this account. Sessions advanced
//! by encrypting are saved before the batch leaves. If the relay says the device lists changed,
//! the lists are fetched and verified again and the batch rebuilt.

use tandem_proto::device_list::DeviceList;
use tandem_proto::group::GroupId;
use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::message::{ListVersion, OutgoingEnvelope, Payload, SendBatch, message_id, plan_fanout};
use tandem_proto::wire::ErrorCode;
use tandem_store::{SessionUpdate, StoredIdentity, StoredMessage};

use crate::device::{Device, now_ms};
use crate::error::{ClientError, Result};
use crate::olm::{olm_parts, session_pickle};

/// How often a send is rebuilt after `stale_device_list` before giving up for now.
const STALE_RETRIES: usize = 3;

/// A message as shown to people.
pub type Message = StoredMessage;

/// An account's verified device list, its devices' verified identities, and its account key.
pub(crate) type Verified = (DeviceList, Vec<StoredIdentity>, [u8; 32]);

/// The list versions a batch was planned from, which the relay checks.
pub(crate) fn list_versions(verified: &[Verified]) -> Vec<ListVersion> {
    verified.iter().map(|v| ListVersion { account_id: v.0.account_id.clone(), version: v.0.version }).collect()
}

impl Device {
    /// Queues a text message to `to` and tries to send it now. Returns its id and whether the
    /// relay took it (false: it stays queued and goes out with the next [`Device::flush_outbox`]).
    pub async fn send_text(&self, to: &str, text: &str) -> Result<(String, bool)> {
        self.send_message_with(to, text, None).await
    }

    /// Whether a message to `to` could be sent: a valid account other than this one, or a group
    /// this account is in.
    pub(crate) fn check_recipient(&self, to: &str) -> Result<()> {
        let to = to.trim();
        let (own, _, _) = self.whoami()?;
        if GroupId::is_group(to) {
            let group = self.group_state(&GroupId::parse(to)?)?;
            if !group.is_member(&own) {
                return Err(ClientError::NotAMember(group.name));
            }
        } else if AccountId::parse(to)? == own {
            return Err(ClientError::internal("sending to this device's own account is not supported yet"));
        }
        Ok(())
    }

    /// Queues a message (text, and maybe a photo whose file is already on the relay) and tries to
    /// send it now.
    pub(crate) async fn send_message_with(
        &self,
        to: &str,
        text: &str,
        attachment: Option<tandem_proto::media::Attachment>,
    ) -> Result<(String, bool)> {
        let to = to.trim();
        self.check_recipient(to)?;
        let (own, own_device, _) = self.whoami()?;
        let chat_id =
            if GroupId::is_group(to) { GroupId::parse(to)?.to_string() } else { AccountId::parse(to)?.to_string() };
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(|e| ClientError::Internal(e.to_string()))?;
        let id = message_id(random);
        let message = StoredMessage {
            chat_id,
            message_id: id.clone(),
            sender_account: own.to_string(),
            sender_device: own_device,
            outgoing: true,
            body: text.to_owned(),
            sent_ms: now_ms(),
            state: "queued".into(),
            attachment,
        };
        // Checked before it is stored: a message that could never be sent is refused now.
        Payload::Text {
            message_id: id.clone(),
            sent_ms: message.sent_ms,
            text: text.to_owned(),
            attachment: message.attachment.clone(),
            lists: None,
        }
        .encode()?;
        self.state().store.add_message(&message, now_ms())?;
        let (sent, held) = self.flush_outbox_holding().await?;
        // Still queued because the relay refused it for now (rate limit, full mailbox): the
        // sender is told why; it goes out with a later sync or while online.
        match held.into_iter().find(|(held_id, _)| *held_id == id) {
            Some((_, why)) => Err(why),
            None => Ok((id, sent.contains(&message.message_id))),
        }
    }

    /// Sends every queued message, oldest first. Stops quietly (messages stay queued) while the
    /// relay is unreachable or rate-limiting; a message to a full mailbox waits and the rest go
    /// on. Returns how many went out.
    pub async fn flush_outbox(&self) -> Result<usize> {
        Ok(self.flush_outbox_holding().await?.0.len())
    }

    /// The ids sent, and the messages held back with the relay's refusal.
    async fn flush_outbox_holding(&self) -> Result<(Vec<String>, Vec<(String, ClientError)>)> {
        let queued = self.state().store.queued_messages()?;
        let (mut sent, mut held) = (Vec::new(), Vec::new());
        for (i, message) in queued.iter().enumerate() {
            match self.send_queued(message).await {
                Ok(()) => {
                    self.state().store.set_message_state(&message.chat_id, &message.message_id, "sent")?;
                    sent.push(message.message_id.clone());
                }
                Err(e) if e.is_unreachable() => break,
                Err(e) if e.is_relay(ErrorCode::MailboxFull) => held.push((message.message_id.clone(), e)),
                Err(ClientError::RateLimited { retry_after_secs }) => {
                    held.extend(
                        queued[i..]
                            .iter()
                            .map(|m| (m.message_id.clone(), ClientError::RateLimited { retry_after_secs })),
                    );
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        Ok((sent, held))
    }

    async fn send_queued(&self, message: &StoredMessage) -> Result<()> {
        if GroupId::is_group(&message.chat_id) {
            return self.send_group_text(message).await;
        }
        let to = AccountId::parse(&message.chat_id)?;
        // Built once the lists are fetched and verified, so the marks name the lists used.
        let pick = |account: &AccountId| {
            let lists = self.list_marks(Some(&to));
            if *account == to {
                Payload::Text {
                    message_id: message.message_id.clone(),
                    sent_ms: message.sent_ms,
                    text: message.body.clone(),
                    attachment: message.attachment.clone(),
                    lists,
                }
            } else {
                Payload::SentTranscript {
                    message_id: message.message_id.clone(),
                    sent_ms: message.sent_ms,
                    to: to.clone(),
                    text: message.body.clone(),
                    attachment: message.attachment.clone(),
                    lists,
                }
            }
        };
        self.send_pairwise(std::slice::from_ref(&to), &pick).await.map(|_| ())
    }

    /// Sends one payload to every device of `to` and another to this account's other devices,
    /// rebuilding the batch when the relay says a device list changed.
    pub(crate) async fn send_payloads(&self, to: &AccountId, for_recipient: &Payload, for_own: &Payload) -> Result<()> {
        let pick = |account: &AccountId| if account == to { for_recipient.clone() } else { for_own.clone() };
        self.send_pairwise(std::slice::from_ref(to), &pick).await.map(|_| ())
    }

    /// Sends a payload over pairwise Olm sessions to every device of `accounts` and of this
    /// account (except this device), `pick` choosing the payload per account. Rebuilt from fresh,
    /// verified lists when the relay says one changed. Returns the devices it went to.
    pub(crate) async fn send_pairwise(
        &self,
        accounts: &[AccountId],
        pick: &(dyn Fn(&AccountId) -> Payload + Sync),
    ) -> Result<Vec<(AccountId, DeviceId)>> {
        let mut last = None;
        for _ in 0..STALE_RETRIES {
            let (batch, targets) = self.build_batch(accounts, pick).await?;
            let result: Result<serde_json::Value> = self.post_authed("/v1/messages", &batch).await;
            match result {
                Ok(_) => return Ok(targets),
                Err(e) if e.is_relay(ErrorCode::StaleDeviceList) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| ClientError::Internal("the send was not accepted".into())))
    }

    /// Fetches and verifies the device lists of `accounts` and of this account, and plans the
    /// fan-out: every device in them except this one.
    pub(crate) async fn plan(&self, accounts: &[AccountId]) -> Result<(Vec<Verified>, Vec<(AccountId, DeviceId)>)> {
        let (own, own_device, _) = self.whoami()?;
        let mut verified: Vec<Verified> = Vec::with_capacity(accounts.len() + 1);
        for account in accounts.iter().chain(std::iter::once(&own)) {
            if verified.iter().all(|v| v.0.account_id != *account) {
                verified.push(self.refresh_account(account).await?);
            }
        }
        let lists: Vec<&DeviceList> = verified.iter().map(|v| &v.0).collect();
        let targets: Vec<(AccountId, DeviceId)> = plan_fanout(&lists, (&own, own_device))
            .into_iter()
            .filter(|(account, device)| !self.is_logged_out(account, *device))
            .collect();
        Ok((verified, targets))
    }

    /// Encrypts one copy per target device, from freshly fetched and verified device lists.
    async fn build_batch(
        &self,
        accounts: &[AccountId],
        pick: &(dyn Fn(&AccountId) -> Payload + Sync),
    ) -> Result<(SendBatch, Vec<(AccountId, DeviceId)>)> {
        let (verified, targets) = self.plan(accounts).await?;
        let mut envelopes = Vec::new();
        let mut sessions = Vec::new();
        for (account, device) in &targets {
            let (_, ids, key) = verified
                .iter()
                .find(|v| v.0.account_id == *account)
                .ok_or_else(|| ClientError::internal("a list went missing"))?;
            let identity = ids.iter().find(|i| i.device_id == *device).ok_or_else(|| {
                ClientError::Untrusted(format!("no verified identity for device {device} of {account}"))
            })?;
            let keys = self.peer_keys(identity, key)?;
            let mut session = self.outbound_session(account, *device, &keys).await?;
            let payload = &pick(account);
            let encrypted = session
                .encrypt(payload.encode()?)
                .map_err(|e| ClientError::Internal(format!("cannot encrypt: {e}")))?;
            let (olm_type, ciphertext) = olm_parts(&encrypted);
            envelopes.push(OutgoingEnvelope {
                account_id: account.clone(),
                device_id: *device,
                olm_type,
                ciphertext,
                message_id: payload.message_id().map(str::to_owned),
            });
            sessions.push((session.session_id(), account.clone(), *device, session_pickle(&session)?));
        }
        let updates: Vec<SessionUpdate<'_>> = sessions
            .iter()
            .map(|(id, account, device, pickle)| SessionUpdate {
                session_id: id,
                account_id: account,
                device_id: *device,
                pickle,
            })
            .collect();
        self.state().store.save_olm_sessions(&updates, now_ms())?;
        let lists = list_versions(&verified);
        Ok((SendBatch { lists, envelopes }, targets))
    }

    /// Every chat (with contacts that have no messages yet) and its newest message, newest first.
    pub fn chats(&self) -> Result<Vec<(String, Option<Message>)>> {
        let st = self.state();
        let mut chats: Vec<(String, Option<Message>)> =
            st.store.chats()?.into_iter().map(|m| (m.chat_id.clone(), Some(m))).collect();
        for contact in st.store.contacts()? {
            if !chats.iter().any(|(id, _)| *id == contact) {
                chats.push((contact, None));
            }
        }
        Ok(chats)
    }

    /// A chat's messages, in order (a chat is named by the other account's id).
    pub fn messages(&self, chat_id: &str) -> Result<Vec<Message>> {
        Ok(self.state().store.messages(chat_id.trim())?)
    }

    /// `limit` messages of a chat, oldest first, skipping its `newer` newest; and its total.
    pub fn message_window(&self, chat_id: &str, newer: u64, limit: u32) -> Result<(Vec<Message>, u64)> {
        Ok(self.state().store.message_window(chat_id.trim(), newer, limit)?)
    }

    /// How many of a chat's messages are newer than `message_id` (`None`: not in this chat).
    pub fn messages_newer_than(&self, chat_id: &str, message_id: &str) -> Result<Option<u64>> {
        Ok(self.state().store.messages_newer_than(chat_id.trim(), message_id)?)
    }
}
