//! Images (`tandem_proto::media`): making an attachment (a small JPEG thumbnail, made with the
//! `image` crate, with decoding limits so a hostile file cannot exhaust memory), keeping full
//! files in the encrypted database, and fetching a full file on demand from the account's other
//! devices (it arrives as a history chunk answering the request).

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};
use tandem_proto::media::{
    Attachment, IMAGE_TYPES, MAX_MEDIA_BYTES, MAX_THUMBNAIL_BYTES, MediaUpload, media_id, open_media, seal_media,
};
use tandem_proto::message::Payload;
use tandem_proto::wire::{ErrorCode, MediaCreated};
use tandem_store::MediaRow;

use crate::device::{Device, now_ms, random_bytes};
use crate::error::{ClientError, Result};
use crate::history_older::OlderRequest;

/// Received images decoded under limits and re-encoded before the window sees them.
pub(crate) mod shown;

/// Thumbnails fit in this square.
pub const THUMBNAIL_PX: u32 = 96;
/// Larger images are refused before they are decoded.
const MAX_SIDE_PX: u32 = 8192;

fn bad_image(why: &str) -> ClientError {
    ClientError::Protocol(tandem_proto::ProtoError::Malformed(match why {
        "type" => "image: only PNG and JPEG images can be sent",
        "size" => "image: larger than 5 MiB",
        _ => "image: it could not be read (damaged, or larger than 8192 pixels a side)",
    }))
}

/// Makes the attachment for an image file (PNG or JPEG, at most 5 MiB): its id, size, type and
/// a JPEG thumbnail of at most [`THUMBNAIL_PX`] a side. Returns it with the file to keep.
pub fn image_attachment(bytes: &[u8]) -> Result<(Attachment, MediaRow)> {
    if bytes.len() > MAX_MEDIA_BYTES {
        return Err(bad_image("size"));
    }
    let format = image::guess_format(bytes).map_err(|_| bad_image("type"))?;
    let mime = match format {
        ImageFormat::Png => IMAGE_TYPES[0],
        ImageFormat::Jpeg => IMAGE_TYPES[1],
        _ => return Err(bad_image("type")),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|_| bad_image("decode"))?;
    let (width, height) = (image.width(), image.height());
    let small = image.thumbnail(THUMBNAIL_PX, THUMBNAIL_PX).to_rgb8();
    let mut thumbnail = Vec::new();
    for quality in [70, 50, 30] {
        thumbnail.clear();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut thumbnail, quality);
        small.write_with_encoder(encoder).map_err(ClientError::internal)?;
        if thumbnail.len() <= MAX_THUMBNAIL_BYTES {
            break;
        }
    }
    let id = media_id(bytes);
    let attachment = Attachment {
        media_id: id.clone(),
        mime: mime.to_owned(),
        width,
        height,
        size: bytes.len() as u64,
        thumbnail,
        upload: None,
    };
    attachment.check()?;
    Ok((attachment, MediaRow { media_id: id, mime: mime.to_owned(), bytes: bytes.to_vec() }))
}

