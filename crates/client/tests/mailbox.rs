//! The relay's mailbox lifetime, with the relay's clock under the test's control.

mod common;

use common::{Actor, TestRelay};

#[tokio::test]
async fn messages_that_expire_unread_on_the_relay_are_reported_not_lost_silently() {
    let relay = TestRelay::with_manual_clock().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&relay.url()).await;
    let (alice, bob) = (alice_phone.info().account_id.unwrap(), bob_phone.info().account_id.unwrap());
    alice_phone.add_contact(bob.as_str()).await.unwrap();
    alice_phone.send_text(bob.as_str(), "see you tomorrow").await.unwrap();
    alice_phone.send_text(bob.as_str(), "are you there?").await.unwrap();
    // bob_phone stays offline past the relay's 30 days.
    relay.advance_secs(31 * 24 * 3600);
    assert!(bob_phone.sync().await.unwrap().is_empty(), "expired mail is not handed out");
    relay.relay.sweep().await; // the relay's janitor counts and drops it
    assert!(bob_phone.sync().await.unwrap().is_empty());
    let chat = bob_phone.messages(alice.as_str()).unwrap();
    assert_eq!(chat.len(), 1, "{chat:?}");
    assert_eq!(chat[0].state, "event");
    assert!(chat[0].body.starts_with("2 message(s)") && chat[0].body.contains("expired"), "{}", chat[0].body);
    // Told once.
    bob_phone.sync().await.unwrap();
    assert_eq!(bob_phone.messages(alice.as_str()).unwrap().len(), 1);
}
