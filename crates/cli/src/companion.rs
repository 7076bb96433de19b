//! `tandem-cli companion`: the desktop's linking screen, in a terminal.

use std::path::Path;

use serde_json::json;
use tandem_client::{CompanionProfile, DeviceKind, KeyStorage, LinkProgress, Profile, open_companion, qr};

use crate::output::Output;

pub async fn run(home: &Path, relay: &str, name: &str, history_days: u32, out: &Output) -> anyhow::Result<()> {
    let profile = Profile::open(home, KeyStorage::File)?;
    let companion = match open_companion(profile, relay, name, DeviceKind::Headless)? {
        CompanionProfile::Linked(device) => {
            let info = device.info();
            let account = info.account_id.map(|a| a.to_string()).unwrap_or_default();
            out.emit(
                || format!("already linked to {account}"),
                &json!({"event": "linked", "account_id": account, "device_id": info.device_id}),
            );
            return Ok(());
        }
        CompanionProfile::Unlinked(companion) => companion,
    };
    let mut companion = companion;
    companion.ask_history_days(history_days);
    let device = companion
        .link(|progress| match progress {
            LinkProgress::Code { uri, code, expires_at_ms, code_number, max_codes } => {
                if !out.is_json() {
                    if let Ok(drawn) = qr::terminal(&uri) {
                        eprintln!("{drawn}");
                    }
                    eprintln!("Code {code_number} of {max_codes} · verification code {code} · scan it with your phone, or run on the phone:");
                    eprintln!("  tandem-cli link '<the line below>'");
                }
                out.emit(|| uri.clone(), &json!({"event": "code", "uri": uri, "code": code, "expires_at_ms": expires_at_ms, "code_number": code_number}));
            }
            LinkProgress::Scanned { .. } => out.note("Scanned: approve on your phone"),
            LinkProgress::Finishing => out.note("Approved: linking…"),
            LinkProgress::RelayUnreachable { reason, .. } => out.note(&format!("{reason}; retrying")),
        })
        .await?;
    tandem_client::clear_logged_out_note(home);
    let info = device.info();
    let account = info.account_id.map(|a| a.to_string()).unwrap_or_default();
    out.emit(
        || format!("Linked to {account} as \"{}\" (device {})", info.name, info.device_id.unwrap_or_default()),
        &json!({"event": "linked", "account_id": account, "device_id": info.device_id}),
    );
    Ok(())
}
