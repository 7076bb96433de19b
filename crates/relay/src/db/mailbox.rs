//! Per-device mailboxes of ciphertext.

use rusqlite::params;
use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::message::{InboxEnvelope, OutgoingEnvelope};

use super::Db;

/// Envelopes older than this are dropped unread.
pub const MAILBOX_KEEP_MS: u64 = 30 * 24 * 3600 * 1000;

impl Db {
    /// Stores a whole batch at once: every copy or none.
    pub fn deliver(
        &self,
        sender: (&AccountId, DeviceId),
        envelopes: &[OutgoingEnvelope],
        now_ms: u64,
    ) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO mailbox (account_id, device_id, sender_account, sender_device, olm_type, ciphertext, received_ms, message_id, eid)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, lower(hex(randomblob(16))))",
            )?;
            for e in envelopes {
                insert.execute(params![
                    e.account_id.as_str(),
                    e.device_id,
                    sender.0.as_str(),
                    sender.1,
                    e.olm_type,
                    e.ciphertext,
                    now_ms,
                    e.message_id
                ])?;
            }
        }
        tx.commit()
    }

    /// Drops envelopes past their lifetime, counting them per device and sender.
    fn expire(conn: &rusqlite::Connection, now_ms: u64) -> rusqlite::Result<()> {
        let cutoff = now_ms.saturating_sub(MAILBOX_KEEP_MS);
        conn.execute(
            "INSERT INTO expired_counts (account_id, device_id, sender_account, count)
             SELECT account_id, device_id, sender_account, COUNT(*) FROM mailbox WHERE received_ms < ?1 AND message_id IS NOT NULL
             GROUP BY account_id, device_id, sender_account
             ON CONFLICT (account_id, device_id, sender_account) DO UPDATE SET count = count + excluded.count",
            [cutoff],
        )?;
        conn.execute("DELETE FROM mailbox WHERE received_ms < ?1", [cutoff])?;
        Ok(())
    }

    /// How many messages from each sender expired unread for this device; reported once.
    pub fn take_expired(&self, account: &AccountId, device: DeviceId) -> rusqlite::Result<Vec<(String, u32)>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let counts = {
            let mut stmt = tx
                .prepare("SELECT sender_account, count FROM expired_counts WHERE account_id = ?1 AND device_id = ?2")?;
            let rows = stmt.query_map(params![account.as_str(), device], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<Vec<(String, u32)>>>()?
        };
        tx.execute(
            "DELETE FROM expired_counts WHERE account_id = ?1 AND device_id = ?2",
            params![account.as_str(), device],
        )?;
        tx.commit()?;
        Ok(counts)
    }

    /// The oldest `limit` envelopes waiting for a device (expired ones are dropped first).
    pub fn mailbox(
        &self,
        account: &AccountId,
        device: DeviceId,
        limit: u32,
        now_ms: u64,
    ) -> rusqlite::Result<Vec<InboxEnvelope>> {
        let conn = self.conn();
        Self::expire(&conn, now_ms)?;
        let mut stmt = conn.prepare(
            "SELECT eid, sender_account, sender_device, olm_type, ciphertext, received_ms, message_id FROM mailbox
             WHERE account_id = ?1 AND device_id = ?2 ORDER BY id LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![account.as_str(), device, limit], |r| {
            let sender: String = r.get(1)?;
            Ok((
                r.get::<_, String>(0)?,
                sender,
                r.get::<_, DeviceId>(2)?,
                r.get::<_, u8>(3)?,
                r.get::<_, Vec<u8>>(4)?,
                r.get::<_, u64>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, sender, sender_device, olm_type, ciphertext, received_ms, message_id) = row?;
            // Senders were authenticated on the way in; an unparsable id would mean a damaged row.
            if let Ok(sender_account) = AccountId::parse(&sender) {
                out.push(InboxEnvelope {
                    id,
                    sender_account,
                    sender_device,
                    olm_type,
                    ciphertext,
                    received_ms,
                    message_id,
                });
            }
        }
        Ok(out)
    }

    /// Deletes acknowledged envelopes (only the device's own).
    pub fn ack(&self, account: &AccountId, device: DeviceId, ids: &[String]) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for id in ids {
            tx.execute(
                "DELETE FROM mailbox WHERE eid = ?1 AND account_id = ?2 AND device_id = ?3",
                params![id, account.as_str(), device],
            )?;
        }
        tx.commit()
    }
}
