//! History sync (`tandem_proto::history`). The phone: right after linking a companion, it seals
//! its recent chats (the bootstrap), then the rest of the range, as chunks, uploads each as a blob
//! only that companion may read, and sends the chunk's key pairwise to it alone. The companion:
//! it records each announced chunk with the envelope, downloads it (resuming a partial download
//! with `Range`), checks and opens it, imports it in one transaction, then acks the blob. A bad
//! chunk is refused whole, with a reason; nothing half-imported.

use std::path::PathBuf;

use tandem_proto::history::{
    BOOTSTRAP_CHATS, BOOTSTRAP_MESSAGES_PER_CHAT, CHUNK_MESSAGES, ChunkRef, DEFAULT_RANGE_MS, HistoryChat,
    HistoryChunkBody, HistoryMessage, open_chunk, seal_chunk,
};
use tandem_proto::ids::{AccountId, DeviceId, PRIMARY_DEVICE_ID};
use tandem_proto::message::Payload;
use tandem_proto::wire::{BlobCreated, ErrorCode};
use tandem_store::{HistoryChatRow, HistoryTotals, StoredMessage};

use crate::device::{Device, now_ms, random_bytes};
use crate::error::{ClientError, Result};
use crate::events::ClientEvent;

/// How far the phone got sending history.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HistorySent {
    pub chunk: u32,
    pub chunks: u32,
    pub messages: u64,
}

/// Where history sync stands on a companion.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct HistoryStatus {
    #[serde(flatten)]
    pub totals: HistoryTotals,
    /// "none" (nothing announced yet), "syncing", "complete", or "failed" (some chunks refused).
    pub state: &'static str,
    pub failures: Vec<String>,
    /// Chats whose history is only partly here (more remains on the phone).
    pub partial_chats: Vec<String>,
}

/// Splits the phone's messages into the bootstrap (newest messages of the newest chats) and the
/// rest, both in order.
fn plan_chunks(mut messages: Vec<StoredMessage>) -> Vec<Vec<StoredMessage>> {
    let mut by_chat: std::collections::BTreeMap<String, Vec<StoredMessage>> = Default::default();
    for m in messages.drain(..) {
        by_chat.entry(m.chat_id.clone()).or_default().push(m);
    }
    let mut chats: Vec<(u64, String)> =
        by_chat.iter().map(|(id, ms)| (ms.last().map_or(0, |m| m.sent_ms), id.clone())).collect();
    chats.sort_by(|a, b| b.cmp(a));
    let mut bootstrap = Vec::new();
    for (_, chat) in chats.iter().take(BOOTSTRAP_CHATS) {
        if let Some(ms) = by_chat.get_mut(chat) {
            let keep = ms.len().saturating_sub(BOOTSTRAP_MESSAGES_PER_CHAT);
            bootstrap.extend(ms.split_off(keep));
        }
    }
    let rest: Vec<StoredMessage> = by_chat.into_values().flatten().collect();
    let mut chunks = vec![bootstrap];
    chunks.extend(rest.chunks(CHUNK_MESSAGES).map(<[StoredMessage]>::to_vec));
    chunks.retain(|c| !c.is_empty());
    if chunks.is_empty() {
        chunks.push(Vec::new()); // an empty history still says "complete"
    }
    chunks
}

