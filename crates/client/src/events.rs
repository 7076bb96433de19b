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
    /// The relay said this device was logged out, without proof: it is locked, nothing deleted.
    Locked(tandem_proto::wire::LogoutReason),
}

/// What a subscriber reads next: an event, or how many it missed by falling behind (during a
/// burst, as a history import makes). It must carry on after a miss, reading state afresh.
#[derive(Clone, Debug)]
pub enum Observed {
    Event(ClientEvent),
    Missed(u64),
}

/// The next event for a subscriber of [`crate::Device::subscribe`]; `None` once the device is gone.
pub async fn next_event(events: &mut tokio::sync::broadcast::Receiver<ClientEvent>) -> Option<Observed> {
    use tokio::sync::broadcast::error::RecvError;
    match events.recv().await {
        Ok(event) => Some(Observed::Event(event)),
        Err(RecvError::Lagged(missed)) => Some(Observed::Missed(missed)),
        Err(RecvError::Closed) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_subscriber_that_fell_behind_is_told_and_reads_on() {
        let (tx, mut rx) = tokio::sync::broadcast::channel(2);
        for _ in 0..5 {
            tx.send(ClientEvent::AppStateChanged).unwrap();
        }
        assert!(matches!(next_event(&mut rx).await, Some(Observed::Missed(3))));
        assert!(matches!(next_event(&mut rx).await, Some(Observed::Event(ClientEvent::AppStateChanged))));
        assert!(matches!(next_event(&mut rx).await, Some(Observed::Event(ClientEvent::AppStateChanged))));
        drop(tx);
        assert!(next_event(&mut rx).await.is_none());
    }
}
