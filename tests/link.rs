//! System tests of linking with the real programs: tandem-relay on loopback, tandem-cli as the
//! phone (primary) and as companions.

use std::time::Duration;

use tandem_tests::actors::{Cli, Relay, STEP, device_names, link};

#[test]
fn alice_phone_links_alice_desktop_through_the_relay() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    let account = alice_phone.init_phone(&relay);
    assert_eq!(account.len(), 16, "account id: {account}");

    let alice_desktop = Cli::new("alice_desktop");
    let (mut companion, uri) = alice_desktop.start_companion(&relay);
    let linked = alice_phone.ok(&["link", "--yes", &uri]);
    assert!(linked.contains("Linked \"alice_desktop\" as device 1"), "{linked}");
    assert!(companion.wait_exit(STEP).success(), "{}", companion.stderr());

    // Both ends show the same verified list: version 2, the phone and the desktop.
    let on_phone = alice_phone.devices();
    assert_eq!(on_phone["version"], 2);
    assert_eq!(device_names(&on_phone), ["alice_phone", "alice_desktop"]);
    let on_desktop = alice_desktop.devices();
    assert_eq!(on_desktop["account_id"], account);
    assert_eq!(device_names(&on_desktop), ["alice_phone", "alice_desktop"]);
    assert_eq!(on_desktop["devices"][1]["this_device"], true);
    assert_eq!(on_desktop["devices"][1]["kind"], "headless");

    let status = alice_desktop.ok(&["status"]);
    assert!(status.contains("role:       companion") && status.contains(&account), "{status}");
    // Running `companion` again on a linked home does not link twice.
    assert!(
        alice_desktop.ok(&["companion", "--relay", &relay.url, "--name", "alice_desktop"]).contains("already linked")
    );
}

#[test]
fn the_link_survives_a_relay_restart() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    alice_phone.init_phone(&relay);
    let alice_desktop = Cli::new("alice_desktop");
    link(&alice_phone, &alice_desktop, &relay);

    let relay = relay.restart();
    assert_eq!(device_names(&alice_desktop.devices()), ["alice_phone", "alice_desktop"]);
    assert_eq!(alice_phone.devices()["version"], 2);
    drop(relay);
}

#[test]
fn a_used_code_is_refused() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    alice_phone.init_phone(&relay);
    let alice_desktop = Cli::new("alice_desktop");
    let uri = link(&alice_phone, &alice_desktop, &relay);

    let mallory_phone = Cli::new("mallory_phone");
    mallory_phone.init_phone(&relay);
    let err = mallory_phone.fails(&["link", "--yes", &uri]);
    assert!(err.contains("error[link_used]") && err.contains("already used"), "{err}");
    assert_eq!(device_names(&mallory_phone.devices()), ["mallory_phone"]);
}

#[test]
fn tampered_link_text_is_refused_by_the_phone() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    alice_phone.init_phone(&relay);
    let alice_desktop = Cli::new("alice_desktop");
    let (_companion, uri) = alice_desktop.start_companion(&relay);
    let tampered = uri.replace("name=alice_desktop", "name=mallory");
    assert_ne!(tampered, uri);
    let err = alice_phone.fails(&["link", "--yes", &tampered]);
    assert!(err.contains("error[tampered_link]") && err.contains("scan the QR code again"), "{err}");
    let err = alice_phone.fails(&["link", "--yes", "https://example.invalid/"]);
    assert!(err.contains("error[not_a_link]") && err.contains("tandem://link?"), "{err}");
    assert_eq!(err.matches("not a Tandem link").count(), 1, "said once: {err}");
    // Nothing was signed.
    assert_eq!(device_names(&alice_phone.devices()), ["alice_phone"]);
}

#[test]
fn declining_on_the_phone_tells_the_companion() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    alice_phone.init_phone(&relay);
    let alice_desktop = Cli::new("alice_desktop");
    let (mut companion, uri) = alice_desktop.start_companion(&relay);
    let mut link = alice_phone.command();
    link.args(["link", &uri])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = link.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"n\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Verification code"));
    assert!(!companion.wait_exit(STEP).success());
    assert!(companion.stderr().contains("error[link_declined]"), "{}", companion.stderr());
    assert_eq!(device_names(&alice_phone.devices()), ["alice_phone"]);
}

#[test]
fn a_fifth_companion_is_refused() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    alice_phone.init_phone(&relay);
    let companions: Vec<Cli> = (1..=5).map(|i| Cli::new(&format!("alice_companion_{i}"))).collect();
    for companion in &companions[..4] {
        link(&alice_phone, companion, &relay);
    }
    let (mut fifth, uri) = companions[4].start_companion(&relay);
    let err = alice_phone.fails(&["link", "--yes", &uri]);
    assert!(err.contains("error[companion_limit]") && err.contains("log one out"), "{err}");
    let devices = alice_phone.devices();
    assert_eq!(devices["devices"].as_array().unwrap().len(), 5);
    assert_eq!(devices["version"], 5);
    fifth.kill();
}

#[test]
fn an_unreachable_relay_is_reported() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let alice_phone = Cli::new("alice_phone");
    let err = alice_phone.fails(&["init", "--relay", &format!("http://127.0.0.1:{port}"), "--name", "alice_phone"]);
    assert!(err.contains("error[relay_unreachable]") && err.contains("Check that it is running"), "{err}");
    let err = alice_phone.fails(&["devices"]);
    assert!(err.contains("not set up"), "{err}");
}

#[test]
fn the_phone_reads_the_qr_code_from_an_image() {
    let relay = Relay::start();
    let alice_phone = Cli::new("alice_phone");
    alice_phone.init_phone(&relay);
    let alice_desktop = Cli::new("alice_desktop");
    let (mut companion, uri) = alice_desktop.start_companion(&relay);
    let png = alice_desktop.home().join("qr.png");
    let code = qrcode_png(&uri);
    std::fs::write(&png, code).unwrap();
    alice_phone.ok(&["link", "--yes", "--image", png.to_str().unwrap()]);
    assert!(companion.wait_exit(Duration::from_secs(60)).success());
    assert_eq!(device_names(&alice_phone.devices()), ["alice_phone", "alice_desktop"]);
}

/// Draws `text` as a QR code PNG (as a photo of the desktop's screen would show it).
fn qrcode_png(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let image = code.render::<image::Luma<u8>>().min_dimensions(400, 400).build();
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(image)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}
