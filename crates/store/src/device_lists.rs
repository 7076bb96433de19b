//! Verified device lists and identities, with the rollback rule applied atomically.

use rusqlite::{OptionalExtension, params};
use tandem_proto::ProtoError;
use tandem_proto::device_list::{DeviceList, ListFreshness, SignedDeviceList, check_list_time, check_not_rollback};
use tandem_proto::identity::SignedDeviceIdentity;
use tandem_proto::ids::{AccountId, DeviceId};

use crate::{Store, StoreError};

#[derive(Clone, Debug)]
pub struct StoredIdentity {
    pub device_id: DeviceId,
    pub key_index: u32,
    pub signed: SignedDeviceIdentity,
    pub last_active_ms: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct StoredDeviceList {
    pub account_key: [u8; 32],
    pub signed: SignedDeviceList,
    pub list: DeviceList,
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// The highest verified list held for `account`, verified again on the way out.
    pub fn device_list(&self, account: &AccountId) -> Result<Option<StoredDeviceList>, StoreError> {
        let row: Option<(Vec<u8>, String)> = self
            .conn
            .query_row("SELECT account_key, signed FROM device_lists WHERE account_id = ?1", [account.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((key, signed)) = row else { return Ok(None) };
        let account_key: [u8; 32] = key.try_into().map_err(|_| StoreError::Corrupt("account key length".into()))?;
        let signed: SignedDeviceList = parse(&signed)?;
        let list = signed.verify(&account_key).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some(StoredDeviceList { account_key, signed, list }))
    }

    /// The held list's version and signed form, without verifying it again (it was verified
    /// when it was stored): cheap enough to compare with every message's list marks.
    pub fn device_list_unchecked(&self, account: &AccountId) -> Result<Option<(u64, SignedDeviceList)>, StoreError> {
        let row: Option<(u64, String)> = self
            .conn
            .prepare_cached("SELECT version, signed FROM device_lists WHERE account_id = ?1")
            .and_then(|mut stmt| stmt.query_row([account.as_str()], |r| Ok((r.get(0)?, r.get(1)?))).optional())
            .map_err(|e| self.err(e))?;
        match row {
            Some((version, signed)) => Ok(Some((version, parse(&signed)?))),
            None => Ok(None),
        }
    }

    /// Stores a verified list and the identities of its devices, unless it is older than the one
    /// held (a rollback), the same version with other content (equivocation), dated before the
    /// held list or more than a day after `now_ms` (the caller's clock): those are refused with
    /// [`StoreError::Refused`] and nothing changes. `list` must come from `signed.verify`.
    pub fn accept_device_list(
        &mut self,
        account_key: &[u8; 32],
        signed: &SignedDeviceList,
        list: &DeviceList,
        identities: &[StoredIdentity],
        now_ms: u64,
    ) -> Result<ListFreshness, StoreError> {
        let held = self.device_list(&list.account_id)?;
        if let Some(held) = &held
            && held.account_key != *account_key
        {
            return Err(StoreError::Refused(ProtoError::AccountMismatch));
        }
        let freshness = check_not_rollback(held.as_ref().map(|h| (&h.list, &h.signed)), (list, signed))
            .map_err(StoreError::Refused)?;
        if freshness == ListFreshness::Newer {
            check_list_time(held.as_ref().map(|h| &h.list), list, now_ms).map_err(StoreError::Refused)?;
        }
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| StoreError::from_sqlite(&path, e))?;
        let run = |tx: &rusqlite::Transaction<'_>| -> Result<(), rusqlite::Error> {
            tx.execute(
                "INSERT INTO device_lists (account_id, account_key, version, signed, fetched_ms) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account_id) DO UPDATE SET version = ?3, signed = ?4, fetched_ms = ?5",
                params![list.account_id.as_str(), account_key.as_slice(), list.version, json(signed).unwrap_or_default(), now_ms],
            )?;
            tx.execute("DELETE FROM device_identities WHERE account_id = ?1", [list.account_id.as_str()])?;
            for id in identities {
                tx.execute(
                    "INSERT INTO device_identities (account_id, device_id, key_index, signed, last_active_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![list.account_id.as_str(), id.device_id, id.key_index, json(&id.signed).unwrap_or_default(), id.last_active_ms],
                )?;
            }
            Ok(())
        };
        run(&tx).map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))?;
        Ok(freshness)
    }

    pub fn device_identities(&self, account: &AccountId) -> Result<Vec<StoredIdentity>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT device_id, key_index, signed, last_active_ms FROM device_identities WHERE account_id = ?1 ORDER BY device_id")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([account.as_str()], |r| {
                Ok((r.get::<_, DeviceId>(0)?, r.get::<_, u32>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<u64>>(3)?))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (device_id, key_index, signed, last_active_ms) = row.map_err(|e| self.err(e))?;
            out.push(StoredIdentity { device_id, key_index, signed: parse(&signed)?, last_active_ms });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use tandem_proto::device_list::{DeviceListEntry, MAX_LIST_CLOCK_AHEAD_MS};
    use tandem_proto::vodozemac::olm::Account;

    use super::*;

    const NOW: u64 = 1_700_000_000_000;

    fn signed(phone: &Account, version: u64, timestamp_ms: u64) -> (SignedDeviceList, DeviceList) {
        let list = DeviceList {
            account_id: AccountId::from_account_key(phone.identity_keys().ed25519.as_bytes()),
            version,
            timestamp_ms,
            devices: vec![DeviceListEntry { device_id: 0, key_index: 0 }],
        };
        let signed = list.sign(phone).unwrap();
        let verified = signed.verify(phone.identity_keys().ed25519.as_bytes()).unwrap();
        (signed, verified)
    }

    #[test]
    fn a_newer_list_dated_backwards_or_far_ahead_is_refused_and_the_held_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("tandem.db"), &[0x42; 32]).unwrap();
        let phone = Account::new();
        let key = *phone.identity_keys().ed25519.as_bytes();
        let (s1, l1) = signed(&phone, 1, NOW - 10_000);
        assert_eq!(store.accept_device_list(&key, &s1, &l1, &[], NOW).unwrap(), ListFreshness::Newer);

        let (back, back_list) = signed(&phone, 2, NOW - 20_000);
        let refused = store.accept_device_list(&key, &back, &back_list, &[], NOW).unwrap_err();
        assert!(matches!(refused, StoreError::Refused(ProtoError::DeviceListTimeBackwards { .. })), "{refused:?}");

        let (future, future_list) = signed(&phone, 2, NOW + MAX_LIST_CLOCK_AHEAD_MS + 1);
        let refused = store.accept_device_list(&key, &future, &future_list, &[], NOW).unwrap_err();
        assert!(matches!(refused, StoreError::Refused(ProtoError::DeviceListFromTheFuture { .. })), "{refused:?}");
        assert_eq!(store.device_list(&l1.account_id).unwrap().unwrap().list.version, 1, "the held list stays");

        // The same list again is not "newer": its date is not judged again.
        assert_eq!(store.accept_device_list(&key, &s1, &l1, &[], 0).unwrap(), ListFreshness::Same);
        let (good, good_list) = signed(&phone, 2, NOW);
        assert_eq!(store.accept_device_list(&key, &good, &good_list, &[], NOW).unwrap(), ListFreshness::Newer);
        assert_eq!(store.device_list(&l1.account_id).unwrap().unwrap().list.version, 2);
    }
}
