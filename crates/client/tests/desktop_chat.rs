//! The desktop's chats, without the window: start a chat by account id, send, and see the reply
//! arrive live (pushed by the relay, decrypted and shown in the open conversation).

mod common;

use common::{Actor, TestRelay, link_window, start_desktop, wait_for_view};
use tandem_client::desktop::View;

fn bodies(view: &View) -> Vec<(bool, String, String)> {
    let open = view.linked.as_ref().and_then(|l| l.open_chat.as_ref());
    open.map(|c| c.messages.iter().map(|m| (m.outgoing, m.body.clone(), m.state.clone())).collect()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_desktop_chats_with_bob_and_sees_his_reply_live() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&relay.url()).await;
    let (alice, bob) = (alice_phone.info().account_id.unwrap(), bob_phone.info().account_id.unwrap());
    let (_profile, app, mut views) = start_desktop(&relay.url());
    link_window(&mut views, &alice_phone).await;

    let err = app.add_contact("not-an-account").await.unwrap_err();
    assert_eq!(err.code, "invalid_data");
    app.add_contact(bob.as_str()).await.unwrap();
    let view = wait_for_view(&mut views, "bob's chat is open", |v| {
        v.linked.as_ref().and_then(|l| l.open_chat.as_ref()).is_some()
    })
    .await;
    assert_eq!(view.linked.as_ref().unwrap().chats[0].chat_id, bob.as_str());

    app.send_message(bob.as_str(), "hi bob").await.unwrap();
    wait_for_view(&mut views, "the message shows as sent", |v| {
        bodies(v) == [(true, "hi bob".to_owned(), "sent".to_owned())]
    })
    .await;
    assert_eq!(app.send_message(bob.as_str(), "   ").await.unwrap_err().code, "empty_message");

    let received = bob_phone.sync().await.unwrap();
    assert_eq!(received.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["hi bob"]);
    bob_phone.send_text(alice.as_str(), "hi alice").await.unwrap();
    let view = wait_for_view(&mut views, "bob's reply arrives live", |v| bodies(v).len() == 2).await;
    assert_eq!(bodies(&view)[1], (false, "hi alice".to_owned(), "received".to_owned()));
    let preview = view.linked.unwrap().chats[0].last_message.clone().unwrap();
    assert_eq!((preview.body.as_str(), preview.outgoing), ("hi alice", false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_bob_creates_appears_on_alice_desktop_by_name_and_works_both_ways() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let bob_phone = Actor::new("bob_phone").create_phone(&relay.url()).await;
    let alice = alice_phone.info().account_id.unwrap();
    let (_profile, app, mut views) = start_desktop(&relay.url());
    link_window(&mut views, &alice_phone).await;

    let group = bob_phone.create_group("Dinner <b>plans</b>", &[alice.as_str()]).await.unwrap();
    let view = wait_for_view(&mut views, "the group shows in the chat list", |v| {
        v.linked.as_ref().is_some_and(|l| l.chats.iter().any(|c| c.chat_id == group.group_id))
    })
    .await;
    let row = view.linked.unwrap().chats.into_iter().find(|c| c.chat_id == group.group_id).unwrap();
    assert_eq!(row.title.as_deref(), Some("Dinner <b>plans</b>"));

    app.open_chat(&group.group_id).await.unwrap();
    bob_phone.send_text(&group.group_id, "friday?").await.unwrap();
    let view = wait_for_view(&mut views, "bob's group message arrives live", |v| {
        bodies(v).iter().any(|(_, body, _)| body == "friday?")
    })
    .await;
    let open = view.linked.unwrap().open_chat.unwrap();
    assert_eq!(open.members.len(), 2);
    let said = open.messages.iter().find(|m| m.body == "friday?").unwrap();
    assert_eq!(said.sender, bob_phone.info().account_id.unwrap().as_str());

    app.send_message(&group.group_id, "friday works").await.unwrap();
    let received = bob_phone.sync().await.unwrap();
    assert_eq!(received.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["friday works"]);
    // alice_phone, switched on later, holds the same group chat.
    let on_phone: Vec<String> = alice_phone.sync().await.unwrap().into_iter().map(|m| m.body).collect();
    assert_eq!(on_phone, ["friday?", "friday works"]);
}
