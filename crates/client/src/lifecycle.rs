//! A linked device's life: the phone logs a companion out (`unlink`), a companion logs itself
//! out, the relay's inactivity rules log it out. A logged-out companion wipes its database, its
//! files and its keychain entry at once, and leaves a note (no secrets) saying why, which
//! `status` and the desktop show until it is linked again. Logged out for inactivity, it keeps
//! its messages instead, so that linked again to the same phone it fetches only the gap.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tandem_proto::device_list::DeviceList;
use tandem_proto::ids::{DeviceId, PRIMARY_DEVICE_ID};
use tandem_proto::wire::{DeviceStatusResponse, LogoutReason, PublishDeviceListRequest};

use crate::device::{Device, now_ms, pickle_json};
use crate::error::{ClientError, Result};
use crate::profile::wipe_files;

const LOGGED_OUT_NOTE: &str = "logged-out.json";

/// Why and when this profile's device was logged out (kept after the wipe).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedOutNote {
    pub reason: LogoutReason,
    pub at_ms: u64,
    pub account_id: String,
    pub message: String,
    /// Messages kept on this device (a logout for inactivity): linked again to the same phone,
    /// it fetches only what it missed.
    #[serde(default)]
    pub kept_messages: Option<u64>,
}

/// The note left by a logout in a profile folder, if any.
pub fn logged_out_note(dir: &Path) -> Option<LoggedOutNote> {
    let text = std::fs::read_to_string(dir.join(LOGGED_OUT_NOTE)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Removes the note (once the device is linked again).
pub fn clear_logged_out_note(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(LOGGED_OUT_NOTE));
}

/// The phone has been offline long enough that this companion will be logged out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InactivityWarning {
    pub primary_last_active_ms: Option<u64>,
    pub logout_at_ms: u64,
    pub message: String,
}

impl Device {
    /// As the phone: logs a companion out. A list without it is signed and published; the relay
    /// then drops its keys and mail and tells it at once. Returns the new list version.
    pub async fn unlink(&self, device_id: DeviceId) -> Result<u64> {
        let (account_id, own_device, _) = self.whoami()?;
        if own_device != PRIMARY_DEVICE_ID {
            return Err(ClientError::NotPrimary);
        }
        if device_id == PRIMARY_DEVICE_ID {
            return Err(ClientError::Internal("the phone cannot unlink itself; it holds the account".into()));
        }
        let (list, _, _) = self.refresh_account(&account_id).await?;
        if list.entry(device_id).is_none() {
            return Err(ClientError::UnknownDevice(device_id));
        }
        let version = self.publish_without(&list, &[device_id]).await?;
        self.refresh_devices().await?;
        Ok(version)
    }

    /// Signs and publishes the list minus `gone`.
    async fn publish_without(&self, list: &DeviceList, gone: &[DeviceId]) -> Result<u64> {
        let next = DeviceList {
            account_id: list.account_id.clone(),
            version: list.version + 1,
            timestamp_ms: now_ms().max(list.timestamp_ms), // never before the list it replaces
            devices: list.devices.iter().filter(|d| !gone.contains(&d.device_id)).copied().collect(),
        };
        let signed = next.sign(&self.state().account)?;
        let path = format!("/v1/accounts/{}/device-list", list.account_id);
        let _: serde_json::Value = self.put_authed(&path, &PublishDeviceListRequest { device_list: signed }).await?;
        Ok(next.version)
    }

    /// As the phone: companions that logged themselves out, with a statement signed by their own
    /// device key (checked here against the identity in the verified list), are dropped from the
    /// list. The relay's other logouts (inactivity, or a claim without a statement) change nothing
    /// signed: those devices are only left out of sends, and the user decides. Returns how many.
    pub(crate) async fn prune_logged_out(
        &self,
        list: &DeviceList,
        identities: &[tandem_store::StoredIdentity],
        logged_out: &[tandem_proto::wire::LoggedOutDevice],
    ) -> Result<usize> {
        let (_, _, account_key) = self.whoami()?;
        let key_of = |device: DeviceId| {
            let identity = identities.iter().find(|i| i.device_id == device)?;
            identity.signed.verify(&account_key).ok().map(|details| details.keys.ed25519)
        };
        let gone: Vec<DeviceId> = logged_out
            .iter()
            .filter(|l| l.device_id != PRIMARY_DEVICE_ID && list.entry(l.device_id).is_some())
            .filter(|l| {
                l.statement
                    .as_ref()
                    .zip(key_of(l.device_id))
                    .is_some_and(|(statement, key)| statement.verify(&key, &list.account_id, l.device_id))
            })
            .map(|l| l.device_id)
            .collect();
        if !gone.is_empty() {
            self.publish_without(list, &gone).await?;
        }
        Ok(gone.len())
    }

