//! Message requests and blocking: `requests`, `accept ACCOUNT`, `block ACCOUNT`,
//! `unblock ACCOUNT`, `blocked`.

use std::path::Path;

use serde_json::json;

use crate::output::Output;
use crate::phone::load;

/// Catches up with the synced settings first (accepted and blocked accounts live there).
async fn catch_up(device: &tandem_client::Device, out: &Output) -> anyhow::Result<()> {
    match device.sync_app_state().await {
        Ok(_) => Ok(()),
        Err(e) if matches!(e.code(), "relay_unreachable" | "no_app_state_key") => {
            out.note(&format!("note: {e}; showing what is held here"));
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Chats from accounts that are not known here (no receipts go to them until accepted).
pub async fn list(home: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    catch_up(&device, out).await?;
    for chat in device.message_requests()? {
        out.emit(|| format!("message request from {chat}"), &json!({"request": chat}));
    }
    Ok(())
}

pub async fn accept(home: &Path, account: &str, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let account = device.accept_request(account).await?;
    out.emit(|| format!("accepted {account}"), &json!({"event": "accepted", "account": account.as_str()}));
    Ok(())
}

pub async fn block(home: &Path, account: &str, blocked: bool, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let account = if blocked { device.block(account).await? } else { device.unblock(account).await? };
    let word = if blocked { "blocked" } else { "unblocked" };
    out.emit(|| format!("{word} {account}"), &json!({"event": word, "account": account.as_str()}));
    Ok(())
}

pub async fn blocked(home: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    catch_up(&device, out).await?;
    for account in device.blocked()? {
        out.emit(|| account.clone(), &json!({"blocked": account}));
    }
    Ok(())
}
