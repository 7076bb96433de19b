//! UI test of the real tandem-desktop window: the database key vanished from the real keychain
//! (gnome-keyring, under scripts/with-session). The window says what happened (not "can't
//! start" under a connecting banner), and linking again after the user confirms deletes the
//! unreadable data and shows a QR code. Screenshots go to artifacts/.

use tandem_tests::actors::Relay;
use tandem_tests::ui::{Driver, all_testid, click_testid, screenshot, wait_testid};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_desktop_whose_keychain_entry_vanished_offers_to_link_again() {
    let relay = Relay::start();
    let profile = tempfile::tempdir().unwrap();
    let profile_arg = profile.path().to_str().unwrap().to_owned();
    let args = ["--relay", relay.url.as_str(), "--profile", profile_arg.as_str(), "--name", "alice_desktop"];

    let driver = Driver::start();
    let window = driver.launch(&args).await;
    wait_testid(&window, "link-qr").await; // the database and its key exist from here on
    window.close().await.unwrap();
    driver.wait_windows_gone().await;
    let db = profile.path().join("tandem.db");
    let before = std::fs::read(&db).unwrap();

    // The keychain loses the entry (reset, or the folder copied to another computer).
    let id = std::fs::read_to_string(profile.path().join("profile-id")).unwrap().trim().to_owned();
    // The keychain library blocks on a runtime of its own: a plain thread, not this test's.
    std::thread::spawn(move || {
        assert!(tandem_client::keychain_has_key(&id).unwrap(), "the key was in the keychain");
        keyring_core::Entry::new(tandem_client::KEYCHAIN_SERVICE, &format!("db-key:{id}"))
            .unwrap()
            .delete_credential()
            .unwrap();
    })
    .join()
    .unwrap();

    let window = driver.launch(&args).await;
    wait_testid(&window, "screen-key-lost").await;
    assert!(all_testid(&window, "connection").await.is_empty(), "no connecting banner that never goes away");
    screenshot(&window, "ui_key_lost_1_screen").await;
    click_testid(&window, "key-lost-relink").await;
    wait_testid(&window, "key-lost-confirm").await;
    assert_eq!(std::fs::read(&db).unwrap(), before, "nothing deleted before the user confirms");
    click_testid(&window, "key-lost-confirm").await;
    wait_testid(&window, "link-qr").await;
    assert_ne!(std::fs::read(&db).ok(), Some(before), "the unreadable database is gone");
    screenshot(&window, "ui_key_lost_2_linking").await;
    window.close().await.unwrap();
}
