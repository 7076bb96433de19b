//! Wake-ups for long polls on link sessions.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

#[derive(Clone, Default)]
pub struct LinkWatchers(Arc<Mutex<HashMap<String, watch::Sender<u64>>>>);

impl LinkWatchers {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, watch::Sender<u64>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn subscribe(&self, link_ref: &str) -> watch::Receiver<u64> {
        self.map().entry(link_ref.to_owned()).or_insert_with(|| watch::channel(0).0).subscribe()
    }

    /// Wakes every poller of `link_ref`.
    pub fn notify(&self, link_ref: &str) {
        if let Some(tx) = self.map().get(link_ref) {
            tx.send_modify(|n| *n += 1);
        }
    }

    /// Forgets watchers nobody waits on any more (the janitor's job).
    pub fn sweep(&self) {
        self.map().retain(|_, tx| tx.receiver_count() > 0);
    }
}
