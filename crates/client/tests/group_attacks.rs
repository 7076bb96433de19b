//! A malicious member (mallory, authenticated, in the group) tries what a relay or an insider
//! might: add someone without the admin's signature, send a group message on the pairwise
//! channel, hand out a key after being removed. Every other device refuses and says so.

mod common;

use common::{Actor, TestRelay};
use tandem_client::{AccountId, Device};
use tandem_proto::group::GroupState;
use tandem_proto::message::Payload;

struct Group {
    _relay: TestRelay,
    alice_phone: Device,
    bob_phone: Device,
    mallory_phone: Device,
    bob: AccountId,
    mallory: AccountId,
    eve: AccountId,
    eve_phone: Device,
    group: String,
}

async fn group() -> Group {
    let relay = TestRelay::start().await;
    let url = relay.url();
    let alice_phone = Actor::new("alice_phone").create_phone(&url).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&url).await;
    let mallory_phone = Actor::new("mallory_phone").create_phone(&url).await;
    let eve_phone = Actor::new("eve_phone").create_phone(&url).await;
    let id = |d: &Device| d.info().account_id.unwrap();
    let (bob, mallory, eve) = (id(&bob_phone), id(&mallory_phone), id(&eve_phone));
    let info = alice_phone.create_group("Book club", &[bob.as_str(), mallory.as_str()]).await.unwrap();
    for d in [&bob_phone, &mallory_phone] {
        d.sync().await.unwrap();
    }
    Group { _relay: relay, alice_phone, bob_phone, mallory_phone, bob, mallory, eve, eve_phone, group: info.group_id }
}

fn last_event(device: &Device, chat: &str) -> String {
    let chat = device.messages(chat).unwrap();
    chat.iter().rev().find(|m| m.state == "event").map(|m| m.body.clone()).unwrap_or_default()
}

#[tokio::test]
async fn a_member_added_without_the_admins_signature_is_refused() {
    let g = group().await;
    let held = g.mallory_phone.held_group_state(&g.group).unwrap();
    let with_eve = held.with_members(&[held.members.clone(), vec![g.eve.clone()]].concat(), 1).unwrap();

    // Signed by mallory's own device: not a device of the admin's account.
    let signed = g.mallory_phone.sign_group_state_as_this_device(&with_eve).unwrap();
    g.mallory_phone
        .send_any_pairwise(std::slice::from_ref(&g.bob), Payload::GroupUpdate { state: signed.clone() })
        .await
        .unwrap();
    g.bob_phone.sync().await.unwrap();
    let event = last_event(&g.bob_phone, &g.group);
    assert!(event.contains("membership change was refused") && event.contains("admin"), "{event}");
    assert!(!g.bob_phone.groups().unwrap()[0].members.contains(&g.eve.to_string()));

    // alice's real signature, copied onto the edited state (the signer says "alice_phone").
    let genuine = g.alice_phone.sign_group_state_as_this_device(&held).unwrap();
    let forged = tandem_proto::group::SignedGroupState { body: signed.body, ..genuine };
    g.mallory_phone
        .send_any_pairwise(std::slice::from_ref(&g.bob), Payload::GroupUpdate { state: forged })
        .await
        .unwrap();
    g.bob_phone.sync().await.unwrap();
    assert!(last_event(&g.bob_phone, &g.group).contains("signature does not verify"));
    assert_eq!(g.bob_phone.groups().unwrap()[0].members.len(), 3, "still alice, bob and mallory");

    // Mallory makes her own group, but it cannot take over alice's group id.
    let hijack = GroupState { creator: g.mallory.clone(), ..with_eve };
    assert!(g.mallory_phone.sign_group_state_as_this_device(&hijack).is_err());
}

#[tokio::test]
async fn an_old_membership_state_replayed_is_refused() {
    let g = group().await;
    let v1 = g.bob_phone.held_group_state(&g.group).unwrap();
    let v1_signed = g.alice_phone.sign_group_state_as_this_device(&v1).unwrap();
    g.alice_phone.remove_group_members(&g.group, &[g.mallory.as_str()]).await.unwrap();
    g.bob_phone.sync().await.unwrap();
    assert_eq!(g.bob_phone.held_group_state(&g.group).unwrap().version, 2);
    // Mallory replays version 1, which still lists her.
    g.mallory_phone
        .send_any_pairwise(std::slice::from_ref(&g.bob), Payload::GroupUpdate { state: v1_signed })
        .await
        .unwrap();
    g.bob_phone.sync().await.unwrap();
    let event = last_event(&g.bob_phone, &g.group);
    assert!(event.contains("not newer than version 2"), "{event}");
    assert!(!g.bob_phone.held_group_state(&g.group).unwrap().is_member(&g.mallory));
}

