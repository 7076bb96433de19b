//! Account and device identifiers.
//!
//! An account id is derived from the account key (the primary device's Ed25519 key): the first
//! 10 bytes of SHA-256 over the key, base32 (16 lowercase characters). It therefore cannot be
//! claimed by another key, and an identity change always shows as a different id.

use std::fmt;

use data_encoding::BASE32_NOPAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ProtoError;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId(String);

impl AccountId {
    pub const LEN: usize = 16;

    pub fn from_account_key(account_key: &[u8; 32]) -> Self {
        let digest = Sha256::digest([b"tandem-account-id-v1\0".as_slice(), account_key].concat());
        AccountId(BASE32_NOPAD.encode(&digest[..10]).to_ascii_lowercase())
    }

    pub fn parse(text: &str) -> Result<Self, ProtoError> {
        let ok = text.len() == Self::LEN && text.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b));
        if ok { Ok(AccountId(text.to_owned())) } else { Err(ProtoError::Malformed("account id")) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Checks that `account_key` is the key this id was derived from.
    pub fn matches(&self, account_key: &[u8; 32]) -> bool {
        *self == Self::from_account_key(account_key)
    }
}

impl TryFrom<String> for AccountId {
    type Error = ProtoError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AccountId> for String {
    fn from(value: AccountId) -> Self {
        value.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({})", self.0)
    }
}

/// A device of an account. The primary (the phone) is always device 0; companions get the next
/// unused id from the primary, never reused.
pub type DeviceId = u32;

pub const PRIMARY_DEVICE_ID: DeviceId = 0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_id_is_derived_from_key_and_parses_back() {
        let id = AccountId::from_account_key(&[7u8; 32]);
        assert_eq!(id.as_str().len(), AccountId::LEN);
        assert_eq!(AccountId::parse(id.as_str()), Ok(id.clone()));
        assert!(id.matches(&[7u8; 32]));
        assert!(!id.matches(&[8u8; 32]));
    }

    #[test]
    fn account_id_rejects_garbage() {
        assert!(AccountId::parse("short").is_err());
        assert!(AccountId::parse("AAAAAAAAAAAAAAAA").is_err());
        assert!(AccountId::parse("aaaaaaaaaaaaaaa1").is_err());
    }
}
