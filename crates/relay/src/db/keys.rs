//! One-time and fallback prekeys.

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::prekeys::SignedPreKey;

use super::Db;

/// A device may hold at most this many unclaimed one-time keys at the relay.
pub const MAX_STORED_ONE_TIME_KEYS: u32 = 200;

impl Db {
    /// Stores verified keys; a new fallback key replaces the old one. Returns the one-time key count.
    pub fn add_prekeys(
        &self,
        account_id: &AccountId,
        device_id: DeviceId,
        keys: &[SignedPreKey],
        now_ms: u64,
    ) -> rusqlite::Result<u32> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for key in keys {
            if key.fallback {
                tx.execute(
                    "DELETE FROM prekeys WHERE account_id = ?1 AND device_id = ?2 AND fallback = 1",
                    params![account_id.as_str(), device_id],
                )?;
            }
            tx.execute(
                "INSERT OR IGNORE INTO prekeys (account_id, device_id, key_id, fallback, body, uploaded_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![account_id.as_str(), device_id, key.key_id, key.fallback, serde_json::to_string(key).unwrap_or_default(), now_ms],
            )?;
        }
        let count = one_time_count(&tx, account_id, device_id)?;
        if count > MAX_STORED_ONE_TIME_KEYS {
            return Ok(count); // dropped with the transaction: the caller refuses the upload
        }
        tx.commit()?;
        Ok(count)
    }

    pub fn prekey_count(&self, account_id: &AccountId, device_id: DeviceId) -> rusqlite::Result<(u32, bool)> {
        let conn = self.conn();
        let count = one_time_count(&conn, account_id, device_id)?;
        let fallback: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM prekeys WHERE account_id = ?1 AND device_id = ?2 AND fallback = 1)",
            params![account_id.as_str(), device_id],
            |r| r.get(0),
        )?;
        Ok((count, fallback))
    }

    /// Hands out the oldest one-time key (deleting it), or the fallback key (kept) when none is left.
    pub fn claim_prekey(
        &self,
        account_id: &AccountId,
        device_id: DeviceId,
    ) -> rusqlite::Result<Option<(SignedPreKey, u32)>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let row: Option<(String, String, bool)> = tx
            .query_row(
                "SELECT key_id, body, fallback FROM prekeys WHERE account_id = ?1 AND device_id = ?2
                 ORDER BY fallback ASC, uploaded_ms ASC, key_id ASC LIMIT 1",
                params![account_id.as_str(), device_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((key_id, body, fallback)) = row else { return Ok(None) };
        if !fallback {
            tx.execute(
                "DELETE FROM prekeys WHERE account_id = ?1 AND device_id = ?2 AND fallback = 0 AND key_id = ?3",
                params![account_id.as_str(), device_id, key_id],
            )?;
        }
        let remaining = one_time_count(&tx, account_id, device_id)?;
        tx.commit()?;
        let key = serde_json::from_str(&body)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e)))?;
        Ok(Some((key, remaining)))
    }
}

fn one_time_count(conn: &rusqlite::Connection, account_id: &AccountId, device_id: DeviceId) -> rusqlite::Result<u32> {
    conn.query_row(
        "SELECT COUNT(*) FROM prekeys WHERE account_id = ?1 AND device_id = ?2 AND fallback = 0",
        params![account_id.as_str(), device_id],
        |r| r.get(0),
    )
}
