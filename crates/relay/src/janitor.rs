//! Housekeeping off the request path, every `janitor_every_secs`: mail past its lifetime (by
//! its age index, in batches, so no request waits behind a scan), expired history blobs and
//! photo files, ended link sessions, expired challenges and tokens, link watchers nobody waits
//! on, and rate-limit state that is back to fresh.

use crate::Relay;

/// Mail is expired this many rows per transaction, so the database is never held for long.
const MAIL_BATCH: u32 = 5_000;
/// Ended link sessions are kept this long (a late poll still learns the end).
const LINK_KEEP_MS: u64 = 24 * 3600 * 1000;

/// One sweep. Failures are logged; the next sweep tries again.
pub fn sweep(relay: &Relay) {
    let now = relay.now_ms();
    if crate::api::blobs::expire(relay).and(crate::api::media::expire(relay)).is_err() {
        tracing::warn!("expired files could not be removed; the next sweep tries again");
    }
    let cutoff = now.saturating_sub(crate::db::MAILBOX_KEEP_MS);
    loop {
        match relay.db.expire_mail(cutoff, MAIL_BATCH) {
            Ok(n) if n == MAIL_BATCH as usize => {}
            Ok(_) => break,
            Err(error) => {
                tracing::warn!(%error, "expired mail could not be removed");
                break;
            }
        }
    }
    if let Err(error) = relay.db.prune_auth(now).and(relay.db.prune_links(now.saturating_sub(LINK_KEEP_MS))) {
        tracing::warn!(%error, "expired sessions, challenges or tokens could not be removed");
    }
    relay.links.sweep();
    relay.rates.sweep();
}

/// Sweeps for as long as the server runs.
pub async fn run(relay: Relay) {
    let mut every = tokio::time::interval(relay.limits.janitor_every());
    every.tick().await; // the first tick is immediate; the server swept before it started
    loop {
        every.tick().await;
        let relay = relay.clone();
        if tokio::task::spawn_blocking(move || sweep(&relay)).await.is_err() {
            tracing::warn!("a sweep failed; the next one tries again");
        }
    }
}
