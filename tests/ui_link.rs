//! UI test of the real tandem-desktop window (WebDriver through tauri-driver and WebKitWebDriver,
//! under Xvfb): read the QR code off a screenshot, link it with the real tandem-cli phone, see the
//! linked screen; start again and stay linked. Screenshots go to artifacts/.

use tandem_tests::actors::{Cli, Relay};
use tandem_tests::notifications::Notifications;
use tandem_tests::ui::{
    Driver, all_testid, poll_until, screenshot, testid_text, wait_for_text, wait_gone, wait_testid,
};

fn decode_qr(png: &[u8]) -> Option<String> {
    let image = image::load_from_memory(png).ok()?.to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared.detect_grids().iter().find_map(|g| g.decode().ok().map(|(_, text)| text))
}

/// Screenshots until the QR code decodes: WebKit may capture the page before the image is
/// painted, so this polls "the code is readable", not a fixed wait.
async fn read_qr_off_the_screen(window: &fantoccini::Client) -> String {
    poll_until("the QR code on screen to be readable (see artifacts/ui_link_1_qr.png)", || async {
        if let Some(uri) = decode_qr(&screenshot(window, "ui_link_1_qr").await) {
            return Ok(uri);
        }
        // A whole-window shot can be scaled oddly; the element's own screenshot is exact.
        match wait_testid(window, "link-qr").await.screenshot().await {
            Ok(element) => decode_qr(&element).ok_or_else(|| "no code found".to_owned()),
            Err(e) => Err(e.to_string()),
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_desktop_window_links_by_qr_and_shows_the_account() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    let account = alice_phone.init_phone(&relay);
    let profile = tempfile::tempdir().unwrap();
    let profile_arg = profile.path().to_str().unwrap().to_owned();
    let args = ["--relay", relay.url.as_str(), "--profile", profile_arg.as_str(), "--name", "alice_desktop"];

    let notifications = Notifications::serve().await;
    let driver = Driver::start();
    let window = driver.launch(&args).await;
    wait_testid(&window, "screen-linking").await;
    wait_testid(&window, "link-qr").await;
    let code_on_screen = testid_text(&window, "link-code").await;
    let uri = read_qr_off_the_screen(&window).await;
    assert!(uri.starts_with("tandem://link?"), "{uri}");
    let copyable = testid_text(&window, "link-text").await;
    assert_eq!(copyable, uri, "the copyable link text is the QR code's text");

    let linked = alice_phone.ok(&["link", "--yes", &uri]);
    assert!(linked.contains(code_on_screen.trim()), "the phone shows the desktop's code {code_on_screen}: {linked}");
    wait_testid(&window, "screen-linked").await;
    let shown_account = testid_text(&window, "linked-account").await;
    assert_eq!(shown_account.trim(), account);
    let rows = all_testid(&window, "device-row").await;
    assert_eq!(rows.len(), 2);
    let listed = testid_text(&window, "device-list").await;
    assert!(listed.contains("alice_phone") && listed.contains("alice_desktop"), "{listed}");
    wait_gone(&window, "connection").await; // the "connecting" banner goes once online
    screenshot(&window, "ui_link_2_linked").await;

    // Chat from the window: start a chat with bob by account id, send, see bob's reply arrive.
    let bob_phone = Cli::new("bob_phone");
    let bob = bob_phone.init_phone(&relay);
    wait_testid(&window, "new-chat-input").await.send_keys(&bob).await.unwrap();
    wait_testid(&window, "new-chat-add").await.click().await.unwrap();
    wait_testid(&window, "conversation").await;
    wait_testid(&window, "composer-input").await.send_keys("hello from the window").await.unwrap();
    wait_testid(&window, "composer-send").await.click().await.unwrap();
    wait_for_text(&window, "message-list", "hello from the window").await;
    let received = bob_phone.ok(&["sync"]);
    assert!(received.contains("hello from the window"), "{received}");
    bob_phone.ok(&["send", "--to", &account, "hi from bob's phone"]);
    wait_for_text(&window, "message-list", "hi from bob's phone").await;
    // The chat is open on screen, so bob's phone is told it was read (it learns on its next sync;
    // the window sends the receipt as soon as the message shows: a bounded poll on bob's side).
    poll_until("bob_phone to see its message read", || async {
        bob_phone.ok(&["sync"]);
        let bob_chat = bob_phone.ok(&["messages", "--chat", &account]);
        if bob_chat.contains("me: hi from bob's phone (read)") { Ok(()) } else { Err(bob_chat) }
    })
    .await;
    // bob reads alice's message on his phone: the window's tick turns to "Read".
    bob_phone.ok(&["read", "--chat", &account]);
    wait_for_text(&window, "message-list", "Read").await;
    screenshot(&window, "ui_link_3_chat").await;
    assert!(notifications.seen().is_empty(), "nothing for the chat in front of the user: {:?}", notifications.seen());
    // carol writes for the first time: a new chat, not the one on screen, so a notification.
    let carol_phone = Cli::new("carol_phone");
    let carol = carol_phone.init_phone(&relay);
    carol_phone.ok(&["send", "--to", &account, "hello from carol"]);
    let shown = poll_until("a notification for carol's message", || async {
        let seen = notifications.seen();
        if seen.is_empty() { Err("none yet".to_owned()) } else { Ok(seen) }
    })
    .await;
    assert_eq!(shown, [(carol.clone(), "hello from carol".to_owned())]);
    window.close().await.unwrap();

    // The phone lists the desktop by its name.
    let devices = alice_phone.devices();
    assert_eq!(devices["devices"][1]["name"], "alice_desktop");
    assert_eq!(devices["devices"][1]["kind"], "desktop");

    // Started again with the same profile, the window goes straight to the linked screen.
    let window = driver.launch(&args).await;
    wait_testid(&window, "screen-linked").await;
    assert!(all_testid(&window, "link-qr").await.is_empty());
    screenshot(&window, "ui_link_4_restarted").await;
    window.close().await.unwrap();
}
