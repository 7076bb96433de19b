//! A stand-in for the desktop's notification service (`org.freedesktop.Notifications` on the
//! session bus the tests run in): it records what the app asks it to show.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use zbus::zvariant::OwnedValue;

type Seen = Arc<Mutex<Vec<(String, String)>>>;

struct Service {
    seen: Seen,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Service {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.push((summary, body));
        seen.len() as u32
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("tandem-tests".into(), "tandem".into(), "1".into(), "1.2".into())
    }

    fn close_notification(&self, _id: u32) {}
}

/// The notification service, for as long as this value lives.
pub struct Notifications {
    seen: Seen,
    _connection: zbus::Connection,
}

impl Notifications {
    /// Serves on the session bus (`DBUS_SESSION_BUS_ADDRESS`, as scripts/with-session sets it).
    /// Async: inside the tests' tokio runtime, zbus's blocking API would block on it.
    pub async fn serve() -> Notifications {
        let seen: Seen = Arc::default();
        let builder = zbus::connection::Builder::session()
            .and_then(|b| b.name("org.freedesktop.Notifications"))
            .and_then(|b| b.serve_at("/org/freedesktop/Notifications", Service { seen: seen.clone() }))
            .expect("a notification service on the session bus (run the tests under scripts/with-session)");
        let connection = builder.build().await.expect("the notification service on the session bus");
        Notifications { seen, _connection: connection }
    }

    /// (title, body) of every notification shown so far.
    pub fn seen(&self) -> Vec<(String, String)> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}
