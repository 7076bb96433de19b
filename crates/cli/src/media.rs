//! `media fetch|save MEDIA_ID`: an image's full file. A device shows thumbnails; the full file
//! comes on demand: from the relay (sealed) for a photo sent live, else from the account's
//! other devices (photos in history).

use std::path::Path;

use anyhow::Context;
use serde_json::json;

use crate::output::Output;
use crate::phone::load;

pub async fn fetch(home: &Path, media_id: &str, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    match device.fetch_media(media_id.trim()).await? {
        None => out.emit(|| "the file is here".to_owned(), &json!({"event": "media_held", "media_id": media_id})),
        Some(request) => out.emit(
            || format!("asked {} other device(s) for the file; it arrives with the next sync", request.asked),
            &json!({"event": "media_requested", "request": request}),
        ),
    }
    Ok(())
}

pub fn save(home: &Path, media_id: &str, to: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let file = device.media(media_id.trim())?.with_context(|| {
        format!("the file {media_id} is not on this device yet: run `tandem-cli media fetch {media_id}`, then sync")
    })?;
    std::fs::write(to, &file.bytes).with_context(|| format!("cannot write {}", to.display()))?;
    out.emit(
        || format!("saved {} ({} bytes, {})", to.display(), file.bytes.len(), file.mime),
        &json!({"event": "media_saved", "path": to, "bytes": file.bytes.len(), "mime": file.mime}),
    );
    Ok(())
}
