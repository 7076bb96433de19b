//! The database key in the real OS keychain (on Linux: gnome-keyring through the Secret Service,
//! run by scripts/test under dbus-run-session).

mod common;

use tandem_client::{KeyStorage, Profile, keychain_has_key};

fn open(dir: &std::path::Path) -> tandem_client::Result<Profile> {
    Profile::open(dir, KeyStorage::Keychain)
}

#[test]
fn the_database_key_lives_in_the_keychain_and_goes_with_logout() {
    let dir = tempfile::tempdir().unwrap();
    let profile = open(dir.path())
        .unwrap_or_else(|e| panic!("{e}\n(run the tests through scripts/test, which starts gnome-keyring)"));
    let id = profile.profile_id().to_owned();
    assert!(keychain_has_key(&id).unwrap());
    assert!(!dir.path().join("keys").exists(), "no key file next to the database");
    drop(profile);

    // Reopening finds the same key (the database opens).
    let profile = open(dir.path()).unwrap();
    assert_eq!(profile.profile_id(), id);
    profile.wipe().unwrap();
    assert!(!keychain_has_key(&id).unwrap());
    assert!(!dir.path().join("tandem.db").exists());
}

#[test]
fn a_database_whose_key_vanished_from_the_keychain_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let profile = open(dir.path()).unwrap();
    let id = profile.profile_id().to_owned();
    drop(profile);
    let before = std::fs::read(dir.path().join("tandem.db")).unwrap();
    // Someone removed the entry (or the keychain was reset).
    keyring_core::Entry::new(tandem_client::KEYCHAIN_SERVICE, &format!("db-key:{id}"))
        .unwrap()
        .delete_credential()
        .unwrap();
    let err = open(dir.path()).err().expect("opened without its key");
    assert_eq!(err.code(), "key_missing");
    assert!(err.to_string().contains("link this device again"), "{err}");
    assert_eq!(std::fs::read(dir.path().join("tandem.db")).unwrap(), before);
    assert!(!keychain_has_key(&id).unwrap(), "no new key was made up for the old database");
}
