use std::path::{Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "the database {0} cannot be read: it is damaged or was encrypted with another key. Tandem leaves it untouched; move it aside and link this device again"
    )]
    Unreadable(PathBuf),
    #[error("the disk holding {0} is full: free some space and try again (nothing was lost; the change was not saved)")]
    DiskFull(PathBuf),
    #[error("the database {0} is busy or locked by another Tandem process: close the other one")]
    Locked(PathBuf),
    #[error("the database schema could not be upgraded: {0}")]
    Migration(String),
    #[error("{0}")]
    Refused(tandem_proto::ProtoError),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database error on {path}: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
}

impl StoreError {
    pub(crate) fn from_sqlite(path: &Path, error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match error.sqlite_error_code() {
            Some(C::DiskFull) => StoreError::DiskFull(path.to_owned()),
            Some(C::NotADatabase) => StoreError::Unreadable(path.to_owned()),
            Some(C::DatabaseBusy | C::DatabaseLocked) => StoreError::Locked(path.to_owned()),
            _ => StoreError::Sqlite { path: path.to_owned(), source: error },
        }
    }
}
