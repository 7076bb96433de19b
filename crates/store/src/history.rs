//! History sync on the companion: announced chunks and their state, and importing a chunk's
//! messages idempotently in one transaction (a chunk imported twice adds nothing).

use rusqlite::{OptionalExtension, params};

use crate::messages::insert_unindexed;
use crate::search::{index_from, next_rowid};
use crate::{Store, StoreError, StoredMessage};

/// A chunk announced by the phone (its reference as JSON, as the client verified it).
#[derive(Clone, Debug)]
pub struct HistoryChunkRow {
    pub bundle_id: String,
    pub index: u32,
    pub chunk: String,
    pub state: String,
    pub error: Option<String>,
}

/// A chat's history status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryChatRow {
    pub chat_id: String,
    pub title: Option<String>,
    pub complete: bool,
}

/// Totals over the newest bundle.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryTotals {
    pub chunks_total: u32,
    pub chunks_announced: u32,
    pub chunks_imported: u32,
    pub chunks_failed: u32,
    pub messages_total: u64,
    pub messages_imported: u64,
    /// When the bundle's first chunk was announced (ms).
    pub started_ms: u64,
}

/// A chunk announced: written with the envelope that carried it.
pub struct NewHistoryChunk<'a> {
    pub bundle_id: &'a str,
    pub index: u32,
    pub chunk: &'a str,
    pub messages: u32,
    pub bundle_messages: u64,
    pub bundle_chunks: u32,
    /// Set for a chunk answering a "load older messages" request.
    pub request_id: Option<&'a str>,
}

/// Drops the AES key from a chunk's stored reference (the rest stays, for progress and reasons);
/// migration 0011 did the same to chunks finished before keys were forgotten.
const FORGET_KEY: &str = "chunk = json_remove(chunk, '$.key')";

pub(crate) fn add_chunk(conn: &rusqlite::Connection, c: &NewHistoryChunk<'_>, now_ms: u64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO history_chunks (bundle_id, idx, chunk, state, messages, bundle_messages, bundle_chunks, received_ms, request_id)
         VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6, ?7, ?8)",
        params![c.bundle_id, c.index, c.chunk, c.messages, c.bundle_messages, c.bundle_chunks, now_ms, c.request_id],
    )?;
    Ok(())
}

impl Store {
    /// Chunks not imported yet, in order.
    pub fn pending_history_chunks(&self) -> Result<Vec<HistoryChunkRow>, StoreError> {
        self.history_chunks("WHERE state = 'pending' ORDER BY received_ms, bundle_id, idx")
    }

    /// Chunks that failed, with why.
    pub fn failed_history_chunks(&self) -> Result<Vec<HistoryChunkRow>, StoreError> {
        self.history_chunks("WHERE state = 'failed' AND request_id IS NULL ORDER BY idx")
    }

