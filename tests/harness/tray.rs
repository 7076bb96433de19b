//! A stand-in for the desktop's tray (`org.kde.StatusNotifierWatcher` on the session bus the
//! tests run in, as a panel provides it): it records which app registered a tray item, so a
//! test can read the item's label (the unread count) the way a panel does.

use std::path::Path;
use std::sync::{Arc, Mutex};

use zbus::message::Header;
use zbus::names::BusName;

/// (bus name, object path) of each registered item.
type Items = Arc<Mutex<Vec<(String, String)>>>;

struct Watcher {
    items: Items,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(&self, service: String, #[zbus(header)] header: Header<'_>) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        // An item names either its object path (on the sender's connection) or a bus name.
        let (bus, path) =
            if service.starts_with('/') { (sender, service) } else { (service, "/StatusNotifierItem".to_owned()) };
        self.items.lock().unwrap_or_else(|p| p.into_inner()).push((bus, path));
    }

    fn register_status_notifier_host(&self, _service: String) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items.lock().unwrap_or_else(|p| p.into_inner()).iter().map(|(b, p)| format!("{b}{p}")).collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// The tray, for as long as this value lives.
pub struct Tray {
    items: Items,
    connection: zbus::Connection,
}

impl Tray {
    /// Serves on the session bus (`DBUS_SESSION_BUS_ADDRESS`, as scripts/with-session sets it).
    pub async fn serve() -> Tray {
        let items: Items = Arc::default();
        let builder = zbus::connection::Builder::session()
            .and_then(|b| b.name("org.kde.StatusNotifierWatcher"))
            .and_then(|b| b.serve_at("/StatusNotifierWatcher", Watcher { items: items.clone() }))
            .expect("a tray watcher on the session bus (run the tests under scripts/with-session)");
        let connection = builder.build().await.expect("the tray watcher on the session bus");
        Tray { items, connection }
    }

    /// The process behind a bus name (the bus daemon knows it).
    async fn process_of(&self, bus: &str) -> Option<u32> {
        let reply = self
            .connection
            .call_method(
                Some("org.freedesktop.DBus"),
                "/org/freedesktop/DBus",
                Some("org.freedesktop.DBus"),
                "GetConnectionUnixProcessID",
                &(bus,),
            )
            .await
            .ok()?;
        reply.body().deserialize::<u32>().ok()
    }

    /// A property of the item registered by the app running on `profile` (`None` while it has
    /// none). Another window on the same bus (a test that failed and left its app) may have an
    /// item too: items are told apart by their process's command line.
    async fn item_property(&self, profile: &Path, name: &str) -> Option<zbus::zvariant::OwnedValue> {
        let items = self.items.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let wanted = profile.as_os_str().as_encoded_bytes();
        for (bus, path) in items {
            let Some(pid) = self.process_of(&bus).await else { continue };
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            if !cmdline.split(|b| *b == 0).any(|arg| arg == wanted) {
                continue;
            }
            let bus = BusName::try_from(bus).ok()?;
            let reply = self
                .connection
                .call_method(
                    Some(bus),
                    path.as_str(),
                    Some("org.freedesktop.DBus.Properties"),
                    "Get",
                    &("org.kde.StatusNotifierItem", name),
                )
                .await
                .ok()?;
            return reply.body().deserialize::<zbus::zvariant::OwnedValue>().ok();
        }
        None
    }

    /// The label the app running on `profile` shows beside its tray icon (Ayatana's
    /// `XAyatanaLabel`), if it has an item.
    pub async fn label(&self, profile: &Path) -> Option<String> {
        let value = self.item_property(profile, "XAyatanaLabel").await?;
        String::try_from(value).ok()
    }
}
