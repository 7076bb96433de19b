//! Olm sessions, contacts and 1:1 messages. What a received message changes (the session, the
//! account's one-time keys, the message, the envelope marked done) is written in one transaction.

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::{AccountId, DeviceId};

use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StoredMessage {
    pub chat_id: String,
    pub message_id: String,
    pub sender_account: String,
    pub sender_device: DeviceId,
    pub outgoing: bool,
    pub body: String,
    pub sent_ms: u64,
    pub state: String,
    /// An image (its thumbnail, and the full file's id).
    pub attachment: Option<tandem_proto::media::Attachment>,
}

/// A session to write back: id, peer, pickle.
pub struct SessionUpdate<'a> {
    pub session_id: &'a str,
    pub account_id: &'a AccountId,
    pub device_id: DeviceId,
    pub pickle: &'a str,
}

/// Everything one received envelope changes.
pub struct Received<'a> {
    /// The envelope's digest (`tandem_proto::message::envelope_digest`): marked done with the rest.
    pub digest: [u8; 32],
    /// The pairwise session it came on (none for a group message).
    pub session: Option<SessionUpdate<'a>>,
    /// A group's new membership state (from a pairwise group update).
    pub group_state: Option<crate::GroupStateUpdate<'a>>,
    /// A group session: a new key (pairwise room key), or one that decrypted a group message.
    pub group_session: Option<&'a crate::InboundGroupSession>,
    /// A history chunk the phone announced.
    pub history_chunk: Option<crate::NewHistoryChunk<'a>>,
    /// The device's account pickle, when a one-time key was used up.
    pub account_pickle: Option<&'a str>,
    pub message: Option<&'a StoredMessage>,
    pub receipt: Option<ReceiptUpdate<'a>>,
}

/// Messages of a chat moving to a later state ('delivered', 'read'); never back.
pub struct ReceiptUpdate<'a> {
    pub chat_id: &'a str,
    pub outgoing: bool,
    pub message_ids: &'a [String],
    pub state: &'a str,
}

/// States in the order a message goes through them.
const STATE_RANK: &str = "CASE state WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'received' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END";
const NEW_RANK: &str = "CASE ?4 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END";

fn apply_receipt(conn: &rusqlite::Connection, r: &ReceiptUpdate<'_>) -> rusqlite::Result<usize> {
    let sql = format!(
        "UPDATE messages SET state = ?4 WHERE chat_id = ?1 AND message_id = ?2 AND outgoing = ?3 AND {STATE_RANK} < {NEW_RANK}"
    );
    let mut changed = 0;
    for id in r.message_ids {
        changed += conn.execute(&sql, params![r.chat_id, id, r.outgoing, r.state])?;
    }
    Ok(changed)
}

