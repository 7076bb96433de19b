//! The relay's SQLite database. All of the relay's SQL lives under this module.

mod accounts;
mod appstate;
mod auth;
mod blobs;
mod blocks;
mod keys;
mod lifecycle;
mod links;
mod mailbox;
mod media;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

pub use accounts::{DeviceRow, NewDevice};
pub use links::LinkRow;
pub use mailbox::{MAILBOX_KEEP_MS, Quota};

pub fn keys_limit() -> u32 {
    keys::MAX_STORED_ONE_TIME_KEYS
}

use crate::RelayError;

const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_init.sql")),
    M::up(include_str!("migrations/0002_mailboxes.sql")),
    M::up(include_str!("migrations/0003_lifecycle.sql")),
    M::up(include_str!("migrations/0004_appstate.sql")),
    M::up(include_str!("migrations/0005_capabilities.sql")),
    M::up(include_str!("migrations/0006_blobs.sql")),
    M::up(include_str!("migrations/0007_media.sql")),
    M::up(include_str!("migrations/0008_envelope_ids.sql")),
    M::up(include_str!("migrations/0009_signed_logouts.sql")),
    M::up(include_str!("migrations/0010_blocks.sql")),
    M::up(include_str!("migrations/0011_limits.sql")),
];

/// One connection behind a mutex: every operation is a short transaction, never held across an await.
#[derive(Clone)]
pub struct Db(Arc<Mutex<Connection>>);

impl Db {
    pub fn open(path: &Path) -> Result<Self, RelayError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a message is on disk before the sender is told it was accepted (with NORMAL, a
        // power cut could lose the last commits after the sender saw "sent").
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Migrations::from_slice(MIGRATIONS).to_latest(&mut conn)?;
        Ok(Db(Arc::new(Mutex::new(conn))))
    }

    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-applied transaction (SQLite rolls it
        // back), so a poisoned lock is safe to reuse.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(Migrations::from_slice(MIGRATIONS).validate().is_ok());
    }
}
