//! Property test: random interleavings of sends, syncs and reads across four devices (two
//! accounts, a phone and a desktop each, on a real relay), mixed with faults: the relay delivers
//! a mailbox twice (duplicates), in reverse order, or again after the device's ack was lost, and
//! devices restart (closed and opened again from their files). Every run ends with every device
//! of both accounts holding the same conversation, once, in a stable order, with nothing left
//! waiting. Seeded, so a failing sequence can be replayed from its seed.

mod common;

use std::collections::BTreeSet;

use common::{Actor, TestRelay, link};
use rusqlite::params;
use tandem_client::Device;

/// A small deterministic generator (xorshift64*): the sequence is a function of the seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// (message id, body, outgoing) of a chat, as a set: order is checked separately.
fn conversation(device: &Device, chat: &str) -> BTreeSet<(String, String, bool)> {
    device
        .messages(chat)
        .unwrap()
        .into_iter()
        .filter(|m| m.state != "event")
        .map(|m| (m.message_id, m.body, m.outgoing))
        .collect()
}

/// Faults done to the relay's own database, as a flaky network or a misbehaving relay would.
struct Faults(rusqlite::Connection);

/// One device's mailbox row: (id, account, device, sender account, sender device, type,
/// ciphertext, message id, received).
type Row = (i64, String, u32, String, u32, u8, Vec<u8>, Option<String>, i64);

impl Faults {
    fn open(relay: &TestRelay) -> Faults {
        let conn = rusqlite::Connection::open(relay.data.path().join("relay.sqlite3")).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
        Faults(conn)
    }

    fn waiting(&self, account: &str, device: u32) -> Vec<Row> {
        let mut stmt = self
            .0
            .prepare(
                "SELECT id, account_id, device_id, sender_account, sender_device, olm_type, ciphertext, message_id, received_ms
                 FROM mailbox WHERE account_id = ?1 AND device_id = ?2 ORDER BY id",
            )
            .unwrap();
        let rows = stmt.query_map(params![account, device], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
        });
        rows.unwrap().collect::<Result<_, _>>().unwrap()
    }

    /// Puts rows back; `keep_ids` keeps their place in the relay's order (a redelivery), otherwise
    /// they go last. Either way the relay hands them out under new envelope ids.
    fn insert(&self, rows: &[Row], keep_ids: bool) {
        for r in rows {
            let id = keep_ids.then_some(r.0);
            self.0
                .execute(
                    "INSERT OR IGNORE INTO mailbox (id, account_id, device_id, sender_account, sender_device, olm_type, ciphertext, message_id, received_ms, eid)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, lower(hex(randomblob(16))))",
                    params![id, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8],
                )
                .unwrap();
        }
    }

    fn duplicate(&self, account: &str, device: u32) {
        self.insert(&self.waiting(account, device), false);
    }

    fn reverse(&self, account: &str, device: u32) {
        let mut rows = self.waiting(account, device);
        self.0
            .execute("DELETE FROM mailbox WHERE account_id = ?1 AND device_id = ?2", params![account, device])
            .unwrap();
        rows.reverse();
        self.insert(&rows, false);
    }
}

/// (account id, device id) of a device.
fn address(device: &Device) -> (String, u32) {
    let info = device.info();
    (info.account_id.unwrap().to_string(), info.device_id.unwrap())
}

async fn run(seed: u64, ops: usize) {
    let relay = TestRelay::start().await;
    let url = relay.url();
    let actors =
        [Actor::new("alice_phone"), Actor::new("alice_desktop"), Actor::new("bob_phone"), Actor::new("bob_desktop")];
    let alice_phone = actors[0].create_phone(&url).await;
    let bob_phone = actors[2].create_phone(&url).await;
    let alice_desktop = link(&alice_phone, &actors[1], &url).await;
    let bob_desktop = link(&bob_phone, &actors[3], &url).await;
    let (alice, bob) =
        (alice_phone.info().account_id.unwrap().to_string(), bob_phone.info().account_id.unwrap().to_string());
    let mut devices = [alice_phone, alice_desktop, bob_phone, bob_desktop];
    for d in &devices[..2] {
        d.add_contact(&bob).await.unwrap();
    }
    for d in &devices[2..] {
        d.add_contact(&alice).await.unwrap();
    }
    let faults = Faults::open(&relay);

    let mut rng = Rng(seed | 1);
    let mut sent = 0;
    for step in 0..ops {
        let who = rng.below(4) as usize;
        let peer = if who < 2 { &bob } else { &alice };
        let (account, device) = address(&devices[who]);
        match rng.below(8) {
            0 | 1 => {
                devices[who].send_text(peer, &format!("seed {seed} step {step} from device {who}")).await.unwrap();
                sent += 1;
            }
            2 => {
                devices[who].sync().await.unwrap();
            }
            3 => {
                devices[who].mark_read(peer).await.unwrap();
            }
            4 => faults.duplicate(&account, device),
            5 => faults.reverse(&account, device),
            6 => {
                // The device reads its mailbox but its ack is lost: the same envelopes come again.
                let before = faults.waiting(&account, device);
                devices[who].sync().await.unwrap();
                faults.insert(&before, true);
            }
            _ => {
                // Restart: close the device and open it again from its files.
                let profile = actors[who].profile();
                devices[who] = Device::load(profile).unwrap();
            }
        }
    }
    // Quiesce: every device syncs until nothing new arrives (receipts and retries cause more traffic).
    for _ in 0..6 {
        for d in &devices {
            d.flush_outbox().await.unwrap();
            d.sync().await.unwrap();
        }
    }
    let [alice_phone, alice_desktop, bob_phone, bob_desktop] = &devices;

    for d in &devices {
        let (account, _) = address(d);
        let chat = if account == alice { &bob } else { &alice };
        let waiting: Vec<_> =
            d.messages(chat).unwrap().into_iter().filter(|m| m.state == "waiting" || m.state == "failed").collect();
        assert!(waiting.is_empty(), "seed {seed}: nothing left waiting: {waiting:?}");
    }
    let on_alice_phone = conversation(alice_phone, &bob);
    assert_eq!(on_alice_phone.len(), sent, "seed {seed}: every message is in the chat once");
    assert_eq!(conversation(alice_desktop, &bob), on_alice_phone, "seed {seed}: alice's devices agree");
    let mirrored: BTreeSet<_> = on_alice_phone.iter().map(|(id, body, out)| (id.clone(), body.clone(), !out)).collect();
    assert_eq!(conversation(bob_phone, &alice), mirrored, "seed {seed}: bob_phone sees the same conversation");
    assert_eq!(conversation(bob_desktop, &alice), mirrored, "seed {seed}: bob_desktop sees the same conversation");
    for d in &devices {
        let chat = if d.info().account_id.unwrap().as_str() == alice { &bob } else { &alice };
        let order: Vec<_> = d.messages(chat).unwrap().iter().map(|m| (m.sent_ms, m.message_id.clone())).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "seed {seed}: a stable order by send time, then id");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_sends_syncs_and_faults_converge_on_every_device() {
    for seed in [1u64, 0x5eed, 0xdecaf] {
        run(seed, 40).await;
    }
}
