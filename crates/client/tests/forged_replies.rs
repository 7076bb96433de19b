//! Forged link replies reach the desktop, which refuses them and says why. Mallory is a scripted
//! primary (tandem_tests::raw) that speaks the relay protocol directly, so she can send what no
//! honest phone would: a reply altered in transit, or an identity signed with a key that is not
//! the account key she claims.

mod common;

use common::{Actor, TestRelay, wait_for_view};
use serde_json::json;
use tandem_client::KeyStorage;
use tandem_client::desktop::{DesktopApp, DesktopConfig, Screen, View};
use tandem_proto::device_list::{DeviceList, DeviceListEntry};
use tandem_proto::identity::{DeviceIdentityDetails, sign_identity};
use tandem_proto::ids::AccountId;
use tandem_proto::link::{LinkOffer, LinkReply, seal_reply};
use tandem_proto::wire::AccountDevicesResponse;
use tandem_tests::raw::RawPrimary;
use tokio::sync::watch;

/// A reply to `offer` whose identity claims `account_key` but is signed with `mallory`'s key.
fn forged_reply(mallory: &RawPrimary, offer: &LinkOffer, account_key: [u8; 32]) -> LinkReply {
    let account_id = AccountId::from_account_key(&account_key);
    let details = DeviceIdentityDetails {
        account_id: account_id.clone(),
        device_id: 1,
        key_index: 1,
        created_ms: 2,
        kind: offer.kind,
        name: offer.name.clone(),
        keys: offer.keys,
    };
    let list = DeviceList {
        account_id,
        version: 1,
        timestamp_ms: 1,
        devices: vec![DeviceListEntry { device_id: 0, key_index: 0 }],
    };
    let device_list = tandem_proto::device_list::SignedDeviceList {
        body: serde_json::to_vec(&list).unwrap(),
        signature: vec![0; 64],
    };
    LinkReply { identity: sign_identity(&mallory.account, &details).unwrap(), account_key, device_list }
}

async fn post_ok(mallory: &RawPrimary, path: &str, body: serde_json::Value) {
    let (status, answer) = mallory.post(path, &body).await;
    assert!(answer.is_ok(), "{path}: {status} {answer:?}");
}

async fn desktop_showing_a_code(
    relay: &TestRelay,
    dir: &std::path::Path,
) -> (std::sync::Arc<DesktopApp>, watch::Receiver<View>, LinkOffer) {
    let config = DesktopConfig {
        relay_url: relay.url(),
        profile_dir: dir.to_owned(),
        device_name: "alice_desktop".into(),
        key_storage: KeyStorage::File,
        app_version: "0.0.0-test".into(),
    };
    let app = DesktopApp::start(config);
    let mut views = app.watch();
    let view = wait_for_view(&mut views, "the expected view", |v| v.screen == Screen::Linking).await;
    let offer = LinkOffer::parse(&view.linking.unwrap().uri).unwrap();
    (app, views, offer)
}

#[tokio::test]
async fn a_reply_altered_in_transit_is_refused_with_wrong_hmac() {
    let relay = TestRelay::start().await;
    let profile = tempfile::tempdir().unwrap();
    let (app, mut views, offer) = desktop_showing_a_code(&relay, profile.path()).await;
    let mallory = RawPrimary::join(&relay.url(), "mallory").await;
    post_ok(&mallory, &format!("/v1/link/{}/claim", offer.link_ref), json!({})).await;
    let mut sealed = seal_reply(&offer, &forged_reply(&mallory, &offer, mallory.account_key()), [7u8; 32]).unwrap();
    sealed.ciphertext[3] ^= 0x20;
    post_ok(&mallory, &format!("/v1/link/{}/reply", offer.link_ref), serde_json::to_value(&sealed).unwrap()).await;

    let failed = wait_for_view(&mut views, "the expected view", |v| v.screen == Screen::LinkFailed).await;
    let error = failed.error.unwrap();
    assert_eq!(error.code, "wrong_hmac");
    assert!(error.message.contains("start linking again"), "{}", error.message);
    // "Try again" brings a fresh code.
    app.restart_linking().unwrap();
    let again = wait_for_view(&mut views, "the expected view", |v| v.screen == Screen::Linking).await;
    assert_ne!(again.linking.unwrap().uri, offer.to_uri());
}

#[tokio::test]
async fn an_identity_not_signed_by_the_account_key_is_refused() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    let alice_account = alice_phone.info().account_id.unwrap();
    let profile = tempfile::tempdir().unwrap();
    let (_app, mut views, offer) = desktop_showing_a_code(&relay, profile.path()).await;
    let mallory = RawPrimary::join(&relay.url(), "mallory").await;
    post_ok(&mallory, &format!("/v1/link/{}/claim", offer.link_ref), json!({})).await;
    // Mallory claims to speak for alice's account, but can only sign with her own key.
    let path = format!("/v1/accounts/{alice_account}/devices");
    let alice_key =
        mallory.send::<(), AccountDevicesResponse>(reqwest::Method::GET, &path, None).await.1.unwrap().account_key;
    let sealed = seal_reply(&offer, &forged_reply(&mallory, &offer, alice_key), [8u8; 32]).unwrap();
    post_ok(&mallory, &format!("/v1/link/{}/reply", offer.link_ref), serde_json::to_value(&sealed).unwrap()).await;

    let failed = wait_for_view(&mut views, "the expected view", |v| v.screen == Screen::LinkFailed).await;
    let error = failed.error.unwrap();
    assert_eq!(error.code, "bad_signature", "{}", error.message);
    assert!(error.message.contains("not signed by this account's primary"), "{}", error.message);
    assert!(
        tandem_client::Device::load(tandem_client::Profile::open(profile.path(), KeyStorage::File).unwrap())
            .map(|d| !d.is_linked())
            .unwrap_or(true)
    );
}
