//! Other accounts: their verified devices (pinned account key, rollback rule) and contacts.

use tandem_proto::device_list::DeviceList;
use tandem_proto::ids::AccountId;
use tandem_proto::wire::AccountDevicesResponse;
use tandem_store::StoredIdentity;

use crate::device::{Device, now_ms};
use crate::devices::verify_account_devices;
use crate::error::{ClientError, Result};

impl Device {
    /// Fetches an account's devices, verifies them against the account key pinned on first
    /// contact (a different key is refused, never accepted silently), applies the rollback rule,
    /// and stores them. Returns the verified list and identities.
    pub(crate) async fn refresh_account(
        &self,
        account: &AccountId,
    ) -> Result<(DeviceList, Vec<StoredIdentity>, [u8; 32])> {
        let held = self.state().store.device_list(account)?;
        let pinned = held.as_ref().map(|h| h.account_key);
        let path = format!("/v1/accounts/{account}/devices");
        let resp: AccountDevicesResponse = self.get_authed(&path).await?;
        let (list, identities) = verify_account_devices(&resp, account, pinned.as_ref())?;
        self.note_logged_out(account, &resp);
        self.state().store.accept_device_list(&resp.account_key, &resp.device_list, &list, &identities, now_ms())?;
        if let Some(held) = held {
            self.note_device_change(account, &held.list, &list, &identities, &resp.account_key)?;
        }
        Ok((list, identities, resp.account_key))
    }

    /// A contact's devices changed: say so in the chat (the safety number changed with them).
    fn note_device_change(
        &self,
        account: &AccountId,
        before: &DeviceList,
        after: &DeviceList,
        identities: &[StoredIdentity],
        key: &[u8; 32],
    ) -> Result<()> {
        let (own, _, _) = self.whoami()?;
        if *account == own || after.version <= before.version {
            return Ok(());
        }
        let name = |device: u32| {
            identities
                .iter()
                .find(|i| i.device_id == device)
                .and_then(|i| i.signed.verify(key).ok())
                .map(|d| d.name)
                .unwrap_or_else(|| format!("device {device}"))
        };
        let added: Vec<String> = after
            .devices
            .iter()
            .filter(|d| before.entry(d.device_id) != Some(d))
            .map(|d| format!("\"{}\"", name(d.device_id)))
            .collect();
        let removed = before.devices.iter().filter(|d| after.entry(d.device_id).is_none()).count();
        let mut parts = Vec::new();
        if !added.is_empty() {
            parts.push(format!("linked {}", added.join(", ")));
        }
        if removed > 0 {
            parts.push(format!("removed {removed} device(s)"));
        }
        if parts.is_empty() {
            return Ok(());
        }
        let mut st = self.state();
        let is_contact = st.store.contacts()?.iter().any(|c| c == account.as_str())
            || !st.store.messages(account.as_str())?.is_empty();
        if !is_contact {
            return Ok(());
        }
        let event = tandem_store::StoredMessage {
            chat_id: account.to_string(),
            message_id: format!("devicesv{}", after.version),
            sender_account: account.to_string(),
            sender_device: 0,
            outgoing: false,
            body: format!("{account} {}. Your safety number with them changed.", parts.join(" and ")),
            sent_ms: now_ms(),
            state: "event".into(),
            attachment: None,
        };
        st.store.add_message(&event, now_ms())?;
        Ok(())
    }

    /// Adds a contact by account id, after fetching and verifying its devices.
    pub async fn add_contact(&self, account: &str) -> Result<AccountId> {
        let account = AccountId::parse(account.trim())?;
        let (own, _, _) = self.whoami()?;
        if account == own {
            return Err(ClientError::Internal("that is this device's own account".into()));
        }
        self.refresh_account(&account).await?;
        self.state().store.add_contact(&account, now_ms())?;
        Ok(account)
    }

    pub fn contacts(&self) -> Result<Vec<String>> {
        Ok(self.state().store.contacts()?)
    }
}

impl Device {
    /// The safety number with `contact`, over both accounts' keys and every device in their
    /// freshly verified device lists.
    pub async fn safety_number(&self, contact: &str) -> Result<String> {
        Ok(self.contact_details(contact).await?.0)
    }

    /// The safety number with `contact` and the contact's devices, from freshly verified lists.
    pub async fn contact_details(&self, contact: &str) -> Result<(String, Vec<crate::devices::DeviceSummary>)> {
        use tandem_proto::safety::{AccountKeys, safety_number};
        let contact = AccountId::parse(contact.trim())?;
        let (own, _, _) = self.whoami()?;
        let (_, their_ids, their_key) = self.refresh_account(&contact).await?;
        let (_, own_ids, own_key) = self.refresh_account(&own).await?;
        let device_keys = |ids: &[StoredIdentity], key: &[u8; 32]| -> Result<Vec<[u8; 32]>> {
            ids.iter().map(|i| Ok(i.signed.verify(key)?.keys.ed25519)).collect()
        };
        let ours =
            AccountKeys { account_id: &own, account_key: &own_key, device_keys: device_keys(&own_ids, &own_key)? };
        let theirs = AccountKeys {
            account_id: &contact,
            account_key: &their_key,
            device_keys: device_keys(&their_ids, &their_key)?,
        };
        let mut devices = Vec::with_capacity(their_ids.len());
        for stored in &their_ids {
            let details = stored.signed.verify(&their_key)?;
            devices.push(crate::devices::DeviceSummary {
                device_id: stored.device_id,
                name: details.name,
                kind: details.kind,
                linked_at_ms: details.created_ms,
                last_active_ms: stored.last_active_ms,
                this_device: false,
                relay_says_logged_out: self.is_logged_out(&contact, stored.device_id),
            });
        }
        Ok((safety_number(&ours, &theirs), devices))
    }
}
