//! Connected devices and what the relay pushes to them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::wire::PushEvent;
use tokio::sync::mpsc;

/// Events queued per connection; a slow device that falls this far behind misses pushes and
/// catches up by refetching when it reconnects.
const QUEUE: usize = 64;

type Key = (AccountId, DeviceId);
/// Per device: the connection's id and its event queue.
type Conns = HashMap<Key, (u64, mpsc::Sender<PushEvent>)>;

#[derive(Clone, Default)]
pub struct PushHub {
    conns: Arc<Mutex<Conns>>,
    next_id: Arc<AtomicU64>,
}

pub struct Connection {
    pub id: u64,
    pub events: mpsc::Receiver<PushEvent>,
}

impl PushHub {
    fn conns(&self) -> std::sync::MutexGuard<'_, Conns> {
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a connection; an older connection of the same device is told it was replaced.
    pub fn connect(&self, account: &AccountId, device: DeviceId) -> Connection {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, events) = mpsc::channel(QUEUE);
        if let Some((_, old)) = self.conns().insert((account.clone(), device), (id, tx)) {
            let _ = old.try_send(PushEvent::Replaced);
        }
        Connection { id, events }
    }

    pub fn disconnect(&self, account: &AccountId, device: DeviceId, id: u64) {
        let mut conns = self.conns();
        if conns.get(&(account.clone(), device)).is_some_and(|(current, _)| *current == id) {
            conns.remove(&(account.clone(), device));
        }
    }

    pub fn to_device(&self, account: &AccountId, device: DeviceId, event: PushEvent) {
        if let Some((_, tx)) = self.conns().get(&(account.clone(), device)) {
            let _ = tx.try_send(event);
        }
    }

    pub fn to_account(&self, account: &AccountId, event: &PushEvent) {
        for ((acc, _), (_, tx)) in self.conns().iter() {
            if acc == account {
                let _ = tx.try_send(event.clone());
            }
        }
    }

    /// To every connected device of the account but one (the one that caused the event).
    pub fn to_account_except(&self, account: &AccountId, except: DeviceId, event: &PushEvent) {
        for ((acc, device), (_, tx)) in self.conns().iter() {
            if acc == account && *device != except {
                let _ = tx.try_send(event.clone());
            }
        }
    }
}
