//! Tandem's client-side store: one SQLCipher-encrypted SQLite file per device profile.
//!
//! Invariant: this crate is the only place on the client with SQL. The database key (32 bytes)
//! comes from the caller: the desktop keeps it in the OS keychain, `tandem-cli` in an owner-only
//! file. Every secret the device holds (its vodozemac account) lives inside this encrypted file.

mod appstate;
mod device_lists;
mod error;
mod groups;
mod history;
mod history_export;
mod identity;
mod media;
mod messages;
mod relink;
mod search;
mod settings;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};
use zeroize::Zeroizing;

pub use appstate::AppState;
pub use device_lists::{StoredDeviceList, StoredIdentity};
pub use error::StoreError;
pub use groups::{GroupStateUpdate, InboundGroupSession, OutboundGroupSession};
pub use history::{HistoryChatRow, HistoryChunkRow, HistoryTotals, NewHistoryChunk};
pub use identity::{LocalIdentity, Role};
pub use media::MediaRow;
pub use messages::{ReceiptUpdate, Received, SessionUpdate, StoredMessage};
pub use relink::KeptHistory;
pub use search::{SearchHit, fts_query};

const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_init.sql")),
    M::up(include_str!("migrations/0002_messages.sql")),
    M::up(include_str!("migrations/0003_groups.sql")),
    M::up(include_str!("migrations/0004_appstate.sql")),
    M::up(include_str!("migrations/0005_history.sql")),
    M::up(include_str!("migrations/0006_search.sql")),
    M::up(include_str!("migrations/0007_history_requests.sql")),
    M::up(include_str!("migrations/0008_media.sql")),
    M::up(include_str!("migrations/0009_chat_list.sql")),
    M::up(include_str!("migrations/0010_sender_dedup.sql")),
    M::up(include_str!("migrations/0011_forget_history_keys.sql")),
    M::up(include_str!("migrations/0012_group_members.sql")),
];

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// SQLite page cache sizes (negative: KiB).
const IDLE_CACHE_KIB: i64 = -8192;
const BULK_CACHE_KIB: i64 = -65536;

impl Store {
    /// Bulk work (a history import, seeding) with a 64 MiB page cache, which it otherwise
    /// spends re-reading (and re-decrypting) index pages; `false` returns to 8 MiB and frees
    /// the rest, so an idle app stays small.
    pub fn set_bulk(&self, bulk: bool) -> Result<(), StoreError> {
        let size = if bulk { BULK_CACHE_KIB } else { IDLE_CACHE_KIB };
        self.conn.pragma_update(None, "cache_size", size).map_err(|e| self.err(e))
    }

    /// Opens (or creates) the encrypted database at `path` with `key`.
    pub fn open(path: &Path, key: &[u8; 32]) -> Result<Self, StoreError> {
        let mut conn = Connection::open(path).map_err(|e| StoreError::from_sqlite(path, e))?;
        let hex = Zeroizing::new(key.iter().map(|b| format!("{b:02x}")).collect::<String>());
        // SQLCipher raw-key form: no key derivation, the 32 bytes are the key.
        let pragma = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex.as_str()));
        conn.execute_batch(&pragma).map_err(|e| StoreError::from_sqlite(path, e))?;
        // The first read is where a wrong key or a damaged file shows.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
            .map_err(|_| StoreError::Unreadable(path.to_owned()))?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| StoreError::from_sqlite(path, e))?;
        // Every commit waits for the disk, except received envelopes (see `commit_received`).
        conn.pragma_update(None, "synchronous", "FULL").map_err(|e| StoreError::from_sqlite(path, e))?;
        // A small page cache while the app idles; bulk work takes a large one (`set_bulk`).
        conn.pragma_update(None, "cache_size", IDLE_CACHE_KIB).map_err(|e| StoreError::from_sqlite(path, e))?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(|e| StoreError::from_sqlite(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(|e| StoreError::from_sqlite(path, e))?;
        Migrations::from_slice(MIGRATIONS).to_latest(&mut conn).map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(Store { conn, path: path.to_owned() })
    }

    /// An empty database in memory, holding nothing: what a device keeps open after it wiped
    /// its files (logged out), until it is dropped.
    pub fn in_memory() -> Result<Self, StoreError> {
        let path = Path::new(":memory:");
        let mut conn = Connection::open_in_memory().map_err(|e| StoreError::from_sqlite(path, e))?;
        Migrations::from_slice(MIGRATIONS).to_latest(&mut conn).map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(Store { conn, path: path.to_owned() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(&self.path, e)
    }
}

#[cfg(test)]
mod tests;
