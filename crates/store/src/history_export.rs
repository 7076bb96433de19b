//! The sending side of history: what the phone ships to a new companion, and what any device of
//! the account answers when another asks for a chat's older messages.

use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError, StoredMessage};

/// Messages that are history: not events, placeholders or messages still being sent.
const REAL: &str = "state NOT IN ('event', 'waiting', 'failed', 'queued')";

impl Store {
    /// Every message sent since `since_ms` and stored by `stored_until_ms`, by chat and time.
    /// The second bound keeps a bundle's plan the same however often it is rebuilt: messages that
    /// arrive later reach the companion live.
    pub fn history_export(&self, since_ms: u64, stored_until_ms: u64) -> Result<Vec<StoredMessage>, StoreError> {
        self.select_messages(
            &format!("WHERE sent_ms >= ?1 AND stored_ms <= ?2 AND {REAL} ORDER BY chat_id, sent_ms, message_id"),
            params![since_ms, stored_until_ms],
        )
    }

    /// Chats with messages older than `before_ms` (their history in a bundle is not complete).
    pub fn chats_with_messages_before(&self, before_ms: u64) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT chat_id FROM messages WHERE sent_ms < ?1 AND state <> 'event'")
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([before_ms], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The newest `limit` messages of a chat sent before `before_ms`, oldest first, and whether
    /// even older ones remain here.
    pub fn messages_before(
        &self,
        chat_id: &str,
        before_ms: u64,
        limit: u32,
    ) -> Result<(Vec<StoredMessage>, bool), StoreError> {
        let mut page = self.select_messages(
            &format!("WHERE chat_id = ?1 AND sent_ms < ?2 AND {REAL} ORDER BY sent_ms DESC, message_id DESC LIMIT ?3"),
            params![chat_id, before_ms, i64::from(limit) + 1],
        )?;
        let more = page.len() > limit as usize;
        page.truncate(limit as usize);
        page.reverse();
        Ok((page, more))
    }

    /// When the oldest message of a chat held here was sent.
    pub fn oldest_message_ms(&self, chat_id: &str) -> Result<Option<u64>, StoreError> {
        self.conn
            .query_row(&format!("SELECT MIN(sent_ms) FROM messages WHERE chat_id = ?1 AND {REAL}"), [chat_id], |r| {
                r.get(0)
            })
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.err(e))
    }

    /// Whether this device holds a chat's whole history (what the phone said when it sent it).
    pub fn history_complete(&self, chat_id: &str) -> Result<Option<bool>, StoreError> {
        self.conn
            .query_row("SELECT complete FROM history_chats WHERE chat_id = ?1", [chat_id], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }
}
