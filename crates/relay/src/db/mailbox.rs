//! Per-device mailboxes of ciphertext.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::message::{InboxEnvelope, OutgoingEnvelope};

use super::Db;

/// Envelopes older than this are dropped unread.
pub const MAILBOX_KEEP_MS: u64 = 30 * 24 * 3600 * 1000;

/// How much mail may wait for one device (see `Limits`).
#[derive(Clone, Copy, Debug)]
pub struct Quota {
    pub device_envelopes: u64,
    pub device_bytes: u64,
    pub sender_envelopes: u64,
    pub sender_bytes: u64,
}

/// A batch refused whole because one recipient device would hold too much.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotaExceeded {
    pub account_id: AccountId,
    pub device_id: DeviceId,
    /// The sender's own share for that device is full (else the device's mailbox is).
    pub per_sender: bool,
}

impl Db {
    /// Stores a whole batch at once: every copy or none. A batch that would take a recipient
    /// device past its quota (in all, or from this sender) stores nothing and says which.
    pub fn deliver(
        &self,
        sender: (&AccountId, DeviceId),
        envelopes: &[OutgoingEnvelope],
        now_ms: u64,
        quota: Quota,
    ) -> rusqlite::Result<Option<QuotaExceeded>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut adding: BTreeMap<(&AccountId, DeviceId), (u64, u64)> = BTreeMap::new();
        for e in envelopes {
            let entry = adding.entry((&e.account_id, e.device_id)).or_default();
            *entry = (entry.0 + 1, entry.1 + e.ciphertext.len() as u64);
        }
        for (&(account, device), &(count, bytes)) in &adding {
            let usage = |sql: &str, extra: Option<&str>| -> rusqlite::Result<(u64, u64)> {
                let row = match extra {
                    None => tx.query_row(sql, params![account.as_str(), device], |r| Ok((r.get(0)?, r.get(1)?))),
                    Some(s) => tx.query_row(sql, params![account.as_str(), device, s], |r| Ok((r.get(0)?, r.get(1)?))),
                };
                Ok(row.optional()?.unwrap_or((0, 0)))
            };
            let all =
                usage("SELECT envelopes, bytes FROM mailbox_usage WHERE account_id = ?1 AND device_id = ?2", None)?;
            let mine = usage(
                "SELECT envelopes, bytes FROM mailbox_sender_usage WHERE account_id = ?1 AND device_id = ?2 AND sender_account = ?3",
                Some(sender.0.as_str()),
            )?;
            let over = |(n, b): (u64, u64), max_n: u64, max_b: u64| n + count > max_n || b + bytes > max_b;
            let per_sender = over(mine, quota.sender_envelopes, quota.sender_bytes);
            if per_sender || over(all, quota.device_envelopes, quota.device_bytes) {
                return Ok(Some(QuotaExceeded { account_id: account.clone(), device_id: device, per_sender }));
            }
        }
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
        tx.commit()?;
        Ok(None)
    }

    /// Drops up to `batch` envelopes received before `cutoff_ms` (oldest first, by the age
    /// index), counting the messages among them per device and sender. Returns how many went.
    pub fn expire_mail(&self, cutoff_ms: u64, batch: u32) -> rusqlite::Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO expired_counts (account_id, device_id, sender_account, count)
             SELECT account_id, device_id, sender_account, COUNT(*) FROM
                 (SELECT account_id, device_id, sender_account, message_id FROM mailbox
                  WHERE received_ms < ?1 ORDER BY received_ms, id LIMIT ?2)
             WHERE message_id IS NOT NULL
             GROUP BY account_id, device_id, sender_account
             ON CONFLICT (account_id, device_id, sender_account) DO UPDATE SET count = count + excluded.count",
            params![cutoff_ms, batch],
        )?;
        let gone = tx.execute(
            "DELETE FROM mailbox WHERE id IN
                 (SELECT id FROM mailbox WHERE received_ms < ?1 ORDER BY received_ms, id LIMIT ?2)",
            params![cutoff_ms, batch],
        )?;
        tx.commit()?;
        Ok(gone)
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

    /// The oldest `limit` envelopes waiting for a device (by the per-device index: an empty
    /// mailbox costs one index probe, however much mail others have). Deleting expired mail is
    /// the janitor's; until it has, mail received before `cutoff_ms` is not handed out.
    pub fn mailbox(
        &self,
        account: &AccountId,
        device: DeviceId,
        limit: u32,
        cutoff_ms: u64,
    ) -> rusqlite::Result<Vec<InboxEnvelope>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT eid, sender_account, sender_device, olm_type, ciphertext, received_ms, message_id FROM mailbox
             WHERE account_id = ?1 AND device_id = ?2 AND received_ms >= ?4 ORDER BY id LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![account.as_str(), device, limit, cutoff_ms], |r| {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(to: &AccountId, bytes: usize, n: usize) -> OutgoingEnvelope {
        OutgoingEnvelope {
            account_id: to.clone(),
            device_id: 0,
            olm_type: 1,
            ciphertext: vec![7; bytes],
            message_id: Some(format!("m{n}")),
        }
    }

    fn accounts() -> (AccountId, AccountId, AccountId) {
        let id = |b: u8| AccountId::from_account_key(&[b; 32]);
        (id(1), id(2), id(3))
    }

    const ROOMY: Quota = Quota { device_envelopes: 3, device_bytes: 1000, sender_envelopes: 2, sender_bytes: 500 };

    #[test]
    fn quotas_hold_per_sender_and_per_device_and_free_up_on_ack() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("r.sqlite3")).unwrap();
        let (alice, stranger, bob) = accounts();
        for n in 0..2 {
            assert_eq!(db.deliver((&stranger, 0), &[envelope(&alice, 10, n)], 1, ROOMY).unwrap(), None);
        }
        let full = db.deliver((&stranger, 0), &[envelope(&alice, 10, 2)], 1, ROOMY).unwrap().unwrap();
        assert!(full.per_sender);
        assert_eq!(db.deliver((&bob, 0), &[envelope(&alice, 10, 0)], 1, ROOMY).unwrap(), None);
        let full = db.deliver((&bob, 0), &[envelope(&alice, 10, 1)], 1, ROOMY).unwrap().unwrap();
        assert!(!full.per_sender, "the device's mailbox is full");
        let big = db.deliver((&bob, 0), &[envelope(&stranger, 600, 0)], 1, ROOMY).unwrap().unwrap();
        assert!(big.per_sender, "bytes count too");
        let ids: Vec<String> = db.mailbox(&alice, 0, 10, 0).unwrap().into_iter().map(|e| e.id).collect();
        db.ack(&alice, 0, &ids).unwrap();
        assert_eq!(db.deliver((&stranger, 0), &[envelope(&alice, 10, 3)], 1, ROOMY).unwrap(), None);
    }

    #[test]
    fn expiry_goes_in_batches_oldest_first_and_counts_messages() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("r.sqlite3")).unwrap();
        let (alice, stranger, _) = accounts();
        let lots = Quota { device_envelopes: 100, device_bytes: 1 << 20, sender_envelopes: 100, sender_bytes: 1 << 20 };
        for n in 0..5 {
            db.deliver((&stranger, 0), &[envelope(&alice, 10, n)], 100 + n as u64, lots).unwrap();
        }
        assert_eq!(db.expire_mail(103, 2).unwrap(), 2);
        assert_eq!(db.expire_mail(103, 2).unwrap(), 1);
        assert_eq!(db.expire_mail(103, 2).unwrap(), 0);
        assert_eq!(db.mailbox(&alice, 0, 10, 0).unwrap().len(), 2, "the two newer ones stay");
        assert_eq!(db.take_expired(&alice, 0).unwrap(), vec![(stranger.to_string(), 3)]);
        // What expired no longer counts against the quota.
        let tight = Quota { device_envelopes: 3, ..lots };
        assert_eq!(db.deliver((&stranger, 0), &[envelope(&alice, 10, 9)], 200, tight).unwrap(), None);
    }

    #[test]
    fn expired_challenges_and_tokens_are_pruned_and_tokens_capped_per_device() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("r.sqlite3")).unwrap();
        let (alice, _, _) = accounts();
        db.add_challenge(b"old", 10).unwrap();
        db.add_challenge(b"new", 1000).unwrap();
        db.add_token(b"old-token", &alice, 0, 10).unwrap();
        db.prune_auth(500).unwrap();
        let count = |table: &str| -> u32 {
            db.conn().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
        };
        assert_eq!((count("challenges"), count("tokens")), (1, 0));
        assert!(db.take_challenge(b"new", 500).unwrap());
        for n in 0..40u64 {
            db.add_token(&n.to_be_bytes(), &alice, 0, 1000 + n).unwrap();
        }
        assert_eq!(count("tokens"), 32, "a device keeps its newest 32 tokens");
        assert!(db.token_device(&39u64.to_be_bytes(), 600).is_ok());
    }
}
