//! UI test of message requests, blocking and the Locked screen in the real tandem-desktop window
//! (WebDriver through tauri-driver and WebKitWebDriver, under Xvfb). A stranger, mallory, writes
//! to alice: the window shows a request and sends mallory no receipt until alice accepts. Another
//! stranger, eve, is blocked and unblocked. A second test (ignored for now) has the relay say,
//! without proof, that the desktop was logged out: the window should lock, deleting nothing.
//! Screenshots go to artifacts/.

use std::path::Path;

use fantoccini::{Client, Locator};
use tandem_tests::actors::{Cli, Relay};
use tandem_tests::talk::chat;
use tandem_tests::ui::{
    Driver, all_testid, click_testid, poll_until, screenshot, testid_text, type_testid, wait_for_text, wait_gone,
    wait_open_chat, wait_testid,
};

/// alice_desktop's real window, linked by alice_phone with the link text the window shows; tall
/// enough for the messages and the bar under them in one screenshot. The driver must outlive the
/// window.
async fn linked_desktop(relay: &Relay, alice_phone: &Cli) -> (Driver, Client, tempfile::TempDir) {
    let profile = tempfile::tempdir().unwrap();
    let profile_arg = profile.path().to_str().unwrap().to_owned();
    let args = ["--relay", relay.url.as_str(), "--profile", profile_arg.as_str(), "--name", "alice_desktop"];
    let driver = Driver::start();
    let window = driver.launch(&args).await;
    window.set_window_size(1100, 940).await.unwrap();
    wait_testid(&window, "screen-linking").await;
    let uri = testid_text(&window, "link-text").await;
    alice_phone.ok(&["link", "--yes", uri.trim()]);
    wait_testid(&window, "screen-linked").await;
    (driver, window, profile)
}

/// Clicks the chat list's row of `chat_id` once it is listed (looked up again if a re-render
/// replaced it).
async fn open_chat_row(window: &Client, chat_id: &str) {
    let css = format!("[data-testid=\"chat-row\"][data-chat-id=\"{chat_id}\"]");
    poll_until(&format!("clicking the chat row of {chat_id}"), || async {
        let row = window.find(Locator::Css(&css)).await.map_err(|e| e.to_string())?;
        row.click().await.map_err(|e| e.to_string())
    })
    .await;
    wait_open_chat(window, chat_id).await;
}

/// Whether the chat list's row of `chat_id` carries the "Message request" mark.
async fn row_is_request(window: &Client, chat_id: &str) -> Result<bool, String> {
    let css = format!("[data-testid=\"chat-row\"][data-chat-id=\"{chat_id}\"] [data-testid=\"chat-request\"]");
    Ok(!window.find_all(Locator::Css(&css)).await.map_err(|e| e.to_string())?.is_empty())
}

/// mallory's own view of what it sent alice: the states of its outgoing messages.
fn states_on_mallorys_side(mallory: &Cli, alice: &str) -> Vec<String> {
    mallory.ok(&["sync"]);
    chat(mallory, alice).into_iter().filter(|(outgoing, _, _)| *outgoing).map(|(_, _, state)| state).collect()
}

