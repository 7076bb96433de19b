//! Received pictures reach the window only as bytes Rust decoded under limits and re-encoded:
//! a decompression bomb (a small PNG whose header claims 60000 × 60000 pixels), sent as a
//! message's thumbnail and as its full file, never reaches the view, which shows the refusal
//! instead; a normal photo is handed over re-encoded (other bytes, the same picture).

mod common;

use base64::Engine;
use common::{Actor, TestRelay, link_window, start_desktop, wait_for_view};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use tandem_client::demo_image;
use tandem_client::desktop::{ImageView, View};
use tandem_proto::media::{Attachment, media_id};
use tandem_proto::message::Payload;

fn images(view: &View) -> Vec<ImageView> {
    let open = view.linked.as_ref().and_then(|l| l.open_chat.as_ref());
    open.map(|c| c.messages.iter().filter_map(|m| m.image.clone()).collect()).unwrap_or_default()
}

/// A PNG whose header claims `width` × `height` 8-bit RGB pixels, with a few bytes of data.
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &[0x78, 0x01, 0x01, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0, 0x00, 0x04, 0x00, 0x01]);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn decode_data_url(url: &str, mime: &str) -> Vec<u8> {
    let b64 = url.strip_prefix(&format!("data:{mime};base64,")).unwrap_or_else(|| panic!("a {mime} data URL"));
    base64::engine::general_purpose::STANDARD.decode(b64).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_png_bomb_never_reaches_the_view_and_a_photo_arrives_re_encoded() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let mallory_phone = Actor::new("mallory_phone").create_phone(&relay.url()).await;
    let (alice, mallory) = (alice_phone.info().account_id.unwrap(), mallory_phone.info().account_id.unwrap());
    let (profile, app, mut views) = start_desktop(&relay.url());
    link_window(&mut views, &alice_phone).await;
    app.add_contact(mallory.as_str()).await.unwrap();

    // mallory sends a 60000 × 60000 PNG of 70 bytes, as a message's thumbnail and as its file.
    let bomb = png_bomb(60_000, 60_000);
    assert!(bomb.len() < 100);
    let attachment = Attachment {
        media_id: media_id(&bomb),
        mime: "image/png".into(),
        width: 60_000,
        height: 60_000,
        size: bomb.len() as u64,
        thumbnail: bomb.clone(),
        upload: None,
    };
    let text = Payload::Text {
        message_id: "bomb1".into(),
        sent_ms: 1_700_000_000_000,
        text: "look".into(),
        attachment: Some(attachment.clone()),
        lists: None,
    };
    mallory_phone.send_any_pairwise(std::slice::from_ref(&alice), text).await.unwrap();
    let view = wait_for_view(&mut views, "mallory's picture arrives", |v| !images(v).is_empty()).await;
    let shown = images(&view).remove(0);
    assert_eq!(shown.thumbnail_data_url, "", "nothing of the bomb reaches the window");
    let refused = shown.refused.expect("the view says why the picture is not shown");
    assert_eq!(refused.code, "image_too_large");
    assert!(refused.message.starts_with("this image could not be shown"), "{}", refused.message);

    // The full file, once on this computer (here: put into its database as a fetch would), is
    // refused when the window asks for it.
    let key: [u8; 32] = std::fs::read(profile.path().join("keys/db.key")).unwrap().try_into().unwrap();
    let mut store = tandem_store::Store::open(&profile.path().join("tandem.db"), &key).unwrap();
    let row = tandem_store::MediaRow { media_id: attachment.media_id.clone(), mime: "image/png".into(), bytes: bomb };
    store.save_media(&row, 1).unwrap();
    drop(store);
    let refused = app.media_data_url(&attachment.media_id).await.unwrap_err();
    assert_eq!(refused.code, "image_too_large");
    assert!(refused.message.starts_with("this image could not be shown"));

    // A normal photo, written by another encoder than Tandem's: the window gets other bytes
    // that decode to the same picture.
    let pixels = image::load_from_memory(&demo_image(9).unwrap()).unwrap();
    let mut photo = Vec::new();
    pixels
        .write_with_encoder(PngEncoder::new_with_quality(&mut photo, CompressionType::Best, FilterType::Paeth))
        .unwrap();
    mallory_phone.send_image(alice.as_str(), &photo, "a real one").await.unwrap();
    let view = wait_for_view(&mut views, "the real photo arrives", |v| images(v).len() == 2).await;
    let shown = images(&view).remove(1);
    assert_eq!(shown.refused, None);
    let thumb = decode_data_url(&shown.thumbnail_data_url, "image/jpeg");
    let decoded = image::load_from_memory(&thumb).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (96, 64));
    let (original, _) = tandem_client::image_attachment(&photo).unwrap();
    assert_ne!(thumb, original.thumbnail, "the thumbnail is re-encoded, not passed through");

    app.fetch_media(&shown.media_id).await.unwrap();
    wait_for_view(&mut views, "the full photo is here", |v| images(v).get(1).is_some_and(|i| i.held)).await;
    let full = decode_data_url(&app.media_data_url(&shown.media_id).await.unwrap(), "image/png");
    assert_ne!(full, photo, "the full image is re-encoded, not the sender's bytes");
    let decoded = image::load_from_memory(&full).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (480, 320));
    assert_eq!(decoded.to_rgb8(), pixels.to_rgb8(), "the same picture");
}
