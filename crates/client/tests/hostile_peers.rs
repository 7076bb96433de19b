//! A peer (an authenticated account, contact or not) that lies in what it encrypts: the
//! receiving devices bound what that can do to them.

mod common;

use common::{Actor, TestRelay};
use tandem_proto::message::{MAX_SENT_AHEAD_MS, Payload};

const YEAR_MS: u64 = 365 * 24 * 3600 * 1000;

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

#[tokio::test]
async fn a_message_dated_years_ahead_is_ordered_as_sent_now() {
    let relay = TestRelay::start().await;
    let url = relay.url();
    let alice_phone = Actor::new("alice_phone").create_phone(&url).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&url).await;
    let alice = alice_phone.info().account_id.unwrap();
    let bob = bob_phone.info().account_id.unwrap();
    alice_phone.add_contact(bob.as_str()).await.unwrap();
    bob_phone.add_contact(alice.as_str()).await.unwrap();
    // bob's app dates its message ten years ahead, to stay last in alice's chat forever.
    let forged = Payload::Text {
        message_id: "pinnedforever".into(),
        sent_ms: now_ms() + 10 * YEAR_MS,
        text: "always last".into(),
        attachment: None,
        lists: None,
    };
    bob_phone.send_any_pairwise(std::slice::from_ref(&alice), forged).await.unwrap();
    alice_phone.sync().await.unwrap();
    bob_phone.send_text(alice.as_str(), "a later message").await.unwrap();
    alice_phone.sync().await.unwrap();
    let chat = alice_phone.messages(bob.as_str()).unwrap();
    let forged = chat.iter().find(|m| m.body == "always last").unwrap();
    assert!(forged.sent_ms <= now_ms() + MAX_SENT_AHEAD_MS, "clamped: {}", forged.sent_ms);
}
