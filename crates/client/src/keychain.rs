//! Where a profile's 32-byte database key lives.
//!
//! - The desktop: the OS keychain (keyring-core with the platform store: Secret Service on Linux,
//!   Keychain on macOS, Credential Manager on Windows). If the keychain is unavailable Tandem stops
//!   with a clear error; it never falls back to a plain file.
//! - `tandem-cli`, a headless tool like signal-cli: an owner-only file inside `--home`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use keyring_core::{Entry, Error as KeyringError};
use zeroize::Zeroizing;

use crate::error::{ClientError, Result};

/// The keychain service name Tandem's entries are filed under.
pub const KEYCHAIN_SERVICE: &str = "dev.tandem.desktop";

#[derive(Clone, Debug)]
pub enum KeyStorage {
    /// In the OS keychain, as the entry `(KEYCHAIN_SERVICE, "db-key:<profile id>")`.
    Keychain,
    /// In `<home>/keys/db.key`, readable by the owner only.
    File,
}

pub(crate) type DbKey = Zeroizing<[u8; 32]>;

fn random_key() -> Result<DbKey> {
    let mut key = Zeroizing::new([0u8; 32]);
    getrandom::fill(key.as_mut()).map_err(|e| ClientError::Internal(format!("no randomness: {e}")))?;
    Ok(key)
}

fn init_keychain() -> Result<()> {
    static READY: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    READY
        .get_or_init(|| {
            #[cfg(target_os = "linux")]
            let store = zbus_secret_service_keyring_store::Store::new();
            #[cfg(target_os = "macos")]
            let store = apple_native_keyring_store::keychain::Store::new();
            #[cfg(target_os = "windows")]
            let store = windows_native_keyring_store::Store::new();
            #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
            let store: std::result::Result<std::sync::Arc<keyring_core::mock::Store>, KeyringError> =
                Err(KeyringError::NotSupportedByStore("this operating system".into()));
            store.map(|s| keyring_core::set_default_store(s)).map_err(|e| e.to_string())
        })
        .clone()
        .map_err(ClientError::KeychainUnavailable)
}

fn keychain_entry(profile_id: &str) -> Result<Entry> {
    init_keychain()?;
    let user = format!("db-key:{profile_id}");
    // Windows: the Credential Manager's default ("Enterprise") roams with a roaming user profile
    // to the user's other machines; this device's key stays on this machine ("Local").
    #[cfg(windows)]
    let entry = Entry::new_with_modifiers(KEYCHAIN_SERVICE, &user, &[("persistence", "Local")].into());
    #[cfg(not(windows))]
    let entry = Entry::new(KEYCHAIN_SERVICE, &user);
    entry.map_err(|e| ClientError::KeychainUnavailable(e.to_string()))
}

fn keychain_error(e: KeyringError) -> ClientError {
    ClientError::KeychainUnavailable(e.to_string())
}

/// Reads the key, or creates it when the profile is new (`db_exists` false).
pub(crate) fn load_or_create(storage: &KeyStorage, dir: &Path, profile_id: &str, db_exists: bool) -> Result<DbKey> {
    match storage {
        KeyStorage::Keychain => {
            let entry = keychain_entry(profile_id)?;
            match entry.get_secret() {
                Ok(secret) => {
                    let secret = Zeroizing::new(secret);
                    let key: [u8; 32] = secret
                        .as_slice()
                        .try_into()
                        .map_err(|_| ClientError::KeyMissing("system keychain (the entry has the wrong length)"))?;
                    Ok(Zeroizing::new(key))
                }
                Err(KeyringError::NoEntry) if db_exists => Err(ClientError::KeyMissing("system keychain")),
                Err(KeyringError::NoEntry) => {
                    let key = random_key()?;
                    entry.set_secret(key.as_slice()).map_err(keychain_error)?;
                    Ok(key)
                }
                Err(e) => Err(keychain_error(e)),
            }
        }
        KeyStorage::File => {
            let path = key_file(dir);
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let bytes = Zeroizing::new(bytes);
                    let key: [u8; 32] =
                        bytes.as_slice().try_into().map_err(|_| ClientError::KeyMissing("key file (wrong length)"))?;
                    Ok(Zeroizing::new(key))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && db_exists => {
                    Err(ClientError::KeyMissing("key file"))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let key = random_key()?;
                    write_private(&path, key.as_slice())?;
                    Ok(key)
                }
                Err(e) => Err(folder_error(&path, e)),
            }
        }
    }
}

/// Removes the key (logging out wipes it together with the database).
pub(crate) fn delete(storage: &KeyStorage, dir: &Path, profile_id: &str) -> Result<()> {
    match storage {
        KeyStorage::Keychain => match keychain_entry(profile_id)?.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(e)),
        },
        KeyStorage::File => match std::fs::remove_file(key_file(dir)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(folder_error(dir, e)),
        },
    }
}

/// True if the keychain holds this profile's key (for tests and diagnostics).
pub fn keychain_has_key(profile_id: &str) -> Result<bool> {
    match keychain_entry(profile_id)?.get_secret() {
        Ok(_) => Ok(true),
        Err(KeyringError::NoEntry) => Ok(false),
        Err(e) => Err(keychain_error(e)),
    }
}

/// The key file of a `KeyStorage::File` profile, and whether only its owner can open it (the
/// file and its folder), if it exists.
pub fn key_file_status(dir: &Path) -> Option<(PathBuf, bool)> {
    let path = key_file(dir);
    let folder = path.parent()?;
    path.exists().then(|| {
        let private = [path.as_path(), folder].iter().all(|p| crate::owner_only::is_restricted(p).unwrap_or(false));
        (path.clone(), private)
    })
}

fn key_file(dir: &Path) -> PathBuf {
    dir.join("keys").join("db.key")
}

pub(crate) fn folder_error(path: &Path, e: std::io::Error) -> ClientError {
    ClientError::ProfileFolder { path: path.display().to_string(), reason: e.to_string() }
}

/// Writes a file only its owner can read (0600 in a 0700 folder on Unix; on Windows a protected
/// ACL naming only the current user, on the file and its folder: see `owner_only`).
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let parent = path.parent().unwrap_or(Path::new("."));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(parent).map_err(|e| folder_error(parent, e))?;
    // Windows: the folder's and the file's ACLs (there are no mode bits); no-ops on Unix, whose
    // modes were set at creation.
    #[cfg(windows)]
    crate::owner_only::restrict(parent).map_err(|e| folder_error(parent, e))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| folder_error(path, e))?;
    // Set while the file is still empty, before the key is written.
    #[cfg(windows)]
    crate::owner_only::restrict(path).map_err(|e| folder_error(path, e))?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|e| folder_error(path, e))
}
