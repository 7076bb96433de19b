//! Message requests and blocking: `requests`, `accept ACCOUNT`, `block ACCOUNT`,
//! `unblock ACCOUNT`, `blocked`.

use std::path::Path;

use serde_json::json;

use crate::output::Output;
use crate::phone::load;

/// Chats from accounts that are not known here (no receipts go to them until accepted).
pub fn list(home: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
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

pub fn blocked(home: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    for account in device.blocked()? {
        out.emit(|| account.clone(), &json!({"blocked": account}));
    }
    Ok(())
}
