//! Delivery and read receipts. A receipt goes to the other party's devices (their ticks) and to
//! this account's other devices (so read state and unread counts agree everywhere).

use tandem_proto::ids::AccountId;
use tandem_proto::message::{MAX_RECEIPT_IDS, Payload, ReceiptKind};
use tandem_store::ReceiptUpdate;

use crate::device::Device;
use crate::error::Result;

impl Device {
    /// Tells `peer`'s devices (and this account's others) that these messages arrived or were read.
    pub(crate) async fn send_receipt(
        &self,
        peer: &AccountId,
        kind: ReceiptKind,
        message_ids: Vec<String>,
    ) -> Result<()> {
        for chunk in message_ids.chunks(MAX_RECEIPT_IDS) {
            let payload = Payload::Receipt { kind, peer: peer.clone(), message_ids: chunk.to_vec() };
            self.send_payloads(peer, &payload, &payload).await?;
        }
        Ok(())
    }

    /// Marks a chat's received messages as read here, and sends read receipts. Returns how many.
    pub async fn mark_read(&self, chat_id: &str) -> Result<usize> {
        let chat_id = chat_id.trim();
        let unread: Vec<(String, u64)> = self
            .state()
            .store
            .messages(chat_id)?
            .into_iter()
            .filter(|m| !m.outgoing && m.state == "received")
            .map(|m| (m.message_id, m.sent_ms))
            .collect();
        let newest = unread.iter().map(|(_, t)| *t).max();
        let ids: Vec<String> = unread.into_iter().map(|(id, _)| id).collect();
        let count = ids.len();
        if tandem_proto::group::GroupId::is_group(chat_id) {
            self.mark_group_read(chat_id, &ids)?;
        } else if !ids.is_empty() {
            let peer = AccountId::parse(chat_id)?;
            let update = ReceiptUpdate { chat_id: peer.as_str(), outgoing: false, message_ids: &ids, state: "read" };
            self.state().store.apply_receipt(&update)?;
            // A message request gets no read receipts (a stranger learns nothing) until accepted.
            if self.is_known_sender(&peer)? {
                self.send_receipt(&peer, ReceiptKind::Read, ids).await?;
            }
        }
        // The other devices of the account mark it read too (and drop a "marked unread").
        if count > 0 || self.chat_settings(chat_id)?.marked_unread {
            self.sync_read_mark(chat_id, newest).await;
        }
        Ok(count)
    }

    /// A group's messages are marked read here (no receipts in groups yet; the account's other
    /// devices learn it from the synced read mark).
    fn mark_group_read(&self, chat_id: &str, ids: &[String]) -> Result<usize> {
        let update = ReceiptUpdate { chat_id, outgoing: false, message_ids: ids, state: "read" };
        Ok(self.state().store.apply_receipt(&update)?)
    }
}
