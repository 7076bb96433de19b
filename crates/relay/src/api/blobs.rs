//! Encrypted blobs (history chunks). A device uploads one for another device of its own account;
//! only that device may download it (with `Range`, so a broken download resumes) and delete it
//! (its ack). Blobs expire after 7 days and are bounded in size, per blob and per device.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tandem_proto::history::MAX_CHUNK_SEALED_BYTES;
use tandem_proto::ids::DeviceId;
use tandem_proto::wire::{BlobCreated, ErrorCode};

use super::ApiFailure;
use super::error::ApiResult;
use super::extract::{Authed, random_bytes};
use crate::Relay;

/// Blobs are kept this long at most.
pub const BLOB_TTL_MS: u64 = 7 * 24 * 3600 * 1000;
/// At most this many bytes wait for one device.
const MAX_BYTES_PER_DEVICE: u64 = 2 * 1024 * 1024 * 1024;

#[derive(Deserialize)]
pub struct Target {
    device: DeviceId,
}

fn file_of(relay: &Relay, blob_id: &str) -> Result<std::path::PathBuf, ApiFailure> {
    if blob_id.is_empty() || blob_id.len() > 64 || !blob_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiFailure::new(ErrorCode::NotFound, "no such blob"));
    }
    Ok(relay.blob_dir.join(blob_id))
}

fn io_failure(e: std::io::Error) -> ApiFailure {
    ApiFailure::storage("blob", e)
}

/// Deletes expired blobs (records and files).
pub(crate) fn expire(relay: &Relay) -> Result<(), ApiFailure> {
    for id in relay.db.expire_blobs(relay.now_ms().saturating_sub(BLOB_TTL_MS))? {
        let _ = std::fs::remove_file(relay.blob_dir.join(id));
    }
    Ok(())
}

/// `POST /v1/blobs?device=N`: stores the body for device N of the uploader's account.
pub async fn upload(
    State(relay): State<Relay>,
    who: Authed,
    Query(target): Query<Target>,
    body: Bytes,
) -> ApiResult<BlobCreated> {
    expire(&relay)?;
    if body.is_empty() || body.len() as u64 > MAX_CHUNK_SEALED_BYTES {
        return Err(ApiFailure::new(ErrorCode::TooLarge, "a blob holds 1 byte to 8 MiB"));
    }
    if relay.db.device(&who.account_id, target.device)?.is_none() || target.device == who.device_id {
        return Err(ApiFailure::bad_request("blobs go to another registered device of this account"));
    }
    let to = (&who.account_id, target.device);
    if relay.db.blob_bytes_for(to)? + body.len() as u64 > MAX_BYTES_PER_DEVICE {
        return Err(ApiFailure::new(ErrorCode::TooLarge, "too many blobs wait for that device already"));
    }
    let blob_id: String = random_bytes()?.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let path = file_of(&relay, &blob_id)?;
    let size = body.len() as u64;
    crate::files::write_durably(path, body).await.map_err(io_failure)?;
    relay.db.add_blob(&blob_id, to, size, relay.now_ms())?;
    Ok(Json(BlobCreated { blob_id }))
}

/// The blob, if this device may read it and it has not expired.
fn readable(relay: &Relay, who: &Authed, blob_id: &str) -> Result<(std::path::PathBuf, u64), ApiFailure> {
    let path = file_of(relay, blob_id)?;
    let row = relay.db.blob(blob_id)?.ok_or_else(|| {
        ApiFailure::new(ErrorCode::BlobExpired, "this blob is gone (expired after 7 days, or already acked)")
    })?;
    if row.account_id != who.account_id.as_str() || row.device_id != who.device_id {
        return Err(ApiFailure::forbidden("this blob is for another device"));
    }
    if row.created_ms + BLOB_TTL_MS < relay.now_ms() {
        expire(relay)?;
        return Err(ApiFailure::new(ErrorCode::BlobExpired, "this blob expired (blobs are kept 7 days)"));
    }
    Ok((path, row.size))
}

/// `GET /v1/blobs/{id}`, with `Range: bytes=START-` to resume.
pub async fn download(
    State(relay): State<Relay>,
    who: Authed,
    Path(blob_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiFailure> {
    let (path, size) = readable(&relay, &who, &blob_id)?;
    let bytes = tokio::fs::read(&path).await.map_err(io_failure)?;
    let start = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        None => return Ok((StatusCode::OK, bytes).into_response()),
        Some(range) => range
            .strip_prefix("bytes=")
            .and_then(|r| r.strip_suffix('-'))
            .and_then(|n| n.parse::<u64>().ok())
            .filter(|n| *n < size)
            .ok_or_else(|| ApiFailure::bad_request("only `Range: bytes=START-` within the blob is supported"))?,
    };
    let content_range = format!("bytes {start}-{}/{size}", size - 1);
    let part = bytes[usize::try_from(start).unwrap_or(usize::MAX).min(bytes.len())..].to_vec();
    Ok((StatusCode::PARTIAL_CONTENT, [(header::CONTENT_RANGE, content_range)], part).into_response())
}

/// `DELETE /v1/blobs/{id}`: the target device has what it needs.
pub async fn ack(State(relay): State<Relay>, who: Authed, Path(blob_id): Path<String>) -> ApiResult<serde_json::Value> {
    let (path, _) = readable(&relay, &who, &blob_id)?;
    relay.db.remove_blob(&blob_id)?;
    let _ = tokio::fs::remove_file(path).await;
    Ok(Json(serde_json::json!({})))
}
