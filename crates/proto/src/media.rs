//! Images in messages. A message carries an [`Attachment`]: a small JPEG thumbnail inline (it
//! travels with the message and with history), and the full file's id, size and type. A photo
//! sent live also carries a [`MediaUpload`]: where the relay keeps the file, sealed with a fresh
//! AES-256-GCM key that only the message's recipients learn ([`seal_media`], [`open_media`]).
//! Otherwise the full file travels on demand, as a [`MediaFile`] inside a history chunk. Either
//! way it is checked against its id (the SHA-256 of its bytes).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};

use crate::{ProtoError, b64};

/// A sealed file: nonce, ciphertext, tag.
pub const MAX_SEALED_MEDIA_BYTES: usize = MAX_MEDIA_BYTES + 12 + 16;

/// A thumbnail may not exceed this (it travels inside every copy of the message).
pub const MAX_THUMBNAIL_BYTES: usize = 16 * 1024;
/// An image file may not exceed this.
pub const MAX_MEDIA_BYTES: usize = 5 * 1024 * 1024;
/// The image types Tandem shows.
pub const IMAGE_TYPES: [&str; 2] = ["image/png", "image/jpeg"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Hex SHA-256 of the full file.
    pub media_id: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    /// Size of the full file in bytes.
    pub size: u64,
    /// A JPEG of at most 96×96 pixels.
    #[serde(with = "b64")]
    pub thumbnail: Vec<u8>,
    /// Where the relay keeps the sealed file, and its key (photos sent live; absent in older
    /// messages, whose files come from the account's own devices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload: Option<MediaUpload>,
}

/// A sealed file on the relay: its unguessable reference and the key that opens it (never
/// shown in debug output).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaUpload {
    /// The relay's id for the sealed file (32 hex digits).
    pub relay_ref: String,
    /// AES-256-GCM key, fresh for this file.
    #[serde(with = "b64")]
    pub key: Vec<u8>,
}

impl std::fmt::Debug for MediaUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaUpload").field("relay_ref", &self.relay_ref).field("key", &"<hidden>").finish()
    }
}

impl MediaUpload {
    fn check(&self) -> Result<(), ProtoError> {
        if self.key.len() != 32
            || self.relay_ref.is_empty()
            || self.relay_ref.len() > 64
            || !self.relay_ref.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(ProtoError::Malformed("image upload"));
        }
        Ok(())
    }
}

fn media_aad(media_id: &str) -> Vec<u8> {
    format!("TANDEM-MEDIA-v1\0{media_id}").into_bytes()
}

fn media_cipher(key: &[u8]) -> Result<LessSafeKey, ProtoError> {
    let unbound = UnboundKey::new(&AES_256_GCM, key).map_err(|_| ProtoError::Malformed("image key"))?;
    Ok(LessSafeKey::new(unbound))
}

/// Seals a file for the relay under a fresh `key` and `nonce` (the caller draws both at random):
/// nonce, then AES-256-GCM of the bytes, bound to the file's id.
pub fn seal_media(bytes: &[u8], key: &[u8; 32], nonce: [u8; 12]) -> Result<Vec<u8>, ProtoError> {
    if bytes.len() > MAX_MEDIA_BYTES {
        return Err(ProtoError::Malformed("image: larger than 5 MiB"));
    }
    let mut buf = bytes.to_vec();
    media_cipher(key)?
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(media_aad(&media_id(bytes))), &mut buf)
        .map_err(|_| ProtoError::Malformed("image"))?;
    Ok([nonce.as_slice(), &buf].concat())
}

/// Opens a file downloaded from the relay: it must decrypt under the message's key and be the
/// file the attachment names (its SHA-256), of the attachment's size.
pub fn open_media(sealed: &[u8], attachment: &Attachment) -> Result<MediaFile, ProtoError> {
    let refused = ProtoError::HistoryRefused("the image from the relay is not the file the message names (tampered)");
    let upload = attachment.upload.as_ref().ok_or(ProtoError::Malformed("image upload"))?;
    if sealed.len() < 12 + 16 || sealed.len() > MAX_SEALED_MEDIA_BYTES {
        return Err(refused);
    }
    let (nonce, body) = sealed.split_at(12);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| ProtoError::Malformed("image"))?;
    let mut buf = body.to_vec();
    let plain =
        media_cipher(&upload.key)?.open_in_place(nonce, Aad::from(media_aad(&attachment.media_id)), &mut buf).map_err(
            |_| ProtoError::HistoryRefused("the image from the relay does not decrypt (tampered or wrong key)"),
        )?;
    let file =
        MediaFile { media_id: attachment.media_id.clone(), mime: attachment.mime.clone(), bytes: plain.to_vec() };
    if file.bytes.len() as u64 != attachment.size {
        return Err(refused);
    }
    file.check().map_err(|_| refused)?;
    Ok(file)
}

