//! The synced settings (see `tandem_proto::appstate`): entries, version, hash, and the key.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};
use tandem_proto::appstate::Mutation;

use crate::{Store, StoreError};

/// The settings as applied on this device.
#[derive(Clone, Debug, Default)]
pub struct AppState {
    pub version: u64,
    pub entries: BTreeMap<String, String>,
    /// The LTHash of `entries` (128 bytes; empty before the first patch).
    pub lthash: Vec<u8>,
}

impl Store {
    pub fn app_state_key(&self) -> Result<Option<[u8; 32]>, StoreError> {
        let key: Option<Option<Vec<u8>>> = self
            .conn
            .query_row("SELECT app_state_key FROM app_state_meta WHERE id = 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(key.flatten().and_then(|k| <[u8; 32]>::try_from(k.as_slice()).ok()))
    }

    /// Keeps the account's app-state key; a key already held is never replaced.
    pub fn set_app_state_key(&mut self, key: &[u8; 32]) -> Result<bool, StoreError> {
        self.conn
            .execute(
                "INSERT INTO app_state_meta (id, version, lthash, app_state_key) VALUES (1, 0, x'', ?1)
                 ON CONFLICT (id) DO UPDATE SET app_state_key = ?1 WHERE app_state_meta.app_state_key IS NULL",
                [key.as_slice()],
            )
            .map(|n| n == 1)
            .map_err(|e| self.err(e))
    }

    /// One synced setting's value, if set (without reading the whole state).
    pub fn app_state_entry(&self, index: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .prepare_cached("SELECT value FROM app_state WHERE idx = ?1")
            .and_then(|mut stmt| stmt.query_row([index], |r| r.get(0)).optional())
            .map_err(|e| self.err(e))
    }

    pub fn app_state(&self) -> Result<AppState, StoreError> {
        let meta: Option<(u64, Vec<u8>)> = self
            .conn
            .query_row("SELECT version, lthash FROM app_state_meta WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(|e| self.err(e))?;
        let (version, lthash) = meta.unwrap_or_default();
        let mut stmt = self.conn.prepare("SELECT idx, value FROM app_state").map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| self.err(e))?;
        let entries = rows.collect::<Result<_, _>>().map_err(|e| self.err(e))?;
        Ok(AppState { version, entries, lthash })
    }

    /// Applies one verified patch: its mutations, the new version and hash, in one transaction.
    pub fn apply_app_state(&mut self, version: u64, mutations: &[Mutation], lthash: &[u8]) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| StoreError::from_sqlite(&path, e))?;
        let run = |tx: &rusqlite::Transaction<'_>| -> rusqlite::Result<()> {
            for m in mutations {
                match m {
                    Mutation::Set { index, value } => tx.execute(
                        "INSERT INTO app_state (idx, value) VALUES (?1, ?2) ON CONFLICT (idx) DO UPDATE SET value = ?2",
                        params![index, value],
                    )?,
                    Mutation::Remove { index } => tx.execute("DELETE FROM app_state WHERE idx = ?1", [index])?,
                };
            }
            set_meta(tx, version, lthash)
        };
        run(&tx).map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))
    }

    /// Replaces the whole state (recovery from a verified snapshot).
    pub fn replace_app_state(&mut self, state: &AppState) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| StoreError::from_sqlite(&path, e))?;
        let run = |tx: &rusqlite::Transaction<'_>| -> rusqlite::Result<()> {
            tx.execute("DELETE FROM app_state", [])?;
            for (index, value) in &state.entries {
                tx.execute("INSERT INTO app_state (idx, value) VALUES (?1, ?2)", params![index, value])?;
            }
            set_meta(tx, state.version, &state.lthash)
        };
        run(&tx).map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))
    }
}

fn set_meta(tx: &rusqlite::Transaction<'_>, version: u64, lthash: &[u8]) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO app_state_meta (id, version, lthash) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET version = ?1, lthash = ?2",
        params![version, lthash],
    )?;
    Ok(())
}
