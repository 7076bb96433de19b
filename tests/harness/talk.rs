//! Reading what a tandem-cli device shows: `sync --json` and `messages --json`, as
//! (outgoing, body, state), and a relay that alters the mailboxes in its own database.

use std::path::Path;

use serde_json::Value;

use crate::actors::Cli;

/// `sync --json`: the new messages as (outgoing, body, state).
pub fn sync(device: &Cli) -> Vec<(bool, String, String)> {
    device
        .ok(&["--json", "sync"])
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| summary(&v["message"]))
        .collect()
}

pub fn chat(device: &Cli, with: &str) -> Vec<(bool, String, String)> {
    let out = device.ok(&["--json", "messages", "--chat", with]);
    out.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()).map(|v| summary(&v["message"])).collect()
}

fn summary(m: &Value) -> (bool, String, String) {
    (m["outgoing"].as_bool().unwrap(), m["body"].as_str().unwrap().to_owned(), m["state"].as_str().unwrap().to_owned())
}

/// (outgoing, body) without the state, comparable with `[(bool, &str)]`.
pub fn words(messages: Vec<(bool, String, String)>) -> Vec<Said> {
    messages.into_iter().map(|(outgoing, body, _)| Said(outgoing, body)).collect()
}

#[derive(Debug)]
pub struct Said(pub bool, pub String);

impl PartialEq<(bool, &str)> for Said {
    fn eq(&self, other: &(bool, &str)) -> bool {
        self.0 == other.0 && self.1 == other.1
    }
}

pub fn text(outgoing: bool, body: &str, state: &str) -> (bool, String, String) {
    (outgoing, body.to_owned(), state.to_owned())
}

/// `messages --json` of a chat as (sender account, body, state), events included.
pub fn chat_full(device: &Cli, chat_id: &str) -> Vec<(String, String, String)> {
    let out = device.ok(&["--json", "messages", "--chat", chat_id]);
    out.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| {
            let m = &v["message"];
            (
                m["sender_account"].as_str().unwrap().to_owned(),
                m["body"].as_str().unwrap().to_owned(),
                m["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn relay_db(relay_data: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(relay_data.join("relay.sqlite3")).unwrap()
}

/// The relay (damaged or malicious) garbles the ciphertext waiting for one device.
pub fn garble_mailbox(relay_data: &Path, account: &str, device: u32) {
    let db = relay_db(relay_data);
    let changed = db
        .execute(
            "UPDATE mailbox SET ciphertext = zeroblob(length(ciphertext)) WHERE account_id = ?1 AND device_id = ?2",
            rusqlite::params![account, device],
        )
        .unwrap();
    assert!(changed > 0, "nothing waited for {account}/{device}");
}

/// The relay delivers a copy of every envelope waiting for one device to another device as well
/// (as a compromised relay could). Returns how many it copied.
pub fn copy_mailbox(relay_data: &Path, from: (&str, u32), to: (&str, u32)) -> usize {
    relay_db(relay_data)
        .execute(
            "INSERT INTO mailbox (account_id, device_id, sender_account, sender_device, olm_type, ciphertext, message_id, received_ms, eid)
             SELECT ?3, ?4, sender_account, sender_device, olm_type, ciphertext, message_id, received_ms, lower(hex(randomblob(16)))
             FROM mailbox WHERE account_id = ?1 AND device_id = ?2",
            rusqlite::params![from.0, from.1, to.0, to.1],
        )
        .unwrap()
}

/// The relay relabels the envelopes waiting for a device as another envelope type.
pub fn relabel_mailbox(relay_data: &Path, account: &str, device: u32, from_type: u8, to_type: u8) -> usize {
    relay_db(relay_data)
        .execute(
            "UPDATE mailbox SET olm_type = ?4 WHERE account_id = ?1 AND device_id = ?2 AND olm_type = ?3",
            rusqlite::params![account, device, from_type, to_type],
        )
        .unwrap()
}

/// The relay delivers every envelope waiting for a device a second time, under new ids (a
/// replay). Returns how many it duplicated.
pub fn replay_mailbox(relay_data: &Path, account: &str, device: u32) -> usize {
    copy_mailbox(relay_data, (account, device), (account, device))
}
