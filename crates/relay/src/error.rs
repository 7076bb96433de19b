use std::path::PathBuf;

use thiserror::Error;

/// Why the relay could not start or keep running.
#[derive(Debug, Error)]
pub enum RelayError {
    #[error("cannot create or open the data folder {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("the relay database could not be opened or migrated: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the relay database schema could not be migrated: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("cannot listen on that address: {0}")]
    Bind(std::io::Error),
    #[error("cannot load the TLS certificate {0} or its key: {1}")]
    Tls(PathBuf, std::io::Error),
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Limits(#[from] crate::limits::LimitError),
}
