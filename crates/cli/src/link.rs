//! `tandem-cli link`: the phone's "Link a device" screen.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::json;
use tandem_client::{HistoryScope, qr};

use crate::output::Output;
use crate::phone::load;

fn read_line(prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read from standard input")?;
    Ok(line.trim().to_owned())
}

pub async fn run(
    home: &Path,
    uri: Option<String>,
    image: Option<PathBuf>,
    yes: bool,
    history_days: Option<u64>,
    out: &Output,
) -> anyhow::Result<()> {
    let device = load(home)?;
    let text = match (uri, image) {
        (Some(uri), _) => uri,
        (None, Some(path)) => {
            let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            qr::decode_png(&bytes, &path.display().to_string())?
        }
        (None, None) => read_line("Paste the link text shown by the desktop (Copy link text), then press Enter:\n> ")?,
    };
    let pending = device.begin_link(&text).await?;
    let name = pending.companion_name().to_owned();
    let code = pending.verification_code();
    // The desktop asks for a range; this phone may send less (`--history-days`). A desktop that
    // kept this account's messages from before a logout for inactivity gets only the gap.
    let asked = pending.history_days();
    let scope = pending.history_scope(history_days);
    let range = match scope {
        HistoryScope::Range { days: Some(d) } => format!("{d} day(s) of history"),
        HistoryScope::Range { days: None } => "all of its history".to_owned(),
        HistoryScope::Gap { .. } => "only the messages it missed (it kept its history)".to_owned(),
    };
    out.emit(
        || {
            format!(
                "Link \"{name}\" ({}) to this account? It gets {range}.\nVerification code: {code}  (the desktop shows the same code)",
                pending.companion_kind().as_str()
            )
        },
        &json!({"event": "scanned", "name": name, "kind": pending.companion_kind(), "code": code, "history_days_asked": asked, "history": scope}),
    );
    let approved = if yes {
        true
    } else if std::io::stdin().is_terminal() || !out.is_json() {
        matches!(read_line("Approve? [y/N] ")?.to_ascii_lowercase().as_str(), "y" | "yes")
    } else {
        bail!("approval needed: pass --yes to approve without a prompt");
    };
    if !approved {
        pending.decline().await?;
        bail!("linking declined");
    }
    out.note("Linking…");
    let linked = pending.approve().await?;
    out.emit(
        || {
            format!(
                "Linked \"{}\" as device {} (device list version {})",
                linked.name, linked.device_id, linked.device_list_version
            )
        },
        &json!({"event": "linked", "device": linked}),
    );
    // The new device gets this phone's history: its recent chats now, the rest while online.
    let sent = device
        .send_history(linked.device_id, scope, &mut |p| {
            out.emit(
                || format!("history: chunk {} of {} uploaded ({} messages so far)", p.chunk, p.chunks, p.messages),
                &json!({"event": "history_chunk", "progress": p}),
            );
        })
        .await?;
    if sent.chunk < sent.chunks {
        out.note(&format!(
            "recent chats sent; {} more history chunk(s) go out while this phone is online (tandem-cli run, or sync)",
            sent.chunks - sent.chunk
        ));
    } else {
        out.note(&format!("history sent: {} message(s)", sent.messages));
    }
    Ok(())
}
