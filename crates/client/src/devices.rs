//! The account's devices, as the verified signed device list says.

use serde::Serialize;
use tandem_proto::device_list::{DeviceList, ListFreshness};
use tandem_proto::identity::DeviceKind;
use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::wire::AccountDevicesResponse;
use tandem_store::StoredIdentity;

use crate::device::{Device, now_ms};
use crate::error::{ClientError, Result};
use crate::events::ClientEvent;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceSummary {
    pub device_id: DeviceId,
    pub name: String,
    pub kind: DeviceKind,
    pub linked_at_ms: u64,
    pub last_active_ms: Option<u64>,
    pub this_device: bool,
    /// The relay says this device was logged out, and no list signed by the phone says so yet:
    /// unverified. It is left out of sends meanwhile; shown so the user can decide (unlink it).
    pub relay_says_logged_out: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountDevices {
    pub account_id: AccountId,
    pub version: u64,
    pub devices: Vec<DeviceSummary>,
}

/// Checks what the relay says about an account: the list's account signature, every listed
/// device's identity (account signature and countersignature) and key index, and that the account
/// key is the one pinned for it. A device in the list whose identity is missing is an error: the
/// relay may not withhold one.
pub(crate) fn verify_account_devices(
    resp: &AccountDevicesResponse,
    account: &AccountId,
    pinned_key: Option<&[u8; 32]>,
) -> Result<(DeviceList, Vec<StoredIdentity>)> {
    if pinned_key.is_some_and(|k| *k != resp.account_key) || !account.matches(&resp.account_key) {
        return Err(ClientError::Untrusted(format!("the relay answered with another account key for {account}")));
    }
    let list = resp.device_list.verify(&resp.account_key)?;
    let mut identities = Vec::with_capacity(list.devices.len());
    for entry in &list.devices {
        let found = resp.identities.iter().find_map(|signed| {
            let details = signed.verify(&resp.account_key).ok()?;
            (details.device_id == entry.device_id && details.key_index == entry.key_index).then_some(signed)
        });
        let signed = found.ok_or_else(|| {
            ClientError::Untrusted(format!("the relay withheld the identity of device {}", entry.device_id))
        })?;
        let last_active_ms =
            resp.activity.iter().find(|a| a.device_id == entry.device_id).and_then(|a| a.last_active_ms);
        identities.push(StoredIdentity {
            device_id: entry.device_id,
            key_index: entry.key_index,
            signed: signed.clone(),
            last_active_ms,
        });
    }
    Ok((list, identities))
}

impl Device {
    /// Remembers which listed devices the relay logged out, so sends leave them out, and which
    /// cannot receive group messages.
    pub(crate) fn note_logged_out(&self, account: &AccountId, resp: &AccountDevicesResponse) {
        let gone = resp.logged_out.iter().map(|l| l.device_id).chain(resp.left_out.iter().copied()).collect();
        let no_groups = resp
            .activity
            .iter()
            .filter(|a| a.capabilities.as_ref().is_some_and(|c| !c.iter().any(|c| c == tandem_proto::wire::CAP_GROUPS)))
            .map(|a| a.device_id)
            .collect();
        if let Ok(mut map) = self.inner.no_groups.lock() {
            map.insert(account.clone(), no_groups);
        }
        if let Ok(mut map) = self.inner.logged_out.lock() {
            map.insert(account.clone(), gone);
        }
    }

    /// How many companions the relay allows this account (as it last said; the protocol's
    /// default until it has).
    pub fn max_companions(&self) -> usize {
        self.inner.max_companions.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether the relay says this device cannot receive group messages (it needs an update).
    pub(crate) fn lacks_groups(&self, account: &AccountId, device: DeviceId) -> bool {
        self.inner.no_groups.lock().is_ok_and(|map| map.get(account).is_some_and(|set| set.contains(&device)))
    }

    /// Whether the relay said this listed device was logged out.
    pub(crate) fn is_logged_out(&self, account: &AccountId, device: DeviceId) -> bool {
        self.inner.logged_out.lock().is_ok_and(|map| map.get(account).is_some_and(|set| set.contains(&device)))
    }

    /// Fetches the account's devices from the relay, verifies them, and stores them unless the
    /// list is older than one already seen (a rollback is refused with an error).
    /// On the phone, companions the relay logged out are dropped from the list first.
    pub async fn refresh_devices(&self) -> Result<AccountDevices> {
        let (account_id, own_device, account_key) = self.whoami()?;
        let path = format!("/v1/accounts/{account_id}/devices");
        for _ in 0..2 {
            let resp: AccountDevicesResponse = self.get_authed(&path).await?;
            if let Some(max) = resp.max_companions {
                let max = usize::try_from(max).unwrap_or(usize::MAX).clamp(1, tandem_proto::MAX_COMPANIONS);
                self.inner.max_companions.store(max, std::sync::atomic::Ordering::Relaxed);
            }
            let (list, identities) = verify_account_devices(&resp, &account_id, Some(&account_key))?;
            {
                let mut st = self.state();
                match st.store.accept_device_list(&account_key, &resp.device_list, &list, &identities, now_ms())? {
                    ListFreshness::Newer | ListFreshness::Same => {}
                }
            }
            self.note_logged_out(&account_id, &resp);
            if own_device != tandem_proto::ids::PRIMARY_DEVICE_ID
                || resp.logged_out.is_empty()
                || self.prune_logged_out(&list, &identities, &resp.logged_out).await? == 0
            {
                break;
            }
        }
        let devices = self.devices()?;
        self.emit(ClientEvent::DevicesChanged(devices.clone()));
        Ok(devices)
    }

    /// The account's devices from the last verified list held locally.
    pub fn devices(&self) -> Result<AccountDevices> {
        let (account_id, device_id, _) = self.whoami()?;
        let st = self.state();
        let held = st
            .store
            .device_list(&account_id)?
            .ok_or_else(|| ClientError::Untrusted("no verified device list yet".into()))?;
        let mut devices = Vec::new();
        for stored in st.store.device_identities(&account_id)? {
            let details = stored.signed.verify(&held.account_key)?;
            devices.push(DeviceSummary {
                device_id: stored.device_id,
                name: details.name,
                kind: details.kind,
                linked_at_ms: details.created_ms,
                last_active_ms: stored.last_active_ms,
                this_device: stored.device_id == device_id,
                relay_says_logged_out: self.is_logged_out(&account_id, stored.device_id),
            });
        }
        Ok(AccountDevices { account_id, version: held.list.version, devices })
    }
}
