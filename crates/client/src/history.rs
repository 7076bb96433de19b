//! History sync (`tandem_proto::history`), the receiving side; the sending side is
//! `history_send`. The companion records each announced chunk with the envelope that carried it,
//! downloads it (resuming a partial download with `Range`), checks and opens it, imports it in
//! one transaction, then acks the blob. A bad chunk is refused whole, with a reason; nothing is
//! half-imported.

use std::path::PathBuf;

use tandem_proto::history::{ChunkRef, open_chunk};
use tandem_proto::ids::{AccountId, DeviceId, PRIMARY_DEVICE_ID};
use tandem_proto::wire::ErrorCode;
use tandem_store::{HistoryChatRow, HistoryTotals, StoredMessage};

use crate::device::{Device, now_ms};
use crate::error::{ClientError, Result};
use crate::events::ClientEvent;

/// Where history sync stands on a companion.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryStatus {
    #[serde(flatten)]
    pub totals: HistoryTotals,
    /// "none" (nothing announced yet), "syncing", "complete", or "failed" (some chunks refused).
    pub state: &'static str,
    pub failures: Vec<String>,
    /// Chats whose history is only partly here (more remains on the phone).
    pub partial_chats: Vec<String>,
    /// Chats whose older messages were asked for and have not arrived yet.
    pub loading_older: Vec<String>,
    /// While syncing: about how long the rest takes, at the pace so far (seconds).
    pub seconds_left: Option<u64>,
}

/// The rest at the pace so far: `None` until something was imported.
fn seconds_left(totals: &HistoryTotals, now_ms: u64) -> Option<u64> {
    let done = totals.messages_imported;
    let rest = totals.messages_total.checked_sub(done)?;
    if done == 0 || rest == 0 {
        return None;
    }
    let elapsed_ms = now_ms.saturating_sub(totals.started_ms).max(1);
    Some((rest * elapsed_ms / done).div_ceil(1000))
}

impl Device {
    /// As a companion: a bundle's chunk is taken only from this account's own primary; an
    /// answer to "load older messages" only from another device of the account, and only if this
    /// device asked.
    pub(crate) fn accept_history_chunk(
        &self,
        sender: &AccountId,
        device: DeviceId,
        chunk: &ChunkRef,
    ) -> Option<String> {
        let Ok((own, own_device, _)) = self.whoami() else {
            return Some("A history chunk was refused: this device is not linked.".into());
        };
        match &chunk.request_id {
            None if *sender == own && device == PRIMARY_DEVICE_ID => None,
            None => Some(format!(
                "A history chunk from {sender} (device {device}) was refused: only this account's phone sends history."
            )),
            Some(request) if *sender == own && device != own_device && self.asked_for_older(request) => None,
            Some(_) => Some(format!(
                "Older messages from {sender} (device {device}) were refused: this device did not ask for them."
            )),
        }
    }

    fn partial_path(&self, blob_id: &str) -> PathBuf {
        self.inner.profile.dir.join("history").join(format!("{blob_id}.part"))
    }

    /// Downloads, checks and imports every announced chunk, in order. A chunk that is refused
    /// is marked failed with its reason; an unreachable relay stops the run (it resumes later).
    pub async fn import_history(&self) -> Result<HistoryStatus> {
        let pending = self.state().store.pending_history_chunks()?;
        if pending.is_empty() {
            return self.history_status();
        }
        // A large page cache while importing, a small one again after (an idle app stays small).
        self.state().store.set_bulk(true)?;
        let result = self.import_chunks(pending).await;
        if let Err(e) = self.state().store.set_bulk(false) {
            tracing::warn!("the page cache stays large until the app restarts: {e}");
        }
        result
    }

