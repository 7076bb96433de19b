//! The open chat's window of messages: the view holds at most 200; the list scrolls through a
//! long chat by moving the window, and a search result opens the chat around that message.

mod common;

use common::{Actor, TestRelay, approve_with_history, desktop_config, start_desktop, wait_for_view};
use tandem_client::desktop::{DesktopApp, OpenChat, Screen};
use tandem_client::{KeyStorage, SeedSpec};

fn open(app: &DesktopApp) -> OpenChat {
    app.view().linked.and_then(|l| l.open_chat).expect("an open chat")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_desktop_scrolls_a_long_chat_by_windows_and_jumps_to_an_old_message() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    alice_phone.seed_history(SeedSpec { chats: 1, messages_per_chat: 900, days: 300, seed: 8 }).unwrap();
    let (_profile, app, mut views) = start_desktop(&relay.url());
    let linking = wait_for_view(&mut views, "a code", |v| v.screen == Screen::Linking).await;
    let pending = alice_phone.begin_link(&linking.linking.unwrap().uri).await.unwrap();
    let scope = pending.history_scope(None);
    let view = approve_with_history(&alice_phone, pending, scope, &mut views).await;
    let chat = view.linked.unwrap().chats.iter().find(|c| !c.group).unwrap().chat_id.clone();
    let all = alice_phone.messages(&chat).unwrap();

    app.open_chat(&chat).await.unwrap();
    let newest = open(&app);
    let total = newest.total_messages;
    assert_eq!(total as usize, all.len());
    assert_eq!((newest.messages.len(), newest.newer_hidden), (200, 0));
    assert_eq!(newest.messages.last().unwrap().message_id, all.last().unwrap().message_id);

    // Scrolled to the top: the window holds the oldest 200, and says how many are newer.
    app.show_messages(&chat, total - 200).await.unwrap();
    let top = open(&app);
    assert_eq!((top.messages.len(), top.newer_hidden), (200, total - 200));
    assert_eq!(top.messages[0].message_id, all[0].message_id);
    // Past the end is the oldest window, never an empty one.
    app.show_messages(&chat, total + 50).await.unwrap();
    assert_eq!(open(&app).messages[0].message_id, all[0].message_id);
    assert_eq!(open(&app).newer_hidden, total - 200);
    // The middle.
    app.show_messages(&chat, 300).await.unwrap();
    let middle = open(&app);
    let start = all.len() - 300 - 200;
    assert_eq!(middle.messages[0].message_id, all[start].message_id);
    assert_eq!(middle.messages[199].message_id, all[start + 199].message_id);

    // A search hit deep in the past opens the chat around it.
    let old = &all[10];
    app.open_chat_at(&chat, &old.message_id).await.unwrap();
    let around = open(&app);
    assert!(around.messages.iter().any(|m| m.message_id == old.message_id), "the found message is in the window");
    assert_eq!(app.open_chat_at(&chat, "nosuchmessage").await.unwrap_err().code, "not_found");
    // A window asked for a chat that is no longer open changes nothing.
    app.show_messages("someotherchat", 5).await.unwrap();
    assert!(open(&app).messages.iter().any(|m| m.message_id == old.message_id));
    // Opening the chat again starts at the newest.
    app.open_chat(&chat).await.unwrap();
    assert_eq!(open(&app).newer_hidden, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_app_on_the_same_profile_is_refused_with_what_to_do() {
    let relay = TestRelay::start().await;
    let profile = tempfile::tempdir().unwrap();
    let first = DesktopApp::start(desktop_config(&relay.url(), profile.path(), "alice_desktop", KeyStorage::File));
    wait_for_view(&mut first.watch(), "the first app shows a code", |v| v.screen == Screen::Linking).await;
    let second = DesktopApp::start(desktop_config(&relay.url(), profile.path(), "alice_desktop", KeyStorage::File));
    let refused = wait_for_view(&mut second.watch(), "the second app refuses", |v| v.screen == Screen::Fatal).await;
    let error = refused.error.unwrap();
    assert_eq!(error.code, "profile_folder");
    assert!(error.message.contains("another Tandem window"), "{}", error.message);
    assert_eq!(first.view().screen, Screen::Linking, "the first app carries on");
}
