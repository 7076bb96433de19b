//! UI test of the real tandem-desktop window (WebDriver through tauri-driver and WebKitWebDriver,
//! under Xvfb without a window manager): a window closed at a small size (800×600, as issue #16
//! found) starts again at that size with its page drawn. Screenshots go to artifacts/.

use tandem_tests::actors::{Cli, Relay};
use tandem_tests::ui::{Driver, poll_until, screenshot, wait_testid};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_closed_at_800_by_600_starts_again_with_its_page() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    alice_phone.init_phone(&relay);
    let profile = tempfile::tempdir().unwrap();
    let profile_arg = profile.path().to_str().unwrap().to_owned();
    let args = ["--relay", relay.url.as_str(), "--profile", profile_arg.as_str(), "--name", "alice_desktop"];

    let driver = Driver::start();
    let window = driver.launch(&args).await;
    wait_testid(&window, "screen-linking").await;
    // The user makes the window small and closes it; the size is saved in the profile.
    window.set_window_size(800, 600).await.unwrap();
    let state = profile.path().join("window-state.json");
    poll_until("the window's new size to be saved in the profile", || async {
        let saved = std::fs::read_to_string(&state).unwrap_or_default();
        if saved.contains("\"height\": 600") { Ok(()) } else { Err(saved) }
    })
    .await;
    window.close().await.unwrap();
    driver.wait_windows_gone().await;
    let saved = std::fs::read_to_string(&state).unwrap();

    // Every later start shows the page at that size (it used to stay a blank grey window).
    for start in 1..=2 {
        let window = driver.launch(&args).await;
        wait_testid(&window, "screen-linking").await;
        wait_testid(&window, "link-qr").await;
        screenshot(&window, &format!("ui_window_state_800x600_{start}")).await;
        assert_eq!(window.get_window_size().await.unwrap(), (800, 600), "the window keeps its size; saved: {saved}");
        window.close().await.unwrap();
        driver.wait_windows_gone().await;
    }
}
