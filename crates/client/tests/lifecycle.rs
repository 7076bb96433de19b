//! A linked device's life on a real relay: the phone logs a desktop out (it wipes itself and
//! shows linking again), a companion logs itself out, and the inactivity rules, driven by the
//! relay's injected clock instead of by waiting.

mod common;

use common::{Actor, TestRelay, desktop_config, link, link_window, next_code, wait_for_view};
use tandem_client::desktop::{DesktopApp, Screen};
use tandem_client::{ClientError, HistoryScope, KeyStorage, LogoutReason, keychain_has_key, logged_out_note};

const DAY_SECS: u64 = 24 * 3600;

fn logged_out(result: tandem_client::Result<impl std::fmt::Debug>) -> LogoutReason {
    match result {
        Err(ClientError::LoggedOut(reason)) => reason,
        other => panic!("expected logged_out, got {other:?}"),
    }
}

/// The relay's word alone (no signed list without the device): the companion locks itself.
fn locked(result: tandem_client::Result<impl std::fmt::Debug>) -> LogoutReason {
    match result {
        Err(ClientError::Locked(reason)) => reason,
        other => panic!("expected profile_locked, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_logs_alice_desktop_out_and_it_wipes_itself_and_shows_linking_again() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&relay.url()).await;
    let alice = alice_phone.info().account_id.unwrap();
    let profile = tempfile::tempdir().unwrap();
    let app = DesktopApp::start(desktop_config(&relay.url(), profile.path(), "alice_desktop", KeyStorage::Keychain));
    let mut views = app.watch();
    let linked = link_window(&mut views, &alice_phone).await;
    let desktop_id = linked.linked.unwrap().device_id;
    bob_phone.add_contact(alice.as_str()).await.unwrap(); // bob knows both of alice's devices
    let profile_id = std::fs::read_to_string(profile.path().join("profile-id")).unwrap().trim().to_owned();
    // The keychain API blocks: ask it off the async workers.
    let has_key = |id: String| tokio::task::spawn_blocking(move || keychain_has_key(&id).unwrap());
    assert!(has_key(profile_id.clone()).await.unwrap());

    alice_phone.unlink(desktop_id).await.unwrap();
    // Told at once over its push channel: wiped, and the linking screen says why.
    let view = wait_for_view(&mut views, "the linking screen again", |v| {
        v.screen == Screen::Linking && v.logged_out.is_some()
    })
    .await;
    assert!(view.logged_out.unwrap().contains("logged out from the phone"));
    assert!(view.linked.is_none());
    assert!(!has_key(profile_id.clone()).await.unwrap(), "the old keychain entry is gone");
    assert_eq!(logged_out_note(profile.path()).unwrap().reason, LogoutReason::Unlinked);
    let devices = alice_phone.devices().unwrap();
    assert!(devices.devices.iter().all(|d| d.device_id != desktop_id));
    // bob sees alice's devices change in the chat, and his next message leaves the desktop out.
    bob_phone.send_text(alice.as_str(), "still there?").await.unwrap();
    let chat = bob_phone.messages(alice.as_str()).unwrap();
    assert!(chat.iter().any(|m| m.state == "event" && m.body.contains("removed 1 device")), "{chat:?}");
    assert_eq!(alice_phone.sync().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_companion_that_logs_itself_out_is_dropped_and_left_out_of_sends_at_once() {
    let relay = TestRelay::start().await;
    let url = relay.url();
    let (alice_phone_actor, alice_laptop_actor) = (Actor::new("alice_phone"), Actor::new("alice_laptop"));
    let alice_phone = alice_phone_actor.create_phone(&url).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&url).await;
    let alice_laptop = link(&alice_phone, &alice_laptop_actor, &url).await;
    let alice = alice_phone.info().account_id.unwrap();
    bob_phone.add_contact(alice.as_str()).await.unwrap();

    let note = alice_laptop.log_out().await.unwrap();
    assert_eq!(note.reason, LogoutReason::SelfLogout);
    assert!(!alice_laptop_actor.home.path().join("tandem.db").exists(), "the database is deleted");
    // Before the phone comes online, senders already leave the laptop out.
    bob_phone.send_text(alice.as_str(), "hi").await.unwrap();
    // The phone, once online, publishes a list without it.
    let devices = alice_phone.refresh_devices().await.unwrap();
    assert_eq!(devices.devices.len(), 1);
    assert_eq!(alice_phone.sync().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn companions_warn_from_day_10_and_are_logged_out_after_day_14_without_the_phone() {
    let relay = TestRelay::with_manual_clock().await;
    let url = relay.url();
    let alice_phone = Actor::new("alice_phone").create_phone(&url).await;
    let desktop_actor = Actor::new("alice_desktop");
    let alice_desktop = link(&alice_phone, &desktop_actor, &url).await;
    assert_eq!(alice_desktop.inactivity_warning().await.unwrap(), None);

    relay.advance_secs(9 * DAY_SECS);
    assert_eq!(alice_desktop.inactivity_warning().await.unwrap(), None, "no warning before day 10");
    relay.advance_secs(DAY_SECS + 60);
    let warning = alice_desktop.inactivity_warning().await.unwrap().expect("a warning from day 10");
    assert_eq!(warning.logout_at_ms, relay.now_ms() - (10 * DAY_SECS + 60) * 1000 + 14 * DAY_SECS * 1000);
    assert!(warning.message.contains("in 4 day(s)"), "{}", warning.message);

    relay.advance_secs(4 * DAY_SECS);
    // Nothing the phone signed says so: the desktop locks, and deletes nothing.
    assert_eq!(locked(alice_desktop.sync().await), LogoutReason::PhoneInactive);
    assert!(desktop_actor.home.path().join("tandem.db").exists());
    assert_eq!(alice_desktop.locked().unwrap().reason, LogoutReason::PhoneInactive);
    // Its user chooses to link it again: the messages are kept for a gap-only re-link.
    let note = alice_desktop.relink_locked().unwrap();
    assert!(note.message.contains("not online for 14 days"));
    assert!(note.message.contains("kept"), "it keeps its messages: {}", note.message);
    assert!(alice_desktop.locked().is_none());
    // The phone, back after 14 days, signs no list on the relay's word: its user unlinks.
    assert_eq!(alice_phone.refresh_devices().await.unwrap().devices.len(), 2);
    alice_phone.unlink(alice_desktop.info().device_id.unwrap_or(1)).await.unwrap();
    assert_eq!(alice_phone.refresh_devices().await.unwrap().devices.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_companion_unused_for_30_days_is_locked_and_left_out_but_stays_listed_until_the_user_unlinks_it() {
    let relay = TestRelay::with_manual_clock().await;
    let url = relay.url();
    let alice_phone = Actor::new("alice_phone").create_phone(&url).await;
    let (old_actor, new_actor) = (Actor::new("alice_old_laptop"), Actor::new("alice_desktop"));
    let alice_old_laptop = link(&alice_phone, &old_actor, &url).await;
    let alice_desktop = link(&alice_phone, &new_actor, &url).await;
    // The phone and the desktop are used every week; the old laptop never again.
    for _ in 0..4 {
        relay.advance_secs(7 * DAY_SECS);
        alice_desktop.sync().await.unwrap();
        assert_eq!(alice_phone.refresh_devices().await.unwrap().devices.len(), 3);
    }
    relay.advance_secs(3 * DAY_SECS); // 31 days
    // The relay's "inactive" is unsigned: the list stays, the laptop is only left out of sends.
    let devices = alice_phone.refresh_devices().await.unwrap();
    assert_eq!(devices.devices.len(), 3);
    assert_eq!(locked(alice_old_laptop.sync().await), LogoutReason::CompanionInactive);
    assert!(old_actor.home.path().join("tandem.db").exists(), "nothing deleted on the relay's word");
    // The user removes it on the phone; the laptop, shown that signed list, wipes itself.
    let laptop_id = devices.devices.iter().find(|d| d.name == "alice_old_laptop").unwrap().device_id;
    alice_phone.unlink(laptop_id).await.unwrap();
    let devices = alice_phone.refresh_devices().await.unwrap();
    let names: Vec<&str> = devices.devices.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["alice_phone", "alice_desktop"]);
    assert_eq!(logged_out(alice_old_laptop.sync().await), LogoutReason::CompanionInactive);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desktop_logged_out_for_inactivity_keeps_its_history_and_fetches_only_the_gap() {
    let relay = TestRelay::with_manual_clock().await;
    let url = relay.url();
    let alice_phone = Actor::new("alice_phone").create_phone(&url).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&url).await;
    let (alice, bob) = (alice_phone.info().account_id.unwrap(), bob_phone.info().account_id.unwrap());
    alice_phone.seed_history(tandem_client::SeedSpec { chats: 2, messages_per_chat: 50, days: 30, seed: 3 }).unwrap();
    let desktop_actor = Actor::new("alice_desktop");
    let alice_desktop = link(&alice_phone, &desktop_actor, &url).await;
    let first =
        relink_history(&alice_phone, alice_desktop.info().device_id.unwrap(), HistoryScope::Range { days: None });
    assert_eq!(first.await, 100);
    bob_phone.add_contact(alice.as_str()).await.unwrap();
    for i in 0..3 {
        bob_phone.send_text(alice.as_str(), &format!("before {i}")).await.unwrap();
    }
    alice_phone.sync().await.unwrap();
    alice_desktop.sync().await.unwrap();
    let held = |d: &tandem_client::Device| d.message_count().unwrap();
    assert_eq!(held(&alice_desktop), 103);

    // The phone stays away 14 days: the desktop is logged out, and keeps its messages.
    relay.advance_secs(14 * DAY_SECS + 60);
    assert_eq!(locked(alice_desktop.sync().await), LogoutReason::PhoneInactive);
    let desktop_id = alice_desktop.info().device_id.unwrap();
    alice_desktop.relink_locked().unwrap(); // its user chooses "Link again"
    drop(alice_desktop);
    let note = logged_out_note(desktop_actor.home.path()).unwrap();
    assert_eq!(note.kept_messages, Some(103));
    assert!(desktop_actor.home.path().join("tandem.db").exists());
    // Meanwhile bob writes twice more; the phone, back, gets them and drops the desktop.
    for i in 0..2 {
        bob_phone.send_text(alice.as_str(), &format!("during {i}")).await.unwrap();
    }
    alice_phone.sync().await.unwrap();
    alice_phone.unlink(desktop_id).await.unwrap(); // the old entry, which the relay says is gone
    assert_eq!(alice_phone.refresh_devices().await.unwrap().devices.len(), 1);

    // Linked again to the same phone: the phone sees what it kept and sends only the gap (the
    // last hour before its newest kept message, and after).
    let (task, mut progress) = desktop_actor.start_linking(&url);
    let (uri, _, _) = next_code(&mut progress).await;
    let pending = alice_phone.begin_link(&uri).await.unwrap();
    let scope = pending.history_scope(None);
    assert!(matches!(scope, HistoryScope::Gap { .. }), "{scope:?}");
    let linked = pending.approve().await.unwrap();
    let alice_desktop = task.await.unwrap().unwrap();
    let sent = relink_history(&alice_phone, linked.device_id, scope).await;
    assert!(sent < 10, "the gap, not the 105 messages the phone holds: {sent}");
    alice_desktop.sync().await.unwrap();
    assert_eq!(held(&alice_desktop), 105, "the kept 103 and the 2 it missed, each once");
    let texts: Vec<String> = alice_desktop.messages(bob.as_str()).unwrap().into_iter().map(|m| m.body).collect();
    assert!(texts.contains(&"during 1".to_owned()) && texts.contains(&"before 0".to_owned()), "{texts:?}");
    assert!(logged_out_note(desktop_actor.home.path()).is_none() || alice_desktop.is_linked());

    // Linked to another account instead, the kept messages are not that account's: they go.
    alice_desktop.wipe_after_logout(LogoutReason::CompanionInactive).unwrap();
    drop(alice_desktop);
    let carol_phone = Actor::new("carol_phone").create_phone(&url).await;
    let carol_desktop = link(&carol_phone, &desktop_actor, &url).await;
    assert_eq!(held(&carol_desktop), 0);
}

/// The phone sends a companion its history (all chunks); returns how many messages.
async fn relink_history(phone: &tandem_client::Device, device: u32, scope: HistoryScope) -> u64 {
    let first = phone.send_history(device, scope, &mut |_| {}).await.unwrap();
    let mut rest = 0;
    phone.send_pending_history(&mut |p| rest = p.messages).await.unwrap();
    first.messages + rest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relays_unproven_logout_locks_the_window_which_keeps_everything_until_the_user_links_again() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let alice = alice_phone.info().account_id.unwrap();
    let profile = tempfile::tempdir().unwrap();
    let app = DesktopApp::start(desktop_config(&relay.url(), profile.path(), "alice_desktop", KeyStorage::Keychain));
    let mut views = app.watch();
    let linked = link_window(&mut views, &alice_phone).await;
    let desktop_id = linked.linked.unwrap().device_id;
    // The relay (a scripted lie in its own database) claims the desktop was logged out.
    let db = rusqlite::Connection::open(relay.data.path().join("relay.sqlite3")).unwrap();
    db.execute(
        "INSERT INTO logouts (account_id, device_id, reason, at_ms) VALUES (?1, ?2, 'unlinked', 0)",
        rusqlite::params![alice.as_str(), desktop_id],
    )
    .unwrap();
    // The next thing the window asks of the relay (here: sending) meets the claim.
    let bob_phone = Actor::new("bob_phone").create_phone(&relay.url()).await;
    let bob = bob_phone.info().account_id.unwrap();
    let sent = tokio::time::timeout(std::time::Duration::from_secs(30), app.send_message(bob.as_str(), "still there?"))
        .await
        .expect("the send returns");
    assert_eq!(sent.unwrap_err().code, "profile_locked");
    let view = wait_for_view(&mut views, "the Locked screen", |v| v.screen == Screen::Locked).await;
    assert!(view.locked.unwrap().contains("nothing was deleted"));
    assert!(view.linked.is_some(), "the chats are still there to read");
    assert!(profile.path().join("tandem.db").exists());
    // "Keep my data for now": the chats, with the lock said on top.
    app.keep_locked_data();
    let view = wait_for_view(&mut views, "the kept data", |v| v.screen == Screen::Linked).await;
    assert!(view.locked.is_some());
    // "Link again": the linking screen, the messages kept for a gap-only link.
    app.relink_locked().await.unwrap();
    wait_for_view(&mut views, "the linking screen", |v| v.screen == Screen::Linking).await;
    assert!(profile.path().join("tandem.db").exists(), "the messages are kept");
}
