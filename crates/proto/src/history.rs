//! History sync: the phone ships its past chats to a newly linked companion as a bundle of
//! chunks. Each chunk is JSON, zstd-compressed, then AES-256-GCM under a fresh key; the
//! associated data binds the target device, the bundle, the chunk index and whether it is the
//! last, so a chunk cannot be moved to another device, bundle or position. The sealed chunk is
//! an opaque relay blob; its key, digest and size travel only in an end-to-end encrypted
//! [`crate::message::Payload::HistoryChunk`] to that one companion.

use std::io::Read;

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ids::{AccountId, DeviceId};
use crate::{ProtoError, b64};

/// At most this many messages in one chunk.
pub const CHUNK_MESSAGES: usize = 2_000;
/// A chunk's decompressed size may not exceed this (a decompression bomb is refused).
pub const MAX_CHUNK_PLAIN_BYTES: usize = 16 * 1024 * 1024;
/// A sealed chunk (a relay blob) may not exceed this.
pub const MAX_CHUNK_SEALED_BYTES: u64 = 8 * 1024 * 1024;
/// The bootstrap (the first chunk) holds the newest messages of the newest chats.
pub const BOOTSTRAP_CHATS: usize = 50;
pub const BOOTSTRAP_MESSAGES_PER_CHAT: usize = 20;
/// How far back the phone sends history by default (1 year).
pub const DEFAULT_RANGE_MS: u64 = 365 * 24 * 3600 * 1000;

/// One chat in a chunk: its name (groups) and whether the bundle holds all of its history in
/// the range (`complete`), or more remains on the phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryChat {
    pub chat_id: String,
    #[serde(default)]
    pub title: Option<String>,
    pub complete: bool,
}

/// One message as it is on the phone (delivery and read state included).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryMessage {
    pub chat_id: String,
    pub message_id: String,
    pub sender_account: String,
    pub sender_device: DeviceId,
    pub outgoing: bool,
    pub body: String,
    pub sent_ms: u64,
    pub state: String,
    /// An image: its thumbnail travels here; the file itself on demand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<crate::media::Attachment>,
}

/// What one chunk holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryChunkBody {
    pub chats: Vec<HistoryChat>,
    pub messages: Vec<HistoryMessage>,
    /// Full image files asked for ("show the full image").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<crate::media::MediaFile>,
    /// The groups' signed membership states (in a bundle's first chunk): the companion checks
    /// each against its admin's devices, exactly as a membership change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<crate::group::SignedGroupState>,
}

/// Where a chunk is and how to open it; sent pairwise from the phone to the target companion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkRef {
    pub bundle_id: String,
    pub index: u32,
    pub last: bool,
    pub blob_id: String,
    #[serde(with = "b64")]
    pub key: Vec<u8>,
    /// SHA-256 of the sealed blob.
    #[serde(with = "b64")]
    pub digest: Vec<u8>,
    pub size: u64,
    /// Messages in this chunk and in the whole bundle (for progress).
    pub messages: u32,
    pub bundle_messages: u64,
    pub bundle_chunks: u32,
    /// Set when the chunk answers a [`crate::message::Payload::HistoryRequest`] ("load older
    /// messages"); such a chunk may come from any device of the account that was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl ChunkRef {
    pub fn check(&self) -> Result<(), ProtoError> {
        let id_ok = |s: &str| !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric());
        if !id_ok(&self.bundle_id)
            || !id_ok(&self.blob_id)
            || self.request_id.as_deref().is_some_and(|r| !id_ok(r))
            || self.key.len() != 32
            || self.digest.len() != 32
            || self.size > MAX_CHUNK_SEALED_BYTES
            || self.index >= self.bundle_chunks
            || self.last != (self.index + 1 == self.bundle_chunks)
        {
            return Err(ProtoError::Malformed("history chunk reference"));
        }
        Ok(())
    }
}

