//! Photos sent live, chat info and tandem:// links, through the desktop core (no window) and
//! real phones on a real relay: the file goes to the relay sealed, its key inside the message;
//! a recipient's device fetches and checks it; a file changed on the relay is refused.

mod common;

use base64::Engine;
use common::{Actor, TestRelay, link_window, start_desktop, wait_for_view};
use tandem_client::demo_image;
use tandem_client::desktop::{ImageView, View};

fn images(view: &View) -> Vec<(bool, String, ImageView)> {
    let open = view.linked.as_ref().and_then(|l| l.open_chat.as_ref());
    open.map(|c| c.messages.iter().filter_map(|m| Some((m.outgoing, m.body.clone(), m.image.clone()?))).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_desktop_sends_bob_a_photo_and_gets_one_back() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&relay.url()).await;
    let (alice, bob) = (alice_phone.info().account_id.unwrap(), bob_phone.info().account_id.unwrap());
    let (_profile, app, mut views) = start_desktop(&relay.url());
    link_window(&mut views, &alice_phone).await;
    app.add_contact(bob.as_str()).await.unwrap();

    let photo = demo_image(4).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&photo);
    assert_eq!(app.send_image_base64(bob.as_str(), "%%%", "").await.unwrap_err().code, "invalid_data");
    let not_image = base64::engine::general_purpose::STANDARD.encode(b"<svg onload=alert(1)>");
    assert_eq!(app.send_image_base64(bob.as_str(), &not_image, "").await.unwrap_err().code, "invalid_data");
    app.send_image_base64(bob.as_str(), &b64, "the view from here").await.unwrap();
    let view = wait_for_view(&mut views, "the photo shows as sent", |v| images(v).len() == 1).await;
    let (outgoing, caption, image) = images(&view).remove(0);
    assert!(outgoing && image.held, "the sender holds its own file");
    assert_eq!((caption.as_str(), image.width, image.height), ("the view from here", 480, 320));
    // The relay keeps only the sealed file: not the picture's bytes.
    let stored: Vec<_> =
        std::fs::read_dir(relay.data.path().join("media")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(stored.len(), 1);
    let sealed = std::fs::read(&stored[0]).unwrap();
    // No 32-byte piece of the picture appears anywhere in what the relay holds.
    let pieces: std::collections::HashSet<&[u8]> = photo.chunks_exact(32).collect();
    assert!(!sealed.windows(32).any(|w| pieces.contains(w)), "the relay holds plaintext");
    assert_eq!(sealed.len(), photo.len() + 12 + 16, "nonce, ciphertext and tag: nothing else");

    let got = bob_phone.sync().await.unwrap();
    let attachment = got[0].attachment.clone().expect("the photo's thumbnail arrives with the message");
    assert_eq!(got[0].body, "the view from here");
    assert!(!bob_phone.has_media(&attachment.media_id).unwrap());
    bob_phone.fetch_media(&attachment.media_id).await.unwrap();
    assert_eq!(bob_phone.media(&attachment.media_id).unwrap().unwrap().bytes, photo);
    // alice_phone, switched on later, has the same message and can open the file too.
    let on_phone = alice_phone.sync().await.unwrap();
    let mine = on_phone[0].attachment.clone().unwrap();
    alice_phone.fetch_media(&mine.media_id).await.unwrap();
    assert_eq!(alice_phone.media(&mine.media_id).unwrap().unwrap().bytes, photo);

    // bob answers with a photo: it arrives as a thumbnail; the full file on demand.
    let reply = demo_image(9).unwrap();
    let path = bob_phone_file(&reply);
    bob_phone.send_image(alice.as_str(), &std::fs::read(path.path()).unwrap(), "").await.unwrap();
    let view = wait_for_view(&mut views, "bob's photo arrives", |v| images(v).len() == 2).await;
    let (outgoing, _, image) = images(&view).remove(1);
    assert!(!outgoing && !image.held);
    assert!(image.thumbnail_data_url.starts_with("data:image/jpeg;base64,"));
    app.fetch_media(&image.media_id).await.unwrap();
    let view =
        wait_for_view(&mut views, "the full photo is here", |v| images(v).get(1).is_some_and(|i| i.2.held)).await;
    assert_eq!(images(&view)[1].2.media_id, image.media_id);
    let url = app.media_data_url(&image.media_id).await.unwrap();
    assert!(url.starts_with("data:image/png;base64,"), "re-encoded from its pixels (tests/image_limits.rs)");
}

