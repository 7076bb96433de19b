//! Groups: their signed membership states and the Megolm sessions of their messages. The
//! store keeps what the client verified; it does not verify anything itself.

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::DeviceId;

use crate::{Store, StoreError};

/// A group's membership state to write (its signature already checked).
pub struct GroupStateUpdate<'a> {
    /// The verified state (its id, version, members and the admin's time of the change).
    pub state: &'a tandem_proto::group::GroupState,
    pub signed: &'a str,
}

/// This device's sending session for a group.
#[derive(Clone, Debug)]
pub struct OutboundGroupSession {
    pub group_id: String,
    pub session_id: String,
    pub pickle: String,
    /// JSON array of `[account id, device id]`.
    pub shared_with: String,
}

/// Another device's session for a group.
#[derive(Clone, Debug)]
pub struct InboundGroupSession {
    pub session_id: String,
    pub group_id: String,
    pub sender_account: String,
    pub sender_device: DeviceId,
    pub pickle: String,
}

pub(crate) fn put_group(conn: &rusqlite::Connection, g: &GroupStateUpdate<'_>, now_ms: u64) -> rusqlite::Result<()> {
    let group_id = g.state.group_id.as_str();
    // Only ever forward: the client checked the version, this keeps a race from undoing it.
    let changed = conn.execute(
        "INSERT INTO groups (group_id, version, state, updated_ms) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (group_id) DO UPDATE SET version = ?2, state = ?3, updated_ms = ?4 WHERE groups.version < ?2",
        params![group_id, g.state.version, g.signed, now_ms],
    )?;
    if changed == 1 {
        // Since when each member is one (the admin's time of the change that added them, as
        // far as this device saw): a retry is answered only for what the asker was a member for.
        let members: Vec<String> = g.state.members.iter().map(|m| m.to_string()).collect();
        let json = serde_json::to_string(&members).unwrap_or_default();
        conn.execute(
            "DELETE FROM group_members WHERE group_id = ?1 AND account_id NOT IN (SELECT value FROM json_each(?2))",
            params![group_id, json],
        )?;
        for member in &members {
            conn.execute(
                "INSERT OR IGNORE INTO group_members (group_id, account_id, since_ms) VALUES (?1, ?2, ?3)",
                params![group_id, member, g.state.changed_ms],
            )?;
        }
    }
    // A new membership means a new sending session (see `tandem_proto::group`).
    conn.execute("DELETE FROM megolm_outbound WHERE group_id = ?1", [group_id])?;
    Ok(())
}

pub(crate) fn put_inbound(conn: &rusqlite::Connection, s: &InboundGroupSession, now_ms: u64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO megolm_inbound (session_id, group_id, sender_account, sender_device, pickle, received_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (session_id) DO UPDATE SET pickle = ?5
         WHERE megolm_inbound.group_id = ?2 AND megolm_inbound.sender_account = ?3 AND megolm_inbound.sender_device = ?4",
        params![s.session_id, s.group_id, s.sender_account, s.sender_device, s.pickle, now_ms],
    )?;
    Ok(())
}

impl Store {
    /// A group's signed state (JSON), if this device knows the group.
    pub fn group(&self, group_id: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT state FROM groups WHERE group_id = ?1", [group_id], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every known group's signed state (JSON).
    pub fn groups(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT state FROM groups ORDER BY group_id").map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Writes a group state this device made (creation, a membership change) and drops the
    /// group's sending session.
    pub fn put_group(&mut self, update: &GroupStateUpdate<'_>, now_ms: u64) -> Result<(), StoreError> {
        put_group(&self.conn, update, now_ms).map_err(|e| self.err(e))
    }

    /// Since when `account` is a member of the group, as this device saw it: `Some(None)` for
    /// not a member, `None` when this device has no record for the group (held from before the
    /// record was kept).
    pub fn member_since(&self, group_id: &str, account: &str) -> Result<Option<Option<u64>>, StoreError> {
        let known: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM group_members WHERE group_id = ?1", [group_id], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if known == 0 {
            return Ok(None);
        }
        let since = self
            .conn
            .query_row(
                "SELECT since_ms FROM group_members WHERE group_id = ?1 AND account_id = ?2",
                params![group_id, account],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(Some(since))
    }

    pub fn outbound_group_session(&self, group_id: &str) -> Result<Option<OutboundGroupSession>, StoreError> {
        self.conn
            .query_row(
                "SELECT group_id, session_id, pickle, shared_with FROM megolm_outbound WHERE group_id = ?1",
                [group_id],
                |r| {
                    Ok(OutboundGroupSession {
                        group_id: r.get(0)?,
                        session_id: r.get(1)?,
                        pickle: r.get(2)?,
                        shared_with: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Saves this device's sending session for a group, and its own copy as an inbound session
    /// (so it can read its own messages again), in one transaction.
    pub fn save_outbound_group_session(
        &mut self,
        session: &OutboundGroupSession,
        own_inbound: Option<&InboundGroupSession>,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| StoreError::from_sqlite(&path, e))?;
        let run = |tx: &rusqlite::Transaction<'_>| -> rusqlite::Result<()> {
            tx.execute(
                "INSERT INTO megolm_outbound (group_id, session_id, pickle, shared_with, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (group_id) DO UPDATE SET session_id = ?2, pickle = ?3, shared_with = ?4",
                params![session.group_id, session.session_id, session.pickle, session.shared_with, now_ms],
            )?;
            if let Some(inbound) = own_inbound {
                put_inbound(tx, inbound, now_ms)?;
            }
            Ok(())
        };
        run(&tx).map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))
    }

    pub fn inbound_group_session(&self, session_id: &str) -> Result<Option<InboundGroupSession>, StoreError> {
        self.conn
            .query_row(
                "SELECT session_id, group_id, sender_account, sender_device, pickle FROM megolm_inbound WHERE session_id = ?1",
                [session_id],
                |r| {
                    Ok(InboundGroupSession {
                        session_id: r.get(0)?,
                        group_id: r.get(1)?,
                        sender_account: r.get(2)?,
                        sender_device: r.get(3)?,
                        pickle: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }
}
