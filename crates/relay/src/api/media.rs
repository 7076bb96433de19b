//! Sealed photo files. A device uploads a file sealed under a fresh key and sends the key, with
//! the file's reference, inside the end-to-end encrypted message. Any signed-in device may read a
//! file by its reference (128 random bits; the relay cannot open it). Files expire after 30 days
//! and are bounded in size, per file and per uploading account.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use tandem_proto::media::MAX_SEALED_MEDIA_BYTES;
use tandem_proto::wire::{ErrorCode, MediaCreated};

use super::ApiFailure;
use super::error::ApiResult;
use super::extract::{Authed, random_bytes};
use crate::Relay;

/// Photo files are kept this long.
pub const MEDIA_TTL_MS: u64 = 30 * 24 * 3600 * 1000;
/// At most this many bytes of photo files per account at a time.
pub const MAX_MEDIA_BYTES_PER_ACCOUNT: u64 = 512 * 1024 * 1024;

fn file_of(relay: &Relay, media_ref: &str) -> Result<std::path::PathBuf, ApiFailure> {
    if media_ref.len() != 32 || !media_ref.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiFailure::new(ErrorCode::NotFound, "no such file"));
    }
    Ok(relay.media_dir.join(media_ref))
}

fn io_failure(e: std::io::Error) -> ApiFailure {
    ApiFailure::storage("file", e)
}

pub(crate) fn expire(relay: &Relay) -> Result<(), ApiFailure> {
    for media_ref in relay.db.expire_media(relay.now_ms().saturating_sub(MEDIA_TTL_MS))? {
        let _ = std::fs::remove_file(relay.media_dir.join(media_ref));
    }
    Ok(())
}

/// `POST /v1/media`: keeps a sealed file; answers its reference.
pub async fn upload(State(relay): State<Relay>, who: Authed, body: Bytes) -> ApiResult<MediaCreated> {
    expire(&relay)?;
    if body.len() < 12 + 16 || body.len() > MAX_SEALED_MEDIA_BYTES {
        return Err(ApiFailure::new(ErrorCode::TooLarge, "a photo file is at most 5 MiB"));
    }
    let media_ref: String = random_bytes()?.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let path = file_of(&relay, &media_ref)?;
    let size = body.len() as u64;
    if !relay.db.reserve_media(&media_ref, &who.account_id, size, relay.now_ms(), MAX_MEDIA_BYTES_PER_ACCOUNT)? {
        return Err(ApiFailure::new(
            ErrorCode::TooLarge,
            "this account keeps too many photos on the relay; try again when older ones expire",
        ));
    }
    if let Err(e) = crate::files::write_durably(path, body).await {
        relay.db.remove_media(&media_ref)?;
        return Err(io_failure(e));
    }
    Ok(Json(MediaCreated { media_ref }))
}

/// `GET /v1/media/{ref}`: the sealed file, to any signed-in device.
pub async fn download(
    State(relay): State<Relay>,
    _who: Authed,
    Path(media_ref): Path<String>,
) -> Result<Bytes, ApiFailure> {
    let path = file_of(&relay, &media_ref)?;
    let gone = || ApiFailure::new(ErrorCode::BlobExpired, "this photo is no longer on the relay (kept 30 days)");
    let created = relay.db.media_created(&media_ref)?.ok_or_else(gone)?;
    if created + MEDIA_TTL_MS < relay.now_ms() {
        expire(&relay)?;
        return Err(gone());
    }
    Ok(Bytes::from(tokio::fs::read(&path).await.map_err(io_failure)?))
}
