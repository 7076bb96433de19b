//! Commands that work on any set-up device: init (as primary), devices, run, status.

use std::path::Path;

use serde_json::json;
use tandem_client::{ClientEvent, ConnectionState, Device, KeyStorage, Observed, Profile, create_account};

use crate::output::Output;

pub fn load(home: &Path) -> anyhow::Result<Device> {
    let profile = Profile::open_existing(home, KeyStorage::File)?;
    Ok(Device::load(profile)?)
}

pub async fn init(home: &Path, relay: &str, name: &str, out: &Output) -> anyhow::Result<()> {
    let profile = Profile::open(home, KeyStorage::File)?;
    let device = create_account(profile, relay, name).await?;
    let info = device.info();
    let account = info.account_id.map(|a| a.to_string()).unwrap_or_default();
    out.emit(|| account.clone(), &json!({"account_id": account, "device_id": 0, "name": name}));
    Ok(())
}

fn ago(ms: Option<u64>) -> String {
    let Some(ms) = ms else { return "never".into() };
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    let secs = now.saturating_sub(ms) / 1000;
    match secs {
        0..60 => "just now".into(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86400 => format!("{} h ago", secs / 3600),
        _ => format!("{} days ago", secs / 86400),
    }
}

pub async fn devices(home: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let devices = match device.refresh_devices().await {
        Ok(devices) => devices,
        Err(e) if e.code() == "relay_unreachable" => {
            out.note(&format!("note: {e}; showing the last verified list"));
            device.devices()?
        }
        Err(e) => return Err(e.into()),
    };
    if out.is_json() {
        out.emit(String::new, &devices);
        return Ok(());
    }
    println!("account {} · device list version {}", devices.account_id, devices.version);
    println!("{:<4} {:<24} {:<9} {:<20} last active", "id", "name", "kind", "linked at");
    for d in &devices.devices {
        let marker = match (d.this_device, d.relay_says_logged_out) {
            (true, _) => " (this device)",
            (false, true) => " (the relay says it was logged out; not signed by the phone: unlink it to be sure)",
            (false, false) => "",
        };
        println!(
            "{:<4} {:<24} {:<9} {:<20} {}{marker}",
            d.device_id,
            d.name,
            d.kind.as_str(),
            ago(Some(d.linked_at_ms)),
            ago(d.last_active_ms)
        );
    }
    Ok(())
}

pub async fn run(home: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let mut events = device.subscribe();
    let online = device.run_online();
    tokio::pin!(online);
    loop {
        tokio::select! {
            result = &mut online => return result.map_err(Into::into),
            _ = tokio::signal::ctrl_c() => {
                out.note("stopped");
                return Ok(());
            }
            event = tandem_client::next_event(&mut events) => match event {
                Some(Observed::Event(ClientEvent::Connection(state))) => {
                    let human = match &state {
                        ConnectionState::Online => "online".to_owned(),
                        ConnectionState::Connecting => "connecting…".to_owned(),
                        ConnectionState::Offline { reason, .. } => format!("offline: {reason}"),
                    };
                    out.emit(|| human, &json!({"event": "connection", "connection": state}));
                }
                Some(Observed::Event(ClientEvent::DevicesChanged(devices))) => {
                    let n = devices.devices.len();
                    out.emit(|| format!("device list version {} ({n} devices)", devices.version), &json!({"event": "devices", "devices": devices}));
                }
                Some(Observed::Event(ClientEvent::Messages(messages))) => {
                    for m in messages {
                        out.emit(|| format!("[{}] {}: {}", m.chat_id, m.sender_account, m.body), &json!({"event": "message", "message": m}));
                    }
                }
                Some(Observed::Event(ClientEvent::HistoryProgress(h))) => {
                    out.emit(|| format!("history: {} of {} chunk(s), {} message(s) imported ({})", h.totals.chunks_imported, h.totals.chunks_total, h.totals.messages_imported, h.state), &json!({"event": "history", "history": h}));
                }
                Some(Observed::Event(ClientEvent::AppStateChanged)) => {
                    out.emit(|| "synced settings changed".to_owned(), &json!({"event": "app_state_changed"}));
                }
                Some(Observed::Event(ClientEvent::LoggedOut(reason))) => {
                    out.emit(|| format!("logged out: {} This device's data was deleted.", reason.explain()), &json!({"event": "logged_out", "reason": reason}));
                }
                Some(Observed::Event(ClientEvent::Locked(reason))) => {
                    out.emit(|| format!("locked: {}", tandem_client::locked_message(reason)), &json!({"event": "locked", "reason": reason}));
                }
                Some(Observed::Event(ClientEvent::PrekeysPublished { one_time_keys })) => {
                    out.emit(|| format!("published one-time keys ({one_time_keys} at the relay)"), &json!({"event": "prekeys_published", "one_time_keys": one_time_keys}));
                }
                Some(Observed::Missed(missed)) => {
                    out.emit(|| format!("fell behind: {missed} event(s) not shown (the data is stored; `messages` lists it)"), &json!({"event": "missed", "count": missed}));
                }
                None => return Ok(()),
            },
        }
    }
}

pub async fn status(home: &Path, out: &Output) -> anyhow::Result<()> {
    if let Some(note) = tandem_client::logged_out_note(home)
        && !load(home).is_ok_and(|d| d.is_linked())
    {
        out.emit(
            || format!("logged out: {} (reason {})", note.message, note.reason.as_str()),
            &json!({"logged_out": note, "linked": false}),
        );
        return Ok(());
    }
    let device = load(home)?;
    if let Some(note) = device.locked() {
        out.emit(
            || format!("locked: {} (the relay said: {})", note.message, note.reason.as_str()),
            &json!({"locked": note, "linked": true}),
        );
        return Ok(());
    }
    let info = device.info();
    let mut warning = None;
    let history = if info.role == "companion" { device.history_status().ok() } else { None };
    let connection = if info.account_id.is_none() {
        "not linked".to_owned()
    } else {
        match device.refresh_devices().await {
            Ok(_) => {
                if info.role == "companion" {
                    warning = device.inactivity_warning().await.ok().flatten();
                }
                "relay reachable; this device is authenticated".to_owned()
            }
            Err(e) if e.code() == "profile_locked" => {
                out.emit(|| format!("locked: {e}"), &json!({"locked": device.locked(), "linked": true}));
                return Ok(());
            }
            Err(e) if e.code() == "logged_out" => {
                let note = tandem_client::logged_out_note(home);
                out.emit(|| format!("logged out: {e}"), &json!({"logged_out": note, "linked": false}));
                return Ok(());
            }
            Err(e) => format!("offline: {e}"),
        }
    };
    let human = format!(
        "account:    {}\nrole:       {}\ndevice:     {} (id {})\nrelay:      {}\nconnection: {}",
        info.account_id.as_ref().map(|a| a.as_str()).unwrap_or("(not linked)"),
        info.role,
        info.name,
        info.device_id.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
        info.relay_url,
        connection
    );
    let human = match &warning {
        Some(w) => format!("{human}\nwarning:    {}", w.message),
        None => human,
    };
    let human = match &history {
        Some(h) if h.state != "none" => format!(
            "{human}\nhistory:    {} ({} of {} chunks, {} of {} messages){}",
            h.state,
            h.totals.chunks_imported,
            h.totals.chunks_total,
            h.totals.messages_imported,
            h.totals.messages_total,
            h.failures.iter().map(|f| format!("\n            {f}")).collect::<String>()
        ),
        _ => human,
    };
    let (chats, stored) = (device.chat_list().map_or(0, |c| c.len()), device.message_count().unwrap_or(0));
    let human = format!("{human}\nchats:      {chats} ({stored} messages stored)");
    // Where the database key is, and whether only this user can open it (mode 0600 in a 0700
    // folder on Unix, an ACL naming only this user on Windows).
    let key_file =
        tandem_client::key_file_status(home).map(|(path, owner_only)| json!({"path": path, "owner_only": owner_only}));
    let human = match &key_file {
        Some(k) => format!(
            "{human}\nkey file:   {} ({})",
            k["path"].as_str().unwrap_or_default(),
            if k["owner_only"] == true { "only this user can open it" } else { "OTHER USERS CAN OPEN IT" }
        ),
        None => human,
    };
    out.emit(
        || human,
        &json!({"info": info, "connection": connection, "linked": device.is_linked(), "inactivity_warning": warning, "history": history, "chats": chats, "messages_stored": stored, "key_file": key_file}),
    );
    Ok(())
}