    fn history_chunks(&self, tail: &str) -> Result<Vec<HistoryChunkRow>, StoreError> {
        let sql = format!("SELECT bundle_id, idx, chunk, state, error FROM history_chunks {tail}");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(HistoryChunkRow {
                    bundle_id: r.get(0)?,
                    index: r.get(1)?,
                    chunk: r.get(2)?,
                    state: r.get(3)?,
                    error: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Imports a chunk: its messages (each once), its chats' status, and the chunk marked
    /// imported, in one transaction. Returns how many messages were new.
    pub fn import_history_chunk(
        &mut self,
        bundle_id: &str,
        index: u32,
        messages: &[StoredMessage],
        chats: &[HistoryChatRow],
        media: &[crate::MediaRow],
        now_ms: u64,
    ) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| StoreError::from_sqlite(&path, e))?;
        let run = |tx: &rusqlite::Transaction<'_>| -> rusqlite::Result<usize> {
            let first = next_rowid(tx)?;
            let mut new = 0;
            for m in messages {
                new += insert_unindexed(tx, m, now_ms)?;
            }
            index_from(tx, first)?;
            for file in media {
                crate::media::insert_media(tx, file, now_ms)?;
            }
            for c in chats {
                tx.execute(
                    "INSERT INTO history_chats (chat_id, title, complete) VALUES (?1, ?2, ?3)
                     ON CONFLICT (chat_id) DO UPDATE SET title = COALESCE(?2, title), complete = ?3",
                    params![c.chat_id, c.title, c.complete],
                )?;
            }
            // The chunk's key opened it for the last time: it goes with the same commit.
            tx.execute(
                &format!("UPDATE history_chunks SET state = 'imported', error = NULL, {FORGET_KEY} WHERE bundle_id = ?1 AND idx = ?2"),
                params![bundle_id, index],
            )?;
            Ok(new)
        };
        let new = run(&tx).map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))?;
        Ok(new)
    }

    /// A chunk that cannot be imported: why (nothing of it was imported). It is never tried
    /// again (its blob is acked), so its key is forgotten too.
    pub fn fail_history_chunk(&mut self, bundle_id: &str, index: u32, error: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                &format!("UPDATE history_chunks SET state = 'failed', error = ?3, {FORGET_KEY} WHERE bundle_id = ?1 AND idx = ?2"),
                params![bundle_id, index, error],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Progress of the newest bundle.
    pub fn history_totals(&self) -> Result<HistoryTotals, StoreError> {
        let bundle: Option<String> = self
            .conn
            .query_row(
                "SELECT bundle_id FROM history_chunks WHERE request_id IS NULL ORDER BY received_ms DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some(bundle) = bundle else { return Ok(HistoryTotals::default()) };
        self.conn
            .query_row(
                "SELECT MAX(bundle_chunks), COUNT(*), SUM(state = 'imported'), SUM(state = 'failed'), MAX(bundle_messages),
                        COALESCE(SUM(CASE WHEN state = 'imported' THEN messages ELSE 0 END), 0), MIN(received_ms)
                 FROM history_chunks WHERE bundle_id = ?1",
                [bundle],
                |r| {
                    Ok(HistoryTotals {
                        chunks_total: r.get(0)?,
                        chunks_announced: r.get(1)?,
                        chunks_imported: r.get(2)?,
                        chunks_failed: r.get(3)?,
                        messages_total: r.get(4)?,
                        messages_imported: r.get(5)?,
                        started_ms: r.get(6)?,
                    })
                },
            )
            .map_err(|e| self.err(e))
    }

    /// Each chat's history status.
    pub fn history_chats(&self) -> Result<Vec<HistoryChatRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT chat_id, title, complete FROM history_chats ORDER BY chat_id")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok(HistoryChatRow { chat_id: r.get(0)?, title: r.get(1)?, complete: r.get(2)? }))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Many messages in one transaction (seeded demo history), each once.
    pub fn add_messages(&mut self, messages: &[StoredMessage], now_ms: u64) -> Result<usize, StoreError> {
        self.set_bulk(true)?;
        let added = self.add_messages_bulk(messages, now_ms);
        self.set_bulk(false)?;
        added
    }

    fn add_messages_bulk(&mut self, messages: &[StoredMessage], now_ms: u64) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| StoreError::from_sqlite(&path, e))?;
        let first = next_rowid(&tx).map_err(|e| StoreError::from_sqlite(&path, e))?;
        let mut new = 0;
        for m in messages {
            new += insert_unindexed(&tx, m, now_ms).map_err(|e| StoreError::from_sqlite(&path, e))?;
        }
        index_from(&tx, first).map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))?;
        Ok(new)
    }

    /// Unread incoming messages per chat.
    pub fn unread_counts(&self) -> Result<std::collections::HashMap<String, usize>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT chat_id, COUNT(*) FROM messages WHERE outgoing = 0 AND state = 'received' GROUP BY chat_id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Messages held, without events and placeholders.
    pub fn message_count(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM messages WHERE state NOT IN ('event', 'waiting', 'failed')", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.err(e))
    }
}

impl From<tandem_proto::history::HistoryMessage> for StoredMessage {
    fn from(m: tandem_proto::history::HistoryMessage) -> Self {
        StoredMessage {
            chat_id: m.chat_id,
            message_id: m.message_id,
            sender_account: m.sender_account,
            sender_device: m.sender_device,
            outgoing: m.outgoing,
            body: m.body,
            sent_ms: m.sent_ms,
            state: m.state,
            attachment: m.attachment,
        }
    }
}

