//! Link sessions: short-lived refs a companion shows in its QR code.

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::DeviceId;
use tandem_proto::link::SealedLinkReply;
use tandem_proto::wire::LinkStatus;

use super::Db;

#[derive(Clone, Debug)]
pub struct LinkRow {
    pub token_hash: Vec<u8>,
    pub status: LinkStatus,
    pub seq: u64,
    pub expires_ms: u64,
    pub claimed_by: Option<String>,
    pub reply: Option<SealedLinkReply>,
    pub device_id: Option<DeviceId>,
}

fn status_str(status: LinkStatus) -> &'static str {
    match status {
        LinkStatus::Open => "open",
        LinkStatus::Claimed => "claimed",
        LinkStatus::Replied => "replied",
        LinkStatus::Declined => "declined",
        LinkStatus::Completed => "completed",
        LinkStatus::Expired => "expired",
    }
}

fn parse_status(text: &str) -> LinkStatus {
    match text {
        "open" => LinkStatus::Open,
        "claimed" => LinkStatus::Claimed,
        "replied" => LinkStatus::Replied,
        "declined" => LinkStatus::Declined,
        "completed" => LinkStatus::Completed,
        _ => LinkStatus::Expired,
    }
}

impl Db {
    pub fn open_link(&self, link_ref: &str, token_hash: &[u8], expires_ms: u64, now_ms: u64) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO link_sessions (link_ref, token_hash, status, seq, expires_ms, created_ms) VALUES (?1, ?2, 'open', 1, ?3, ?4)",
            params![link_ref, token_hash, expires_ms, now_ms],
        )?;
        Ok(())
    }

    /// Forgets sessions that ended before `before_ms` (the janitor's job).
    pub fn prune_links(&self, before_ms: u64) -> rusqlite::Result<()> {
        self.conn().execute("DELETE FROM link_sessions WHERE expires_ms < ?1", [before_ms])?;
        Ok(())
    }

    pub fn link(&self, link_ref: &str) -> rusqlite::Result<Option<LinkRow>> {
        self.conn()
            .query_row(
                "SELECT token_hash, status, seq, expires_ms, claimed_by, reply, device_id FROM link_sessions WHERE link_ref = ?1",
                [link_ref],
                |r| {
                    let reply: Option<String> = r.get(5)?;
                    Ok(LinkRow {
                        token_hash: r.get(0)?,
                        status: parse_status(&r.get::<_, String>(1)?),
                        seq: r.get(2)?,
                        expires_ms: r.get(3)?,
                        claimed_by: r.get(4)?,
                        reply: reply.and_then(|text| serde_json::from_str(&text).ok()),
                        device_id: r.get(6)?,
                    })
                },
            )
            .optional()
    }

    /// Moves a session from `from` to `row`'s status and fields, bumping `seq`. Returns false if
    /// the session was no longer in `from` (someone else got there first).
    pub fn update_link(&self, link_ref: &str, from: LinkStatus, row: &LinkRow) -> rusqlite::Result<bool> {
        let reply = row.reply.as_ref().map(|r| serde_json::to_string(r).unwrap_or_default());
        let changed = self.conn().execute(
            "UPDATE link_sessions SET status = ?3, seq = seq + 1, expires_ms = ?4, claimed_by = ?5, reply = ?6, device_id = ?7
             WHERE link_ref = ?1 AND status = ?2",
            params![link_ref, status_str(from), status_str(row.status), row.expires_ms, row.claimed_by, reply, row.device_id],
        )?;
        Ok(changed == 1)
    }
}
