//! The desktop's behaviour (what the window shows), without the window: linking by QR, the
//! linked screen, and staying linked across restarts. The key is in the real keychain.

mod common;

use common::{Actor, TestRelay, wait_for_view};
use tandem_client::KeyStorage;
use tandem_client::desktop::{DesktopApp, DesktopConfig, LinkPhase, Screen};

fn config(relay: &str, dir: &std::path::Path) -> DesktopConfig {
    DesktopConfig {
        relay_url: relay.to_owned(),
        profile_dir: dir.to_owned(),
        device_name: "alice_desktop".into(),
        key_storage: KeyStorage::Keychain,
        app_version: "0.0.0-test".into(),
    }
}

#[test]
fn alice_desktop_links_by_qr_and_stays_linked_after_a_restart() {
    let profile = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (relay, alice_phone_actor, account) = runtime.block_on(async {
        let relay = TestRelay::start().await;
        let alice_phone_actor = Actor::new("alice_phone");
        let alice_phone = alice_phone_actor.create_phone(&relay.url()).await;
        let app = DesktopApp::start(config(&relay.url(), profile.path()));
        let mut views = app.watch();
        let linking = wait_for_view(&mut views, "a QR code shows", |v| v.screen == Screen::Linking).await;
        let shown = linking.linking.unwrap();
        assert_eq!((shown.code_number, shown.max_codes), (1, 6));
        assert!(shown.qr_data_url.starts_with("data:image/svg+xml;base64,"));

        let pending = alice_phone.begin_link(&shown.uri).await.unwrap();
        assert_eq!(pending.verification_code(), shown.code, "phone and desktop show the same code");
        wait_for_view(&mut views, "approval is awaited", |v| {
            v.linking.as_ref().is_some_and(|l| l.phase == LinkPhase::WaitingForApproval)
        })
        .await;
        pending.approve().await.unwrap();
        let linked = wait_for_view(&mut views, "the linked screen shows", |v| v.screen == Screen::Linked).await;
        let linked = linked.linked.unwrap();
        assert_eq!(linked.device_name, "alice_desktop");
        assert_eq!(
            linked.devices.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
            ["alice_phone", "alice_desktop"]
        );
        wait_for_view(&mut views, "it is online", |v| v.connection.state == "online").await;
        (relay, alice_phone_actor, linked.account_id)
    });
    drop(runtime); // the app stops, as when the window closes

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let app = DesktopApp::start(config(&relay.url(), profile.path()));
        let mut views = app.watch();
        let view = wait_for_view(&mut views, "it leaves the start screen", |v| v.screen != Screen::Starting).await;
        assert_eq!(view.screen, Screen::Linked, "a restart stays linked, without a QR code");
        assert_eq!(view.linked.unwrap().account_id, account);
        drop(alice_phone_actor);
    });
}

#[test]
fn an_unreachable_relay_shows_offline_with_a_retry_time() {
    let profile = tempfile::tempdir().unwrap();
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let app = DesktopApp::start(config(&format!("http://{addr}"), profile.path()));
        let mut views = app.watch();
        let view =
            wait_for_view(&mut views, "the relay is reported offline", |v| v.connection.state == "offline").await;
        assert!(view.connection.retry_at_ms.is_some());
        assert!(view.connection.message.unwrap().contains("cannot reach the relay"));
    });
}

/// The database key vanished from the keychain (a reset keychain, a copied profile): the window
/// says what happened instead of "can't start" behind a connecting banner, deletes nothing on
/// its own, and on the user's "Link again" deletes the unreadable database and shows a QR code.
#[test]
fn alice_desktop_whose_key_vanished_offers_to_link_again_and_deletes_only_on_her_word() {
    let profile = tempfile::tempdir().unwrap();
    let first = tandem_client::Profile::open(profile.path(), KeyStorage::Keychain).unwrap();
    let id = first.profile_id().to_owned();
    drop(first);
    keyring_core::Entry::new(tandem_client::KEYCHAIN_SERVICE, &format!("db-key:{id}"))
        .unwrap()
        .delete_credential()
        .unwrap();
    let db = profile.path().join("tandem.db");
    let before = std::fs::read(&db).unwrap();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let relay = TestRelay::start().await;
        let app = DesktopApp::start(config(&relay.url(), profile.path()));
        let mut views = app.watch();
        let view = wait_for_view(&mut views, "the window says the key is gone", |v| v.screen == Screen::Fatal).await;
        let error = view.error.unwrap();
        assert_eq!(error.code, "key_missing");
        assert!(error.message.contains("link this device again"), "{}", error.message);
        assert_eq!(std::fs::read(&db).unwrap(), before, "nothing is deleted before the user chooses");

        app.relink_after_key_loss().unwrap();
        let view = wait_for_view(&mut views, "a QR code shows", |v| v.screen == Screen::Linking).await;
        assert!(view.error.is_none());
        assert_ne!(std::fs::read(&db).ok(), Some(before), "the unreadable database is gone");
        let new_id = std::fs::read_to_string(profile.path().join("profile-id")).unwrap_or_default();
        assert_ne!(new_id.trim(), id, "the new database is filed under a new keychain entry");

        // "Link again" means nothing once the data is readable: refused, nothing deleted.
        let refused = app.relink_after_key_loss().unwrap_err();
        assert_eq!(refused.code, "not_applicable");
    });
}
