//! Keeping this device's one-time keys and fallback key published at the relay.

use tandem_proto::prekeys::{MAX_KEYS_PER_UPLOAD, ONE_TIME_KEY_TARGET, SignedPreKey, sign_unpublished};
use tandem_proto::vodozemac::olm::Account;
use tandem_proto::wire::{KeyCountResponse, UploadKeysRequest};

use crate::device::Device;
use crate::error::Result;
use crate::events::ClientEvent;

/// Generates keys up to the target and returns them signed (the caller publishes them).
pub(crate) fn fresh_prekeys(
    account: &mut Account,
    account_id: &tandem_proto::ids::AccountId,
    device_id: u32,
    have: usize,
    has_fallback: bool,
) -> Vec<SignedPreKey> {
    let missing = ONE_TIME_KEY_TARGET.saturating_sub(have).min(MAX_KEYS_PER_UPLOAD);
    if missing > 0 {
        account.generate_one_time_keys(missing);
    }
    if !has_fallback {
        account.generate_fallback_key();
    }
    sign_unpublished(account, account_id, device_id)
}

impl Device {
    /// Tops the relay's stock of this device's one-time keys up to the target; returns how many
    /// are there afterwards.
    pub async fn top_up_prekeys(&self) -> Result<u32> {
        let (account_id, device_id, _) = self.whoami()?;
        let count: KeyCountResponse = self.get_authed("/v1/keys/count").await?;
        if count.one_time_keys as usize >= ONE_TIME_KEY_TARGET / 2 && count.has_fallback {
            return Ok(count.one_time_keys);
        }
        let keys = {
            let mut st = self.state();
            fresh_prekeys(&mut st.account, &account_id, device_id, count.one_time_keys as usize, count.has_fallback)
        };
        // The private halves are saved before the public halves leave the device.
        self.save_account()?;
        let request = UploadKeysRequest { keys };
        let after: KeyCountResponse = self.post_authed("/v1/keys", &request).await?;
        self.state().account.mark_keys_as_published();
        self.save_account()?;
        self.emit(ClientEvent::PrekeysPublished { one_time_keys: after.one_time_keys });
        Ok(after.one_time_keys)
    }
}
