//! Without a keychain the desktop refuses to start, says how to fix it, and never writes the key
//! to a file instead. (Its own test binary: it points this process at a bus that does not exist.)

use tandem_client::{KeyStorage, Profile};

#[test]
fn no_keychain_means_a_clear_error_and_no_plaintext_key() {
    // SAFETY: this test binary has a single test, so no other thread reads the environment.
    unsafe {
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/tandem-test-bus");
    }
    let dir = tempfile::tempdir().unwrap();
    let err = Profile::open(dir.path(), KeyStorage::Keychain).err().expect("opened without a keychain");
    assert_eq!(err.code(), "keychain_unavailable", "{err}");
    assert!(err.to_string().contains("GNOME Keyring"), "{err}");
    assert!(!dir.path().join("keys").exists());
    assert!(!dir.path().join("tandem.db").exists());
}
