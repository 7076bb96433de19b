//! The sending side of history (`tandem_proto::history`). Work to send is kept as jobs in the
//! database, so it survives a restart and goes on whenever the device is online:
//!
//! - a **bundle**: right after linking, the phone sends a new companion its recent chats (the
//!   bootstrap) at once, then the rest of the range chunk by chunk while it is online;
//! - an **answer**: any device of the account asked for a chat's older messages ("load older")
//!   by a sibling sends the newest of those it holds as one chunk.
//!
//! Each chunk is uploaded as a blob only the target may read; its key goes pairwise to it alone.

use serde::{Deserialize, Serialize};
use tandem_proto::history::{
    BOOTSTRAP_CHATS, BOOTSTRAP_MESSAGES_PER_CHAT, CHUNK_MESSAGES, ChunkRef, HistoryChat, HistoryChunkBody,
    HistoryMessage, seal_chunk,
};
use tandem_proto::ids::{AccountId, DeviceId, PRIMARY_DEVICE_ID};
use tandem_proto::media::MediaFile;
use tandem_proto::message::Payload;
use tandem_proto::wire::BlobCreated;
use tandem_store::StoredMessage;

use crate::device::{Device, now_ms, random_bytes};
use crate::error::{ClientError, Result};

/// Where the jobs are kept (settings, as JSON).
const JOBS: &str = "history_jobs";
/// At most this many answers wait to be sent (a flood of requests is cut, oldest first).
const MAX_JOBS: usize = 64;

/// How far the device got sending one job.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HistorySent {
    pub chunk: u32,
    pub chunks: u32,
    pub messages: u64,
}

/// What a new companion gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HistoryScope {
    /// The last `days` days (`None`: everything).
    Range { days: Option<u64> },
    /// Only what it missed: it kept messages up to `newest_ms` from before a logout for
    /// inactivity (a margin of [`GAP_MARGIN_MS`] covers messages that arrived out of order).
    Gap { newest_ms: u64 },
}

