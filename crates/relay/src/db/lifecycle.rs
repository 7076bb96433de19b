//! Logged-out companions: removing a device's tokens, prekeys and mail, and remembering why.

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::wire::{LoggedOutDevice, LogoutReason};

use super::Db;

impl Db {
    /// Logs a companion out: its tokens, prekeys and waiting mail are deleted, and the reason is
    /// kept. Its registration stays (unlisted once the phone publishes a list without it), so it
    /// can still prove its key when it comes back and be told why. Returns false if it was already logged out.
    pub fn log_out(
        &self,
        account_id: &AccountId,
        device_id: DeviceId,
        reason: LogoutReason,
        statement: Option<&tandem_proto::logout::SignedLogout>,
        now_ms: u64,
    ) -> rusqlite::Result<bool> {
        let statement = statement.and_then(|s| serde_json::to_string(s).ok());
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let account = account_id.as_str();
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO logouts (account_id, device_id, reason, at_ms, statement) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![account, device_id, reason.as_str(), now_ms, statement],
        )?;
        tx.execute("DELETE FROM tokens WHERE account_id = ?1 AND device_id = ?2", params![account, device_id])?;
        tx.execute("DELETE FROM mailbox WHERE account_id = ?1 AND device_id = ?2", params![account, device_id])?;
        tx.execute("DELETE FROM prekeys WHERE account_id = ?1 AND device_id = ?2", params![account, device_id])?;
        tx.commit()?;
        Ok(inserted == 1)
    }

    /// Why a device was logged out, if it was.
    pub fn logout_of(&self, account_id: &AccountId, device_id: DeviceId) -> rusqlite::Result<Option<LoggedOutDevice>> {
        self.conn()
            .query_row(
                "SELECT device_id, reason, at_ms, statement FROM logouts WHERE account_id = ?1 AND device_id = ?2",
                params![account_id.as_str(), device_id],
                row,
            )
            .optional()
    }

    /// Every logged-out companion of an account.
    pub fn logouts(&self, account_id: &AccountId) -> rusqlite::Result<Vec<LoggedOutDevice>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT device_id, reason, at_ms, statement FROM logouts WHERE account_id = ?1 ORDER BY device_id",
        )?;
        let rows = stmt.query_map([account_id.as_str()], row)?;
        rows.collect()
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LoggedOutDevice> {
    let reason: String = r.get(1)?;
    Ok(LoggedOutDevice {
        device_id: r.get(0)?,
        reason: LogoutReason::parse(&reason).unwrap_or(LogoutReason::Unlinked),
        at_ms: r.get(2)?,
        statement: r.get::<_, Option<String>>(3)?.and_then(|json| serde_json::from_str(&json).ok()),
    })
}