#[tokio::test]
async fn a_group_message_on_the_pairwise_channel_is_refused() {
    let g = group().await;
    let text = Payload::GroupText {
        group_id: tandem_proto::group::GroupId::parse(&g.group).unwrap(),
        message_id: "abc123".into(),
        sent_ms: 1,
        text: "pay me".into(),
        attachment: None,
        lists: None,
    };
    g.mallory_phone.send_any_pairwise(std::slice::from_ref(&g.bob), text).await.unwrap();
    assert!(g.bob_phone.sync().await.unwrap().is_empty());
    assert!(g.bob_phone.messages(&g.group).unwrap().iter().all(|m| m.body != "pay me"));
    let event = last_event(&g.bob_phone, g.mallory.as_str());
    assert!(event.contains("wrong channel"), "{event}");
}

#[tokio::test]
async fn a_removed_member_can_neither_read_nor_hand_out_keys() {
    let g = group().await;
    g.alice_phone.remove_group_members(&g.group, &[g.mallory.as_str()]).await.unwrap();
    g.bob_phone.sync().await.unwrap();
    g.mallory_phone.sync().await.unwrap();
    assert!(!g.mallory_phone.groups().unwrap()[0].member);

    // Mallory's key (for messages she would send) is refused: she is not a member any more.
    let key = Payload::RoomKey {
        group_id: tandem_proto::group::GroupId::parse(&g.group).unwrap(),
        session_id: "x".into(),
        session_key: "y".into(),
    };
    g.mallory_phone.send_any_pairwise(std::slice::from_ref(&g.bob), key).await.unwrap();
    g.bob_phone.sync().await.unwrap();
    assert!(last_event(&g.bob_phone, &g.group).contains("is not a member"));

    // alice's next message reaches bob and not mallory.
    g.alice_phone.send_text(&g.group, "just us now").await.unwrap();
    assert_eq!(g.bob_phone.sync().await.unwrap().iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["just us now"]);
    assert!(g.mallory_phone.sync().await.unwrap().is_empty());
    assert!(g.mallory_phone.messages(&g.group).unwrap().iter().all(|m| m.body != "just us now"));
}

#[tokio::test]
async fn a_member_added_later_cannot_read_the_past_by_asking_for_it_again() {
    let g = group().await;
    g.alice_phone.send_text(&g.group, "before eve").await.unwrap();
    let before =
        g.alice_phone.messages(&g.group).unwrap().into_iter().find(|m| m.body == "before eve").unwrap().message_id;
    g.alice_phone.add_group_members(&g.group, &[g.eve.as_str()]).await.unwrap();
    let eve_phone = g.eve_phone;
    // What is sent after she joined reaches her (and gives alice a sending session eve holds).
    g.alice_phone.send_text(&g.group, "welcome eve").await.unwrap();
    eve_phone.sync().await.unwrap();
    assert!(eve_phone.messages(&g.group).unwrap().iter().any(|m| m.body == "welcome eve"));
    // eve asks alice for the message sent before she joined, as a device that lost its copy would.
    let alice = g.alice_phone.info().account_id.unwrap();
    eve_phone
        .send_any_pairwise(std::slice::from_ref(&alice), Payload::RetryRequest { message_id: before, attempt: 1 })
        .await
        .unwrap();
    g.alice_phone.sync().await.unwrap();
    eve_phone.sync().await.unwrap();
    let seen: Vec<String> = eve_phone.messages(&g.group).unwrap().into_iter().map(|m| m.body).collect();
    assert!(!seen.iter().any(|b| b == "before eve"), "{seen:?}");
}

#[tokio::test]
async fn a_group_message_whose_counter_jumps_to_2_pow_32_is_refused_and_breaks_nothing() {
    let g = group().await;
    g.mallory_phone.send_text(&g.group, "hello all").await.unwrap();
    g.bob_phone.sync().await.unwrap();
    // mallory forges the ratchet index of her session to the end of its 32-bit range.
    g.mallory_phone.send_group_text_at_index(&g.group, "from the far future", u32::MAX - 1).await.unwrap();
    let started = std::time::Instant::now();
    g.bob_phone.sync().await.unwrap();
    let took = started.elapsed();
    let seen: Vec<String> = g.bob_phone.messages(&g.group).unwrap().into_iter().map(|m| m.body).collect();
    assert!(!seen.iter().any(|b| b == "from the far future"), "{seen:?}");
    // The session still works for what follows.
    g.mallory_phone.send_text(&g.group, "still here").await.unwrap();
    g.bob_phone.sync().await.unwrap();
    assert!(g.bob_phone.messages(&g.group).unwrap().iter().any(|m| m.body == "still here"));
    eprintln!("bob read past the forged counter in {took:?}");
}