/// How far before a re-linked companion's newest kept message the gap starts.
pub const GAP_MARGIN_MS: u64 = 3600 * 1000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum JobKind {
    /// The history of a new companion: messages sent since `since_ms` and stored by
    /// `stored_until_ms` (what arrives later reaches the companion live). A `gap` bundle fills
    /// what a re-linked companion missed and says nothing about chats' completeness.
    Bundle {
        since_ms: u64,
        stored_until_ms: u64,
        #[serde(default)]
        gap: bool,
    },
    /// An answer to "load older messages".
    Older { request_id: String, chat_id: String, before_ms: u64, limit: u32 },
    /// An image's full file, asked for by a device that shows its thumbnail.
    Media { request_id: String, media_id: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct HistoryJob {
    target: DeviceId,
    bundle_id: String,
    next_index: u32,
    #[serde(flatten)]
    kind: JobKind,
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

/// A job's chunks, as bodies, rebuilt the same way each time from the database.
struct Planned {
    bodies: Vec<HistoryChunkBody>,
    messages: u64,
}

fn hex_id() -> Result<String> {
    Ok(random_bytes::<16>()?.iter().map(|b| format!("{b:02x}")).collect())
}

impl Device {
    fn history_jobs(&self) -> Result<Vec<HistoryJob>> {
        self.json_setting(JOBS)
    }

    fn save_history_jobs(&self, jobs: &[HistoryJob]) -> Result<()> {
        self.set_json_setting(JOBS, jobs)
    }

    fn add_history_job(&self, job: HistoryJob) -> Result<()> {
        let mut jobs = self.history_jobs()?;
        jobs.push(job);
        let excess = jobs.len().saturating_sub(MAX_JOBS);
        jobs.drain(..excess);
        self.save_history_jobs(&jobs)
    }

    /// Whether history waits to be sent from this device.
    pub fn history_to_send(&self) -> Result<bool> {
        Ok(!self.history_jobs()?.is_empty())
    }

    /// As the phone, right after linking a companion: sends it the bootstrap (its recent chats)
    /// now, and keeps the rest of `scope` to send while online
    /// ([`Device::send_pending_history`]). Returns once the bootstrap is uploaded.
    pub async fn send_history(
        &self,
        companion: DeviceId,
        scope: HistoryScope,
        on_chunk: &mut (dyn FnMut(&HistorySent) + Send),
    ) -> Result<HistorySent> {
        let (_, own_device, _) = self.whoami()?;
        if own_device != PRIMARY_DEVICE_ID {
            return Err(ClientError::NotPrimary);
        }
        let now = now_ms();
        let (since_ms, gap) = match scope {
            HistoryScope::Range { days } => (days.map_or(0, |d| now.saturating_sub(d * 24 * 3600 * 1000)), false),
            HistoryScope::Gap { newest_ms } => (newest_ms.saturating_sub(GAP_MARGIN_MS), true),
        };
        let job = HistoryJob {
            target: companion,
            bundle_id: hex_id()?,
            next_index: 0,
            kind: JobKind::Bundle { since_ms, stored_until_ms: now, gap },
        };
        self.add_history_job(job.clone())?;
        self.ship(&job, Some(1), on_chunk).await
    }

    /// Sends every chunk still waiting (the rest of a new companion's history, answers to "load
    /// older messages"). A job for a device that left the account is dropped; an unreachable
    /// relay stops the run, which goes on next time.
    pub async fn send_pending_history(&self, on_chunk: &mut (dyn FnMut(&HistorySent) + Send)) -> Result<u32> {
        let mut chunks = 0;
        for job in self.history_jobs()? {
            match self.ship(&job, None, on_chunk).await {
                Ok(sent) => chunks += sent.chunk.saturating_sub(job.next_index),
                Err(e) if e.is_unreachable() => return Err(e),
                Err(e) => {
                    tracing::warn!(code = e.code(), device = job.target, "history for a device was dropped: {e}");
                    self.finish_job(&job.bundle_id)?;
                }
            }
        }
        Ok(chunks)
    }

    fn finish_job(&self, bundle_id: &str) -> Result<()> {
        let mut jobs = self.history_jobs()?;
        jobs.retain(|j| j.bundle_id != bundle_id);
        self.save_history_jobs(&jobs)
    }

    fn advance_job(&self, bundle_id: &str, next_index: u32) -> Result<()> {
        let mut jobs = self.history_jobs()?;
        for job in jobs.iter_mut().filter(|j| j.bundle_id == bundle_id) {
            job.next_index = next_index;
        }
        self.save_history_jobs(&jobs)
    }

    /// As the device asked: queues an answer to a sibling's "load older messages", if this
    /// device has something to say (the phone always does; a companion only if it holds older
    /// messages or knows there are none).
    pub(crate) fn queue_history_request(
        &self,
        sender: &AccountId,
        device: DeviceId,
        request: (String, String, u64, u32),
    ) -> Result<Option<String>> {
        let (own, own_device, _) = self.whoami()?;
        if *sender != own || device == own_device {
            return Ok(Some(format!(
                "A request for older messages from {sender} (device {device}) was ignored: only this account's own devices ask for history."
            )));
        }
        let (request_id, chat_id, before_ms, limit) = request;
        let answers = own_device == PRIMARY_DEVICE_ID || {
            let st = self.state();
            !st.store.messages_before(&chat_id, before_ms, 1)?.0.is_empty()
                || st.store.history_complete(&chat_id)? == Some(true)
        };
        if answers {
            let kind = JobKind::Older { request_id, chat_id, before_ms, limit };
            self.add_history_job(HistoryJob { target: device, bundle_id: hex_id()?, next_index: 0, kind })?;
        }
        Ok(None)
    }

    /// As the device asked: queues an image's full file for a sibling, if this device holds it.
    pub(crate) fn queue_media_request(
        &self,
        sender: &AccountId,
        device: DeviceId,
        request_id: String,
        media_id: String,
    ) -> Result<Option<String>> {
        let (own, own_device, _) = self.whoami()?;
        if *sender != own || device == own_device {
            return Ok(Some(format!(
                "A request for an image from {sender} (device {device}) was ignored: only this account's own devices ask for files."
            )));
        }
        if self.state().store.has_media(&media_id)? {
            let kind = JobKind::Media { request_id, media_id };
            self.add_history_job(HistoryJob { target: device, bundle_id: hex_id()?, next_index: 0, kind })?;
        }
        Ok(None)
    }

    fn plan_history(&self, kind: &JobKind) -> Result<Planned> {
        let (_, own_device, _) = self.whoami()?;
        let groups = self.groups().unwrap_or_default();
        let title = |chat: &str| groups.iter().find(|g| g.group_id == chat).map(|g| g.name.clone());
        match kind {
            JobKind::Bundle { since_ms, stored_until_ms, gap } => {
                let (messages, older) = {
                    let st = self.state();
                    (
                        st.store.history_export(*since_ms, *stored_until_ms)?,
                        st.store.chats_with_messages_before(*since_ms)?,
                    )
                };
                let total = messages.len() as u64;
                let chunks = plan_chunks(messages);
                let count = chunks.len();
                let mut seen: std::collections::BTreeSet<String> = Default::default();
                let mut bodies = Vec::with_capacity(count);
                // Group membership goes first, with the bootstrap.
                let mut groups: Vec<tandem_proto::group::SignedGroupState> =
                    self.state().store.groups()?.iter().filter_map(|json| serde_json::from_str(json).ok()).collect();
                for (index, chunk) in chunks.into_iter().enumerate() {
                    // Chat status: in the last chunk for every chat; earlier, for the chats it holds.
                    let mut chats: std::collections::BTreeSet<String> =
                        chunk.iter().map(|m| m.chat_id.clone()).collect();
                    seen.extend(chats.iter().cloned());
                    let last = index + 1 == count;
                    if last {
                        chats.clone_from(&seen);
                    }
                    if *gap {
                        chats.clear(); // the companion already knows how complete its chats are
                    }
                    bodies.push(HistoryChunkBody {
                        chats: chats
                            .iter()
                            .map(|c| HistoryChat {
                                chat_id: c.clone(),
                                title: title(c),
                                complete: last && !older.contains(c),
                            })
                            .collect(),
                        messages: chunk.iter().map(HistoryMessage::from).collect(),
                        media: Vec::new(),
                        groups: std::mem::take(&mut groups),
                    });
                }
                Ok(Planned { bodies, messages: total })
            }
            JobKind::Older { chat_id, before_ms, limit, .. } => {
                let st = self.state();
                let (messages, more) = st.store.messages_before(chat_id, *before_ms, *limit)?;
                let complete =
                    !more && (own_device == PRIMARY_DEVICE_ID || st.store.history_complete(chat_id)? == Some(true));
                let chats = vec![HistoryChat { chat_id: chat_id.clone(), title: title(chat_id), complete }];
                let messages: Vec<HistoryMessage> = messages.iter().map(HistoryMessage::from).collect();
                let count = messages.len() as u64;
                Ok(Planned {
                    messages: count,
                    bodies: vec![HistoryChunkBody { chats, messages, ..HistoryChunkBody::default() }],
                })
            }
            JobKind::Media { media_id, .. } => {
                let file =
                    self.state().store.media(media_id)?.ok_or_else(|| ClientError::internal("the file is gone"))?;
                let media = vec![MediaFile { media_id: file.media_id, mime: file.mime, bytes: file.bytes }];
                Ok(Planned { messages: 0, bodies: vec![HistoryChunkBody { media, ..HistoryChunkBody::default() }] })
            }
        }
    }

    /// Sends a job's chunks from where it stopped (at most `max` of them), recording each.
    async fn ship(
        &self,
        job: &HistoryJob,
        max: Option<u32>,
        on_chunk: &mut (dyn FnMut(&HistorySent) + Send),
    ) -> Result<HistorySent> {
        let (own, _, _) = self.whoami()?;
        if !self.devices()?.devices.iter().any(|d| d.device_id == job.target) {
            return Err(ClientError::UnknownDevice(job.target));
        }
        let planned = self.plan_history(&job.kind)?;
        let count = u32::try_from(planned.bodies.len()).map_err(ClientError::internal)?;
        let request_id = match &job.kind {
            JobKind::Older { request_id, .. } | JobKind::Media { request_id, .. } => Some(request_id.clone()),
            JobKind::Bundle { .. } => None,
        };
        let mut sent = HistorySent { chunk: job.next_index, chunks: count, messages: 0 };
        let end = max.map_or(count, |m| count.min(job.next_index.saturating_add(m)));
        for (index, body) in planned.bodies.iter().enumerate().take(end as usize).skip(job.next_index as usize) {
            let index = u32::try_from(index).map_err(ClientError::internal)?;
            let last = index + 1 == count;
            let key: [u8; 32] = random_bytes()?;
            let target = (&own, job.target);
            let (blob, digest) = seal_chunk(body, &key, random_bytes()?, target, &job.bundle_id, index, last)?;
            let created: BlobCreated =
                self.post_bytes_authed(&format!("/v1/blobs?device={}", job.target), &blob).await?;
            let reference = ChunkRef {
                bundle_id: job.bundle_id.clone(),
                index,
                last,
                blob_id: created.blob_id,
                key: key.to_vec(),
                digest: digest.to_vec(),
                size: blob.len() as u64,
                messages: u32::try_from(body.messages.len()).map_err(ClientError::internal)?,
                bundle_messages: planned.messages,
                bundle_chunks: count,
                request_id: request_id.clone(),
            };
            self.send_to_device(&own, job.target, &Payload::HistoryChunk { chunk: reference }).await?;
            self.advance_job(&job.bundle_id, index + 1)?;
            sent.chunk = index + 1;
            sent.messages += body.messages.len() as u64;
            on_chunk(&sent);
        }
        if sent.chunk >= count {
            self.finish_job(&job.bundle_id)?;
        }
        Ok(sent)
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
            attachment: None,
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
