//! Only with the `test-support` feature: what a malicious but authenticated member could do,
//! so tests can show that every other device refuses it. Never part of the programs.

use tandem_proto::group::{GroupState, SignedGroupState};
use tandem_proto::ids::AccountId;
use tandem_proto::message::Payload;

use crate::device::Device;
use crate::error::Result;

impl Device {
    /// Sends `payload` pairwise to every device of `accounts` (and this account's other devices),
    /// whatever it is.
    pub async fn send_any_pairwise(&self, accounts: &[AccountId], payload: Payload) -> Result<()> {
        self.send_pairwise(accounts, &|_| payload.clone()).await.map(|_| ())
    }

    /// Signs a group state with this device's own key, whoever the group's admin is.
    pub fn sign_group_state_as_this_device(&self, state: &GroupState) -> Result<SignedGroupState> {
        let (_, device, _) = self.whoami()?;
        Ok(state.sign(&self.state().account, device)?)
    }

    /// The group state this device holds.
    pub fn held_group_state(&self, group: &str) -> Result<GroupState> {
        self.group_state(&tandem_proto::group::GroupId::parse(group)?)
    }

    /// Announces other capabilities from the next authentication on (an older client).
    pub async fn announce_capabilities(&self, capabilities: &[&str]) {
        if let Ok(mut caps) = self.inner.capabilities.lock() {
            *caps = capabilities.iter().map(|c| (*c).to_owned()).collect();
        }
        self.forget_token().await;
    }
}

impl Device {
    /// Sends a group message from this device's current sending session as if its ratchet had
    /// jumped to `index` (a forged counter: the ciphertext is keyed with the real ratchet's
    /// keys). The sending session held here does not move.
    pub async fn send_group_text_at_index(&self, group: &str, text: &str, index: u32) -> Result<()> {
        use tandem_proto::group::{GroupEnvelope, OLM_TYPE_MEGOLM};
        use tandem_proto::message::{OutgoingEnvelope, SendBatch};
        use tandem_proto::vodozemac::megolm::{GroupSession, GroupSessionPickle};

        let group_id = tandem_proto::group::GroupId::parse(group)?;
        let stored = self
            .state()
            .store
            .outbound_group_session(group_id.as_str())?
            .ok_or_else(|| crate::ClientError::internal("send one group message first"))?;
        let mut pickle: serde_json::Value =
            serde_json::from_str(&stored.pickle).map_err(crate::ClientError::internal)?;
        pickle["ratchet"]["counter"] = serde_json::json!(index);
        let pickle: GroupSessionPickle = serde_json::from_value(pickle).map_err(crate::ClientError::internal)?;
        let mut session = GroupSession::from_pickle(pickle);
        let payload = Payload::GroupText {
            group_id: group_id.clone(),
            message_id: "jumped".into(),
            sent_ms: crate::device::now_ms(),
            text: text.into(),
            attachment: None,
            lists: None,
        };
        let sealed = GroupEnvelope {
            group_id: group_id.clone(),
            session_id: session.session_id(),
            message: session.encrypt(payload.encode()?).to_bytes(),
        }
        .encode()?;
        let state = self.group_state(&group_id)?;
        let (own, _, _) = self.whoami()?;
        let others: Vec<AccountId> = state.members.iter().filter(|m| **m != own).cloned().collect();
        let (verified, targets) = self.plan(&others).await?;
        let envelopes = targets
            .into_iter()
            .map(|(account_id, device_id)| OutgoingEnvelope {
                account_id,
                device_id,
                olm_type: OLM_TYPE_MEGOLM,
                ciphertext: sealed.clone(),
                message_id: Some("jumped".into()),
            })
            .collect();
        let batch = SendBatch { lists: crate::messaging::list_versions(&verified), envelopes };
        let _: serde_json::Value = self.post_authed("/v1/messages", &batch).await?;
        Ok(())
    }
}
