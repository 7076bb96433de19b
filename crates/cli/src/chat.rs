//! Messaging commands: contacts, send, sync, messages.

use std::path::Path;

use anyhow::Context;
use serde_json::json;
use tandem_client::Message;

use crate::output::Output;
use crate::phone::load;

fn show(out: &Output, m: &Message) {
    let who = if m.outgoing { "me".to_owned() } else { m.sender_account.clone() };
    let image = m.attachment.as_ref().map_or(String::new(), |a| {
        format!(" [image {}×{}, {} KB, id {}]", a.width, a.height, a.size.div_ceil(1024), a.media_id)
    });
    out.emit(
        || format!("[{}] {who}: {}{image} ({})", m.chat_id, m.body, m.state),
        &json!({"event": "message", "message": m}),
    );
}

pub async fn contacts_add(home: &Path, account: &str, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let added = device.add_contact(account).await?;
    out.emit(
        || format!("added {added} (its devices verified)"),
        &json!({"event": "contact_added", "account_id": added}),
    );
    Ok(())
}

pub async fn contacts_list(home: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    for contact in device.contacts()? {
        out.emit(|| contact.clone(), &json!({"account_id": contact}));
    }
    Ok(())
}

pub async fn send(home: &Path, to: &str, text: &str, image: Option<&Path>, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let (id, sent) = match image {
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read the photo {}", path.display()))?;
            device.send_image(to, &bytes, text).await?
        }
        None => device.send_text(to, text).await?,
    };
    let state = if sent { "sent" } else { "queued" };
    out.emit(
        || {
            if sent {
                format!("sent {id}")
            } else {
                format!("queued {id}: the relay is unreachable; it goes out with the next sync or run")
            }
        },
        &json!({"event": "send", "message_id": id, "state": state}),
    );
    Ok(())
}

pub async fn sync(home: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let flushed = device.flush_outbox().await?;
    if flushed > 0 {
        out.note(&format!("sent {flushed} queued message(s)"));
    }
    // History chunks imported during the sync are reported as they land.
    let mut events = device.subscribe();
    let progress = async {
        // A report missed while falling behind is made up by the next one; the sync goes on.
        while let Some(observed) = tandem_client::next_event(&mut events).await {
            let tandem_client::Observed::Event(event) = observed else { continue };
            if let tandem_client::ClientEvent::HistoryProgress(h) = event {
                out.emit(
                    || {
                        format!(
                            "history: {} of {} chunk(s) imported ({})",
                            h.totals.chunks_imported, h.totals.chunks_total, h.state
                        )
                    },
                    &json!({"event": "history", "history": h}),
                );
            }
        }
        std::future::pending::<()>().await // the device outlives its sync
    };
    let mut print = |message: &Message| show(out, message);
    tokio::select! {
        result = device.sync_each(&mut print) => { result?; }
        () = progress => {}
    }
    Ok(())
}

pub async fn messages(home: &Path, chat: &str, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    for message in device.messages(chat)? {
        show(out, &message);
    }
    Ok(())
}

pub async fn safety_number(home: &Path, account: &str, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let number = device.safety_number(account).await?;
    out.emit(|| number.clone(), &json!({"account_id": account.trim(), "safety_number": number}));
    Ok(())
}

pub async fn read(home: &Path, chat: &str, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let count = device.mark_read(chat).await?;
    out.emit(
        || format!("marked {count} message(s) read"),
        &json!({"event": "read", "chat": chat.trim(), "count": count}),
    );
    Ok(())
}