impl Device {
    /// As the phone: sends the last `range_ms` of history (default 1 year) to a companion of
    /// this account, bootstrap first, reporting each chunk as it is uploaded.
    pub async fn send_history(
        &self,
        companion: DeviceId,
        range_ms: Option<u64>,
        on_chunk: &mut (dyn FnMut(&HistorySent) + Send),
    ) -> Result<HistorySent> {
        let (own, own_device, _) = self.whoami()?;
        if own_device != PRIMARY_DEVICE_ID {
            return Err(ClientError::NotPrimary);
        }
        let since = now_ms().saturating_sub(range_ms.unwrap_or(DEFAULT_RANGE_MS));
        let (messages, older) = {
            let st = self.state();
            (st.store.history_export(since)?, st.store.chats_with_messages_before(since)?)
        };
        let groups = self.groups().unwrap_or_default();
        let title = |chat: &str| groups.iter().find(|g| g.group_id == chat).map(|g| g.name.clone());
        let total = messages.len() as u64;
        let chunks = plan_chunks(messages);
        let count = u32::try_from(chunks.len()).map_err(ClientError::internal)?;
        let bundle_id: String = random_bytes::<16>()?.iter().map(|b| format!("{b:02x}")).collect();
        let mut sent = HistorySent { chunk: 0, chunks: count, messages: 0 };
        let mut chats_seen: Vec<String> = Vec::new();
        for (index, chunk) in chunks.iter().enumerate() {
            let index = u32::try_from(index).map_err(ClientError::internal)?;
            let last = index + 1 == count;
            // Chat status: in the last chunk for every chat; earlier, for the chats it holds.
            let mut chat_ids: Vec<String> = chunk.iter().map(|m| m.chat_id.clone()).collect();
            chat_ids.sort_unstable();
            chat_ids.dedup();
            chats_seen.extend(chat_ids.iter().cloned());
            chats_seen.sort_unstable();
            chats_seen.dedup();
            if last {
                chat_ids.clone_from(&chats_seen);
            }
            let body = HistoryChunkBody {
                chats: chat_ids
                    .iter()
                    .map(|c| HistoryChat { chat_id: c.clone(), title: title(c), complete: last && !older.contains(c) })
                    .collect(),
                messages: chunk.iter().map(HistoryMessage::from).collect(),
            };
            let key: [u8; 32] = random_bytes()?;
            let (blob, digest) = seal_chunk(&body, &key, random_bytes()?, (&own, companion), &bundle_id, index, last)?;
            let created: BlobCreated = self.post_bytes_authed(&format!("/v1/blobs?device={companion}"), &blob).await?;
            let reference = ChunkRef {
                bundle_id: bundle_id.clone(),
                index,
                last,
                blob_id: created.blob_id,
                key: key.to_vec(),
                digest: digest.to_vec(),
                size: blob.len() as u64,
                messages: u32::try_from(chunk.len()).map_err(ClientError::internal)?,
                bundle_messages: total,
                bundle_chunks: count,
            };
            self.send_to_device(&own, companion, &Payload::HistoryChunk { chunk: reference }).await?;
            sent.chunk = index + 1;
            sent.messages += chunk.len() as u64;
            on_chunk(&sent);
        }
        Ok(sent)
    }

    /// As a companion: a chunk reference is taken only from this account's own primary.
    pub(crate) fn accept_history_chunk(&self, sender: &AccountId, device: DeviceId) -> Option<String> {
        let own = self.whoami().ok()?.0;
        (*sender != own || device != PRIMARY_DEVICE_ID).then(|| {
            format!(
                "A history chunk from {sender} (device {device}) was refused: only this account's phone sends history."
            )
        })
    }

    fn partial_path(&self, blob_id: &str) -> PathBuf {
        self.inner.profile.dir.join("history").join(format!("{blob_id}.part"))
    }

    /// Downloads, checks and imports every announced chunk, in order. A chunk that is refused
    /// is marked failed with its reason; an unreachable relay stops the run (it resumes later).
    pub async fn import_history(&self) -> Result<HistoryStatus> {
        let (own, own_device, _) = self.whoami()?;
        let pending = self.state().store.pending_history_chunks()?;
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
                    let chats: Vec<HistoryChatRow> = body
                        .chats
                        .into_iter()
                        .map(|c| HistoryChatRow { chat_id: c.chat_id, title: c.title, complete: c.complete })
                        .collect();
                    let messages: Vec<StoredMessage> = body.messages.into_iter().map(StoredMessage::from).collect();
                    self.state().store.import_history_chunk(&row.bundle_id, row.index, &messages, &chats, now_ms())?;
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
        Ok(HistoryStatus { totals, state, failures, partial_chats })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(chat: &str, t: u64) -> StoredMessage {
        StoredMessage {
            chat_id: chat.into(),
            message_id: format!("{chat}{t}"),
            sender_account: chat.into(),
            sender_device: 0,
            outgoing: false,
            body: "x".into(),
            sent_ms: t,
            state: "read".into(),
        }
    }

    #[test]
    fn the_bootstrap_holds_the_newest_messages_and_every_message_goes_once() {
        let mut all: Vec<StoredMessage> = (0..30).map(|t| m("a", t)).collect();
        all.extend((0..5).map(|t| m("b", 100 + t)));
        let chunks = plan_chunks(all.clone());
        assert_eq!(chunks[0].len(), 25, "20 newest of a, all 5 of b");
        assert!(chunks[0].iter().filter(|x| x.chat_id == "a").all(|x| x.sent_ms >= 10));
        let mut ids: Vec<String> = chunks.iter().flatten().map(|x| x.message_id.clone()).collect();
        ids.sort();
        let mut expected: Vec<String> = all.iter().map(|x| x.message_id.clone()).collect();
        expected.sort();
        assert_eq!(ids, expected);
        assert_eq!(plan_chunks(Vec::new()).len(), 1);
    }
}
