//! The primary device (the phone): creating the account and signing companions in.

use tandem_proto::device_list::{DeviceList, DeviceListEntry};
use tandem_proto::identity::{DeviceIdentityDetails, DeviceKeys, DeviceKind, sign_identity, validate_name};
use tandem_proto::ids::{AccountId, DeviceId, PRIMARY_DEVICE_ID};
use tandem_proto::link::{LinkOffer, LinkReply, seal_reply};
use tandem_proto::vodozemac::olm::Account;
use tandem_proto::wire::{
    AccountDevicesResponse, CreateAccountRequest, CreateAccountResponse, LinkState, LinkStatus,
    PublishDeviceListRequest,
};
use tandem_store::{LocalIdentity, Role};

use crate::api::{Auth, RelayApi};
use crate::device::{Device, now_ms, pickle_json};
use crate::devices::verify_account_devices;
use crate::error::{ClientError, Result};
use crate::history_send::HistoryScope;
use crate::prekeys::fresh_prekeys;
use crate::profile::Profile;

const NEXT_DEVICE_ID: &str = "next_device_id";
const NEXT_KEY_INDEX: &str = "next_key_index";

/// Creates a new account with this device as its primary, registered at `relay_url`.
pub async fn create_account(mut profile: Profile, relay_url: &str, name: &str) -> Result<Device> {
    if let Some(existing) = profile.store.load_identity()? {
        return Err(ClientError::AlreadySetUp(
            existing.account_id.map(|a| a.to_string()).unwrap_or_else(|| "a companion being linked".into()),
        ));
    }
    validate_name(name)?;
    let api = RelayApi::new(relay_url)?;
    let mut account = Account::new();
    let account_key = *account.identity_keys().ed25519.as_bytes();
    let account_id = AccountId::from_account_key(&account_key);
    let now = now_ms();
    let details = DeviceIdentityDetails {
        account_id: account_id.clone(),
        device_id: PRIMARY_DEVICE_ID,
        key_index: 0,
        created_ms: now,
        kind: DeviceKind::Primary,
        name: name.to_owned(),
        keys: DeviceKeys::of(&account),
    };
    let primary = sign_identity(&account, &details)?.countersign(&account, &account_key)?;
    let list = DeviceList {
        account_id: account_id.clone(),
        version: 1,
        timestamp_ms: now,
        devices: vec![DeviceListEntry { device_id: 0, key_index: 0 }],
    };
    let device_list = list.sign(&account)?;
    let prekeys = fresh_prekeys(&mut account, &account_id, PRIMARY_DEVICE_ID, 0, false);
    let identity = LocalIdentity {
        role: Role::Primary,
        name: name.to_owned(),
        relay_url: api.base().to_owned(),
        account_pickle: pickle_json(&account)?,
        account_id: Some(account_id.clone()),
        account_key: Some(account_key),
        device_id: Some(PRIMARY_DEVICE_ID),
        key_index: Some(0),
        linked_at_ms: Some(now),
        created_ms: now,
    };
    let request = CreateAccountRequest { account_key, primary, device_list: device_list.clone(), prekeys };
    let _: CreateAccountResponse = api.post("/v1/accounts", &request, Auth::None).await?;
    account.mark_keys_as_published();
    let identity = LocalIdentity { account_pickle: pickle_json(&account)?, ..identity };
    profile.store.save_identity(&identity)?;
    profile.store.set_setting(NEXT_DEVICE_ID, "1")?;
    profile.store.set_setting(NEXT_KEY_INDEX, "1")?;
    let mut app_state_key = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(app_state_key.as_mut()).map_err(|e| ClientError::Internal(e.to_string()))?;
    profile.store.set_app_state_key(&app_state_key)?;
    let device = Device::new(profile, account, identity)?;
    device.refresh_devices().await?;
    Ok(device)
}

/// A scanned link code the user has not yet approved or declined.
pub struct PendingLink {
    device: Device,
    offer: LinkOffer,
    state: LinkState,
}

/// The companion that was signed in.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LinkedCompanion {
    pub device_id: DeviceId,
    pub name: String,
    pub device_list_version: u64,
}

impl Device {
    /// Reads link text (from a QR code or pasted), checks it, and claims the code at the relay so
    /// the desktop shows "approve on your phone". Nothing is signed until [`PendingLink::approve`].
    pub async fn begin_link(&self, link_text: &str) -> Result<PendingLink> {
        if self.role() != Role::Primary {
            return Err(ClientError::NotPrimary);
        }
        let offer = LinkOffer::parse(link_text)?;
        let ours = self.api().base().to_owned();
        if offer.relay.trim_end_matches('/') != ours {
            return Err(ClientError::WrongRelay { offered: offer.relay, ours });
        }
        let devices = self.refresh_devices().await?;
        let max = self.max_companions();
        if devices.devices.iter().filter(|d| d.device_id != PRIMARY_DEVICE_ID).count() >= max {
            return Err(tandem_proto::ProtoError::CompanionLimit { max }.into());
        }
        let path = format!("/v1/link/{}/claim", offer.link_ref);
        let state: LinkState = self.post_authed(&path, &serde_json::json!({})).await?;
        Ok(PendingLink { device: self.clone(), offer, state })
    }

    fn next_counter(&self, key: &str) -> Result<u32> {
        let mut st = self.state();
        let current: u32 = st.store.setting(key)?.and_then(|v| v.parse().ok()).unwrap_or(1);
        // Persisted before use, so an id is never handed out twice, even after a crash.
        st.store.set_setting(key, &(current + 1).to_string())?;
        Ok(current)
    }
}

impl PendingLink {
    pub fn companion_name(&self) -> &str {
        &self.offer.name
    }

