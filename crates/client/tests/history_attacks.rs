//! A history key is taken only from the account's own phone, over its pairwise session: one from
//! another account, or from a sibling companion, is refused and said in the chat.

mod common;

use common::{Actor, TestRelay, link};
use tandem_proto::history::ChunkRef;
use tandem_proto::message::Payload;

fn chunk() -> Payload {
    Payload::HistoryChunk {
        chunk: ChunkRef {
            bundle_id: "evil".into(),
            index: 0,
            last: true,
            blob_id: "b0".into(),
            key: vec![1; 32],
            digest: vec![2; 32],
            size: 100,
            messages: 1,
            bundle_messages: 1,
            bundle_chunks: 1,
            request_id: None,
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_keys_from_another_account_or_a_sibling_companion_are_refused() {
    let relay = TestRelay::start().await;
    let url = relay.url();
    let alice_phone = Actor::new("alice_phone").create_phone(&url).await;
    let (desktop_actor, laptop_actor) = (Actor::new("alice_desktop"), Actor::new("alice_laptop"));
    let alice_desktop = link(&alice_phone, &desktop_actor, &url).await;
    let alice_laptop = link(&alice_phone, &laptop_actor, &url).await;
    let mallory_phone = Actor::new("mallory_phone").create_phone(&url).await;
    let alice = alice_phone.info().account_id.unwrap();
    let mallory = mallory_phone.info().account_id.unwrap();
    alice_desktop.sync().await.unwrap();

    mallory_phone.send_any_pairwise(std::slice::from_ref(&alice), chunk()).await.unwrap();
    alice_laptop.send_any_pairwise(&[], chunk()).await.unwrap();
    // "Older messages" the desktop never asked for, from a sibling, are refused too.
    let mut unasked = chunk();
    if let Payload::HistoryChunk { chunk } = &mut unasked {
        chunk.request_id = Some("notasked".into());
    }
    alice_laptop.send_any_pairwise(&[], unasked).await.unwrap();
    alice_desktop.sync().await.unwrap();
    let status = alice_desktop.history_status().unwrap();
    assert_eq!(status.state, "none", "nothing was taken: {status:?}");
    let from_mallory = alice_desktop.messages(mallory.as_str()).unwrap();
    assert!(from_mallory.iter().any(|m| m.state == "event" && m.body.contains("only this account's phone")));
    let from_sibling = alice_desktop.messages(alice.as_str()).unwrap();
    assert!(from_sibling.iter().any(|m| m.body.contains("History chunk") || m.body.contains("history chunk")));
    assert!(from_sibling.iter().any(|m| m.body.contains("did not ask for them")), "{from_sibling:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_that_expired_on_the_relay_is_reported_not_half_imported() {
    let relay = TestRelay::with_manual_clock().await;
    let url = relay.url();
    let phone_actor = Actor::new("alice_phone");
    let alice_phone = phone_actor.create_phone(&url).await;
    let alice_desktop = link(&alice_phone, &Actor::new("alice_desktop"), &url).await;
    let desktop_id = alice_desktop.info().device_id.unwrap();
    alice_phone.seed_history(tandem_client::SeedSpec { chats: 2, messages_per_chat: 30, days: 10, seed: 3 }).unwrap();
    let sent = alice_phone
        .send_history(desktop_id, tandem_client::HistoryScope::Range { days: None }, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((sent.chunk, sent.chunks, sent.messages), (1, 2, 40), "the bootstrap first");
    assert_eq!(alice_phone.send_pending_history(&mut |_| {}).await.unwrap(), 1, "then the rest");
    // The desktop stays away longer than the relay keeps blobs (7 days); its phone stays online.
    relay.advance_secs(8 * 24 * 3600);
    alice_phone.refresh_devices().await.unwrap();
    alice_desktop.sync().await.unwrap();
    let status = alice_desktop.history_status().unwrap();
    assert_eq!(status.state, "failed", "{status:?}");
    assert!(status.failures[0].contains("expired"), "{:?}", status.failures);
    assert_eq!(alice_desktop.message_count().unwrap(), 0, "nothing half-imported");
}
