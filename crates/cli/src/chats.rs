//! `chats` and `chat archive|unarchive|pin|unpin|mute|unmute|read CHAT`: synced chat settings.

use std::path::Path;

use serde_json::json;
use tandem_client::{AppStateSync, ChatAction, ChatHistory, Device};

use crate::ChatCommand;
use crate::output::Output;
use crate::phone::load;

fn report(out: &Output, synced: &AppStateSync) {
    if let Some(why) = &synced.recovered {
        out.note(&format!("note: {why}"));
    }
}

/// Catches up first, so the list is what the other devices last wrote.
pub async fn list(home: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    match device.sync_app_state().await {
        Ok(synced) => report(out, &synced),
        Err(e) if e.code() == "relay_unreachable" => out.note(&format!("note: {e}; showing the settings held here")),
        Err(e) => return Err(e.into()),
    }
    for chat in device.chat_list()? {
        out.emit(
            || {
                let mut flags = Vec::new();
                if chat.settings.pinned {
                    flags.push("pinned".to_owned());
                }
                if chat.settings.archived {
                    flags.push("archived".to_owned());
                }
                if chat.settings.muted_until_ms.is_some() {
                    flags.push("muted".to_owned());
                }
                if chat.unread > 0 {
                    flags.push(format!("{} unread", chat.unread));
                } else if chat.settings.marked_unread {
                    flags.push("marked unread".to_owned());
                }
                match chat.history {
                    ChatHistory::MoreOnPhone => flags.push("older messages on the phone".to_owned()),
                    ChatHistory::Loading => flags.push("loading older messages".to_owned()),
                    ChatHistory::Complete | ChatHistory::Live => {}
                }
                let title = chat.title.as_deref().map(|t| format!(" \"{t}\"")).unwrap_or_default();
                format!("{}{title} {}", chat.chat_id, flags.join(", "))
            },
            &json!({"chat": chat}),
        );
    }
    Ok(())
}

pub async fn change(home: &Path, command: ChatCommand, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let (chat, action) = match command {
        ChatCommand::Archive { chat } => (chat, ChatAction::Archive),
        ChatCommand::Unarchive { chat } => (chat, ChatAction::Unarchive),
        ChatCommand::Pin { chat } => (chat, ChatAction::Pin),
        ChatCommand::Unpin { chat } => (chat, ChatAction::Unpin),
        ChatCommand::Mute { chat, hours } => {
            let until = hours.map(|h| now_ms() + h * 3600 * 1000);
            (chat, ChatAction::Mute(until))
        }
        ChatCommand::Unmute { chat } => (chat, ChatAction::Unmute),
        ChatCommand::Unread { chat } => (chat, ChatAction::MarkUnread),
        ChatCommand::Read { chat } => return read(&device, &chat, out).await,
    };
    let synced = device.chat_action(&chat, action).await?;
    report(out, &synced);
    let settings = device.chat_settings(&chat)?;
    out.emit(
        || format!("{} now: {settings:?} (synced settings version {})", chat.trim(), synced.version),
        &json!({"event": "chat_changed", "chat": chat.trim(), "settings": settings, "version": synced.version}),
    );
    Ok(())
}

async fn read(device: &Device, chat: &str, out: &Output) -> anyhow::Result<()> {
    let count = device.mark_read(chat).await?;
    out.emit(
        || format!("marked {count} message(s) read"),
        &json!({"event": "read", "chat": chat.trim(), "count": count}),
    );
    Ok(())
}

pub async fn profile(home: &Path, set: Option<&str>, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    if let Some(name) = set {
        let synced = device.set_profile_name(name).await?;
        report(out, &synced);
    } else if let Err(e) = device.sync_app_state().await {
        out.note(&format!("note: {e}; showing the name held here"));
    }
    let name = device.profile_name()?;
    out.emit(|| name.clone().unwrap_or_else(|| "(no profile name set)".to_owned()), &json!({"profile_name": name}));
    Ok(())
}

pub async fn older(home: &Path, chat: &str, limit: u32, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let request = device.load_older(chat.trim(), Some(limit)).await?;
    out.emit(
        || {
            format!(
                "asked {} other device(s) of this account for older messages of {}; they arrive with the next sync",
                request.asked,
                chat.trim()
            )
        },
        &json!({"event": "older_requested", "request": request}),
    );
    Ok(())
}

pub async fn contact_name(home: &Path, account: &str, name: &str, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let synced = device.set_contact_name(account, name).await?;
    report(out, &synced);
    out.emit(
        || format!("{} is now shown as \"{name}\" on all of this account's devices", account.trim()),
        &json!({"event": "contact_named", "account_id": account.trim(), "name": name}),
    );
    Ok(())
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

pub fn search(home: &Path, query: &str, limit: u32, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    for hit in device.search(query, limit)? {
        out.emit(|| format!("[{}] {}", hit.message.chat_id, hit.snippet), &json!({"event": "hit", "hit": hit}));
    }
    Ok(())
}
