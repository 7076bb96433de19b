//! The signed device list: which devices belong to an account. Signed by the account key, the
//! version strictly increasing. A client keeps the highest version it has seen per account and
//! refuses anything older ([`check_not_rollback`]); senders encrypt only to devices in a valid list.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use vodozemac::olm::Account;

use crate::identity::verify_sig;
use crate::ids::{AccountId, DeviceId, PRIMARY_DEVICE_ID};
use crate::{MAX_COMPANIONS, ProtoError, b64, signing_input};

const DOMAIN_DEVICE_LIST: &str = "TANDEM-DEVICE-LIST-v1";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceListEntry {
    pub device_id: DeviceId,
    pub key_index: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceList {
    pub account_id: AccountId,
    pub version: u64,
    pub timestamp_ms: u64,
    pub devices: Vec<DeviceListEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedDeviceList {
    #[serde(with = "b64")]
    pub body: Vec<u8>,
    #[serde(with = "b64")]
    pub signature: Vec<u8>,
}

impl DeviceList {
    fn check_shape(&self) -> Result<(), ProtoError> {
        if self.version == 0 {
            return Err(ProtoError::InvalidDeviceList("version 0"));
        }
        let ids: BTreeSet<DeviceId> = self.devices.iter().map(|d| d.device_id).collect();
        if ids.len() != self.devices.len() {
            return Err(ProtoError::InvalidDeviceList("a device appears twice"));
        }
        if !ids.contains(&PRIMARY_DEVICE_ID) {
            return Err(ProtoError::InvalidDeviceList("the primary device is missing"));
        }
        if self.devices.len() > MAX_COMPANIONS + 1 {
            return Err(ProtoError::CompanionLimit { max: MAX_COMPANIONS });
        }
        Ok(())
    }

    pub fn companions(&self) -> impl Iterator<Item = &DeviceListEntry> {
        self.devices.iter().filter(|d| d.device_id != PRIMARY_DEVICE_ID)
    }

    pub fn entry(&self, device_id: DeviceId) -> Option<&DeviceListEntry> {
        self.devices.iter().find(|d| d.device_id == device_id)
    }

    /// Signs this list with the account key (`primary` is the primary device's account).
    pub fn sign(&self, primary: &Account) -> Result<SignedDeviceList, ProtoError> {
        self.check_shape()?;
        if !self.account_id.matches(primary.identity_keys().ed25519.as_bytes()) {
            return Err(ProtoError::AccountMismatch);
        }
        let body = serde_json::to_vec(self).map_err(|_| ProtoError::Malformed("device list"))?;
        let signature = primary.sign(signing_input(DOMAIN_DEVICE_LIST, &[&body])).to_bytes().to_vec();
        Ok(SignedDeviceList { body, signature })
    }
}

impl SignedDeviceList {
    /// Verifies the account signature and the list's shape, and that it belongs to `account_key`.
    pub fn verify(&self, account_key: &[u8; 32]) -> Result<DeviceList, ProtoError> {
        if !verify_sig(account_key, &signing_input(DOMAIN_DEVICE_LIST, &[&self.body]), &self.signature) {
            return Err(ProtoError::BadAccountSignature("device list"));
        }
        let list: DeviceList = serde_json::from_slice(&self.body).map_err(|_| ProtoError::Malformed("device list"))?;
        if !list.account_id.matches(account_key) {
            return Err(ProtoError::AccountMismatch);
        }
        list.check_shape()?;
        Ok(list)
    }
}

/// A short, exact reference to one signed list: its version and the first 16 bytes of the
/// SHA-256 of its signed body (hex). Two parties whose marks differ saw different lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListMark {
    pub version: u64,
    pub digest: String,
}

impl ListMark {
    pub fn of(signed: &SignedDeviceList, list: &DeviceList) -> Self {
        Self::of_version(signed, list.version)
    }

    /// The mark of a list already verified, whose version is known.
    pub fn of_version(signed: &SignedDeviceList, version: u64) -> Self {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(&signed.body);
        ListMark { version, digest: hash[..16].iter().map(|b| format!("{b:02x}")).collect() }
    }
}

/// What a receiver's held list says of a mark the other party sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkCheck {
    /// The same list.
    Same,
    /// The other party used an older list than the one held here.
    TheyAreBehind,
    /// The other party holds a newer list than the one held here.
    WeAreBehind,
    /// The same version, but another list: two lists were signed under one version.
    Forked,
}

