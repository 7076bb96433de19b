//! What a device does when the relay says it was logged out. The relay's word is unsigned, so it
//! never deletes anything by itself:
//!
//! - the **phone** never wipes, locks or changes its list because of it: it reports the refusal
//!   ([`ClientError::PrimaryRefused`]) and keeps everything;
//! - a **companion** wipes itself only when the relay's answer carries a signed device list,
//!   newer than the one it holds and verified with the account key it pinned at linking, that
//!   leaves it out (`tandem_proto::logout::proves_removal`); its own user's logout is the other way;
//! - any other `logged_out` answer **locks** the profile: a note says what happened and what to
//!   do, nothing is deleted, and the user chooses to link again (messages kept, see
//!   [`Device::relink_locked`]) or to keep the data for now.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tandem_proto::device_list::SignedDeviceList;
use tandem_proto::ids::PRIMARY_DEVICE_ID;
use tandem_proto::wire::LogoutReason;

use crate::device::{Device, now_ms};
use crate::error::{ClientError, Result};
use crate::events::ClientEvent;
use crate::lifecycle::LoggedOutNote;

const LOCKED_NOTE: &str = "locked.json";

/// What the relay said: a reason, and the signed list it offered as proof (if any).
#[derive(Clone, Debug)]
pub struct LogoutClaim {
    pub reason: LogoutReason,
    pub device_list: Option<SignedDeviceList>,
}

/// Why this profile is locked (kept in the profile folder until the user decides).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedNote {
    /// What the relay claimed.
    pub reason: LogoutReason,
    pub at_ms: u64,
    pub message: String,
}

/// The lock note of a profile folder, if it is locked.
pub fn locked_note(dir: &Path) -> Option<LockedNote> {
    let text = std::fs::read_to_string(dir.join(LOCKED_NOTE)).ok()?;
    serde_json::from_str(&text).ok()
}

fn write_note(dir: &Path, note: &LockedNote) -> Result<()> {
    let text = serde_json::to_string(note).map_err(ClientError::internal)?;
    std::fs::write(dir.join(LOCKED_NOTE), text)
        .map_err(|e| ClientError::ProfileFolder { path: dir.display().to_string(), reason: e.to_string() })
}

pub(crate) fn clear_locked_note(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(LOCKED_NOTE));
}

/// What the user is told on a locked profile.
pub fn locked_message(reason: LogoutReason) -> String {
    format!(
        "The relay says this device was logged out ({}), but it gave no proof signed by your phone, so nothing was deleted. \
         If you logged it out on the phone, link it again (your messages are kept and only what you missed is fetched). \
         If you did not, the relay may be misbehaving: keep your data for now and check with whoever runs the relay.",
        reason.as_str()
    )
}

impl Device {
    /// Handles the relay's "logged out": wipes (with proof), locks (without), or, on the phone,
    /// only reports. Returns the error the caller reports.
    pub(crate) fn on_logout_claim(&self, claim: LogoutClaim) -> ClientError {
        let Ok((account, device, account_key)) = self.whoami() else {
            return ClientError::Locked(claim.reason); // not linked: nothing to wipe or lock
        };
        if device == PRIMARY_DEVICE_ID {
            tracing::warn!(
                reason = claim.reason.as_str(),
                "the relay refuses the phone as logged out; nothing changes here"
            );
            return ClientError::PrimaryRefused(claim.reason);
        }
        let held = match self.state().store.device_list(&account) {
            Ok(held) => held.map_or(0, |h| h.list.version),
            Err(e) => return e.into(),
        };
        let proven = claim
            .device_list
            .as_ref()
            .is_some_and(|list| tandem_proto::logout::proves_removal(list, &account_key, &account, held, device));
        if proven {
            clear_locked_note(&self.inner.profile.dir);
            self.logged_out(claim.reason);
            return ClientError::LoggedOut(claim.reason);
        }
        if let Err(e) = self.lock(claim.reason) {
            tracing::error!(code = e.code(), "could not record that this device is locked: {e}");
        }
        ClientError::Locked(claim.reason)
    }

    /// Locks the profile (once): a note, an event; nothing deleted.
    fn lock(&self, reason: LogoutReason) -> Result<()> {
        let dir = &self.inner.profile.dir;
        if locked_note(dir).is_some() {
            return Ok(());
        }
        tracing::warn!(
            reason = reason.as_str(),
            "the relay says this device was logged out, without proof: locked, nothing deleted"
        );
        write_note(dir, &LockedNote { reason, at_ms: now_ms(), message: locked_message(reason) })?;
        self.emit(ClientEvent::Locked(reason));
        Ok(())
    }

    /// Why this device is locked, if it is.
    pub fn locked(&self) -> Option<LockedNote> {
        locked_note(&self.inner.profile.dir)
    }

    /// The user's choice on a locked device: link it again. Its messages are kept (and its
    /// database key); only its device identity is replaced, so that linked again to the same
    /// phone it fetches only what it missed. The device is unusable afterwards: open the profile
    /// again to link.
    pub fn relink_locked(&self) -> Result<LoggedOutNote> {
        let note = self.locked().ok_or(ClientError::NotLocked)?;
        let kept = self.wipe_after_logout_keeping(note.reason)?;
        clear_locked_note(&self.inner.profile.dir);
        Ok(kept)
    }
}
