//! Synced settings across alice's phone, desktop and laptop on a real relay; and a relay that
//! drops, reorders, replays or alters patches, which every device detects and recovers from.

mod common;

use common::{Actor, TestRelay, link};
use rusqlite::params;
use tandem_client::{ChatAction, Device};

struct Alice {
    relay: TestRelay,
    phone: Device,
    desktop: Device,
    laptop: Device,
    bob: String,
    carol: String,
    _actors: Vec<Actor>,
}

async fn alice() -> Alice {
    let relay = TestRelay::start().await;
    let url = relay.url();
    let actors = vec![Actor::new("alice_phone"), Actor::new("alice_desktop"), Actor::new("alice_laptop")];
    let phone = actors[0].create_phone(&url).await;
    let desktop = link(&phone, &actors[1], &url).await;
    let laptop = link(&phone, &actors[2], &url).await;
    // The key for synced settings came from the phone with the first sync.
    desktop.sync().await.unwrap();
    laptop.sync().await.unwrap();
    let bob = Actor::new("bob_phone").create_phone(&url).await.info().account_id.unwrap().to_string();
    let carol = Actor::new("carol_phone").create_phone(&url).await.info().account_id.unwrap().to_string();
    Alice { relay, phone, desktop, laptop, bob, carol, _actors: actors }
}

