//! Sealed app-state patches and snapshots, per account.

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::{AccountId, DeviceId};

use super::Db;

/// Patches older than this many versions before the newest snapshot are deleted.
const KEEP_BEFORE_SNAPSHOT: u64 = 100;

impl Db {
    /// Appends patch `version`; false if it is not exactly the next one (another device wrote first).
    pub fn add_appstate_patch(
        &self,
        account: &AccountId,
        device: DeviceId,
        version: u64,
        sealed: &[u8],
        now_ms: u64,
    ) -> rusqlite::Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let newest: u64 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM appstate_patches WHERE account_id = ?1",
            [account.as_str()],
            |r| r.get(0),
        )?;
        let snapshot: u64 = tx
            .query_row("SELECT version FROM appstate_snapshots WHERE account_id = ?1", [account.as_str()], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        if version != newest.max(snapshot) + 1 {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO appstate_patches (account_id, version, sealed, device_id, at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![account.as_str(), version, sealed, device, now_ms],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Patches after `after`, oldest first.
    pub fn appstate_patches(
        &self,
        account: &AccountId,
        after: u64,
        limit: u32,
    ) -> rusqlite::Result<Vec<(u64, Vec<u8>)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT version, sealed FROM appstate_patches WHERE account_id = ?1 AND version > ?2 ORDER BY version LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![account.as_str(), after, limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    /// Keeps a snapshot if it is newer than the one held; old patches are then pruned.
    pub fn put_appstate_snapshot(
        &self,
        account: &AccountId,
        version: u64,
        sealed: &[u8],
        now_ms: u64,
    ) -> rusqlite::Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let changed = tx.execute(
            "INSERT INTO appstate_snapshots (account_id, version, sealed, at_ms) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account_id) DO UPDATE SET version = ?2, sealed = ?3, at_ms = ?4 WHERE appstate_snapshots.version < ?2",
            params![account.as_str(), version, sealed, now_ms],
        )?;
        tx.execute(
            "DELETE FROM appstate_patches WHERE account_id = ?1 AND version + ?3 < ?2",
            params![account.as_str(), version, KEEP_BEFORE_SNAPSHOT],
        )?;
        tx.commit()?;
        Ok(changed == 1)
    }

    pub fn appstate_snapshot(&self, account: &AccountId) -> rusqlite::Result<Option<(u64, Vec<u8>)>> {
        self.conn()
            .query_row(
                "SELECT version, sealed FROM appstate_snapshots WHERE account_id = ?1",
                [account.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }
}
