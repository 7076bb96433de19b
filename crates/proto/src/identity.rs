//! Device keys and the signed device identity.
//!
//! The primary signs each device's *details* with the account key; the device countersigns the
//! details together with the account key, proving it holds the keys it was signed in with.

use serde::{Deserialize, Serialize};
use vodozemac::olm::Account;
use vodozemac::{Ed25519PublicKey, Ed25519Signature};

use crate::ids::{AccountId, DeviceId};
use crate::{MAX_DEVICE_NAME_CHARS, ProtoError, b64, signing_input};

const DOMAIN_IDENTITY: &str = "TANDEM-DEVICE-IDENTITY-v1";
const DOMAIN_CONFIRM: &str = "TANDEM-DEVICE-CONFIRM-v1";

/// A device's long-term public keys (from its vodozemac account).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKeys {
    #[serde(with = "b64")]
    pub ed25519: [u8; 32],
    #[serde(with = "b64")]
    pub curve25519: [u8; 32],
}

impl DeviceKeys {
    pub fn of(account: &Account) -> Self {
        let keys = account.identity_keys();
        DeviceKeys { ed25519: *keys.ed25519.as_bytes(), curve25519: keys.curve25519.to_bytes() }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DeviceKind {
    /// The phone: device 0, holder of the account key.
    Primary,
    /// The Tandem desktop app.
    Desktop,
    /// A headless `tandem-cli` companion.
    Headless,
}

impl DeviceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Primary => "primary",
            DeviceKind::Desktop => "desktop",
            DeviceKind::Headless => "headless",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceIdentityDetails {
    pub account_id: AccountId,
    pub device_id: DeviceId,
    /// Increases with every device the account links; a re-linked device gets a new index.
    pub key_index: u32,
    pub created_ms: u64,
    pub kind: DeviceKind,
    pub name: String,
    pub keys: DeviceKeys,
}

/// The details exactly as signed, plus the two signatures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedDeviceIdentity {
    #[serde(with = "b64")]
    pub details: Vec<u8>,
    #[serde(with = "b64")]
    pub account_signature: Vec<u8>,
    /// Empty until the device has countersigned.
    #[serde(with = "b64", default)]
    pub device_signature: Vec<u8>,
}

/// Checks a display name: 1..=64 characters, no control characters.
pub fn validate_name(name: &str) -> Result<(), ProtoError> {
    if name.trim().is_empty() {
        return Err(ProtoError::InvalidName("it is empty"));
    }
    if name.chars().count() > MAX_DEVICE_NAME_CHARS {
        return Err(ProtoError::InvalidName("it is longer than 64 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(ProtoError::InvalidName("it contains control characters"));
    }
    Ok(())
}

pub(crate) fn verify_sig(key: &[u8; 32], message: &[u8], sig: &[u8]) -> bool {
    let (Ok(key), Ok(sig)) = (Ed25519PublicKey::from_slice(key), Ed25519Signature::from_slice(sig)) else {
        return false;
    };
    key.verify(message, &sig).is_ok()
}

/// The primary signs a device's details with the account key (`account` is the primary's account).
pub fn sign_identity(account: &Account, details: &DeviceIdentityDetails) -> Result<SignedDeviceIdentity, ProtoError> {
    validate_name(&details.name)?;
    let bytes = serde_json::to_vec(details).map_err(|_| ProtoError::Malformed("device identity"))?;
    let sig = account.sign(signing_input(DOMAIN_IDENTITY, &[&bytes]));
    Ok(SignedDeviceIdentity {
        details: bytes,
        account_signature: sig.to_bytes().to_vec(),
        device_signature: Vec::new(),
    })
}

impl SignedDeviceIdentity {
    /// Verifies the account signature (and that the id belongs to `account_key`) and returns the
    /// details. Does not look at the countersignature; see [`Self::verify`].
    pub fn verify_account_signature(&self, account_key: &[u8; 32]) -> Result<DeviceIdentityDetails, ProtoError> {
        if !verify_sig(account_key, &signing_input(DOMAIN_IDENTITY, &[&self.details]), &self.account_signature) {
            return Err(ProtoError::BadAccountSignature("device identity"));
        }
        let details: DeviceIdentityDetails =
            serde_json::from_slice(&self.details).map_err(|_| ProtoError::Malformed("device identity"))?;
        if !details.account_id.matches(account_key) {
            return Err(ProtoError::AccountMismatch);
        }
        validate_name(&details.name)?;
        Ok(details)
    }

    /// Verifies both signatures: the account's and the device's countersignature.
    pub fn verify(&self, account_key: &[u8; 32]) -> Result<DeviceIdentityDetails, ProtoError> {
        let details = self.verify_account_signature(account_key)?;
        let message = signing_input(DOMAIN_CONFIRM, &[&self.details, account_key]);
        if !verify_sig(&details.keys.ed25519, &message, &self.device_signature) {
            return Err(ProtoError::BadDeviceSignature("device identity"));
        }
        Ok(details)
    }

    /// The device countersigns its own identity after checking the account signature and that the
    /// identity names its own keys.
    pub fn countersign(mut self, device: &Account, account_key: &[u8; 32]) -> Result<Self, ProtoError> {
        let details = self.verify_account_signature(account_key)?;
        if details.keys != DeviceKeys::of(device) {
            return Err(ProtoError::KeysMismatch);
        }
        let sig = device.sign(signing_input(DOMAIN_CONFIRM, &[&self.details, account_key]));
        self.device_signature = sig.to_bytes().to_vec();
        Ok(self)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ids::PRIMARY_DEVICE_ID;

    pub fn primary_identity(phone: &Account, now_ms: u64) -> SignedDeviceIdentity {
        let account_key = *phone.identity_keys().ed25519.as_bytes();
        let details = DeviceIdentityDetails {
            account_id: AccountId::from_account_key(&account_key),
            device_id: PRIMARY_DEVICE_ID,
            key_index: 0,
            created_ms: now_ms,
            kind: DeviceKind::Primary,
            name: "alice's phone".into(),
            keys: DeviceKeys::of(phone),
        };
        sign_identity(phone, &details).and_then(|s| s.countersign(phone, &account_key)).expect("sign")
    }

    fn companion_details(phone: &Account, desktop: &Account) -> DeviceIdentityDetails {
        DeviceIdentityDetails {
            account_id: AccountId::from_account_key(phone.identity_keys().ed25519.as_bytes()),
            device_id: 1,
            key_index: 1,
            created_ms: 1_000,
            kind: DeviceKind::Desktop,
            name: "alice's desktop".into(),
            keys: DeviceKeys::of(desktop),
        }
    }

    #[test]
    fn identity_round_trip_with_countersignature() {
        let (phone, desktop) = (Account::new(), Account::new());
        let account_key = *phone.identity_keys().ed25519.as_bytes();
        let signed = sign_identity(&phone, &companion_details(&phone, &desktop)).unwrap();
        assert_eq!(signed.verify(&account_key), Err(ProtoError::BadDeviceSignature("device identity")));
        let signed = signed.countersign(&desktop, &account_key).unwrap();
        assert_eq!(signed.verify(&account_key).unwrap().name, "alice's desktop");
        assert_eq!(primary_identity(&phone, 5).verify(&account_key).unwrap().device_id, 0);
    }

    #[test]
    fn identity_signed_by_another_account_is_refused() {
        let (phone, mallory, desktop) = (Account::new(), Account::new(), Account::new());
        let account_key = *phone.identity_keys().ed25519.as_bytes();
        let forged = sign_identity(&mallory, &companion_details(&phone, &desktop)).unwrap();
        assert_eq!(
            forged.verify_account_signature(&account_key),
            Err(ProtoError::BadAccountSignature("device identity"))
        );
    }

    #[test]
    fn tampered_details_are_refused() {
        let (phone, desktop) = (Account::new(), Account::new());
        let account_key = *phone.identity_keys().ed25519.as_bytes();
        let mut signed = sign_identity(&phone, &companion_details(&phone, &desktop)).unwrap();
        let last = signed.details.len() - 2;
        signed.details[last] ^= 1;
        assert!(signed.verify_account_signature(&account_key).is_err());
    }

    #[test]
    fn a_device_refuses_to_countersign_someone_elses_keys() {
        let (phone, desktop, other) = (Account::new(), Account::new(), Account::new());
        let account_key = *phone.identity_keys().ed25519.as_bytes();
        let signed = sign_identity(&phone, &companion_details(&phone, &desktop)).unwrap();
        assert_eq!(signed.countersign(&other, &account_key), Err(ProtoError::KeysMismatch));
    }

    #[test]
    fn names_are_bounded() {
        assert!(validate_name("Desk").is_ok());
        assert!(validate_name(" ").is_err());
        assert!(validate_name(&"x".repeat(65)).is_err());
        assert!(validate_name("a\u{7}b").is_err());
    }
}