    async fn import_chunks(&self, pending: Vec<tandem_store::HistoryChunkRow>) -> Result<HistoryStatus> {
        let (own, own_device, _) = self.whoami()?;
        for row in pending {
            let chunk: ChunkRef = serde_json::from_str(&row.chunk).map_err(ClientError::internal)?;
            let result = self.download_chunk(&chunk).await;
            let blob = match result {
                Ok(blob) => blob,
                Err(e) if e.is_unreachable() => return Err(e),
                Err(e) => {
                    let why = if e.is_relay(ErrorCode::BlobExpired) {
                        "it expired on the relay before this device fetched it (kept 7 days): link again to get history"
                            .to_owned()
                    } else {
                        e.to_string()
                    };
                    self.state().store.fail_history_chunk(&row.bundle_id, row.index, &why)?;
                    continue;
                }
            };
            match open_chunk(&blob, &chunk, (&own, own_device)) {
                Ok(body) => {
                    self.take_history_groups(&body.groups).await?;
                    let chats: Vec<HistoryChatRow> = body
                        .chats
                        .into_iter()
                        .map(|c| HistoryChatRow { chat_id: c.chat_id, title: c.title, complete: c.complete })
                        .collect();
                    let messages: Vec<StoredMessage> = body.messages.into_iter().map(StoredMessage::from).collect();
                    let media: Vec<tandem_store::MediaRow> = body
                        .media
                        .into_iter()
                        .map(|f| tandem_store::MediaRow { media_id: f.media_id, mime: f.mime, bytes: f.bytes })
                        .collect();
                    self.state().store.import_history_chunk(
                        &row.bundle_id,
                        row.index,
                        &messages,
                        &chats,
                        &media,
                        now_ms(),
                    )?;
                    if let Some(request) = &chunk.request_id {
                        self.older_answered(request)?;
                    }
                }
                Err(e) => {
                    tracing::warn!(chunk = row.index, "history chunk refused: {e}");
                    self.state().store.fail_history_chunk(&row.bundle_id, row.index, &e.to_string())?;
                }
            }
            let _ = std::fs::remove_file(self.partial_path(&chunk.blob_id));
            let acked: Result<serde_json::Value> = self.delete_authed(&format!("/v1/blobs/{}", chunk.blob_id)).await;
            if let Err(e) = acked {
                tracing::warn!(code = e.code(), "a history blob was not acked (it expires on its own): {e}");
            }
            let status = self.history_status()?;
            self.emit(ClientEvent::HistoryProgress(status));
        }
        self.history_status()
    }

    /// Groups' membership from the phone's history, each checked against its admin's devices as
    /// a membership change would be; one that does not verify is left out (and logged).
    async fn take_history_groups(&self, groups: &[tandem_proto::group::SignedGroupState]) -> Result<()> {
        for signed in groups {
            match self.check_group_state(signed).await {
                Ok(Some((state, _))) => {
                    let json = serde_json::to_string(signed).map_err(ClientError::internal)?;
                    let update = tandem_store::GroupStateUpdate { state: &state, signed: &json };
                    self.state().store.put_group(&update, now_ms())?;
                }
                Ok(None) => {}
                Err(e) if e.is_unreachable() => return Err(e),
                Err(e) => tracing::warn!(code = e.code(), "a group in the history was left out: {e}"),
            }
        }
        Ok(())
    }

    /// The chunk's bytes, continuing a partial download from where it stopped.
    async fn download_chunk(&self, chunk: &ChunkRef) -> Result<Vec<u8>> {
        let path = self.partial_path(&chunk.blob_id);
        let mut have = std::fs::read(&path).unwrap_or_default();
        if have.len() as u64 >= chunk.size {
            have.clear();
        }
        let rest = self.get_bytes_authed(&format!("/v1/blobs/{}", chunk.blob_id), have.len() as u64).await?;
        have.extend_from_slice(&rest);
        if have.len() as u64 > chunk.size {
            return Err(tandem_proto::ProtoError::HistoryRefused("longer than announced").into());
        }
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(&path, &have);
        Ok(have)
    }

    /// Searches this device's messages (every word must appear; `word*` is a prefix): the newest
    /// `limit` matches, with snippets.
    pub fn search(&self, text: &str, limit: u32) -> Result<Vec<tandem_store::SearchHit>> {
        Ok(self.state().store.search(text, limit.clamp(1, 500))?)
    }

    /// Where history sync stands.
    pub fn history_status(&self) -> Result<HistoryStatus> {
        let st = self.state();
        let totals = st.store.history_totals()?;
        let failures: Vec<String> = st
            .store
            .failed_history_chunks()?
            .into_iter()
            .map(|r| format!("chunk {}: {}", r.index + 1, r.error.unwrap_or_default()))
            .collect();
        let partial_chats = st.store.history_chats()?.into_iter().filter(|c| !c.complete).map(|c| c.chat_id).collect();
        let state = if totals.chunks_total == 0 {
            "none"
        } else if !failures.is_empty() {
            "failed"
        } else if totals.chunks_imported == totals.chunks_total {
            "complete"
        } else {
            "syncing"
        };
        drop(st);
        let loading_older = self.loading_older_chats()?;
        let seconds_left = if state == "syncing" { seconds_left(&totals, now_ms()) } else { None };
        Ok(HistoryStatus { totals, state, failures, partial_chats, loading_older, seconds_left })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_follows_the_pace_so_far() {
        let totals =
            HistoryTotals { messages_total: 10_000, messages_imported: 2_500, started_ms: 1_000, ..Default::default() };
        assert_eq!(seconds_left(&totals, 11_000), Some(30), "2,500 in 10 s: 7,500 more take 30 s");
        assert_eq!(seconds_left(&HistoryTotals { messages_imported: 0, ..totals.clone() }, 11_000), None);
        assert_eq!(seconds_left(&HistoryTotals { messages_imported: 10_000, ..totals }, 11_000), None);
    }
}
