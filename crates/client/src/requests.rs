//! Message requests and blocking, as in Signal and WhatsApp. A first message from an account
//! that is not known here (not a contact, not accepted, not in a group with this account, never
//! written to by this account) lands in a *request*: this device sends it no delivery or read
//! receipts and no retry requests, and keeps at most a few placeholders, until the user
//! accepts. A blocked account's envelopes are dropped unread here, and the relay stores none of
//! them for this account. Accepting and blocking are synced settings (`accept:ID`, `block:ID`),
//! so every device of the account follows.

use tandem_proto::appstate::Mutation;
use tandem_proto::ids::AccountId;

use crate::device::{Device, now_ms};
use crate::error::Result;

/// Placeholders (undecryptable copies) kept per sender and day, for a request.
pub const REQUEST_PLACEHOLDERS_PER_DAY: u32 = 3;
/// Placeholders and retry requests per known sender and day.
pub const KNOWN_SENDER_COSTS_PER_DAY: u32 = 50;

impl Device {
    /// Whether `sender` is known here: this account, a contact, accepted (synced), a member of a
    /// group held here, or someone this account wrote to.
    pub fn is_known_sender(&self, sender: &AccountId) -> Result<bool> {
        let (own, _, _) = self.whoami()?;
        if *sender == own {
            return Ok(true);
        }
        {
            let st = self.state();
            if st.store.contacts()?.iter().any(|c| c == sender.as_str())
                || st.store.app_state_entry(&format!("accept:{sender}"))?.is_some()
                || st.store.has_outgoing(sender.as_str())?
            {
                return Ok(true);
            }
        }
        Ok(self.groups()?.iter().any(|g| g.member && g.members.iter().any(|m| m == sender.as_str())))
    }

    /// Whether this account blocked `sender` (a synced setting).
    pub fn is_blocked(&self, sender: &AccountId) -> Result<bool> {
        Ok(self.state().store.app_state_entry(&format!("block:{sender}"))?.is_some())
    }

    /// 1:1 chats that are message requests: the sender is not known and not blocked. (Group
    /// members and contacts are read once, not per chat: the window asks on every refresh.)
    pub fn message_requests(&self) -> Result<Vec<String>> {
        let (own, _, _) = self.whoami()?;
        let in_groups: std::collections::BTreeSet<String> =
            self.groups()?.into_iter().filter(|g| g.member).flat_map(|g| g.members).collect();
        let st = self.state();
        let contacts: std::collections::BTreeSet<String> = st.store.contacts()?.into_iter().collect();
        let mut requests = Vec::new();
        for chat in st.store.chats()? {
            let Ok(account) = AccountId::parse(&chat.chat_id) else { continue };
            if account == own || contacts.contains(account.as_str()) || in_groups.contains(account.as_str()) {
                continue;
            }
            if st.store.app_state_entry(&format!("accept:{account}"))?.is_none()
                && st.store.app_state_entry(&format!("block:{account}"))?.is_none()
                && !st.store.has_outgoing(account.as_str())?
            {
                requests.push(chat.chat_id);
            }
        }
        Ok(requests)
    }

    /// Accepts a message request: the sender becomes a contact here and is accepted on every
    /// device of the account; receipts for what they sent go out now.
    pub async fn accept_request(&self, account: &str) -> Result<AccountId> {
        let account = AccountId::parse(account.trim())?;
        self.state().store.add_contact(&account, now_ms())?;
        let mutation = Mutation::Set { index: format!("accept:{account}"), value: "true".into() };
        if let Err(e) = self.write_app_state(vec![mutation]).await {
            tracing::warn!(code = e.code(), "the acceptance is kept here but not yet synced: {e}");
        }
        let held = self.state().store.unreceipted_from(account.as_str())?;
        let read: Vec<String> = held.iter().filter(|(_, read)| *read).map(|(id, _)| id.clone()).collect();
        let all: Vec<String> = held.into_iter().map(|(id, _)| id).collect();
        if !all.is_empty() {
            self.send_receipt(&account, tandem_proto::message::ReceiptKind::Delivered, all).await?;
        }
        if !read.is_empty() {
            self.send_receipt(&account, tandem_proto::message::ReceiptKind::Read, read).await?;
        }
        Ok(account)
    }

    /// Blocks an account on every device of this one, and at the relay (which then keeps none of
    /// its envelopes for this account). Its request, if any, stays hidden.
    pub async fn block(&self, account: &str) -> Result<AccountId> {
        let account = AccountId::parse(account.trim())?;
        let mutation = Mutation::Set { index: format!("block:{account}"), value: "true".into() };
        self.write_app_state(vec![mutation]).await?;
        let _: serde_json::Value = self.put_authed(&format!("/v1/blocks/{account}"), &serde_json::json!({})).await?;
        Ok(account)
    }

    pub async fn unblock(&self, account: &str) -> Result<AccountId> {
        let account = AccountId::parse(account.trim())?;
        self.write_app_state(vec![Mutation::Remove { index: format!("block:{account}") }]).await?;
        let _: serde_json::Value = self.delete_authed(&format!("/v1/blocks/{account}")).await?;
        Ok(account)
    }

    /// The accounts this account blocked.
    pub fn blocked(&self) -> Result<Vec<String>> {
        let state = self.state().store.app_state()?;
        Ok(state.entries.keys().filter_map(|k| k.strip_prefix("block:")).map(str::to_owned).collect())
    }

    /// Whether one more placeholder (and, for a known sender, retry request) may be spent on
    /// `sender` today; counts it if so.
    pub(crate) fn may_spend_on(&self, sender: &AccountId, known: bool) -> Result<bool> {
        let cap = if known { KNOWN_SENDER_COSTS_PER_DAY } else { REQUEST_PLACEHOLDERS_PER_DAY };
        Ok(self.state().store.bump_sender_cost(sender.as_str(), now_ms())? <= cap)
    }
}