    pub fn companion_kind(&self) -> DeviceKind {
        self.offer.kind
    }

    /// How much history the companion asks for, in days (0: everything).
    pub fn history_days(&self) -> u32 {
        self.offer.history_days
    }

    /// What history the companion gets: only the gap, if it kept this account's messages from
    /// before a logout for inactivity; otherwise the range it asked for, at most `cap_days`.
    pub fn history_scope(&self, cap_days: Option<u64>) -> HistoryScope {
        let own = self.device.whoami().map(|(a, _, _)| a).ok();
        match &self.offer.resume {
            Some(r) if Some(&r.account_id) == own.as_ref() => HistoryScope::Gap { newest_ms: r.newest_ms },
            _ => {
                let asked = self.offer.history_days;
                let cap_days = cap_days.filter(|d| *d > 0); // 0: no cap, as the companion's 0
                let days = match (asked, cap_days) {
                    (0, cap) => cap,
                    (asked, Some(cap)) => Some(u64::from(asked).min(cap)),
                    (asked, None) => Some(u64::from(asked)),
                };
                HistoryScope::Range { days }
            }
        }
    }

    /// The code the desktop shows under its QR code.
    pub fn verification_code(&self) -> String {
        self.offer.verification_code()
    }

    /// Signs the companion in: sends the sealed identity, waits for the companion to countersign
    /// and register, then publishes the new signed device list.
    pub async fn approve(self) -> Result<LinkedCompanion> {
        let device = &self.device;
        let (account_id, _, account_key) = device.whoami()?;
        let device_id = device.next_counter(NEXT_DEVICE_ID)?;
        let key_index = device.next_counter(NEXT_KEY_INDEX)?;
        let details = DeviceIdentityDetails {
            account_id: account_id.clone(),
            device_id,
            key_index,
            created_ms: now_ms(),
            kind: self.offer.kind,
            name: self.offer.name.clone(),
            keys: self.offer.keys,
        };
        let (reply, current_list) = {
            let st = device.state();
            let held = st
                .store
                .device_list(&account_id)?
                .ok_or_else(|| ClientError::Untrusted("no verified device list yet".into()))?;
            let identity = sign_identity(&st.account, &details)?;
            (LinkReply { identity, account_key, device_list: held.signed }, held.list)
        };
        let mut random = [0u8; 32];
        getrandom::fill(&mut random).map_err(|e| ClientError::Internal(e.to_string()))?;
        let sealed = seal_reply(&self.offer, &reply, random)?;
        let link_ref = self.offer.link_ref.clone();
        let reply_path = format!("/v1/link/{link_ref}/reply");
        let mut state: LinkState = device.post_authed(&reply_path, &sealed).await?;
        while state.status == LinkStatus::Replied {
            let path = format!("/v1/link/{link_ref}?after={}", state.seq);
            state = device.get_authed(&path).await?;
        }
        if state.status != LinkStatus::Completed || state.device_id != Some(device_id) {
            return Err(ClientError::LinkExpired(
                "the desktop did not finish linking in time: show a new code and scan it again".into(),
            ));
        }
        let version = self.publish_with(&account_id, &current_list, device_id, key_index).await?;
        device.refresh_devices().await?;
        device.share_app_state_key().await?;
        Ok(LinkedCompanion { device_id, name: self.offer.name.clone(), device_list_version: version })
    }

    /// Checks the companion's countersigned identity at the relay, then signs and publishes the
    /// list with the companion added.
    async fn publish_with(
        &self,
        account_id: &AccountId,
        current: &DeviceList,
        device_id: DeviceId,
        key_index: u32,
    ) -> Result<u64> {
        let device = &self.device;
        let path = format!("/v1/accounts/{account_id}/devices");
        let resp: AccountDevicesResponse = device.get_authed(&path).await?;
        let (_, _, account_key) = device.whoami()?;
        verify_account_devices(&resp, account_id, Some(&account_key))?;
        // The relay lists identities of listed devices only; the new one is checked separately.
        let registered = registered_identity(device, account_id, device_id).await?;
        let details = registered.verify(&account_key)?;
        if details.keys != self.offer.keys || details.key_index != key_index {
            return Err(ClientError::Untrusted(
                "the registered device does not hold the keys the phone approved".into(),
            ));
        }
        let mut devices: Vec<DeviceListEntry> =
            current.devices.iter().filter(|d| d.device_id != device_id).copied().collect();
        devices.push(DeviceListEntry { device_id, key_index });
        let next = DeviceList {
            account_id: account_id.clone(),
            version: current.version + 1,
            timestamp_ms: now_ms().max(current.timestamp_ms), // never before the list it replaces
            devices,
        };
        let signed = next.sign(&device.state().account)?;
        let put_path = format!("/v1/accounts/{account_id}/device-list");
        let request = PublishDeviceListRequest { device_list: signed };
        let _: serde_json::Value = device.put_authed(&put_path, &request).await?;
        Ok(next.version)
    }

    /// The user said no: the desktop is told, nothing is signed.
    pub async fn decline(self) -> Result<()> {
        let path = format!("/v1/link/{}/decline", self.offer.link_ref);
        let _: LinkState = self.device.post_authed(&path, &serde_json::json!({})).await?;
        Ok(())
    }

    /// When the relay will drop this claim if the user does nothing.
    pub fn expires_ms(&self) -> u64 {
        self.state.expires_ms
    }
}

async fn registered_identity(
    device: &Device,
    account_id: &AccountId,
    device_id: DeviceId,
) -> Result<tandem_proto::identity::SignedDeviceIdentity> {
    let path = format!("/v1/accounts/{account_id}/devices/{device_id}/identity");
    device.get_authed(&path).await
}