    /// As a companion: logs this device out (the relay drops its keys and mail, the phone drops
    /// it from the list), then wipes it.
    pub async fn log_out(&self) -> Result<LoggedOutNote> {
        let (_, device, _) = self.whoami()?;
        if device == PRIMARY_DEVICE_ID {
            return Err(ClientError::Internal("the phone holds the account and cannot log itself out".into()));
        }
        let (account_id, _, _) = self.whoami()?;
        let statement = tandem_proto::logout::SignedLogout::sign(&self.state().account, &account_id, device, now_ms());
        let request = tandem_proto::wire::SelfLogoutRequest { statement };
        let _: serde_json::Value = self.post_authed("/v1/devices/self/logout", &request).await?;
        let note = self.wipe_after_logout(LogoutReason::SelfLogout)?;
        self.emit(crate::events::ClientEvent::LoggedOut(LogoutReason::SelfLogout));
        Ok(note)
    }

    /// This device was logged out: its database (closed first), its files and its keychain
    /// entry are deleted, and a note says why. The device is unusable afterwards. A companion
    /// logged out for inactivity instead keeps its messages (and the database key) and drops
    /// only its device identity, for a gap-only re-link.
    pub fn wipe_after_logout(&self, reason: LogoutReason) -> Result<LoggedOutNote> {
        let inactive = matches!(reason, LogoutReason::PhoneInactive | LogoutReason::CompanionInactive);
        self.finish_logout(reason, inactive)
    }

    /// As [`Device::wipe_after_logout`], keeping the messages whatever the reason (the user
    /// chose to link a locked device again).
    pub(crate) fn wipe_after_logout_keeping(&self, reason: LogoutReason) -> Result<LoggedOutNote> {
        self.finish_logout(reason, true)
    }

    fn finish_logout(&self, reason: LogoutReason, keep: bool) -> Result<LoggedOutNote> {
        let (account_id, own_device) =
            self.whoami().map(|(a, d, _)| (a.to_string(), d)).unwrap_or((String::new(), PRIMARY_DEVICE_ID));
        if own_device == PRIMARY_DEVICE_ID {
            return Err(ClientError::Internal("the phone holds the account and is never wiped".into()));
        }
        let kept_messages = if keep && !account_id.is_empty() { Some(self.retire(&account_id)?) } else { None };
        {
            let mut st = self.state();
            let closed = std::mem::replace(&mut st.store, tandem_store::Store::in_memory()?);
            drop(closed);
        }
        let profile = &self.inner.profile;
        if kept_messages.is_none() {
            wipe_files(&profile.dir, &profile.storage, &profile.profile_id)?;
            // The next database gets a new keychain entry, under a new id.
            crate::profile::forget_profile_id(&profile.dir);
        }
        let message = match kept_messages {
            Some(n) => format!(
                "{} The {n} message(s) on this device were kept: link it to the same phone again and it fetches only what it missed.",
                reason.explain()
            ),
            None => reason.explain().to_owned(),
        };
        let note = LoggedOutNote { reason, at_ms: now_ms(), account_id, message, kept_messages };
        let text = serde_json::to_string(&note).map_err(|e| ClientError::Internal(e.to_string()))?;
        std::fs::write(profile.dir.join(LOGGED_OUT_NOTE), text).map_err(|e| ClientError::ProfileFolder {
            path: profile.dir.display().to_string(),
            reason: e.to_string(),
        })?;
        tracing::info!(reason = reason.as_str(), kept = kept_messages.is_some(), "this device was logged out");
        Ok(note)
    }

    /// Drops this device's identity (fresh device keys for the next link), keeping its messages.
    fn retire(&self, account_id: &str) -> Result<u64> {
        let mut st = self.state();
        let mut fresh = st.identity.clone();
        fresh.account_pickle = pickle_json(&tandem_proto::vodozemac::olm::Account::new())?;
        st.store.retire_identity(&fresh, account_id)?;
        Ok(st.store.kept_history()?.map_or(0, |k| k.messages))
    }

    /// As a companion: a warning once the phone has been offline long enough (from 4 days
    /// before the logout); `None` otherwise.
    pub async fn inactivity_warning(&self) -> Result<Option<InactivityWarning>> {
        let status: DeviceStatusResponse = self.get_authed("/v1/devices/self/status").await?;
        let (Some(logout_at_ms), Some(warn_from_ms)) = (status.logout_at_ms, status.warn_from_ms) else {
            return Ok(None);
        };
        if status.now_ms < warn_from_ms {
            return Ok(None);
        }
        let days = logout_at_ms.saturating_sub(status.now_ms).div_ceil(24 * 3600 * 1000);
        Ok(Some(InactivityWarning {
            primary_last_active_ms: status.primary_last_active_ms,
            logout_at_ms,
            message: format!(
                "Your phone has not been online for a long time. This device will be logged out in {days} day(s) unless the phone comes online."
            ),
        }))
    }
}
