//! History in the desktop window, without the window: the range chosen before linking travels
//! in the code, recent chats show at once and the rest follows, "load older messages" and
//! "show the full image" ask the phone and the answers appear live.

mod common;

use common::{Actor, TestRelay, approve_with_history, start_desktop, wait_for_view};
use tandem_client::desktop::{Screen, View};
use tandem_client::{ChatHistory, HistoryScope, SeedSpec};

fn open_chat(v: &View) -> Option<&tandem_client::desktop::OpenChat> {
    v.linked.as_ref().and_then(|l| l.open_chat.as_ref())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_desktop_picks_3_months_then_loads_older_messages_and_a_full_image() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    alice_phone.seed_history(SeedSpec { chats: 2, messages_per_chat: 200, days: 400, seed: 5 }).unwrap();
    let (_profile, app, mut views) = start_desktop(&relay.url());

    // A year by default; "3 months" shows a new code that asks for 90 days.
    let first = wait_for_view(&mut views, "a code", |v| v.screen == Screen::Linking).await;
    assert_eq!(first.linking.as_ref().unwrap().history_days, 365);
    assert_eq!(app.set_history_range(7).unwrap_err().code, "invalid_data");
    app.set_history_range(90).unwrap();
    let linking = wait_for_view(&mut views, "a code for 3 months", |v| {
        v.linking.as_ref().is_some_and(|l| l.history_days == 90 && l.uri.contains("h=90"))
    })
    .await
    .linking
    .unwrap();
    let pending = alice_phone.begin_link(&linking.uri).await.unwrap();
    let scope = pending.history_scope(None);
    assert_eq!(scope, HistoryScope::Range { days: Some(90) });
    let view = approve_with_history(&alice_phone, pending, scope, &mut views).await;
    assert_eq!(view.linked.as_ref().unwrap().history_days, Some(90), "settings say what was asked for");
    let chats = view.linked.unwrap().chats;
    assert_eq!(chats.len(), 2);
    assert!(chats.iter().all(|c| c.history == ChatHistory::MoreOnPhone), "older than 90 days stays on the phone");

    // "Load older messages": the phone answers, the chat grows while it is open.
    let chat = chats[0].chat_id.clone();
    app.open_chat(&chat).await.unwrap();
    let before = open_chat(&app.view()).unwrap().messages.len();
    app.load_older(&chat).await.unwrap();
    assert_eq!(open_chat(&app.view()).unwrap().history, ChatHistory::Loading);
    alice_phone.sync().await.unwrap();
    let view = wait_for_view(&mut views, "older messages arrive", |v| {
        open_chat(v).is_some_and(|c| c.history != ChatHistory::Loading && c.messages.len() > before)
    })
    .await;
    let open = open_chat(&view).unwrap();
    assert_eq!(open.history, ChatHistory::Complete, "200 messages: the phone had no more");
    assert_eq!((open.messages.len(), open.total_messages), (200, 200));

    // A photo shows its thumbnail; the full image comes from the phone when asked for.
    let image = open.messages.iter().find_map(|m| m.image.clone()).expect("a seeded photo");
    assert!(image.thumbnail_data_url.starts_with("data:image/jpeg;base64,") && !image.held);
    assert_eq!(app.media_data_url(&image.media_id).await.unwrap_err().code, "not_found");
    app.fetch_media(&image.media_id).await.unwrap();
    alice_phone.sync().await.unwrap();
    wait_for_view(&mut views, "the full image is here", |v| {
        open_chat(v).is_some_and(|c| c.messages.iter().any(|m| m.image.as_ref().is_some_and(|i| i.held)))
    })
    .await;
    let full = app.media_data_url(&image.media_id).await.unwrap();
    let png = full.strip_prefix("data:image/png;base64,").expect("a PNG data URL");
    assert!(!png.contains(['-', '_']), "standard base64, as browsers require");

    // Search finds the imported history, newest first, with the words marked.
    let hits = app.search("sourdough", 50).await.unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|h| h.snippet.contains("[sourdough]")));
    assert!(hits.windows(2).all(|w| w[0].sent_ms >= w[1].sent_ms));
    assert!(app.search("   ", 50).await.unwrap().is_empty());
}
