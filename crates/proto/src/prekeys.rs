//! Signed one-time and fallback keys. A device publishes them to the relay; a sender claims one to
//! start an Olm session and checks its signature against the device key from the verified identity.

use serde::{Deserialize, Serialize};
use vodozemac::olm::Account;

use crate::identity::verify_sig;
use crate::ids::{AccountId, DeviceId};
use crate::{ProtoError, b64, signing_input};

const DOMAIN_PREKEY: &str = "TANDEM-PREKEY-v1";

/// At most this many one-time keys in one upload.
pub const MAX_KEYS_PER_UPLOAD: usize = 100;
/// A device tops its one-time keys up to this many.
pub const ONE_TIME_KEY_TARGET: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedPreKey {
    /// vodozemac's key id, base64.
    pub key_id: String,
    #[serde(with = "b64")]
    pub key: [u8; 32],
    pub fallback: bool,
    #[serde(with = "b64")]
    pub signature: Vec<u8>,
}

fn message(account: &AccountId, device: DeviceId, key_id: &str, key: &[u8; 32], fallback: bool) -> Vec<u8> {
    signing_input(
        DOMAIN_PREKEY,
        &[account.as_str().as_bytes(), &device.to_be_bytes(), key_id.as_bytes(), key, &[u8::from(fallback)]],
    )
}

/// Signs every unpublished one-time key and the fallback key of `device_account`.
pub fn sign_unpublished(device_account: &Account, account: &AccountId, device: DeviceId) -> Vec<SignedPreKey> {
    let sign = |key_id: String, key: [u8; 32], fallback: bool| {
        let signature = device_account.sign(message(account, device, &key_id, &key, fallback)).to_bytes().to_vec();
        SignedPreKey { key_id, key, fallback, signature }
    };
    let mut keys: Vec<SignedPreKey> =
        device_account.one_time_keys().into_iter().map(|(id, k)| sign(id.to_base64(), k.to_bytes(), false)).collect();
    keys.extend(device_account.fallback_key().into_iter().map(|(id, k)| sign(id.to_base64(), k.to_bytes(), true)));
    keys.sort_by(|a, b| a.key_id.cmp(&b.key_id));
    keys
}

impl SignedPreKey {
    pub fn verify(&self, device_key: &[u8; 32], account: &AccountId, device: DeviceId) -> Result<(), ProtoError> {
        if self.key_id.len() > 64 {
            return Err(ProtoError::Malformed("key id"));
        }
        if verify_sig(device_key, &message(account, device, &self.key_id, &self.key, self.fallback), &self.signature) {
            Ok(())
        } else {
            Err(ProtoError::BadDeviceSignature("one-time key"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prekeys_are_signed_by_the_device() {
        let mut device = Account::new();
        device.generate_one_time_keys(3);
        device.generate_fallback_key();
        let key = *device.identity_keys().ed25519.as_bytes();
        let account = AccountId::from_account_key(&[2u8; 32]);
        let keys = sign_unpublished(&device, &account, 1);
        assert_eq!(keys.len(), 4);
        assert_eq!(keys.iter().filter(|k| k.fallback).count(), 1);
        for k in &keys {
            k.verify(&key, &account, 1).unwrap();
            assert!(k.verify(&key, &account, 2).is_err());
        }
        let mut forged = keys[0].clone();
        forged.key[0] ^= 1;
        assert!(forged.verify(&key, &account, 1).is_err());
    }
}
