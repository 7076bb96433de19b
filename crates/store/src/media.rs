//! Full image files (tandem_proto::media), kept inside the encrypted database.

use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError};

/// A file held here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaRow {
    pub media_id: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

pub(crate) fn insert_media(conn: &rusqlite::Connection, file: &MediaRow, now_ms: u64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO media (media_id, mime, bytes, stored_ms) VALUES (?1, ?2, ?3, ?4)",
        params![file.media_id, file.mime, file.bytes, now_ms],
    )?;
    Ok(())
}

impl Store {
    /// Keeps a file (once; its id is the hash of its bytes, checked by the caller).
    pub fn save_media(&mut self, file: &MediaRow, now_ms: u64) -> Result<(), StoreError> {
        insert_media(&self.conn, file, now_ms).map_err(|e| self.err(e))
    }

    pub fn media(&self, media_id: &str) -> Result<Option<MediaRow>, StoreError> {
        self.conn
            .query_row("SELECT media_id, mime, bytes FROM media WHERE media_id = ?1", [media_id], |r| {
                Ok(MediaRow { media_id: r.get(0)?, mime: r.get(1)?, bytes: r.get(2)? })
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The attachments of messages that name this file and say where the relay keeps it (photos
    /// sent live), newest first, at most 8. Several people may send the same picture; one of
    /// them may also name a file they never uploaded, so each is tried in turn.
    pub fn uploaded_attachments(&self, media_id: &str) -> Result<Vec<tandem_proto::media::Attachment>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT attachment FROM messages WHERE attachment IS NOT NULL
                   AND json_extract(attachment, '$.media_id') = ?1
                   AND json_extract(attachment, '$.upload') IS NOT NULL
                 ORDER BY sent_ms DESC LIMIT 8",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([media_id], |r| r.get::<_, String>(0)).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for json in rows {
            if let Ok(a) = serde_json::from_str(&json.map_err(|e| self.err(e))?) {
                out.push(a);
            }
        }
        Ok(out)
    }

    pub fn has_media(&self, media_id: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT 1 FROM media WHERE media_id = ?1", [media_id], |_| Ok(()))
            .optional()
            .map(|r| r.is_some())
            .map_err(|e| self.err(e))
    }
}
