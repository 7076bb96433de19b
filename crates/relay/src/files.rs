//! Files the relay answers for (history blobs, photo files): on disk before the upload is
//! answered. The bytes go to a partial file that is synced, renamed into place, and then the
//! folder is synced too, so a power cut after the answer loses neither the file nor its name.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` durably (see the module docs). On failure the partial file is removed.
pub async fn write_durably(path: PathBuf, bytes: axum::body::Bytes) -> std::io::Result<()> {
    tokio::task::spawn_blocking(move || {
        let partial = path.with_extension("part");
        let result = write_then_rename(&partial, &path, &bytes);
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    })
    .await
    .map_err(std::io::Error::other)?
}

fn write_then_rename(partial: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(partial)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(partial, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Windows has no directory handles to sync; NTFS journals the rename itself.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_durable_write_leaves_the_whole_file_and_no_partial_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        write_durably(path.clone(), axum::body::Bytes::from_static(b"sealed")).await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"sealed");
        assert!(!path.with_extension("part").exists());
    }
}
