//! Evidence for the two changes a logout makes, so that nobody but the user can make them:
//!
//! - a companion deletes its data only when a **signed device list**, newer than the one it
//!   holds and verified with the account key it pinned at linking, leaves it out
//!   ([`proves_removal`]); a relay's `logged_out` word alone never makes it wipe;
//! - the phone drops a companion from the signed list only on its user's decision or on the
//!   companion's own **signed logout** ([`SignedLogout`], made with the companion's device key);
//!   never because the relay says a companion is gone.

use serde::{Deserialize, Serialize};
use vodozemac::olm::Account;

use crate::device_list::SignedDeviceList;
use crate::identity::verify_sig;
use crate::ids::{AccountId, DeviceId};
use crate::{b64, signing_input};

const DOMAIN_LOGOUT: &str = "TANDEM-SELF-LOGOUT-v1";

/// A companion's statement that it logs itself out, signed with its own device key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedLogout {
    pub account_id: AccountId,
    pub device_id: DeviceId,
    pub at_ms: u64,
    #[serde(with = "b64")]
    pub signature: Vec<u8>,
}

fn message(account: &AccountId, device: DeviceId, at_ms: u64) -> Vec<u8> {
    signing_input(DOMAIN_LOGOUT, &[account.as_str().as_bytes(), &device.to_be_bytes(), &at_ms.to_be_bytes()])
}

impl SignedLogout {
    /// Signs "this device logs itself out" with the device's own key.
    pub fn sign(device: &Account, account_id: &AccountId, device_id: DeviceId, at_ms: u64) -> Self {
        let signature = device.sign(message(account_id, device_id, at_ms)).to_bytes().to_vec();
        SignedLogout { account_id: account_id.clone(), device_id, at_ms, signature }
    }

    /// Whether this statement was signed by `device_key` for exactly this account and device.
    pub fn verify(&self, device_key: &[u8; 32], account_id: &AccountId, device_id: DeviceId) -> bool {
        self.account_id == *account_id
            && self.device_id == device_id
            && verify_sig(device_key, &message(&self.account_id, self.device_id, self.at_ms), &self.signature)
    }
}

/// Whether `list` proves that device `me` was removed from `account_id`: it verifies with the
/// pinned `account_key`, is newer than `held_version`, and does not name `me`.
pub fn proves_removal(
    list: &SignedDeviceList,
    account_key: &[u8; 32],
    account_id: &AccountId,
    held_version: u64,
    me: DeviceId,
) -> bool {
    match list.verify(account_key) {
        Ok(list) => list.account_id == *account_id && list.version > held_version && list.entry(me).is_none(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device_list::{DeviceList, DeviceListEntry};

    fn list(phone: &Account, version: u64, devices: &[DeviceId]) -> SignedDeviceList {
        let account_id = AccountId::from_account_key(phone.identity_keys().ed25519.as_bytes());
        let devices = devices.iter().map(|&d| DeviceListEntry { device_id: d, key_index: d }).collect();
        DeviceList { account_id, version, timestamp_ms: 1, devices }.sign(phone).unwrap()
    }

    #[test]
    fn only_a_newer_list_signed_by_the_pinned_key_and_without_the_device_proves_its_removal() {
        let phone = Account::new();
        let key = *phone.identity_keys().ed25519.as_bytes();
        let account = AccountId::from_account_key(&key);
        assert!(proves_removal(&list(&phone, 3, &[0]), &key, &account, 2, 1));
        assert!(!proves_removal(&list(&phone, 3, &[0, 1]), &key, &account, 2, 1), "still listed");
        assert!(!proves_removal(&list(&phone, 2, &[0]), &key, &account, 2, 1), "not newer");
        let forger = Account::new();
        let forged = list(&forger, 9, &[0]);
        assert!(!proves_removal(&forged, &key, &account, 2, 1), "another key");
        let mut tampered = list(&phone, 3, &[0, 1]);
        tampered.body = serde_json::to_vec(&DeviceList {
            account_id: account.clone(),
            version: 3,
            timestamp_ms: 1,
            devices: vec![DeviceListEntry { device_id: 0, key_index: 0 }],
        })
        .unwrap();
        assert!(!proves_removal(&tampered, &key, &account, 2, 1), "body altered under the signature");
    }

    #[test]
    fn a_self_logout_verifies_only_for_its_own_device_key_account_and_device() {
        let laptop = Account::new();
        let key = *laptop.identity_keys().ed25519.as_bytes();
        let account = AccountId::from_account_key(&[7; 32]);
        let signed = SignedLogout::sign(&laptop, &account, 2, 1000);
        assert!(signed.verify(&key, &account, 2));
        assert!(!signed.verify(&key, &account, 3));
        assert!(!signed.verify(&key, &AccountId::from_account_key(&[8; 32]), 2));
        let other = *Account::new().identity_keys().ed25519.as_bytes();
        assert!(!signed.verify(&other, &account, 2));
        let mut moved = signed.clone();
        moved.at_ms = 2000;
        assert!(!moved.verify(&key, &account, 2));
    }
}