impl Store {
    /// Pickles of the sessions with a peer device, newest first.
    pub fn olm_sessions(&self, account: &AccountId, device: DeviceId) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT session_id, pickle FROM olm_sessions WHERE account_id = ?1 AND device_id = ?2 ORDER BY last_used_ms DESC")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![account.as_str(), device], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Writes sessions advanced by encrypting (one send's worth, at once).
    pub fn save_olm_sessions(&mut self, sessions: &[SessionUpdate<'_>], now_ms: u64) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| StoreError::from_sqlite(&path, e))?;
        for s in sessions {
            upsert_session(&tx, s, now_ms).map_err(|e| StoreError::from_sqlite(&path, e))?;
        }
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))
    }

    /// Whether an envelope with this digest was already read (a redelivery after a lost ack).
    pub fn envelope_processed(&self, digest: &[u8; 32]) -> Result<bool, StoreError> {
        let found: Option<i64> = self
            .conn
            .query_row("SELECT 1 FROM processed_digests WHERE digest = ?1", [&digest[..]], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(found.is_some())
    }

    /// Marks an envelope read that changed nothing else (refused, or kept only as a placeholder).
    pub fn mark_envelope_processed(&mut self, digest: &[u8; 32], now_ms: u64) -> Result<(), StoreError> {
        mark_processed(&self.conn, digest, now_ms).map_err(|e| self.err(e))
    }

    /// Counts one more placeholder or retry request caused by `sender` today; returns the count.
    pub fn bump_sender_cost(&mut self, sender: &str, now_ms: u64) -> Result<u32, StoreError> {
        let day = now_ms / 86_400_000;
        self.conn
            .query_row(
                "INSERT INTO sender_costs (sender_account, day, count) VALUES (?1, ?2, 1)
                 ON CONFLICT (sender_account, day) DO UPDATE SET count = count + 1 RETURNING count",
                params![sender, day],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Commits one received envelope: session, account keys, message (once), envelope done.
    ///
    /// Committed without waiting for the disk (`synchronous = NORMAL`: atomic, and durable at the
    /// next [`Store::make_durable`]), which the caller runs before it acks the envelopes to the
    /// relay. That saves one fsync per envelope when a backlog is drained.
    pub fn commit_received(&mut self, received: &Received<'_>, now_ms: u64) -> Result<bool, StoreError> {
        let path = self.path.clone();
        self.conn.pragma_update(None, "synchronous", "NORMAL").map_err(|e| StoreError::from_sqlite(&path, e))?;
        let result = self.commit_received_inner(received, now_ms);
        self.conn.pragma_update(None, "synchronous", "FULL").map_err(|e| StoreError::from_sqlite(&path, e))?;
        result
    }

    /// Makes every commit so far durable: a commit under `synchronous = FULL` syncs the whole
    /// write-ahead log, earlier commits included.
    pub fn make_durable(&mut self, now_ms: u64) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO settings (key, value) VALUES ('last_durable_ms', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1",
                [now_ms.to_string()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn commit_received_inner(&mut self, received: &Received<'_>, now_ms: u64) -> Result<bool, StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| StoreError::from_sqlite(&path, e))?;
        let run = |tx: &rusqlite::Transaction<'_>| -> rusqlite::Result<bool> {
            if let Some(session) = &received.session {
                upsert_session(tx, session, now_ms)?;
            }
            if let Some(group) = &received.group_state {
                crate::groups::put_group(tx, group, now_ms)?;
            }
            if let Some(session) = received.group_session {
                crate::groups::put_inbound(tx, session, now_ms)?;
            }
            if let Some(chunk) = &received.history_chunk {
                crate::history::add_chunk(tx, chunk, now_ms)?;
            }
            if let Some(pickle) = received.account_pickle {
                tx.execute("UPDATE identity SET account_pickle = ?1 WHERE id = 1", [pickle])?;
            }
            let mut inserted = false;
            if let Some(m) = received.message {
                // Placeholders of this id, in any chat (a relay may have filed one anywhere),
                // go: they lend the real message nothing, not even their row.
                tx.execute(
                    "DELETE FROM messages WHERE message_id = ?1 AND state IN ('waiting', 'failed')",
                    params![m.message_id],
                )?;
                inserted = insert_message(tx, m, now_ms)? == 1;
            }
            if let Some(r) = &received.receipt {
                inserted |= apply_receipt(tx, r)? > 0;
            }
            mark_processed(tx, &received.digest, now_ms)?;
            Ok(inserted)
        };
        let inserted = run(&tx).map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))?;
        Ok(inserted)
    }

    /// Stores a message (an outgoing one as 'queued'); a second copy of the same id is ignored.
    pub fn add_message(&mut self, message: &StoredMessage, now_ms: u64) -> Result<bool, StoreError> {
        let changed = insert_message(&self.conn, message, now_ms).map_err(|e| self.err(e))?;
        Ok(changed == 1)
    }

    /// Marks this device's own view of messages (e.g. read here), with the same never-back rule.
    pub fn apply_receipt(&mut self, update: &ReceiptUpdate<'_>) -> Result<usize, StoreError> {
        apply_receipt(&self.conn, update).map_err(|e| self.err(e))
    }

    /// Incoming messages of a chat sent up to `until_ms` are read (another device read them).
    pub fn mark_read_until(&mut self, chat_id: &str, until_ms: u64) -> Result<usize, StoreError> {
        self.conn
            .execute(
                "UPDATE messages SET state = 'read' WHERE chat_id = ?1 AND outgoing = 0 AND state = 'received' AND sent_ms <= ?2",
                params![chat_id, until_ms],
            )
            .map_err(|e| self.err(e))
    }

    pub fn set_message_state(&mut self, chat_id: &str, message_id: &str, state: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE messages SET state = ?3 WHERE chat_id = ?1 AND message_id = ?2",
                params![chat_id, message_id, state],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// A chat's messages in a stable order: by send time, then id.
    pub fn messages(&self, chat_id: &str) -> Result<Vec<StoredMessage>, StoreError> {
        self.select_messages("WHERE chat_id = ?1 ORDER BY sent_ms, message_id", params![chat_id])
    }

    /// A window of a chat's messages, oldest first: `limit` messages, skipping the `newer`
    /// newest ones, and how many the chat holds. (By position, for a scrolling list.)
    pub fn message_window(
        &self,
        chat_id: &str,
        newer: u64,
        limit: u32,
    ) -> Result<(Vec<StoredMessage>, u64), StoreError> {
        let mut page = self.select_messages(
            "WHERE chat_id = ?1 ORDER BY sent_ms DESC, message_id DESC LIMIT ?2 OFFSET ?3",
            params![chat_id, limit, newer],
        )?;
        page.reverse();
        let total: u64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM messages WHERE chat_id = ?1", [chat_id], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok((page, total))
    }

    /// How many messages of a chat are newer than `message_id` (`None`: no such message).
    pub fn messages_newer_than(&self, chat_id: &str, message_id: &str) -> Result<Option<u64>, StoreError> {
        self.conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM messages n WHERE n.chat_id = m.chat_id
                           AND (n.sent_ms > m.sent_ms OR (n.sent_ms = m.sent_ms AND n.message_id > m.message_id)))
                 FROM messages m WHERE m.chat_id = ?1 AND m.message_id = ?2",
                params![chat_id, message_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Outgoing messages not yet accepted by the relay (the outbox), oldest first.
    pub fn queued_messages(&self) -> Result<Vec<StoredMessage>, StoreError> {
        self.select_messages("WHERE state = 'queued' ORDER BY stored_ms, message_id", params![])
    }

    pub(crate) fn select_messages(
        &self,
        tail: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let sql = format!(
            "SELECT chat_id, message_id, sender_account, sender_device, outgoing, body, sent_ms, state, attachment FROM messages {tail}"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(args, |r| {
                Ok(StoredMessage {
                    chat_id: r.get(0)?,
                    message_id: r.get(1)?,
                    sender_account: r.get(2)?,
                    sender_device: r.get(3)?,
                    outgoing: r.get(4)?,
                    body: r.get(5)?,
                    sent_ms: r.get(6)?,
                    state: r.get(7)?,
                    attachment: r.get::<_, Option<String>>(8)?.and_then(|j| serde_json::from_str(&j).ok()),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Counts one more request for a message this device could not decrypt; returns the count.
    pub fn bump_retry(&mut self, chat_id: &str, message_id: &str) -> Result<u8, StoreError> {
        self.conn
            .execute(
                "INSERT INTO retries (chat_id, message_id, attempts) VALUES (?1, ?2, 1)
                 ON CONFLICT (chat_id, message_id) DO UPDATE SET attempts = attempts + 1",
                params![chat_id, message_id],
            )
            .map_err(|e| self.err(e))?;
        let attempts: u32 = self
            .conn
            .query_row(
                "SELECT attempts FROM retries WHERE chat_id = ?1 AND message_id = ?2",
                params![chat_id, message_id],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(u8::try_from(attempts).unwrap_or(u8::MAX))
    }

    /// Writes a placeholder for a message that could not be decrypted ('waiting' or 'failed').
    pub fn set_placeholder(&mut self, placeholder: &StoredMessage, now_ms: u64) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO messages (chat_id, message_id, sender_account, sender_device, outgoing, body, sent_ms, stored_ms, state)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?6, ?7)
                 ON CONFLICT (chat_id, message_id) DO UPDATE SET body = ?5, state = ?7 WHERE messages.state IN ('waiting', 'failed')",
                params![placeholder.chat_id, placeholder.message_id, placeholder.sender_account, placeholder.sender_device, placeholder.body, now_ms, placeholder.state],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Whether a message (not a placeholder) with this id is held in any chat.
    pub fn has_message(&self, message_id: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = self
            .conn
            .query_row(
                "SELECT 1 FROM messages WHERE message_id = ?1 AND state NOT IN ('waiting', 'failed') LIMIT 1",
                [message_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(found.is_some())
    }

    /// A message this account sent (or a sibling device sent), by chat and id.
    pub fn outgoing_message(&self, chat_id: &str, message_id: &str) -> Result<Option<StoredMessage>, StoreError> {
        let found = self
            .select_messages("WHERE chat_id = ?1 AND message_id = ?2 AND outgoing = 1", params![chat_id, message_id])?;
        Ok(found.into_iter().next())
    }

    /// An outgoing message by id in any chat (a sibling device asking for its transcript).
    pub fn outgoing_message_anywhere(&self, message_id: &str) -> Result<Option<StoredMessage>, StoreError> {
        let found = self.select_messages("WHERE message_id = ?1 AND outgoing = 1", params![message_id])?;
        Ok(found.into_iter().next())
    }

    /// Every chat with its newest message, newest chat first.
    pub fn chats(&self) -> Result<Vec<StoredMessage>, StoreError> {
        // Each chat's newest message through the per-chat time index: one short walk per chat,
        // not a subquery for every message held.
        self.select_messages(
            "WHERE rowid IN (
                SELECT (SELECT rowid FROM messages m WHERE m.chat_id = c.chat_id ORDER BY sent_ms DESC, message_id DESC LIMIT 1)
                FROM (SELECT DISTINCT chat_id FROM messages) c)
             ORDER BY sent_ms DESC",
            params![],
        )
    }

    /// Whether this account wrote in the chat (from any of its devices).
    pub fn has_outgoing(&self, chat_id: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = self
            .conn
            .query_row("SELECT 1 FROM messages WHERE chat_id = ?1 AND outgoing = 1 LIMIT 1", [chat_id], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(found.is_some())
    }

    /// A 1:1 chat's received messages (id, read here) that were never receipted: a request
    /// just accepted. The newest 500.
    pub fn unreceipted_from(&self, chat_id: &str) -> Result<Vec<(String, bool)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT message_id, state = 'read' FROM messages WHERE chat_id = ?1 AND outgoing = 0
                 AND state IN ('received', 'read') ORDER BY sent_ms DESC LIMIT 500",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([chat_id], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    pub fn add_contact(&mut self, account: &AccountId, now_ms: u64) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO contacts (account_id, added_ms) VALUES (?1, ?2)",
                params![account.as_str(), now_ms],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    pub fn contacts(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt =
            self.conn.prepare("SELECT account_id FROM contacts ORDER BY added_ms").map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}

/// Olm sessions kept per peer device (a peer opening session after session cannot grow the
/// database or the decryption work without end); the least recently used go first.
pub const MAX_SESSIONS_PER_DEVICE: u32 = 8;

fn upsert_session(conn: &rusqlite::Connection, s: &SessionUpdate<'_>, now_ms: u64) -> rusqlite::Result<usize> {
    let changed = conn.execute(
        "INSERT INTO olm_sessions (session_id, account_id, device_id, pickle, last_used_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (session_id) DO UPDATE SET pickle = ?4, last_used_ms = ?5",
        params![s.session_id, s.account_id.as_str(), s.device_id, s.pickle, now_ms],
    )?;
    conn.execute(
        "DELETE FROM olm_sessions WHERE account_id = ?1 AND device_id = ?2 AND session_id NOT IN (
             SELECT session_id FROM olm_sessions WHERE account_id = ?1 AND device_id = ?2
             ORDER BY last_used_ms DESC, session_id = ?3 DESC LIMIT ?4)",
        params![s.account_id.as_str(), s.device_id, s.session_id, MAX_SESSIONS_PER_DEVICE],
    )?;
    Ok(changed)
}

/// Inserts a message once (and indexes it for search); the real message replaces a
/// "waiting"/"failed" placeholder of its id.
pub(crate) fn insert_message(conn: &rusqlite::Connection, m: &StoredMessage, now_ms: u64) -> rusqlite::Result<usize> {
    let changed = insert_unindexed(conn, m, now_ms)?;
    if changed == 1 {
        let rowid: i64 = conn.query_row(
            "SELECT rowid FROM messages WHERE chat_id = ?1 AND message_id = ?2",
            params![m.chat_id, m.message_id],
            |r| r.get(0),
        )?;
        crate::search::index_row(conn, rowid, m)?;
    }
    Ok(changed)
}

fn mark_processed(conn: &rusqlite::Connection, digest: &[u8; 32], now_ms: u64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO processed_digests (digest, processed_ms) VALUES (?1, ?2)",
        params![&digest[..], now_ms],
    )?;
    Ok(())
}

/// Inserts a message once, without indexing it (bulk imports index once at the end). A real
/// message takes the place of a "waiting"/"failed" placeholder of its id: the placeholder row
/// is deleted first, so none of its fields (sender, direction) survive into the message.
pub(crate) fn insert_unindexed(conn: &rusqlite::Connection, m: &StoredMessage, now_ms: u64) -> rusqlite::Result<usize> {
    if m.state != "waiting" && m.state != "failed" {
        conn.prepare_cached(
            "DELETE FROM messages WHERE chat_id = ?1 AND message_id = ?2 AND state IN ('waiting', 'failed')",
        )?
        .execute(params![m.chat_id, m.message_id])?;
    }
    conn.prepare_cached(
        "INSERT INTO messages (chat_id, message_id, sender_account, sender_device, outgoing, body, sent_ms, stored_ms, state, attachment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (chat_id, message_id) DO NOTHING",
    )?
    .execute(params![
        m.chat_id,
        m.message_id,
        m.sender_account,
        m.sender_device,
        m.outgoing,
        m.body,
        m.sent_ms,
        now_ms,
        m.state,
        m.attachment.as_ref().and_then(|a| serde_json::to_string(a).ok())
    ])
}