fn relay_db(relay: &TestRelay) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(relay.data.path().join("relay.sqlite3")).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    conn
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_pin_mute_and_names_set_on_one_device_show_on_the_others() {
    let a = alice().await;
    a.desktop.chat_action(&a.bob, ChatAction::Archive).await.unwrap();
    a.laptop.chat_action(&a.carol, ChatAction::Pin).await.unwrap();
    a.phone.chat_action(&a.carol, ChatAction::Mute(None)).await.unwrap();
    a.desktop.set_contact_name(&a.bob, "Bob (climbing)").await.unwrap();
    for device in [&a.phone, &a.desktop, &a.laptop] {
        let synced = device.sync_app_state().await.unwrap();
        assert_eq!(synced.version, 4);
        assert!(synced.recovered.is_none());
        let bob = device.chat_settings(&a.bob).unwrap();
        let carol = device.chat_settings(&a.carol).unwrap();
        assert!(bob.archived && !bob.pinned && bob.muted_until_ms.is_none());
        assert!(carol.pinned && !carol.archived && carol.muted_until_ms == Some(u64::MAX));
        assert_eq!(device.contact_name(&a.bob).unwrap().as_deref(), Some("Bob (climbing)"));
    }
    // Undo on another device.
    a.phone.chat_action(&a.bob, ChatAction::Unarchive).await.unwrap();
    a.laptop.sync_app_state().await.unwrap();
    assert!(!a.laptop.chat_settings(&a.bob).unwrap().archived);
    // A mute with an end is over once the end has passed.
    a.laptop.chat_action(&a.bob, ChatAction::Mute(Some(1))).await.unwrap();
    assert_eq!(a.laptop.chat_settings(&a.bob).unwrap().muted_until_ms, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_writing_at_once_both_land() {
    let a = alice().await;
    let (first, second) = tokio::join!(
        a.desktop.chat_action(&a.bob, ChatAction::Archive),
        a.laptop.chat_action(&a.carol, ChatAction::Archive)
    );
    first.unwrap();
    second.unwrap();
    a.phone.sync_app_state().await.unwrap();
    assert!(a.phone.chat_settings(&a.bob).unwrap().archived && a.phone.chat_settings(&a.carol).unwrap().archived);
}

/// Three patches from the desktop; the laptop has applied none of them yet.
async fn three_patches(a: &Alice) {
    a.desktop.chat_action(&a.bob, ChatAction::Archive).await.unwrap();
    a.desktop.chat_action(&a.carol, ChatAction::Pin).await.unwrap();
    a.desktop.chat_action(&a.bob, ChatAction::Mute(None)).await.unwrap();
}

fn assert_recovered(a: &Alice, synced: &tandem_client::AppStateSync, what: &str) {
    let why = synced.recovered.as_deref().unwrap_or_else(|| panic!("{what}: not detected"));
    assert!(why.contains("restored from a snapshot"), "{what}: {why}");
    let bob = a.laptop.chat_settings(&a.bob).unwrap();
    assert!(bob.archived && bob.muted_until_ms.is_some() && a.laptop.chat_settings(&a.carol).unwrap().pinned, "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_drops_a_patch_is_detected_and_the_laptop_recovers() {
    let a = alice().await;
    three_patches(&a).await;
    relay_db(&a.relay).execute("DELETE FROM appstate_patches WHERE version = 2", []).unwrap();
    let synced = a.laptop.sync_app_state().await.unwrap();
    assert!(synced.recovered.as_deref().unwrap().contains("version 2 is missing"));
    assert_recovered(&a, &synced, "a dropped patch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_reorders_patches_is_detected_and_the_laptop_recovers() {
    let a = alice().await;
    three_patches(&a).await;
    let db = relay_db(&a.relay);
    db.execute_batch(
        "UPDATE appstate_patches SET version = 100 WHERE version = 2;
         UPDATE appstate_patches SET version = 2 WHERE version = 3;
         UPDATE appstate_patches SET version = 3 WHERE version = 100;",
    )
    .unwrap();
    let synced = a.laptop.sync_app_state().await.unwrap();
    assert!(synced.recovered.as_deref().unwrap().contains("does not authenticate"));
    assert_recovered(&a, &synced, "reordered patches");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_replays_or_alters_a_patch_is_detected_and_the_laptop_recovers() {
    let a = alice().await;
    three_patches(&a).await;
    // Replay: version 1's sealed patch served again as version 3.
    let db = relay_db(&a.relay);
    db.execute(
        "UPDATE appstate_patches SET sealed = (SELECT sealed FROM appstate_patches WHERE version = 1) WHERE version = 3",
        params![],
    )
    .unwrap();
    let synced = a.laptop.sync_app_state().await.unwrap();
    assert_recovered(&a, &synced, "a replayed patch");

    // Altered: one bit of the phone's view of the next patch.
    a.desktop.chat_action(&a.carol, ChatAction::Archive).await.unwrap();
    db.execute("UPDATE appstate_patches SET sealed = CAST(sealed || x'00' AS BLOB) WHERE version = 4", params![])
        .unwrap();
    let synced = a.phone.sync_app_state().await.unwrap();
    assert!(synced.recovered.is_some(), "an altered patch");
    assert!(a.phone.chat_settings(&a.carol).unwrap().archived);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_also_spoils_the_snapshot_gets_a_clear_error_and_nothing_is_unlinked() {
    let a = alice().await;
    three_patches(&a).await;
    let db = relay_db(&a.relay);
    db.execute("DELETE FROM appstate_patches WHERE version = 2", []).unwrap();
    db.execute("UPDATE appstate_snapshots SET sealed = CAST(sealed || x'00' AS BLOB)", []).unwrap();
    let err = a.laptop.sync_app_state().await.unwrap_err();
    assert_eq!(err.code(), "app_state_tampered", "{err}");
    // The laptop keeps its last good state (version 1 applied, nothing after the gap) and stays linked.
    assert!(a.laptop.chat_settings(&a.bob).unwrap().archived);
    assert!(!a.laptop.chat_settings(&a.carol).unwrap().pinned);
    a.laptop.sync().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archiving_in_the_desktop_window_archives_on_the_phone() {
    use common::{desktop_config, link_window, wait_for_view};
    use tandem_client::KeyStorage;
    use tandem_client::desktop::DesktopApp;

    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let bob = Actor::new("bob_phone").create_phone(&relay.url()).await.info().account_id.unwrap().to_string();
    let profile = tempfile::tempdir().unwrap();
    let app = DesktopApp::start(desktop_config(&relay.url(), profile.path(), "alice_desktop", KeyStorage::File));
    let mut views = app.watch();
    link_window(&mut views, &alice_phone).await;
    wait_for_view(&mut views, "the settings key arrived", |v| v.linked.as_ref().is_some_and(|l| l.settings_ready))
        .await;
    app.add_contact(&bob).await.unwrap();
    app.chat_action(&bob, "archive").await.unwrap();
    let view = wait_for_view(&mut views, "the chat shows archived", |v| {
        v.linked.as_ref().is_some_and(|l| l.chats.iter().any(|c| c.chat_id == bob && c.archived))
    })
    .await;
    assert!(view.linked.unwrap().open_chat.unwrap().archived);
    alice_phone.sync_app_state().await.unwrap();
    assert!(alice_phone.chat_settings(&bob).unwrap().archived);
    assert_eq!(app.chat_action(&bob, "shred").await.unwrap_err().code, "invalid_data");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_marks_unread_marks_and_the_profile_name_follow_the_account() {
    let relay = TestRelay::start().await;
    let url = relay.url();
    let actors = [Actor::new("alice_phone"), Actor::new("alice_desktop"), Actor::new("alice_laptop")];
    let alice_phone = actors[0].create_phone(&url).await;
    let alice_desktop = link(&alice_phone, &actors[1], &url).await;
    let alice_laptop = link(&alice_phone, &actors[2], &url).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&url).await;
    let alice = alice_phone.info().account_id.unwrap().to_string();
    let bob = bob_phone.info().account_id.unwrap().to_string();
    bob_phone.add_contact(&alice).await.unwrap();
    bob_phone.send_text(&alice, "one").await.unwrap();
    bob_phone.send_text(&alice, "two").await.unwrap();
    for device in [&alice_phone, &alice_desktop, &alice_laptop] {
        device.sync().await.unwrap();
    }
    let unread = |d: &Device| d.chat_list().unwrap().iter().find(|c| c.chat_id == bob).map_or(0, |c| c.unread);
    assert_eq!(unread(&alice_laptop), 2);

    // Read on the desktop: the laptop learns it from the synced read mark alone (its mailbox,
    // which also holds the desktop's read receipt, is not even fetched).
    assert_eq!(alice_desktop.mark_read(&bob).await.unwrap(), 2);
    alice_laptop.sync_app_state().await.unwrap();
    assert_eq!(unread(&alice_laptop), 0);

    // "Mark as unread" on the laptop shows on the phone; reading it on the phone clears it everywhere.
    alice_laptop.chat_action(&bob, ChatAction::MarkUnread).await.unwrap();
    alice_phone.sync_app_state().await.unwrap();
    assert!(alice_phone.chat_settings(&bob).unwrap().marked_unread);
    alice_phone.sync().await.unwrap();
    alice_phone.mark_read(&bob).await.unwrap();
    alice_laptop.sync_app_state().await.unwrap();
    assert!(!alice_laptop.chat_settings(&bob).unwrap().marked_unread);

    // The profile name, set on the desktop, is the phone's and the laptop's too.
    alice_desktop.set_profile_name("Alice Liddell").await.unwrap();
    for device in [&alice_phone, &alice_laptop] {
        device.sync_app_state().await.unwrap();
        assert_eq!(device.profile_name().unwrap().as_deref(), Some("Alice Liddell"));
    }
}
