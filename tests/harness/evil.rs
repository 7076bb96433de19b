//! A malicious relay, scripted: it edits the real relay's own database (SQLite, opened beside
//! the running relay) the way a compromised server could, rewriting, planting, replaying and
//! forging envelopes and every unsigned field. (The envelope-level tricks in `talk` belong
//! here too; they predate this module.)

use std::path::Path;

fn db(relay_data: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(relay_data.join("relay.sqlite3")).expect("relay database");
    conn.busy_timeout(std::time::Duration::from_secs(5)).expect("busy timeout");
    conn
}

/// The relay plants an envelope of garbage for a device, claiming it comes from `sender` and
/// carries `message_id`, ahead of everything already waiting for that device.
pub fn plant_garbage(relay_data: &Path, to: (&str, u32), sender: (&str, u32), message_id: &str) {
    let conn = db(relay_data);
    let first: i64 =
        conn.query_row("SELECT COALESCE(MIN(id), 1000000) FROM mailbox", [], |r| r.get(0)).expect("oldest envelope");
    conn.execute(
        "INSERT INTO mailbox (id, account_id, device_id, sender_account, sender_device, olm_type, ciphertext, message_id, received_ms, eid)
         VALUES (?1, ?2, ?3, ?4, ?5, 1, randomblob(120), ?6, CAST(strftime('%s', 'now') AS INTEGER) * 1000, lower(hex(randomblob(16))))",
        rusqlite::params![first - 1, to.0, to.1, sender.0, sender.1, message_id],
    )
    .expect("plant an envelope");
}

/// The message ids of what waits for a device, oldest first.
pub fn waiting_message_ids(relay_data: &Path, account: &str, device: u32) -> Vec<String> {
    let conn = db(relay_data);
    let mut stmt = conn
        .prepare("SELECT message_id FROM mailbox WHERE account_id = ?1 AND device_id = ?2 AND message_id IS NOT NULL ORDER BY id")
        .expect("query");
    stmt.query_map(rusqlite::params![account, device], |r| r.get(0)).expect("rows").map(|r| r.expect("row")).collect()
}

/// How many envelopes wait for any device of `account` from `sender`.
pub fn waiting_from(relay_data: &Path, account: &str, sender: &str) -> i64 {
    db(relay_data)
        .query_row(
            "SELECT COUNT(*) FROM mailbox WHERE account_id = ?1 AND sender_account = ?2",
            rusqlite::params![account, sender],
            |r| r.get(0),
        )
        .expect("count")
}

/// The relay claims a device was logged out (an unsigned word: no list, no statement).
pub fn claim_logged_out(relay_data: &Path, account: &str, device: u32, reason: &str) {
    db(relay_data)
        .execute(
            "INSERT OR REPLACE INTO logouts (account_id, device_id, reason, at_ms) VALUES (?1, ?2, ?3, 0)",
            rusqlite::params![account, device, reason],
        )
        .expect("claim a logout");
}

/// The relay takes the claim back (it behaves again).
pub fn withdraw_logout(relay_data: &Path, account: &str, device: u32) {
    db(relay_data)
        .execute("DELETE FROM logouts WHERE account_id = ?1 AND device_id = ?2", rusqlite::params![account, device])
        .expect("withdraw");
}

/// The account's signed device list as the relay holds it now (version, signed JSON).
pub fn saved_list(relay_data: &Path, account: &str) -> (i64, String) {
    db(relay_data)
        .query_row("SELECT list_version, device_list FROM accounts WHERE account_id = ?1", [account], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("the account's list")
}

/// The relay serves an older (validly signed) list of the account again: a rollback, or a split
/// view towards whoever has not seen the newer one.
pub fn serve_list(relay_data: &Path, account: &str, saved: &(i64, String)) {
    db(relay_data)
        .execute(
            "UPDATE accounts SET list_version = ?2, device_list = ?3 WHERE account_id = ?1",
            rusqlite::params![account, saved.0, saved.1],
        )
        .expect("serve an old list");
}

/// What waits for a device, kept by the relay to replay later: (sender, sender device, type,
/// ciphertext, message id).
pub type KeptEnvelope = (String, u32, u8, Vec<u8>, Option<String>);

pub fn keep_mailbox(relay_data: &Path, account: &str, device: u32) -> Vec<KeptEnvelope> {
    let conn = db(relay_data);
    let mut stmt = conn
        .prepare(
            "SELECT sender_account, sender_device, olm_type, ciphertext, message_id FROM mailbox
             WHERE account_id = ?1 AND device_id = ?2 ORDER BY id",
        )
        .expect("query");
    stmt.query_map(rusqlite::params![account, device], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect()
}

/// The relay delivers kept envelopes again, to another (or the same) device.
pub fn replay_to(relay_data: &Path, kept: &[KeptEnvelope], to: (&str, u32)) {
    let conn = db(relay_data);
    for (sender, sender_device, olm_type, ciphertext, message_id) in kept {
        conn.execute(
            "INSERT INTO mailbox (account_id, device_id, sender_account, sender_device, olm_type, ciphertext, message_id, received_ms, eid)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CAST(strftime('%s', 'now') AS INTEGER) * 1000, lower(hex(randomblob(16))))",
            rusqlite::params![to.0, to.1, sender, sender_device, olm_type, ciphertext, message_id],
        )
        .expect("replay an envelope");
    }
}

/// The relay slips a device into the account's served list (it cannot sign: the list's body
/// changes under the account's signature).
pub fn inject_device(relay_data: &Path, account: &str, device_id: u32) {
    use tandem_proto::device_list::{DeviceList, DeviceListEntry, SignedDeviceList};
    let (version, json) = saved_list(relay_data, account);
    let mut signed: SignedDeviceList = serde_json::from_str(&json).expect("signed list");
    let mut list: DeviceList = serde_json::from_slice(&signed.body).expect("list body");
    list.devices.push(DeviceListEntry { device_id, key_index: device_id });
    signed.body = serde_json::to_vec(&list).expect("body");
    serve_list(relay_data, account, &(version, serde_json::to_string(&signed).expect("json")));
}
