//! Keeping a device online: connected to the relay's push channel, answering what it asks
//! (refetch the device list, top up one-time keys), reconnecting with jittered backoff.

use tandem_proto::wire::PushEvent;

use crate::backoff::Backoff;
use crate::device::{Device, now_ms};
use crate::error::{ClientError, Result};
use crate::events::{ClientEvent, ConnectionState};

impl Device {
    /// Runs until the relay says another connection for this device took over (an error), or
    /// until the caller drops the future. Connection changes are reported as events.
    pub async fn run_online(&self) -> Result<()> {
        let mut backoff = Backoff::new();
        loop {
            self.emit(ClientEvent::Connection(ConnectionState::Connecting));
            match self.session().await {
                Err(ClientError::Replaced) => return Err(ClientError::Replaced),
                Err(e) if e.is_transient() => {
                    let delay = backoff.next_delay().max(e.retry_after().unwrap_or_default());
                    self.emit(ClientEvent::Connection(ConnectionState::Offline {
                        retry_at_ms: now_ms() + delay.as_millis() as u64,
                        reason: e.to_string(),
                    }));
                    tokio::time::sleep(delay).await;
                }
                Err(e) => return Err(e),
                Ok(()) => {
                    // The relay closed a healthy connection (restart): reconnect soon.
                    backoff.reset();
                    let delay = backoff.next_delay();
                    self.emit(ClientEvent::Connection(ConnectionState::Offline {
                        retry_at_ms: now_ms() + delay.as_millis() as u64,
                        reason: "the relay closed the connection".into(),
                    }));
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn receive_new(&self) -> Result<()> {
        let (new, read) = self.sync_counting(&mut |_| {}).await?;
        if read > 0 {
            self.emit(ClientEvent::Messages(new));
        }
        Ok(())
    }

    /// One connected session: catch up, then follow push events until the connection ends.
    async fn session(&self) -> Result<()> {
        let mut push = self.connect_push().await?;
        self.refresh_devices().await?;
        self.top_up_prekeys().await?;
        self.flush_outbox().await?;
        self.receive_new().await?;
        self.catch_up_app_state().await;
        self.emit(ClientEvent::Connection(ConnectionState::Online));
        while let Some(event) = push.next().await {
            match event {
                PushEvent::DeviceListChanged { .. } => {
                    self.refresh_devices().await?;
                    // A companion linked from another process of this phone may be owed history.
                    if self.history_to_send()? {
                        self.send_pending_history(&mut |_| {}).await?;
                    }
                }
                PushEvent::KeysLow { .. } => {
                    self.top_up_prekeys().await?;
                }
                PushEvent::Messages => self.receive_new().await?,
                PushEvent::Replaced => return Err(ClientError::Replaced),
                PushEvent::LoggedOut { reason, device_list } => {
                    return Err(self.on_logout_claim(crate::lockout::LogoutClaim { reason, device_list }));
                }
                PushEvent::AppState { .. } => {
                    self.sync_app_state().await?;
                }
                PushEvent::DeviceLoggedOut { .. } => {
                    self.refresh_devices().await?; // as the phone: drops it from the list
                }
            }
        }
        Ok(())
    }

    /// Synced settings on (re)connect. A relay that mangled them is said in the log and in the
    /// report; the connection goes on either way.
    async fn catch_up_app_state(&self) {
        match self.sync_app_state().await {
            Ok(report) => {
                if let Some(why) = report.recovered {
                    tracing::warn!("{why}");
                }
            }
            Err(e) => tracing::warn!(code = e.code(), "the synced settings could not be brought up to date: {e}"),
        }
    }
}