/// Compares a mark from the other party with the list held here.
pub fn check_mark(theirs: &ListMark, held: &ListMark) -> MarkCheck {
    match theirs.version.cmp(&held.version) {
        std::cmp::Ordering::Less => MarkCheck::TheyAreBehind,
        std::cmp::Ordering::Greater => MarkCheck::WeAreBehind,
        std::cmp::Ordering::Equal if theirs.digest == held.digest => MarkCheck::Same,
        std::cmp::Ordering::Equal => MarkCheck::Forked,
    }
}

/// What to do with a verified list, given the highest one already seen for the account.
#[derive(Debug, PartialEq, Eq)]
pub enum ListFreshness {
    /// Newer than anything seen: store it.
    Newer,
    /// The very list already held.
    Same,
}

/// How far ahead of the receiver's clock a list may be dated (clocks disagree a little).
pub const MAX_LIST_CLOCK_AHEAD_MS: u64 = 24 * 60 * 60 * 1000;

/// The time rule for a list about to replace `held` (or to be the first one held): it may not be
/// dated before the held list, nor more than [`MAX_LIST_CLOCK_AHEAD_MS`] after `now_ms`, the
/// receiver's clock. A list from the far future would otherwise make every honest later list
/// look "backwards". Apply it to lists found [`ListFreshness::Newer`].
pub fn check_list_time(held: Option<&DeviceList>, offered: &DeviceList, now_ms: u64) -> Result<(), ProtoError> {
    if let Some(held) = held
        && offered.timestamp_ms < held.timestamp_ms
    {
        return Err(ProtoError::DeviceListTimeBackwards {
            held_ms: held.timestamp_ms,
            offered_ms: offered.timestamp_ms,
        });
    }
    if offered.timestamp_ms > now_ms.saturating_add(MAX_LIST_CLOCK_AHEAD_MS) {
        return Err(ProtoError::DeviceListFromTheFuture { now_ms, offered_ms: offered.timestamp_ms });
    }
    Ok(())
}

