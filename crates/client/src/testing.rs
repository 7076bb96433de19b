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