/// The relay claims a device was logged out, with nothing signed to show for it (as a
/// compromised relay could): a row in its own database.
fn relay_claims_logged_out(relay_data: &Path, account: &str, device: u64) {
    let db = rusqlite::Connection::open(relay_data.join("relay.sqlite3")).expect("relay database");
    db.busy_timeout(std::time::Duration::from_secs(5)).expect("busy timeout");
    db.execute(
        "INSERT OR REPLACE INTO logouts (account_id, device_id, reason, at_ms) VALUES (?1, ?2, 'unlinked', 0)",
        rusqlite::params![account, device],
    )
    .expect("claim a logout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strangers_message_is_a_request_until_accepted_and_a_blocked_one_can_be_unblocked() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    let alice = alice_phone.init_phone(&relay);
    let mallory = Cli::new("mallory");
    let mallory_id = mallory.init_phone(&relay);
    let (_driver, window, _profile) = linked_desktop(&relay, &alice_phone).await;
    wait_gone(&window, "connection").await; // online

    // mallory, whom alice never added, writes: the chat shows up marked as a request.
    mallory.ok(&["send", "--to", &alice, "hi alice, it's mallory"]);
    poll_until("mallory's chat marked as a message request", || async {
        if row_is_request(&window, &mallory_id).await? { Ok(()) } else { Err("no request mark".to_owned()) }
    })
    .await;
    // A second message, shown after the first was fully handled: whatever the desktop would
    // have answered to the first has reached the relay by then.
    screenshot(&window, "ui_requests_0_request_row").await;
    mallory.ok(&["send", "--to", &alice, "are you there?"]);
    wait_for_text(&window, "chat-unread", "2").await;
    assert_eq!(
        states_on_mallorys_side(&mallory, &alice),
        ["sent", "sent"],
        "a stranger gets no delivery receipt from alice_desktop"
    );

    // Opening it shows the request bar in place of the composer.
    open_chat_row(&window, &mallory_id).await;
    wait_testid(&window, "request-bar").await;
    let said = testid_text(&window, "request-text").await;
    assert!(said.contains(&mallory_id) && said.contains("is not in your contacts"), "{said}");
    assert!(all_testid(&window, "composer-input").await.is_empty(), "no composer in a request");
    wait_for_text(&window, "message-list", "hi alice, it's mallory").await;
    screenshot(&window, "ui_requests_1_request_bar").await;
    assert_eq!(states_on_mallorys_side(&mallory, &alice), ["sent", "sent"], "opening it tells mallory nothing");

    // Accept: the bar goes, the composer comes, and mallory's messages turn "delivered".
    click_testid(&window, "request-accept").await;
    wait_gone(&window, "request-bar").await;
    wait_testid(&window, "composer-input").await;
    poll_until("mallory's messages delivered", || async {
        let states = states_on_mallorys_side(&mallory, &alice);
        if states == ["delivered", "delivered"] { Ok(()) } else { Err(format!("{states:?}")) }
    })
    .await;
    poll_until("the request mark gone", || async {
        if row_is_request(&window, &mallory_id).await? { Err("still marked".to_owned()) } else { Ok(()) }
    })
    .await;
    screenshot(&window, "ui_requests_2_accepted").await;

    // eve, another stranger, is blocked (after a confirmation), then unblocked in Settings.
    let eve = Cli::new("eve");
    let eve_id = eve.init_phone(&relay);
    eve.ok(&["send", "--to", &alice, "buy cheap watches"]);
    open_chat_row(&window, &eve_id).await;
    wait_for_text(&window, "message-list", "buy cheap watches").await;
    click_testid(&window, "request-block").await;
    wait_for_text(&window, "request-text", "Block").await;
    screenshot(&window, "ui_requests_3_block_confirm").await;
    click_testid(&window, "request-block-confirm").await;
    wait_testid(&window, "blocked-bar").await;
    click_testid(&window, "main-menu").await;
    click_testid(&window, "open-settings").await;
    wait_for_text(&window, "settings-blocked-account", &eve_id).await;
    screenshot(&window, "ui_requests_4_settings_blocked").await;
    click_testid(&window, "settings-unblock").await;
    wait_testid(&window, "settings-blocked-empty").await;
    click_testid(&window, "close-settings").await;
    wait_testid(&window, "request-bar").await; // eve's request again, once unblocked

    window.close().await.unwrap();
}

/// The relay claims alice_desktop was logged out, with nothing signed to show for it: the window
/// locks, deletes nothing, keeps the chats readable, and links again when the user says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relays_unproven_logout_only_locks_the_window() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    let alice = alice_phone.init_phone(&relay);
    let mallory = Cli::new("mallory");
    let mallory_id = mallory.init_phone(&relay);
    let (_driver, window, profile) = linked_desktop(&relay, &alice_phone).await;
    mallory.ok(&["send", "--to", &alice, "hi alice, it's mallory"]);
    open_chat_row(&window, &mallory_id).await;
    click_testid(&window, "request-accept").await;
    wait_testid(&window, "composer-input").await;

    // The claim, unsigned; the next thing the window asks of the relay meets it.
    let devices = alice_phone.devices();
    let desktop = devices["devices"].as_array().unwrap().iter().find(|d| d["kind"] == "desktop").unwrap();
    relay_claims_logged_out(relay.data.path(), &alice, desktop["device_id"].as_u64().unwrap());
    type_testid(&window, "composer-input", "are you still there?").await;
    click_testid(&window, "composer-send").await;
    wait_testid(&window, "screen-locked").await;
    wait_for_text(&window, "locked-message", "nothing was deleted").await;
    assert!(profile.path().join("tandem.db").exists(), "nothing deleted");
    screenshot(&window, "ui_requests_5_locked").await;

    // "Keep my data for now": the chats stay readable under a slim bar offering to link again.
    click_testid(&window, "locked-keep").await;
    wait_testid(&window, "locked-bar").await;
    open_chat_row(&window, &mallory_id).await;
    wait_for_text(&window, "message-list", "hi alice, it's mallory").await;
    screenshot(&window, "ui_requests_6_locked_bar").await;

    // "Link again": the linking screen, with a new code.
    click_testid(&window, "locked-bar-relink").await;
    wait_testid(&window, "screen-linking").await;
    wait_testid(&window, "link-qr").await;
    screenshot(&window, "ui_requests_7_link_again").await;
    window.close().await.unwrap();
}
