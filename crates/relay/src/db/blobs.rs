//! Blob records (the bytes live in files beside the database).

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::{AccountId, DeviceId};

use super::Db;

pub struct BlobRow {
    pub account_id: String,
    pub device_id: DeviceId,
    pub size: u64,
    pub created_ms: u64,
}

impl Db {
    pub fn add_blob(
        &self,
        blob_id: &str,
        target: (&AccountId, DeviceId),
        size: u64,
        now_ms: u64,
    ) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO blobs (blob_id, account_id, device_id, size, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![blob_id, target.0.as_str(), target.1, size, now_ms],
        )?;
        Ok(())
    }

    pub fn blob(&self, blob_id: &str) -> rusqlite::Result<Option<BlobRow>> {
        self.conn()
            .query_row("SELECT account_id, device_id, size, created_ms FROM blobs WHERE blob_id = ?1", [blob_id], |r| {
                Ok(BlobRow { account_id: r.get(0)?, device_id: r.get(1)?, size: r.get(2)?, created_ms: r.get(3)? })
            })
            .optional()
    }

    pub fn remove_blob(&self, blob_id: &str) -> rusqlite::Result<()> {
        self.conn().execute("DELETE FROM blobs WHERE blob_id = ?1", [blob_id])?;
        Ok(())
    }

    /// Forgets blobs created before `cutoff_ms`; returns their ids (to delete their files).
    pub fn expire_blobs(&self, cutoff_ms: u64) -> rusqlite::Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("DELETE FROM blobs WHERE created_ms < ?1 RETURNING blob_id")?;
        let rows = stmt.query_map([cutoff_ms], |r| r.get(0))?;
        rows.collect()
    }

    /// Bytes of blobs waiting for a device (bounded per device).
    pub fn blob_bytes_for(&self, target: (&AccountId, DeviceId)) -> rusqlite::Result<u64> {
        self.conn().query_row(
            "SELECT COALESCE(SUM(size), 0) FROM blobs WHERE account_id = ?1 AND device_id = ?2",
            params![target.0.as_str(), target.1],
            |r| r.get(0),
        )
    }
}
