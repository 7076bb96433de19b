//! UI test of the real tandem-desktop window (WebDriver through tauri-driver and WebKitWebDriver,
//! under Xvfb): read the QR code off a screenshot, link it with the real tandem-cli phone, see the
//! linked screen; start again and stay linked. Screenshots go to artifacts/.

use tandem_tests::actors::{Cli, Relay};
use tandem_tests::notifications::Notifications;
use tandem_tests::tray::Tray;
use tandem_tests::ui::{
    Driver, all_testid, axe_violations, click_testid, hand_over_link, native_window_titles, open_chat_id, poll_until,
    screenshot, testid_text, type_testid, wait_for_text, wait_gone, wait_testid,
};

/// A small PNG photo in `dir`.
fn photo(dir: &std::path::Path, name: &str, shade: u8) -> std::path::PathBuf {
    let path = dir.join(name);
    image::RgbImage::from_fn(320, 200, |x, y| image::Rgb([shade, (x / 2) as u8, (y / 2) as u8])).save(&path).unwrap();
    path
}

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
    let tray = Tray::serve().await;
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
    // The account's full id is in Settings (the main menu opens it); the panes show names.
    click_testid(&window, "main-menu").await;
    click_testid(&window, "open-settings").await;
    let shown_account = testid_text(&window, "linked-account").await;
    assert_eq!(shown_account.trim(), account);
    click_testid(&window, "close-settings").await;
    // The linked devices: a page of the left pane, from the main menu.
    click_testid(&window, "main-menu").await;
    click_testid(&window, "menu-devices").await;
    let rows = all_testid(&window, "device-row").await;
    assert_eq!(rows.len(), 2);
    let listed = testid_text(&window, "device-list").await;
    assert!(listed.contains("alice_phone") && listed.contains("alice_desktop"), "{listed}");
    wait_gone(&window, "connection").await; // the "connecting" banner goes once online
    screenshot(&window, "ui_link_2_linked").await;
    click_testid(&window, "devices-back").await;

    // The window never leaves Tandem's page, whatever tries to take it elsewhere.
    window.execute("location.href = 'https://example.invalid/'; return 1;", vec![]).await.unwrap();

    // Chat from the window: start a chat with bob by account id, send, see bob's reply arrive.
    let bob_phone = Cli::new("bob_phone");
    let bob = bob_phone.init_phone(&relay);
    let url = window.current_url().await.unwrap();
    assert_eq!(url.scheme(), "tauri", "still on Tandem's own page: {url}");
    click_testid(&window, "new-chat-open").await;
    type_testid(&window, "new-chat-input", &bob).await;
    click_testid(&window, "new-chat-add").await;
    wait_testid(&window, "conversation").await;
    type_testid(&window, "composer-input", "hello from the window").await;
    click_testid(&window, "composer-send").await;
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
    // The same screen at the smallest supported size and at full HD: the panes fill the window and
    // the composer stays on screen.
    for (w, h) in [(800, 600), (1920, 1080)] {
        window.set_window_size(w, h).await.unwrap();
        poll_until("the page to take the new size", || async {
            let inner = window.execute("return [innerWidth, innerHeight]", vec![]).await.unwrap();
            let (iw, ih) = (inner[0].as_u64().unwrap_or(0), inner[1].as_u64().unwrap_or(0));
            // The page is the window less any frame the display draws around it.
            if iw.abs_diff(u64::from(w)) <= 40 && ih.abs_diff(u64::from(h)) <= 80 {
                Ok(())
            } else {
                Err(format!("{iw}x{ih}"))
            }
        })
        .await;
        let composer = wait_testid(&window, "composer-input").await.rectangle().await.unwrap();
        assert!(composer.1 + composer.3 <= h as f64, "the composer is on screen at {w}x{h}: {composer:?}");
        screenshot(&window, &format!("ui_link_3_chat_{w}x{h}")).await;
    }
    window.set_window_size(960, 720).await.unwrap();
    // The chat screen as laid out and painted, checked by axe-core (colour contrast included).
    let found = axe_violations(&window).await;
    assert!(found.is_empty(), "axe-core in the real window:\n{}", found.join("\n"));
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
    // Titled by name, not id: carol is no contact yet, so a short id.
    assert_eq!(shown, [(format!("{}…", &carol[..8]), "hello from carol".to_owned())]);
    // The tray shows the unread count (carol's message), as a panel reads it.
    poll_until("the tray to show 1 unread", || async {
        let label = tray.label(profile.path()).await;
        if label.as_deref() == Some("1") { Ok(()) } else { Err(format!("{label:?}")) }
    })
    .await;
    // And the window's title, as the taskbar shows it (not only the page's title).
    poll_until("the window title to count 1 unread", || async {
        let titles = native_window_titles();
        if titles.iter().any(|t| t == "(1) Tandem") { Ok(()) } else { Err(format!("{titles:?}")) }
    })
    .await;
    assert_eq!(window.title().await.unwrap(), "(1) Tandem", "the page's title is the same");

    // Photos, both ways. bob's arrives with its thumbnail; alice attaches one in the composer.
    let bob_photo = photo(bob_phone.home(), "sunset.png", 200);
    bob_phone.ok(&["send", "--to", &account, "--image", bob_photo.to_str().unwrap(), "sunset"]);
    wait_for_text(&window, "message-list", "sunset").await;
    poll_until("bob's photo to show as a thumbnail", || async {
        let shown = all_testid(&window, "message-image").await.len();
        if shown == 1 { Ok(()) } else { Err(format!("{shown} images")) }
    })
    .await;
    let alice_photo = photo(profile.path(), "beach.png", 40);
    wait_testid(&window, "attach-input").await.send_keys(alice_photo.to_str().unwrap()).await.unwrap();
    wait_testid(&window, "attachment-preview").await;
    assert_eq!(testid_text(&window, "attachment-name").await.trim(), "beach.png");
    type_testid(&window, "composer-input", "the beach").await;
    click_testid(&window, "composer-send").await;
    wait_gone(&window, "attachment-preview").await;
    wait_for_text(&window, "message-list", "the beach").await;
    screenshot(&window, "ui_link_4_photos").await;
    let media_id = poll_until("bob_phone to get alice's photo", || async {
        bob_phone.ok(&["sync"]);
        let chat = bob_phone.ok(&["--json", "messages", "--chat", &account]);
        let id = chat.lines().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()).find_map(|m| {
            (m["message"]["body"] == "the beach")
                .then(|| m["message"]["attachment"]["media_id"].as_str().map(str::to_owned))?
        });
        id.ok_or(chat)
    })
    .await;
    bob_phone.ok(&["media", "fetch", &media_id]);
    let saved = bob_phone.home().join("from-alice.png");
    bob_phone.ok(&["media", "save", &media_id, "--out", saved.to_str().unwrap()]);
    assert_eq!(std::fs::read(&saved).unwrap(), std::fs::read(&alice_photo).unwrap(), "bob has alice's exact file");

    // Chat info: the safety number on screen is the one bob's phone shows.
    click_testid(&window, "chat-info-open").await;
    let on_screen: String = testid_text(&window, "safety-number").await.chars().filter(char::is_ascii_digit).collect();
    let on_phone: String = bob_phone.ok(&["safety-number", &account]).chars().filter(char::is_ascii_digit).collect();
    assert_eq!((on_screen.len(), &on_screen), (60, &on_phone));
    screenshot(&window, "ui_link_5_chat_info").await;
    click_testid(&window, "chat-info-close").await;

    // The window's size is remembered for the next start.
    window.set_window_size(840, 660).await.unwrap();
    let state = profile.path().join("window-state.json");
    poll_until("the window's new size to be saved in the profile", || async {
        let saved = std::fs::read_to_string(&state).unwrap_or_default();
        if saved.contains("840") { Ok(()) } else { Err(saved) }
    })
    .await;
    window.close().await.unwrap();

    // The phone lists the desktop by its name.
    let devices = alice_phone.devices();
    assert_eq!(devices["devices"][1]["name"], "alice_desktop");
    assert_eq!(devices["devices"][1]["kind"], "desktop");

    // Started again with the same profile, the window goes straight to the linked screen.
    let window = driver.launch(&args).await;
    wait_testid(&window, "screen-linked").await;
    assert!(all_testid(&window, "link-qr").await.is_empty());
    assert_eq!(window.get_window_size().await.unwrap(), (840, 660), "the window keeps the size it had");
    screenshot(&window, "ui_link_6_restarted").await;

    // A tandem:// link given to a second start opens that chat in this window; the second quits.
    let link = format!("tandem://chat?id={carol}");
    assert!(hand_over_link(&args, &link).success(), "the second start hands the link over and quits");
    poll_until("the link to open carol's chat", || async {
        let open = open_chat_id(&window).await;
        if open == carol { Ok(()) } else { Err(open) }
    })
    .await;
    // A linking code is for a phone: the window says so instead.
    assert!(hand_over_link(&args, "tandem://link?v=1&ref=abc").success());
    wait_for_text(&window, "app-notice-text", "scan it").await;
    window.close().await.unwrap();
}
