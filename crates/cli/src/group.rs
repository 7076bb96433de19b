//! Group commands: create, add, remove, list. Sending uses `send --to GROUP`.

use std::path::Path;

use serde_json::json;
use tandem_client::GroupInfo;

use crate::output::Output;
use crate::phone::load;

fn show(out: &Output, event: &str, g: &GroupInfo) {
    out.emit(
        || {
            let member = if g.member { "" } else { " (this account is no longer a member)" };
            format!(
                "{} \"{}\" v{}: {} member(s), admin {}{member}",
                g.group_id,
                g.name,
                g.version,
                g.members.len(),
                g.admin
            )
        },
        &json!({"event": event, "group": g}),
    );
}

pub async fn create(home: &Path, name: &str, members: &[String], out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    let members: Vec<&str> = members.iter().map(String::as_str).collect();
    let group = device.create_group(name, &members).await?;
    show(out, "group_created", &group);
    Ok(())
}

pub async fn change(home: &Path, group: &str, accounts: &[String], add: bool, out: &Output) -> anyhow::Result<()> {
    anyhow::ensure!(!accounts.is_empty(), "name at least one account id");
    let device = load(home)?;
    let accounts: Vec<&str> = accounts.iter().map(String::as_str).collect();
    let group = if add {
        device.add_group_members(group, &accounts).await?
    } else {
        device.remove_group_members(group, &accounts).await?
    };
    show(out, "group_changed", &group);
    Ok(())
}

pub fn list(home: &Path, out: &Output) -> anyhow::Result<()> {
    let device = load(home)?;
    for group in device.groups()? {
        show(out, "group", &group);
    }
    Ok(())
}
