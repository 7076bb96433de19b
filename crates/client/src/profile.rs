//! A device profile: a folder with the encrypted database, opened with the key from its
//! [`KeyStorage`].

use std::path::{Path, PathBuf};

use tandem_store::Store;

use crate::error::{ClientError, Result};
use crate::keychain::{self, KeyStorage, folder_error};

const DB_FILE: &str = "tandem.db";
const PROFILE_ID_FILE: &str = "profile-id";

pub struct Profile {
    pub(crate) dir: PathBuf,
    pub(crate) storage: KeyStorage,
    pub(crate) profile_id: String,
    pub(crate) store: Store,
}

impl Profile {
    /// Opens the profile in `dir`, creating folder, key and database on first use.
    pub fn open(dir: &Path, storage: KeyStorage) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| folder_error(dir, e))?;
        let profile_id = profile_id(dir)?;
        let db_path = dir.join(DB_FILE);
        let key = keychain::load_or_create(&storage, dir, &profile_id, db_path.exists())?;
        let store = Store::open(&db_path, &key)?;
        Ok(Profile { dir: dir.to_owned(), storage, profile_id, store })
    }

    /// Opens a profile that must already hold a database: a folder that was never set up, or
    /// whose device was logged out and wiped, is refused with a coded error, and nothing (no
    /// database, no key) is created in it.
    pub fn open_existing(dir: &Path, storage: KeyStorage) -> Result<Self> {
        if !dir.join(DB_FILE).exists() {
            return Err(match crate::lifecycle::logged_out_note(dir) {
                Some(note) => ClientError::WipedProfile(note.reason),
                None => ClientError::NotSetUp,
            });
        }
        Self::open(dir, storage)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The id under which this profile's key is filed in the keychain.
    pub fn profile_id(&self) -> &str {
        &self.profile_id
    }

    /// Deletes a database that can never be read again because its key is gone from the
    /// keychain: the user chose to link this computer again. It checks first: if the key is
    /// back (the keychain was restored meanwhile), nothing is deleted and this returns false.
    pub fn discard_unreadable(dir: &Path, storage: KeyStorage) -> Result<bool> {
        match Self::open(dir, storage.clone()) {
            Err(ClientError::KeyMissing(_)) => {}
            Ok(_) => return Ok(false),
            Err(e) => return Err(e),
        }
        let profile_id = profile_id(dir)?;
        wipe_files(dir, &storage, &profile_id)?;
        forget_profile_id(dir);
        tracing::info!("the database whose key was lost was deleted, at the user's choice");
        Ok(true)
    }

    /// Logs this device out locally: deletes the database and its key.
    pub fn wipe(self) -> Result<()> {
        let Profile { dir, storage, profile_id, store } = self;
        drop(store);
        wipe_files(&dir, &storage, &profile_id)
    }
}

/// Forgets the profile's id, so the next database is filed under a new keychain entry.
pub(crate) fn forget_profile_id(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(PROFILE_ID_FILE));
}

/// Deletes a profile's database files and its key (the database must be closed).
pub(crate) fn wipe_files(dir: &Path, storage: &KeyStorage, profile_id: &str) -> Result<()> {
    for name in [DB_FILE, "tandem.db-wal", "tandem.db-shm"] {
        match std::fs::remove_file(dir.join(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(folder_error(dir, e)),
        }
    }
    // The keychain API blocks on its own runtime (D-Bus on Linux): run it on a plain thread, so
    // this also works from inside an async task (a logout arrives there).
    std::thread::scope(|scope| {
        scope
            .spawn(|| keychain::delete(storage, dir, profile_id))
            .join()
            .unwrap_or_else(|_| Err(ClientError::Internal("the keychain call failed".into())))
    })
}

/// A random, non-secret id naming this profile's keychain entry, kept in the profile folder.
fn profile_id(dir: &Path) -> Result<String> {
    let path = dir.join(PROFILE_ID_FILE);
    match std::fs::read_to_string(&path) {
        Ok(id) if !id.trim().is_empty() => Ok(id.trim().to_owned()),
        Ok(_) => Err(ClientError::ProfileFolder {
            path: path.display().to_string(),
            reason: "the profile id file is empty".into(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut bytes = [0u8; 12];
            getrandom::fill(&mut bytes).map_err(|e| ClientError::Internal(e.to_string()))?;
            let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            std::fs::write(&path, &id).map_err(|e| folder_error(&path, e))?;
            Ok(id)
        }
        Err(e) => Err(folder_error(&path, e)),
    }
}
