//! Challenges and bearer tokens. Only a token's SHA-256 is stored.

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::{AccountId, DeviceId};

use super::Db;

/// Live tokens kept per device (its concurrent programs: `run`, a command, the desktop).
const MAX_TOKENS_PER_DEVICE: u32 = 32;

impl Db {
    pub fn add_challenge(&self, nonce: &[u8], expires_ms: u64) -> rusqlite::Result<()> {
        self.conn()
            .execute("INSERT INTO challenges (nonce, expires_ms) VALUES (?1, ?2)", params![nonce, expires_ms])?;
        Ok(())
    }

    /// Forgets expired challenges and tokens (the janitor's job; both are indexed by expiry).
    pub fn prune_auth(&self, now_ms: u64) -> rusqlite::Result<()> {
        let conn = self.conn();
        conn.execute("DELETE FROM challenges WHERE expires_ms < ?1", [now_ms])?;
        conn.execute("DELETE FROM tokens WHERE expires_ms < ?1", [now_ms])?;
        Ok(())
    }

    /// Consumes a challenge: true if it existed and had not expired. Each nonce works once.
    pub fn take_challenge(&self, nonce: &[u8], now_ms: u64) -> rusqlite::Result<bool> {
        let removed = self
            .conn()
            .execute("DELETE FROM challenges WHERE nonce = ?1 AND expires_ms >= ?2", params![nonce, now_ms])?;
        Ok(removed == 1)
    }

    pub fn add_token(
        &self,
        token_hash: &[u8],
        account_id: &AccountId,
        device_id: DeviceId,
        expires_ms: u64,
    ) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO tokens (token_hash, account_id, device_id, expires_ms) VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, account_id.as_str(), device_id, expires_ms],
        )?;
        // A device keeps its newest tokens only: signing in in a loop cannot grow the table.
        tx.execute(
            "DELETE FROM tokens WHERE account_id = ?1 AND device_id = ?2 AND token_hash NOT IN
                 (SELECT token_hash FROM tokens WHERE account_id = ?1 AND device_id = ?2 ORDER BY expires_ms DESC LIMIT ?3)",
            params![account_id.as_str(), device_id, MAX_TOKENS_PER_DEVICE],
        )?;
        tx.commit()
    }

    /// The device a live token belongs to, if the device is still registered.
    pub fn token_device(&self, token_hash: &[u8], now_ms: u64) -> rusqlite::Result<Option<(String, DeviceId)>> {
        self.conn()
            .query_row(
                "SELECT t.account_id, t.device_id FROM tokens t JOIN devices d ON d.account_id = t.account_id AND d.device_id = t.device_id
                 WHERE t.token_hash = ?1 AND t.expires_ms >= ?2",
                params![token_hash, now_ms],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }
}
