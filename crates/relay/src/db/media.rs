//! Records of sealed photo files (the bytes live in files beside the database).

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::AccountId;

use super::Db;

impl Db {
    pub fn add_media(&self, media_ref: &str, uploader: &AccountId, size: u64, now_ms: u64) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO media (media_ref, account_id, size, created_ms) VALUES (?1, ?2, ?3, ?4)",
            params![media_ref, uploader.as_str(), size, now_ms],
        )?;
        Ok(())
    }

    /// When a file was uploaded, if the relay still keeps it.
    pub fn media_created(&self, media_ref: &str) -> rusqlite::Result<Option<u64>> {
        self.conn().query_row("SELECT created_ms FROM media WHERE media_ref = ?1", [media_ref], |r| r.get(0)).optional()
    }

    /// Forgets files uploaded before `cutoff_ms`; returns their references (to delete the files).
    pub fn expire_media(&self, cutoff_ms: u64) -> rusqlite::Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("DELETE FROM media WHERE created_ms < ?1 RETURNING media_ref")?;
        let rows = stmt.query_map([cutoff_ms], |r| r.get(0))?;
        rows.collect()
    }

    /// Bytes an account keeps on the relay in photo files (bounded per account).
    pub fn media_bytes_of(&self, uploader: &AccountId) -> rusqlite::Result<u64> {
        self.conn().query_row(
            "SELECT COALESCE(SUM(size), 0) FROM media WHERE account_id = ?1",
            [uploader.as_str()],
            |r| r.get(0),
        )
    }
}