/// A full file, sent on demand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaFile {
    pub media_id: String,
    pub mime: String,
    #[serde(with = "b64")]
    pub bytes: Vec<u8>,
}

/// The id of a file: the hex SHA-256 of its bytes.
pub fn media_id(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn valid_media_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Attachment {
    pub fn check(&self) -> Result<(), ProtoError> {
        if !valid_media_id(&self.media_id)
            || !IMAGE_TYPES.contains(&self.mime.as_str())
            || self.width == 0
            || self.height == 0
            || self.size == 0
            || self.size > MAX_MEDIA_BYTES as u64
            || self.thumbnail.len() > MAX_THUMBNAIL_BYTES
        {
            return Err(ProtoError::Malformed("image attachment"));
        }
        self.upload.as_ref().map_or(Ok(()), MediaUpload::check)
    }
}

impl MediaFile {
    /// The bytes are the file the id names, of an allowed type and size.
    pub fn check(&self) -> Result<(), ProtoError> {
        if !IMAGE_TYPES.contains(&self.mime.as_str())
            || self.bytes.len() > MAX_MEDIA_BYTES
            || media_id(&self.bytes) != self.media_id
        {
            return Err(ProtoError::HistoryRefused("an image in it is not the file its id names"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_accepted_only_under_its_own_id() {
        let file =
            MediaFile { media_id: media_id(b"png bytes"), mime: "image/png".into(), bytes: b"png bytes".to_vec() };
        assert!(file.check().is_ok());
        let swapped = MediaFile { bytes: b"other bytes".to_vec(), ..file.clone() };
        assert!(swapped.check().is_err());
        let html = MediaFile { mime: "text/html".into(), ..file };
        assert!(html.check().is_err());
    }

    #[test]
    fn an_attachment_is_bounded() {
        let ok = Attachment {
            media_id: media_id(b"x"),
            mime: "image/jpeg".into(),
            width: 640,
            height: 480,
            size: 1,
            thumbnail: vec![0; 100],
            upload: None,
        };
        assert!(ok.check().is_ok());
        let short_key = MediaUpload { relay_ref: "ab12".into(), key: vec![1; 16] };
        assert!(Attachment { upload: Some(short_key), ..ok.clone() }.check().is_err());
        assert!(Attachment { thumbnail: vec![0; MAX_THUMBNAIL_BYTES + 1], ..ok.clone() }.check().is_err());
        assert!(Attachment { media_id: "../../etc/passwd".into(), ..ok.clone() }.check().is_err());
        assert!(Attachment { size: MAX_MEDIA_BYTES as u64 + 1, ..ok }.check().is_err());
    }

    #[test]
    fn a_sealed_file_opens_only_as_the_file_its_message_names() {
        let bytes = b"\x89PNG pretend".to_vec();
        let key = [7u8; 32];
        let sealed = seal_media(&bytes, &key, [1; 12]).unwrap();
        let upload = MediaUpload { relay_ref: "00ff".into(), key: key.to_vec() };
        let attachment = Attachment {
            media_id: media_id(&bytes),
            mime: "image/png".into(),
            width: 1,
            height: 1,
            size: bytes.len() as u64,
            thumbnail: vec![],
            upload: Some(upload.clone()),
        };
        assert_eq!(open_media(&sealed, &attachment).unwrap().bytes, bytes);
        let mut flipped = sealed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(open_media(&flipped, &attachment).is_err(), "a changed byte is refused");
        let other = seal_media(b"another file", &key, [2; 12]).unwrap();
        assert!(open_media(&other, &attachment).is_err(), "another file under the same key is refused");
        let wrong_key = Attachment { upload: Some(MediaUpload { key: vec![8; 32], ..upload }), ..attachment };
        assert!(open_media(&sealed, &wrong_key).is_err());
    }
}