fn aad(target: (&AccountId, DeviceId), bundle_id: &str, index: u32, last: bool) -> Vec<u8> {
    format!("TANDEM-HISTORY-v1\0{}\0{}\0{bundle_id}\0{index}\0{last}", target.0, target.1).into_bytes()
}

fn cipher(key: &[u8]) -> Result<LessSafeKey, ProtoError> {
    let unbound = UnboundKey::new(&AES_256_GCM, key).map_err(|_| ProtoError::Malformed("history key"))?;
    Ok(LessSafeKey::new(unbound))
}

/// Seals a chunk for `target`: JSON, zstd, AES-256-GCM. Returns the blob and its SHA-256.
pub fn seal_chunk(
    body: &HistoryChunkBody,
    key: &[u8; 32],
    nonce: [u8; 12],
    target: (&AccountId, DeviceId),
    bundle_id: &str,
    index: u32,
    last: bool,
) -> Result<(Vec<u8>, [u8; 32]), ProtoError> {
    let json = serde_json::to_vec(body).map_err(|_| ProtoError::Malformed("history chunk"))?;
    let mut buf = zstd::bulk::compress(&json, 3).map_err(|_| ProtoError::Malformed("history chunk"))?;
    cipher(key)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(target, bundle_id, index, last)),
            &mut buf,
        )
        .map_err(|_| ProtoError::Malformed("history chunk"))?;
    let blob = [nonce.as_slice(), &buf].concat();
    let digest: [u8; 32] = Sha256::digest(&blob).into();
    Ok((blob, digest))
}

/// Opens a downloaded chunk: the digest and size first, then the AEAD (for exactly this
/// device, bundle, index and last flag), then zstd with a hard cap on the decompressed size.
pub fn open_chunk(
    blob: &[u8],
    chunk: &ChunkRef,
    target: (&AccountId, DeviceId),
) -> Result<HistoryChunkBody, ProtoError> {
    chunk.check()?;
    if blob.len() as u64 != chunk.size || Sha256::digest(blob).as_slice() != chunk.digest.as_slice() {
        return Err(ProtoError::HistoryRefused("its digest or size does not match (tampered or truncated)"));
    }
    if blob.len() < 12 + 16 {
        return Err(ProtoError::HistoryRefused("truncated"));
    }
    let (nonce, sealed) = blob.split_at(12);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| ProtoError::HistoryRefused("truncated"))?;
    let mut buf = sealed.to_vec();
    let compressed = cipher(&chunk.key)?
        .open_in_place(nonce, Aad::from(aad(target, &chunk.bundle_id, chunk.index, chunk.last)), &mut buf)
        .map_err(|_| {
            ProtoError::HistoryRefused("it does not decrypt for this device and position (wrong key, device or order)")
        })?;
    let decoder =
        zstd::stream::read::Decoder::new(&compressed[..]).map_err(|_| ProtoError::HistoryRefused("not zstd"))?;
    let mut json = Vec::new();
    decoder
        .take(MAX_CHUNK_PLAIN_BYTES as u64 + 1)
        .read_to_end(&mut json)
        .map_err(|_| ProtoError::HistoryRefused("it does not decompress"))?;
    if json.len() > MAX_CHUNK_PLAIN_BYTES {
        return Err(ProtoError::HistoryRefused("it decompresses to more than 16 MiB (a decompression bomb)"));
    }
    let body: HistoryChunkBody =
        serde_json::from_slice(&json).map_err(|_| ProtoError::HistoryRefused("its content is malformed"))?;
    if body.messages.len() > CHUNK_MESSAGES {
        return Err(ProtoError::HistoryRefused("too many messages in one chunk"));
    }
    for m in &body.messages {
        if let Some(a) = &m.attachment {
            a.check().map_err(|_| ProtoError::HistoryRefused("an image attachment in it is malformed"))?;
        }
    }
    for file in &body.media {
        file.check()?;
    }
    Ok(body)
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