/// A `data:` URL for a window (standard base64, as browsers require).
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    format!("data:{mime};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// A deterministic demo picture (`seed-history`): a PNG of soft bands in colours chosen by `n`.
pub fn demo_image(n: u64) -> Result<Vec<u8>> {
    let base = [(n * 53 % 200) as u8 + 30, (n * 97 % 200) as u8 + 30, (n * 151 % 200) as u8 + 30];
    let picture = image::RgbImage::from_fn(480, 320, |x, y| {
        let band = ((x / 40 + y / 40 + n as u32) % 4) as u8 * 12;
        image::Rgb([base[0].saturating_add(band), base[1].saturating_add(band / 2), base[2].saturating_sub(band)])
    });
    let mut png = Vec::new();
    picture.write_to(&mut Cursor::new(&mut png), ImageFormat::Png).map_err(ClientError::internal)?;
    Ok(png)
}

impl Device {
    /// The full file of an image, if this device holds it.
    pub fn media(&self, media_id: &str) -> Result<Option<MediaRow>> {
        Ok(self.state().store.media(media_id)?)
    }

    /// Whether the full file of an image is here (without reading it).
    pub fn has_media(&self, media_id: &str) -> Result<bool> {
        Ok(self.state().store.has_media(media_id)?)
    }

    /// Sends a photo (PNG or JPEG, at most 5 MiB) with a caption: the file sealed under a fresh
    /// key goes to the relay, the key and a thumbnail in the end-to-end encrypted message.
    /// Returns the message id and whether the message went out now (else it stays queued). The
    /// upload itself needs the relay: offline, it fails and nothing is queued.
    pub async fn send_image(&self, to: &str, bytes: &[u8], caption: &str) -> Result<(String, bool)> {
        // Everything that could refuse the message is checked before anything is uploaded.
        self.check_recipient(to)?;
        if caption.len() > tandem_proto::message::MAX_TEXT_BYTES {
            return Err(ClientError::Protocol(tandem_proto::ProtoError::Malformed("message text (too long)")));
        }
        let (mut attachment, file) = image_attachment(bytes)?;
        let key = random_bytes::<32>()?;
        let sealed = seal_media(bytes, &key, random_bytes::<12>()?)?;
        let created: MediaCreated = self.post_bytes_authed("/v1/media", &sealed).await?;
        attachment.upload = Some(MediaUpload { relay_ref: created.media_ref, key: key.to_vec() });
        self.state().store.save_media(&file, now_ms())?;
        self.send_message_with(to, caption, Some(attachment)).await
    }

    /// Gets an image's full file: from the relay when a message says where it is (a photo sent
    /// live; `None` once it is here), else by asking the account's other devices (it arrives
    /// with the next sync). `None` when it is already here.
    pub async fn fetch_media(&self, media_id: &str) -> Result<Option<OlderRequest>> {
        if self.has_media(media_id)? {
            return Ok(None);
        }
        // Each message naming the file is tried: one from someone who never uploaded it (or
        // changed it) cannot stop the real one from opening.
        let candidates = self.state().store.uploaded_attachments(media_id)?;
        let mut refused = None;
        for attachment in &candidates {
            let Some(upload) = attachment.upload.as_ref() else { continue };
            match self.get_bytes_authed(&format!("/v1/media/{}", upload.relay_ref), 0).await {
                Ok(sealed) => match open_media(&sealed, attachment) {
                    Ok(file) => {
                        let row = MediaRow { media_id: file.media_id, mime: file.mime, bytes: file.bytes };
                        self.state().store.save_media(&row, now_ms())?;
                        return Ok(None);
                    }
                    Err(e) => refused = Some(ClientError::from(e)),
                },
                // Expired on the relay: the account's own devices may still hold it.
                Err(e) if e.is_relay(ErrorCode::BlobExpired) || e.is_relay(ErrorCode::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        if let Some(e) = refused {
            return Err(e);
        }
        let request_id: String = random_bytes::<12>()?.iter().map(|b| format!("{b:02x}")).collect();
        let payload = Payload::MediaRequest { request_id: request_id.clone(), media_id: media_id.to_owned() };
        self.ask_own_devices(request_id, "", Some(media_id), &payload).await.map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_gets_a_small_thumbnail_and_its_id() {
        let png = demo_image(3).unwrap();
        let (attachment, file) = image_attachment(&png).unwrap();
        assert_eq!((attachment.width, attachment.height), (480, 320));
        assert_eq!(attachment.media_id, media_id(&png));
        assert!(attachment.thumbnail.len() <= MAX_THUMBNAIL_BYTES);
        let thumb = image::load_from_memory(&attachment.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (96, 64));
        assert_eq!(file.bytes, png);
        assert!(image_attachment(b"<html>not an image</html>").is_err());
        assert!(image_attachment(&png[..png.len() / 2]).is_err(), "a truncated file is refused");
    }
}
