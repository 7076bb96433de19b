//! Blocked senders, per account.

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::AccountId;

use super::Db;

impl Db {
    pub fn block(&self, account: &AccountId, blocked: &AccountId, now_ms: u64) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO blocks (account_id, blocked_account, at_ms) VALUES (?1, ?2, ?3)",
            params![account.as_str(), blocked.as_str(), now_ms],
        )?;
        Ok(())
    }

    pub fn unblock(&self, account: &AccountId, blocked: &AccountId) -> rusqlite::Result<()> {
        self.conn().execute(
            "DELETE FROM blocks WHERE account_id = ?1 AND blocked_account = ?2",
            params![account.as_str(), blocked.as_str()],
        )?;
        Ok(())
    }

    /// Whether `account` blocked `sender`.
    pub fn blocks(&self, account: &AccountId, sender: &AccountId) -> rusqlite::Result<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM blocks WHERE account_id = ?1 AND blocked_account = ?2",
                params![account.as_str(), sender.as_str()],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .is_some())
    }
}
