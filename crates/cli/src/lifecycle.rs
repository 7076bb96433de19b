//! Logging devices out: `unlink DEVICE` on the phone, `logout` on a companion.

use std::path::Path;

use serde_json::json;

use crate::output::Output;
use crate::phone::load;

pub async fn unlink(home: &Path, device_id: u32, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let version = device.unlink(device_id).await?;
    out.emit(
        || format!("logged out device {device_id}; device list version {version}"),
        &json!({"event": "unlinked", "device_id": device_id, "device_list_version": version}),
    );
    Ok(())
}

pub async fn log_out(home: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let note = device.log_out().await?;
    out.emit(|| format!("{} Its data was deleted.", note.message), &json!({"event": "logged_out", "note": note}));
    Ok(())
}

/// A locked companion: its user chose to link it again (messages kept, only the gap fetched).
pub fn relink(home: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let note = device.relink_locked()?;
    out.emit(
        || format!("{} Run `tandem-cli companion` to show a new code.", note.message),
        &json!({"event": "relink", "note": note}),
    );
    Ok(())
}
