//! Images in messages. A message carries an [`Attachment`]: a small JPEG thumbnail inline (it
//! travels with the message and with history), and the full file's id, size and type. The full
//! file travels only on demand, as a [`MediaFile`] inside a history chunk, and is checked
//! against its id (the SHA-256 of its bytes).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{ProtoError, b64};

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
        Ok(())
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
        };
        assert!(ok.check().is_ok());
        assert!(Attachment { thumbnail: vec![0; MAX_THUMBNAIL_BYTES + 1], ..ok.clone() }.check().is_err());
        assert!(Attachment { media_id: "../../etc/passwd".into(), ..ok.clone() }.check().is_err());
        assert!(Attachment { size: MAX_MEDIA_BYTES as u64 + 1, ..ok }.check().is_err());
    }
}
