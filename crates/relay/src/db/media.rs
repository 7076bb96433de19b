//! Records of sealed photo files (the bytes live in files beside the database).

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::AccountId;

use super::Db;

impl Db {
    /// Records a file if the uploader stays within `quota` bytes with it (one statement, so two
    /// uploads at once cannot both squeeze in); false when over.
    pub fn reserve_media(
        &self,
        media_ref: &str,
        uploader: &AccountId,
        size: u64,
        now_ms: u64,
        quota: u64,
    ) -> rusqlite::Result<bool> {
        let added = self.conn().execute(
            "INSERT INTO media (media_ref, account_id, size, created_ms)
             SELECT ?1, ?2, ?3, ?4
             WHERE (SELECT COALESCE(SUM(size), 0) FROM media WHERE account_id = ?2) + ?3 <= ?5",
            params![media_ref, uploader.as_str(), size, now_ms, quota],
        )?;
        Ok(added == 1)
    }

    /// Forgets a file (its upload failed).
    pub fn remove_media(&self, media_ref: &str) -> rusqlite::Result<()> {
        self.conn().execute("DELETE FROM media WHERE media_ref = ?1", [media_ref])?;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_stays_within_its_quota_and_expired_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("relay.sqlite3")).unwrap();
        let alice = AccountId::from_account_key(&[1; 32]);
        let bob = AccountId::from_account_key(&[2; 32]);
        assert!(db.reserve_media("a1", &alice, 600, 10, 1000).unwrap());
        assert!(!db.reserve_media("a2", &alice, 500, 11, 1000).unwrap(), "600 + 500 is over 1000");
        assert!(db.reserve_media("a3", &alice, 400, 12, 1000).unwrap(), "600 + 400 is exactly 1000");
        assert!(db.reserve_media("b1", &bob, 900, 13, 1000).unwrap(), "bob has his own quota");
        assert_eq!(db.media_created("a2").unwrap(), None);
        assert_eq!(db.expire_media(12).unwrap(), ["a1"]);
        assert_eq!(db.media_created("a1").unwrap(), None);
        assert!(db.reserve_media("a4", &alice, 500, 14, 1000).unwrap(), "room again once a1 expired");
        db.remove_media("a4").unwrap();
        assert_eq!(db.media_created("a4").unwrap(), None);
    }
}
