//! A device too old for something gets a clear "needs an update" on the sender's side, never
//! silence: bob_desktop announces that it cannot receive group messages.

mod common;

use common::{Actor, TestRelay, link};

fn bodies(messages: &[tandem_client::Message]) -> Vec<&str> {
    messages.iter().map(|m| m.body.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_device_is_named_as_needing_an_update_and_gets_group_messages_once_updated() {
    let relay = TestRelay::start().await;
    let url = relay.url();
    let alice_phone = Actor::new("alice_phone").create_phone(&url).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&url).await;
    let desktop_actor = Actor::new("bob_desktop");
    let bob_desktop = link(&bob_phone, &desktop_actor, &url).await;
    bob_desktop.announce_capabilities(&["appstate-v1"]).await;
    bob_desktop.sync().await.unwrap();
    let bob = bob_phone.info().account_id.unwrap();

    let group = alice_phone.create_group("Band", &[bob.as_str()]).await.unwrap().group_id;
    alice_phone.send_text(&group, "rehearsal at 7").await.unwrap();
    alice_phone.send_text(&group, "bring the amp").await.unwrap();
    assert_eq!(bodies(&bob_phone.sync().await.unwrap()), ["rehearsal at 7", "bring the amp"]);
    assert!(bodies(&bob_desktop.sync().await.unwrap()).is_empty());
    let notes: Vec<String> = alice_phone
        .messages(&group)
        .unwrap()
        .into_iter()
        .filter(|m| m.body.contains("needs an update"))
        .map(|m| m.body)
        .collect();
    assert_eq!(notes.len(), 1, "said once, not on every send: {notes:?}");
    assert!(notes[0].contains(&format!("Device 1 of {bob}")), "{}", notes[0]);

    // Updated, it announces groups again: the next message reaches it (under a new session).
    bob_desktop.announce_capabilities(&["groups-v1", "appstate-v1"]).await;
    bob_desktop.sync().await.unwrap();
    alice_phone.send_text(&group, "see you there").await.unwrap();
    assert_eq!(bodies(&bob_desktop.sync().await.unwrap()), ["see you there"]);
    assert_eq!(bodies(&bob_phone.sync().await.unwrap()), ["see you there"]);
}