/// The rollback rule: a lower version is refused; the same version must be the same list.
pub fn check_not_rollback(
    seen: Option<(&DeviceList, &SignedDeviceList)>,
    offered: (&DeviceList, &SignedDeviceList),
) -> Result<ListFreshness, ProtoError> {
    let Some((seen_list, seen_signed)) = seen else { return Ok(ListFreshness::Newer) };
    let (offered_list, offered_signed) = offered;
    if offered_list.account_id != seen_list.account_id {
        return Err(ProtoError::AccountMismatch);
    }
    match offered_list.version.cmp(&seen_list.version) {
        std::cmp::Ordering::Less => {
            Err(ProtoError::DeviceListRollback { seen: seen_list.version, offered: offered_list.version })
        }
        std::cmp::Ordering::Equal if offered_signed.body == seen_signed.body => Ok(ListFreshness::Same),
        std::cmp::Ordering::Equal => Err(ProtoError::DeviceListEquivocation(offered_list.version)),
        std::cmp::Ordering::Greater => Ok(ListFreshness::Newer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(phone: &Account, version: u64, companions: &[u32]) -> DeviceList {
        let mut devices = vec![DeviceListEntry { device_id: 0, key_index: 0 }];
        devices.extend(companions.iter().map(|&id| DeviceListEntry { device_id: id, key_index: id }));
        DeviceList {
            account_id: AccountId::from_account_key(phone.identity_keys().ed25519.as_bytes()),
            version,
            timestamp_ms: 1_000 * version,
            devices,
        }
    }

    #[test]
    fn signed_list_verifies_and_lists_companions() {
        let phone = Account::new();
        let key = *phone.identity_keys().ed25519.as_bytes();
        let signed = list(&phone, 2, &[1, 2]).sign(&phone).unwrap();
        let verified = signed.verify(&key).unwrap();
        assert_eq!(verified.companions().count(), 2);
        assert!(verified.entry(2).is_some());
    }

    #[test]
    fn list_signed_by_someone_else_is_refused() {
        let (phone, relay) = (Account::new(), Account::new());
        let key = *phone.identity_keys().ed25519.as_bytes();
        let mut signed = list(&phone, 2, &[1]).sign(&phone).unwrap();
        // The relay swaps in a list with an extra device, signed by its own key.
        let mut forged = list(&phone, 3, &[1, 9]);
        forged.account_id = AccountId::from_account_key(relay.identity_keys().ed25519.as_bytes());
        signed.body = serde_json::to_vec(&list(&phone, 3, &[1, 9])).unwrap();
        assert_eq!(signed.verify(&key), Err(ProtoError::BadAccountSignature("device list")));
        let forged = forged.sign(&relay).unwrap();
        assert!(forged.verify(&key).is_err());
    }

    #[test]
    fn rollback_and_equivocation_are_refused() {
        let phone = Account::new();
        let key = *phone.identity_keys().ed25519.as_bytes();
        let v2 = list(&phone, 2, &[1]).sign(&phone).unwrap();
        let v3 = list(&phone, 3, &[1, 2]).sign(&phone).unwrap();
        let v3_other = list(&phone, 3, &[2]).sign(&phone).unwrap();
        let (l2, l3, l3o) = (v2.verify(&key).unwrap(), v3.verify(&key).unwrap(), v3_other.verify(&key).unwrap());
        assert_eq!(check_not_rollback(None, (&l2, &v2)), Ok(ListFreshness::Newer));
        assert_eq!(check_not_rollback(Some((&l2, &v2)), (&l3, &v3)), Ok(ListFreshness::Newer));
        assert_eq!(check_not_rollback(Some((&l3, &v3)), (&l3, &v3)), Ok(ListFreshness::Same));
        assert_eq!(
            check_not_rollback(Some((&l3, &v3)), (&l2, &v2)),
            Err(ProtoError::DeviceListRollback { seen: 3, offered: 2 })
        );
        assert_eq!(check_not_rollback(Some((&l3, &v3)), (&l3o, &v3_other)), Err(ProtoError::DeviceListEquivocation(3)));
    }

    #[test]
    fn a_newer_list_may_not_go_back_in_time() {
        let phone = Account::new();
        let held = list(&phone, 2, &[1]);
        let now = 1_700_000_000_000;
        let mut next = DeviceList { timestamp_ms: held.timestamp_ms - 1, ..list(&phone, 3, &[1, 2]) };
        assert_eq!(
            check_list_time(Some(&held), &next, now),
            Err(ProtoError::DeviceListTimeBackwards { held_ms: 2_000, offered_ms: 1_999 })
        );
        next.timestamp_ms = held.timestamp_ms;
        assert_eq!(check_list_time(Some(&held), &next, now), Ok(()), "the same instant is not backwards");
        next.timestamp_ms = now;
        assert_eq!(check_list_time(Some(&held), &next, now), Ok(()));
    }

    #[test]
    fn a_list_from_the_far_future_is_refused() {
        let phone = Account::new();
        let held = list(&phone, 2, &[1]);
        let now = 1_700_000_000_000;
        let ahead = |ms: u64| DeviceList { timestamp_ms: now + ms, ..list(&phone, 3, &[1]) };
        assert_eq!(check_list_time(Some(&held), &ahead(MAX_LIST_CLOCK_AHEAD_MS), now), Ok(()), "24 h of skew is fine");
        let far = ahead(MAX_LIST_CLOCK_AHEAD_MS + 1);
        let refused = ProtoError::DeviceListFromTheFuture { now_ms: now, offered_ms: far.timestamp_ms };
        assert_eq!(check_list_time(Some(&held), &far, now), Err(refused.clone()));
        assert_eq!(check_list_time(None, &far, now), Err(refused.clone()), "the first list held is bounded too");
        assert!(refused.to_string().contains("Check the date and time"));
    }

    #[test]
    fn shape_rules_bound_the_list() {
        let phone = Account::new();
        let too_many: Vec<u32> = (1..=crate::MAX_COMPANIONS as u32 + 1).collect();
        assert_eq!(
            list(&phone, 1, &too_many).sign(&phone),
            Err(ProtoError::CompanionLimit { max: crate::MAX_COMPANIONS })
        );
        assert!(list(&phone, 1, &[1, 1]).sign(&phone).is_err());
        assert!(list(&phone, 0, &[]).sign(&phone).is_err());
        let mut no_primary = list(&phone, 1, &[1]);
        no_primary.devices.remove(0);
        assert!(no_primary.sign(&phone).is_err());
    }
}
