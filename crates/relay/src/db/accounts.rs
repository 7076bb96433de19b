//! Accounts, device identities and device lists.

use rusqlite::{OptionalExtension, params};
use tandem_proto::device_list::SignedDeviceList;
use tandem_proto::identity::SignedDeviceIdentity;
use tandem_proto::ids::{AccountId, DeviceId};

use super::Db;

pub struct AccountRow {
    pub account_key: [u8; 32],
    pub list_version: u64,
    pub device_list: SignedDeviceList,
}

pub struct DeviceRow {
    pub device_id: DeviceId,
    pub key_index: u32,
    pub ed25519: [u8; 32],
    pub identity: SignedDeviceIdentity,
    pub last_active_ms: Option<u64>,
    pub capabilities: Option<Vec<String>>,
}

impl DeviceRow {
    /// Whether the device can receive `capability` (one that never said is taken to be current).
    pub fn can(&self, capability: &str) -> bool {
        self.capabilities.as_ref().is_none_or(|caps| caps.iter().any(|c| c == capability))
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn from_json<T: serde::de::DeserializeOwned>(col: usize, text: String) -> rusqlite::Result<T> {
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e)))
}

fn key32(col: usize, bytes: Vec<u8>) -> rusqlite::Result<[u8; 32]> {
    bytes.try_into().map_err(|_| rusqlite::Error::InvalidColumnType(col, "key".into(), rusqlite::types::Type::Blob))
}

pub struct NewDevice<'a> {
    pub account_id: &'a AccountId,
    pub device_id: DeviceId,
    pub key_index: u32,
    pub ed25519: &'a [u8; 32],
    pub identity: &'a SignedDeviceIdentity,
}

impl Db {
    /// Creates the account with its primary device; false if the account already exists.
    pub fn create_account(
        &self,
        account_key: &[u8; 32],
        primary: NewDevice<'_>,
        list_version: u64,
        list: &SignedDeviceList,
        now_ms: u64,
    ) -> rusqlite::Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO accounts (account_id, account_key, created_ms, list_version, device_list) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![primary.account_id.as_str(), account_key.as_slice(), now_ms, list_version, json(list)],
        )?;
        if inserted == 0 {
            return Ok(false);
        }
        insert_device(&tx, &primary, now_ms)?;
        tx.commit()?;
        Ok(true)
    }

    pub fn account(&self, account_id: &AccountId) -> rusqlite::Result<Option<AccountRow>> {
        self.conn()
            .query_row(
                "SELECT account_key, list_version, device_list FROM accounts WHERE account_id = ?1",
                [account_id.as_str()],
                |r| {
                    Ok(AccountRow {
                        account_key: key32(0, r.get(0)?)?,
                        list_version: r.get(1)?,
                        device_list: from_json(2, r.get(2)?)?,
                    })
                },
            )
            .optional()
    }

    /// Stores a verified list if its version is still higher than the stored one (checked in the
    /// same statement, so two racing publishes cannot both win). Returns whether it was stored.
    pub fn replace_device_list(
        &self,
        account_id: &AccountId,
        version: u64,
        list: &SignedDeviceList,
    ) -> rusqlite::Result<bool> {
        let changed = self.conn().execute(
            "UPDATE accounts SET list_version = ?2, device_list = ?3 WHERE account_id = ?1 AND list_version < ?2",
            params![account_id.as_str(), version, json(list)],
        )?;
        Ok(changed == 1)
    }

    pub fn register_device(&self, device: NewDevice<'_>, now_ms: u64) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM devices WHERE account_id = ?1 AND device_id = ?2",
            params![device.account_id.as_str(), device.device_id],
        )?;
        insert_device(&tx, &device, now_ms)?;
        tx.commit()
    }

    pub fn devices(&self, account_id: &AccountId) -> rusqlite::Result<Vec<DeviceRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT device_id, key_index, ed25519, identity, last_active_ms, capabilities FROM devices WHERE account_id = ?1 ORDER BY device_id",
        )?;
        let rows = stmt.query_map([account_id.as_str()], |r| {
            Ok(DeviceRow {
                device_id: r.get(0)?,
                key_index: r.get(1)?,
                ed25519: key32(2, r.get(2)?)?,
                identity: from_json(3, r.get(3)?)?,
                last_active_ms: r.get(4)?,
                capabilities: r.get::<_, Option<String>>(5)?.and_then(|t| serde_json::from_str(&t).ok()),
            })
        })?;
        rows.collect()
    }

    pub fn device(&self, account_id: &AccountId, device_id: DeviceId) -> rusqlite::Result<Option<DeviceRow>> {
        Ok(self.devices(account_id)?.into_iter().find(|d| d.device_id == device_id))
    }

    pub fn set_capabilities(
        &self,
        account_id: &AccountId,
        device_id: DeviceId,
        caps: &[String],
    ) -> rusqlite::Result<()> {
        self.conn().execute(
            "UPDATE devices SET capabilities = ?3 WHERE account_id = ?1 AND device_id = ?2",
            params![account_id.as_str(), device_id, json(&caps)],
        )?;
        Ok(())
    }

    pub fn touch_device(&self, account_id: &AccountId, device_id: DeviceId, now_ms: u64) -> rusqlite::Result<()> {
        self.conn().execute(
            "UPDATE devices SET last_active_ms = ?3 WHERE account_id = ?1 AND device_id = ?2",
            params![account_id.as_str(), device_id, now_ms],
        )?;
        Ok(())
    }
}

fn insert_device(conn: &rusqlite::Connection, d: &NewDevice<'_>, now_ms: u64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO devices (account_id, device_id, key_index, ed25519, identity, registered_ms, last_active_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![d.account_id.as_str(), d.device_id, d.key_index, d.ed25519.as_slice(), json(d.identity), now_ms],
    )?;
    Ok(())
}