fn bob_phone_file(bytes: &[u8]) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_changed_on_the_relay_is_refused_and_nothing_is_kept() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&relay.url()).await;
    let bob = bob_phone.info().account_id.unwrap();
    alice_phone.send_image(bob.as_str(), &demo_image(2).unwrap(), "").await.unwrap();
    let media_dir = relay.data.path().join("media");
    let file = std::fs::read_dir(&media_dir).unwrap().next().unwrap().unwrap().path();
    let mut sealed = std::fs::read(&file).unwrap();
    let middle = sealed.len() / 2;
    sealed[middle] ^= 0x40;
    std::fs::write(&file, &sealed).unwrap();

    let got = bob_phone.sync().await.unwrap();
    let media_id = got[0].attachment.as_ref().unwrap().media_id.clone();
    let err = bob_phone.fetch_media(&media_id).await.unwrap_err();
    assert!(err.to_string().contains("tampered"), "{err}");
    assert!(!bob_phone.has_media(&media_id).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_info_shows_the_safety_number_devices_and_members_and_links_open_chats() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&relay.url()).await;
    let (alice, bob) = (alice_phone.info().account_id.unwrap(), bob_phone.info().account_id.unwrap());
    let (_profile, app, mut views) = start_desktop(&relay.url());
    // A link that arrives before linking waits; once linked, bob (not a contact yet) is offered,
    // not added: a link from any web page never starts a chat by itself.
    app.open_link(&format!("tandem://chat?id={bob}")).await;
    link_window(&mut views, &alice_phone).await;
    let offered = wait_for_view(&mut views, "the link offers a chat with bob", |v| {
        v.linked.as_ref().is_some_and(|l| l.suggested_chat.as_deref() == Some(bob.as_str()))
    })
    .await;
    assert!(offered.linked.unwrap().open_chat.is_none());
    app.add_contact(bob.as_str()).await.unwrap();
    let view = app.view().linked.unwrap();
    assert_eq!((view.open_chat.unwrap().chat_id, view.suggested_chat), (bob.to_string(), None));

    let info = app.chat_info(bob.as_str()).await.unwrap();
    assert!(!info.group);
    assert_eq!(info.safety_number.as_deref(), Some(bob_phone.safety_number(alice.as_str()).await.unwrap().as_str()));
    assert_eq!(info.devices.len(), 1, "bob has only his phone");
    assert_eq!(info.devices[0].device_id, tandem_proto::ids::PRIMARY_DEVICE_ID);
    assert_eq!(info.devices[0].kind, tandem_client::DeviceKind::Primary);

    let group = bob_phone.create_group("Climbing", &[alice.as_str()]).await.unwrap();
    wait_for_view(&mut views, "the group arrives", |v| {
        v.linked.as_ref().is_some_and(|l| l.chats.iter().any(|c| c.chat_id == group.group_id))
    })
    .await;
    let info = app.chat_info(&group.group_id).await.unwrap();
    assert_eq!(info.title.as_deref(), Some("Climbing"));
    let members: Vec<(&str, bool, bool)> =
        info.members.iter().map(|m| (m.account_id.as_str(), m.admin, m.you)).collect();
    assert_eq!(members, [(bob.as_str(), true, false), (alice.as_str(), false, true)]);

    app.open_link(&format!("tandem://chat?id={}", group.group_id)).await;
    wait_for_view(&mut views, "the link opened the group", |v| {
        v.linked.as_ref().and_then(|l| l.open_chat.as_ref()).is_some_and(|c| c.chat_id == group.group_id)
    })
    .await;
    // A link to someone already in the chat list opens the chat at once.
    app.open_link(&format!("tandem://chat?id={bob}")).await;
    assert_eq!(app.view().linked.unwrap().open_chat.unwrap().chat_id, bob.as_str());
    app.open_link("tandem://link?v=1&ref=abc").await;
    let view = wait_for_view(&mut views, "a notice says a linking code is for the phone", |v| {
        v.linked.as_ref().is_some_and(|l| l.notice.is_some())
    })
    .await;
    let notice = view.linked.unwrap().notice.unwrap();
    assert_eq!(notice.code, "invalid_link");
    assert!(notice.message.contains("phone"), "{}", notice.message);
    app.set_notice(None).await;
    assert!(app.view().linked.unwrap().notice.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_naming_someone_elses_photo_cannot_stop_it_from_opening() {
    use tandem_proto::media::MediaUpload;
    use tandem_proto::message::Payload;
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&relay.url()).await;
    let mallory_phone = Actor::new("mallory_phone").create_phone(&relay.url()).await;
    let bob = bob_phone.info().account_id.unwrap();
    let photo = demo_image(6).unwrap();
    alice_phone.send_image(bob.as_str(), &photo, "from alice").await.unwrap();
    let genuine = bob_phone.sync().await.unwrap()[0].attachment.clone().unwrap();
    // mallory saw the picture somewhere: she names it, with an upload she never made, and a
    // send time in the future so her message comes first.
    let forged = tandem_proto::media::Attachment {
        upload: Some(MediaUpload { relay_ref: "0123456789abcdef0123456789abcdef".into(), key: vec![9; 32] }),
        ..genuine.clone()
    };
    let text = Payload::Text {
        message_id: "forged1".into(),
        sent_ms: 4_000_000_000_000,
        text: "same picture".into(),
        attachment: Some(forged),
        lists: None,
    };
    mallory_phone.send_any_pairwise(std::slice::from_ref(&bob), text).await.unwrap();
    assert_eq!(bob_phone.sync().await.unwrap()[0].body, "same picture");
    assert!(format!("{genuine:?}").contains("<hidden>"), "the key never shows in debug output");

    bob_phone.fetch_media(&genuine.media_id).await.unwrap();
    assert_eq!(bob_phone.media(&genuine.media_id).unwrap().unwrap().bytes, photo);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_deletes_photo_files_after_30_days_without_being_asked() {
    let relay = TestRelay::with_manual_clock().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&relay.url()).await;
    let bob = bob_phone.info().account_id.unwrap();
    alice_phone.send_image(bob.as_str(), &demo_image(7).unwrap(), "").await.unwrap();
    let media_dir = relay.data.path().join("media");
    assert_eq!(std::fs::read_dir(&media_dir).unwrap().count(), 1);
    // 31 days pass with no upload or download: the relay's sweep (when it starts, then hourly)
    // removes the file by itself.
    relay.advance_secs(31 * 24 * 3600);
    let TestRelay { relay: running, data, clock } = relay;
    running.stop_and_wait().await;
    let config =
        tandem_relay::RelayConfig { clock: clock.clone().unwrap(), ..tandem_relay::RelayConfig::new(data.path()) };
    let _restarted = tandem_relay::RunningRelay::start("127.0.0.1:0", config).await.unwrap();
    assert_eq!(std::fs::read_dir(&media_dir).unwrap().count(), 0, "the expired photo file is gone");
}
