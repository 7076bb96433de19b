//! UI test of the real tandem-desktop window (WebDriver through tauri-driver and WebKitWebDriver,
//! under Xvfb): read the QR code off a screenshot, link it with the real tandem-cli phone, see the
//! linked screen; start again and stay linked. Screenshots go to artifacts/.

use tandem_tests::actors::{Cli, Relay};
use tandem_tests::ui::{Driver, all_testid, screenshot, testid_text, wait_gone, wait_testid};

fn decode_qr(png: &[u8]) -> Option<String> {
    let image = image::load_from_memory(png).ok()?.to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared.detect_grids().iter().find_map(|g| g.decode().ok().map(|(_, text)| text))
}

/// Screenshots until the QR code decodes: WebKit may capture the page before the image is
/// painted, so this is a bounded poll on "the code is readable", not a fixed wait.
async fn read_qr_off_the_screen(window: &fantoccini::Client) -> String {
    let deadline = std::time::Instant::now() + tandem_tests::ui::UI_STEP;
    loop {
        let shot = screenshot(window, "ui_link_1_qr").await;
        if let Some(uri) = decode_qr(&shot) {
            return uri;
        }
        // A whole-window shot can be scaled oddly; the element's own screenshot is exact.
        if let Ok(element) = wait_testid(window, "link-qr").await.screenshot().await
            && let Some(uri) = decode_qr(&element)
        {
            return uri;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the QR code on screen never became readable (see artifacts/ui_link_1_qr.png)"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_desktop_window_links_by_qr_and_shows_the_account() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    let account = alice_phone.init_phone(&relay);
    let profile = tempfile::tempdir().unwrap();
    let profile_arg = profile.path().to_str().unwrap().to_owned();
    let args = ["--relay", relay.url.as_str(), "--profile", profile_arg.as_str(), "--name", "alice_desktop"];

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
    window.close().await.unwrap();

    // The phone lists the desktop by its name.
    let devices = alice_phone.devices();
    assert_eq!(devices["devices"][1]["name"], "alice_desktop");
    assert_eq!(devices["devices"][1]["kind"], "desktop");

    // Started again with the same profile, the window goes straight to the linked screen.
    let window = driver.launch(&args).await;
    wait_testid(&window, "screen-linked").await;
    assert!(all_testid(&window, "link-qr").await.is_empty());
    screenshot(&window, "ui_link_3_restarted").await;
    window.close().await.unwrap();
}
