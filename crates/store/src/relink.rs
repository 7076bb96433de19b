//! Gap-only re-link: a companion logged out for inactivity keeps its messages, so that linked
//! again to the same account it fetches only what it missed. Everything tied to the old device
//! identity (sessions, mailbox ids, sending keys, synced-settings key) goes.

use rusqlite::{OptionalExtension, params};

use crate::{LocalIdentity, Store, StoreError};

/// The account whose messages a retired companion kept.
const KEPT_ACCOUNT: &str = "kept_history_account";

/// What a retired companion kept: whose history, and up to when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptHistory {
    pub account_id: String,
    /// When the newest kept message was sent.
    pub newest_ms: u64,
    pub messages: u64,
}

impl Store {
    /// Drops the old identity's state and saves `fresh` (unlinked, new device keys) in one
    /// transaction; the messages, contacts, groups and verified device lists stay.
    pub fn retire_identity(&mut self, fresh: &LocalIdentity, account_id: &str) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.execute_batch(
            "DELETE FROM olm_sessions; DELETE FROM processed_digests; DELETE FROM sender_costs; DELETE FROM retries;
             DELETE FROM megolm_outbound; DELETE FROM history_chunks; DELETE FROM app_state;
             DELETE FROM app_state_meta;
             DELETE FROM settings WHERE key IN ('history_jobs', 'history_requests');",
        )
        .map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![KEPT_ACCOUNT, account_id],
        )
        .map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.execute(
            "UPDATE identity SET account_pickle = ?1, account_id = NULL, account_key = NULL, device_id = NULL,
               key_index = NULL, linked_at_ms = NULL WHERE id = 1",
            [&fresh.account_pickle],
        )
        .map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))
    }

    /// The history a retired companion kept, if any.
    pub fn kept_history(&self) -> Result<Option<KeptHistory>, StoreError> {
        let account: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [KEPT_ACCOUNT], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        let Some(account_id) = account else { return Ok(None) };
        let (newest, messages): (Option<u64>, u64) = self
            .conn
            .query_row(
                "SELECT MAX(sent_ms), COUNT(*) FROM messages WHERE state NOT IN ('event', 'waiting', 'failed', 'queued')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))?;
        Ok(Some(KeptHistory { account_id, newest_ms: newest.unwrap_or(0), messages }))
    }

    /// Linked again: to the same account, the kept history is simply this device's again; to
    /// another, it is not that account's and is deleted.
    pub fn settle_kept_history(&mut self, same_account: bool) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| StoreError::from_sqlite(&path, e))?;
        if !same_account {
            tx.execute_batch(
                "INSERT INTO messages_fts (messages_fts) VALUES ('delete-all'); DELETE FROM messages; DELETE FROM contacts; DELETE FROM groups;
                 DELETE FROM megolm_inbound; DELETE FROM history_chats;",
            )
            .map_err(|e| StoreError::from_sqlite(&path, e))?;
        }
        tx.execute("DELETE FROM settings WHERE key = ?1", [KEPT_ACCOUNT])
            .map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))
    }
}