impl From<&StoredMessage> for tandem_proto::history::HistoryMessage {
    fn from(m: &StoredMessage) -> Self {
        tandem_proto::history::HistoryMessage {
            chat_id: m.chat_id.clone(),
            message_id: m.message_id.clone(),
            sender_account: m.sender_account.clone(),
            sender_device: m.sender_device,
            outgoing: m.outgoing,
            body: m.body.clone(),
            sent_ms: m.sent_ms,
            state: m.state.clone(),
            attachment: m.attachment.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chunk reference as the client stores it: its AES key inside the JSON.
    const KEY_B64: &str = "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleSE=";

    fn chunk_json(index: u32) -> String {
        format!(
            r#"{{"bundle_id":"b1","index":{index},"last":false,"blob_id":"blob{index}","key":"{KEY_B64}","digest":"ZGlnZXN0LWRpZ2VzdC1kaWdlc3QtZGlnZXN0LWRpZ2U=","size":10,"messages":1,"bundle_messages":2,"bundle_chunks":2}}"#
        )
    }

    fn announce(store: &Store, index: u32) {
        let json = chunk_json(index);
        let chunk = NewHistoryChunk {
            bundle_id: "b1",
            index,
            chunk: &json,
            messages: 1,
            bundle_messages: 2,
            bundle_chunks: 2,
            request_id: None,
        };
        add_chunk(&store.conn, &chunk, 1).unwrap();
    }

    /// Every stored chunk reference, as text, and whether a key is still in any of them.
    fn stored_chunks(store: &Store) -> Vec<(u32, String, Option<String>)> {
        let mut stmt = store
            .conn
            .prepare("SELECT idx, chunk, json_extract(chunk, '$.key') FROM history_chunks ORDER BY idx")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn a_chunk_key_is_erased_when_its_chunk_is_imported_or_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("tandem.db"), &[0x42; 32]).unwrap();
        announce(&store, 0);
        announce(&store, 1);
        assert!(stored_chunks(&store).iter().all(|(_, _, key)| key.as_deref() == Some(KEY_B64)));

        let message = StoredMessage {
            chat_id: "chat".into(),
            message_id: "m1".into(),
            sender_account: "acct".into(),
            sender_device: 0,
            outgoing: false,
            body: "hello".into(),
            sent_ms: 5,
            state: "received".into(),
            attachment: None,
        };
        assert_eq!(store.import_history_chunk("b1", 0, &[message], &[], &[], 9).unwrap(), 1);
        let rows = stored_chunks(&store);
        assert_eq!(rows[0].2, None, "the imported chunk's key is gone");
        assert!(!rows[0].1.contains(KEY_B64), "no trace of the key in the stored reference: {}", rows[0].1);
        assert!(rows[0].1.contains("blob0"), "the rest of the reference stays");
        assert_eq!(rows[1].2.as_deref(), Some(KEY_B64), "a pending chunk keeps its key until it is imported");
        assert_eq!(store.pending_history_chunks().unwrap().len(), 1);

        store.fail_history_chunk("b1", 1, "tampered").unwrap();
        let rows = stored_chunks(&store);
        assert_eq!(rows[1].2, None, "a refused chunk is never tried again: its key is gone too");
        assert_eq!(store.failed_history_chunks().unwrap()[0].error.as_deref(), Some("tampered"));
        assert_eq!(store.history_totals().unwrap().chunks_imported, 1);
    }

    #[test]
    fn the_migration_erases_keys_of_chunks_finished_before() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("tandem.db"), &[0x42; 32]).unwrap();
        announce(&store, 0);
        announce(&store, 1);
        store.conn.execute("UPDATE history_chunks SET state = 'imported' WHERE idx = 0", []).unwrap();
        store.conn.execute_batch(include_str!("migrations/0011_forget_history_keys.sql")).unwrap();
        let rows = stored_chunks(&store);
        assert_eq!(rows[0].2, None);
        assert_eq!(rows[1].2.as_deref(), Some(KEY_B64), "a pending chunk keeps its key");
    }
}
