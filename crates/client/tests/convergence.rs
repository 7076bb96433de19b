//! Property test: random interleavings of sends and syncs across four devices (two accounts, a
//! phone and a desktop each, on a real relay) end with every device of both accounts holding the
//! same conversation. Seeded, so a failing sequence can be replayed from its seed.

mod common;

use std::collections::BTreeSet;

use common::{Actor, TestRelay, next_code};
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

async fn link(phone: &Device, actor: &Actor, relay: &str) -> Device {
    let (task, mut progress) = actor.start_linking(relay);
    let (uri, _, _) = next_code(&mut progress).await;
    phone.begin_link(&uri).await.unwrap().approve().await.unwrap();
    task.await.unwrap().unwrap()
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
    let devices = [&alice_phone, &alice_desktop, &bob_phone, &bob_desktop];
    for d in &devices[..2] {
        d.add_contact(&bob).await.unwrap();
    }
    for d in &devices[2..] {
        d.add_contact(&alice).await.unwrap();
    }

    let mut rng = Rng(seed | 1);
    let mut sent = 0;
    for step in 0..ops {
        let who = rng.below(4) as usize;
        let peer = if who < 2 { &bob } else { &alice };
        match rng.below(3) {
            0 => {
                devices[who].send_text(peer, &format!("seed {seed} step {step} from device {who}")).await.unwrap();
                sent += 1;
            }
            1 => {
                devices[who].sync().await.unwrap();
            }
            _ => {
                devices[who].mark_read(peer).await.unwrap();
            }
        }
    }
    // Quiesce: every device syncs until nothing new arrives (receipts cause more traffic).
    for _ in 0..4 {
        for d in devices {
            d.sync().await.unwrap();
        }
    }

    let on_alice_phone = conversation(&alice_phone, &bob);
    assert_eq!(on_alice_phone.len(), sent, "seed {seed}: every message is in the chat once");
    assert_eq!(conversation(&alice_desktop, &bob), on_alice_phone, "seed {seed}: alice's devices agree");
    let mirrored: BTreeSet<_> = on_alice_phone.iter().map(|(id, body, out)| (id.clone(), body.clone(), !out)).collect();
    assert_eq!(conversation(&bob_phone, &alice), mirrored, "seed {seed}: bob_phone sees the same conversation");
    assert_eq!(conversation(&bob_desktop, &alice), mirrored, "seed {seed}: bob_desktop sees the same conversation");
    for d in devices {
        let chat = if d.info().account_id.unwrap().as_str() == alice { &bob } else { &alice };
        let order: Vec<_> = d.messages(chat).unwrap().iter().map(|m| (m.sent_ms, m.message_id.clone())).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "seed {seed}: a stable order by send time, then id");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_sends_and_syncs_converge_on_every_device() {
    for seed in [1u64, 0x5eed, 0xdecaf] {
        run(seed, 24).await;
    }
}
