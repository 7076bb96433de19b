//! What a running device reports to its user interface.

use serde::Serialize;

use crate::devices::AccountDevices;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectionState {
    Online,
    Connecting,
    Offline { retry_at_ms: u64, reason: String },
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientEvent {
    Connection(ConnectionState),
    DevicesChanged(AccountDevices),
    /// New messages were received and stored.
    Messages(Vec<crate::messaging::Message>),
    /// Fresh one-time keys were published (the relay asked, or the stock was low).
    PrekeysPublished {
        one_time_keys: u32,
    },
    /// The synced settings changed (here or on another device).
    AppStateChanged,
    /// History sync moved on (a chunk was imported or refused).
    HistoryProgress(crate::history::HistoryStatus),
    /// This device was logged out and has wiped itself.
    LoggedOut(tandem_proto::wire::LogoutReason),
}
