//! UI test of the real tandem-desktop window with history: the user picks "3 months", links,
//! sees the recent chats at once and the sync progress run to the end, searches, opens a photo
//! (its full file fetched from the phone), and is logged out when the phone unlinks the desktop.
//! Screenshots of each step go to artifacts/.

use tandem_tests::actors::{Cli, Relay, STEP};
use tandem_tests::process::Running;
use tandem_tests::ui::{
    Driver, all_testid, click_testid, open_chat_id, poll_until, screenshot, testid_text, wait_for_text, wait_open_chat,
    wait_testid,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_desktop_syncs_history_searches_opens_a_photo_and_is_unlinked() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    alice_phone.init_phone(&relay);
    // 300 messages a chat, all within the 3 months asked for: more than the window of 200 the
    // message list holds at a time.
    alice_phone.ok(&["seed-history", "--chats", "8", "--messages", "300", "--days", "60", "--seed", "3"]);
    let profile = tempfile::tempdir().unwrap();
    let profile_arg = profile.path().to_str().unwrap().to_owned();
    let args = ["--relay", relay.url.as_str(), "--profile", profile_arg.as_str(), "--name", "alice_desktop"];
    let driver = Driver::start();
    let window = driver.launch(&args).await;

    // "3 months" shows a new code asking for 90 days of history.
    wait_testid(&window, "history-range-90").await.click().await.unwrap();
    let uri = poll_until("a code asking for 3 months", || async {
        let uri = testid_text(&window, "link-text").await;
        if uri.contains("h=90") { Ok(uri) } else { Err(uri) }
    })
    .await;
    screenshot(&window, "ui_history_1_range").await;
    let linked = alice_phone.ok(&["link", "--yes", &uri]);
    assert!(linked.contains("90 day(s) of history"), "{linked}");

    // The recent chats are there at once; the progress bar runs to the end once the phone sends
    // the rest.
    wait_testid(&window, "screen-linked").await;
    poll_until("the 9 recent chats (8 contacts, 1 group)", || async {
        let n = all_testid(&window, "chat-row").await.len();
        if n == 9 { Ok(()) } else { Err(format!("{n} chats")) }
    })
    .await;
    screenshot(&window, "ui_history_2_recent_chats").await;
    alice_phone.ok(&["sync"]);
    wait_for_text(&window, "history-label", "History synced").await;
    screenshot(&window, "ui_history_3_synced").await;

    // Search finds imported messages; a result opens its chat.
    wait_testid(&window, "search-input").await.send_keys("sourdough").await.unwrap();
    wait_testid(&window, "search-result").await;
    let first = testid_text(&window, "search-result").await;
    assert!(first.to_lowercase().contains("sourdough"), "{first}");
    screenshot(&window, "ui_history_4_search").await;
    // The oldest result: its chat opens with the window of messages around it, shown found.
    let results = all_testid(&window, "search-result").await;
    results.last().unwrap().click().await.unwrap();
    wait_testid(&window, "conversation").await;
    poll_until("the found message on screen", || async {
        window.find(fantoccini::Locator::Css(".message-found")).await.map(|_| ()).map_err(|e| e.to_string())
    })
    .await;

    // Scrolling to the top of a 300-message chat reaches its first message: the list asks the
    // core for the oldest window as the user scrolls.
    let chat_id = open_chat_id(&window).await;
    let lines = alice_phone.ok(&["--json", "messages", "--chat", chat_id.trim()]);
    let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    let first_id = first["message"]["message_id"].as_str().unwrap().to_owned();
    poll_until("the chat's first message after scrolling to the top", || async {
        let top = window
            .execute(
                "const l = document.querySelector('[data-testid=\"message-list\"]'); l.scrollTop = 0; \
                 const r = l.querySelector('[data-testid=\"message-row\"]'); return r ? r.dataset.messageId : '';",
                vec![],
            )
            .await
            .map_err(|e| e.to_string())?;
        if top.as_str() == Some(first_id.as_str()) { Ok(()) } else { Err(format!("top row {top}")) }
    })
    .await;
    let older = wait_testid(&window, "older-spacer").await.attr("data-count").await.unwrap();
    assert_eq!(older.as_deref(), Some("0"));
    screenshot(&window, "ui_history_4b_scrolled_to_the_top").await;

    // A photo shows as a thumbnail; opening it fetches the full image from the phone.
    let photo_chat = poll_until("a chat with a photo", || async {
        // Chats by id: each click draws the list again, so found rows go stale.
        let mut chats = Vec::new();
        for row in all_testid(&window, "chat-row").await {
            chats.push(row.attr("data-chat-id").await.map_err(|e| e.to_string())?.unwrap_or_default());
        }
        for (i, chat) in chats.iter().enumerate() {
            let row = format!("[data-testid=\"chat-row\"][data-chat-id=\"{chat}\"]");
            let row = window.find(fantoccini::Locator::Css(&row)).await.map_err(|e| e.to_string())?;
            row.click().await.map_err(|e| e.to_string())?;
            // The photos counted are that chat's, not the one shown before.
            wait_open_chat(&window, chat).await;
            if !all_testid(&window, "message-image").await.is_empty() {
                return Ok(i);
            }
        }
        Err("no photo in the recent messages of any chat".to_owned())
    })
    .await;
    // The phone is online now: it answers the request as soon as it arrives, and the window
    // opens the image once it is here.
    let mut phone = Running::spawn("alice_phone run", {
        let mut c = alice_phone.command();
        c.args(["--json", "run"]);
        c
    });
    phone.wait_line("the phone online", STEP, |l| l.contains("\"connection\"") && l.contains("online"));
    // The newest photo on screen (the list may move its window of messages as it scrolls, so
    // the photo is found again by its message id).
    let photos = all_testid(&window, "message-image-open").await;
    let photo = photos.last().unwrap();
    let message_id = photo.attr("data-message-id").await.unwrap().unwrap();
    photo.click().await.unwrap();
    wait_testid(&window, "image-loading").await;
    wait_testid(&window, "image-viewer-img").await;
    let css = format!("[data-testid=\"message-image-open\"][data-message-id=\"{message_id}\"]");
    poll_until("the photo to be held here", || async {
        let held = window.find(fantoccini::Locator::Css(&css)).await.map_err(|e| e.to_string())?;
        let held = held.attr("data-held").await.map_err(|e| e.to_string())?;
        if held.as_deref() == Some("true") { Ok(()) } else { Err(format!("{held:?}")) }
    })
    .await;
    phone.kill();
    screenshot(&window, &format!("ui_history_5_photo_chat{photo_chat}")).await;
    wait_testid(&window, "image-viewer-close").await.click().await.unwrap();

    // The dark theme, chosen in Settings, stays after the panel closes.
    click_testid(&window, "main-menu").await;
    click_testid(&window, "open-settings").await;
    click_testid(&window, "theme-dark").await;
    screenshot(&window, "ui_history_7_settings_dark").await;
    click_testid(&window, "close-settings").await;
    let theme = window.execute("return document.documentElement.dataset.theme", vec![]).await.unwrap();
    assert_eq!(theme.as_str(), Some("dark"));
    screenshot(&window, "ui_history_8_chat_dark").await;

    // The phone unlinks the desktop: the window shows the linking screen and says why.
    let devices = alice_phone.devices();
    let desktop = devices["devices"].as_array().unwrap().iter().find(|d| d["kind"] == "desktop").unwrap();
    let desktop_id = desktop["device_id"].as_u64().unwrap().to_string();
    alice_phone.ok(&["unlink", &desktop_id]);
    wait_testid(&window, "screen-linking").await;
    wait_for_text(&window, "logged-out-notice", "logged out").await;
    screenshot(&window, "ui_history_6_unlinked").await;
    window.close().await.unwrap();
}
