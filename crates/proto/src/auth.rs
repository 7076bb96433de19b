//! Relay authentication: a device proves it holds its Ed25519 key by signing the relay's
//! one-time challenge together with who it claims to be.

use vodozemac::olm::Account;

use crate::identity::verify_sig;
use crate::ids::{AccountId, DeviceId};
use crate::signing_input;

const DOMAIN_AUTH: &str = "TANDEM-RELAY-AUTH-v1";

fn message(account: &AccountId, device: DeviceId, nonce: &[u8]) -> Vec<u8> {
    signing_input(DOMAIN_AUTH, &[account.as_str().as_bytes(), &device.to_be_bytes(), nonce])
}

pub fn sign_challenge(device_account: &Account, account: &AccountId, device: DeviceId, nonce: &[u8]) -> [u8; 64] {
    device_account.sign(message(account, device, nonce)).to_bytes()
}

pub fn verify_challenge(
    device_key: &[u8; 32],
    account: &AccountId,
    device: DeviceId,
    nonce: &[u8],
    signature: &[u8],
) -> bool {
    verify_sig(device_key, &message(account, device, nonce), signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_binds_device_and_nonce() {
        let device = Account::new();
        let key = *device.identity_keys().ed25519.as_bytes();
        let account = AccountId::from_account_key(&[1u8; 32]);
        let sig = sign_challenge(&device, &account, 2, b"nonce");
        assert!(verify_challenge(&key, &account, 2, b"nonce", &sig));
        assert!(!verify_challenge(&key, &account, 3, b"nonce", &sig));
        assert!(!verify_challenge(&key, &account, 2, b"other", &sig));
    }
}
