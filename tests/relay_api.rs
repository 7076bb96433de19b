//! The relay's own checks, probed with a scripted client (tests/harness/raw.rs).

use reqwest::Method;
use serde_json::json;
use tandem_proto::prekeys::sign_unpublished;
use tandem_proto::wire::{ClaimKeyResponse, ErrorCode, KeyCountResponse, PublishDeviceListRequest};
use tandem_tests::actors::Relay;
use tandem_tests::raw::RawPrimary;

fn code<T: std::fmt::Debug>(answer: &(u16, Result<T, tandem_proto::wire::ApiError>)) -> ErrorCode {
    answer.1.as_ref().expect_err("the relay accepted it").code
}

#[tokio::test]
async fn an_outdated_client_is_told_to_update() {
    let relay = Relay::start();
    let response = reqwest::Client::new()
        .get(format!("{}/v1/auth/challenge", relay.url))
        .header("x-tandem-protocol", "99")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 426);
    let error: tandem_proto::wire::ApiError = response.json().await.unwrap();
    assert_eq!(error.code, ErrorCode::UpdateRequired);
    assert!(error.message.contains("update"), "{}", error.message);
}

#[tokio::test]
async fn unauthenticated_and_oversized_requests_are_refused() {
    let relay = Relay::start();
    let mallory = RawPrimary::join(&relay.url, "mallory").await;
    let anonymous = reqwest::Client::new();
    let status = anonymous.get(format!("{}/v1/keys/count", relay.url)).send().await.unwrap().status();
    assert_eq!(status.as_u16(), 401);
    let huge = json!({ "keys": [], "padding": "x".repeat(300 * 1024) });
    let answer = mallory.send::<_, serde_json::Value>(Method::POST, "/v1/keys", Some(&huge)).await;
    assert_eq!((answer.0, code(&answer)), (413, ErrorCode::TooLarge));
}

#[tokio::test]
async fn device_lists_must_grow_and_name_registered_devices() {
    let relay = Relay::start();
    let mallory = RawPrimary::join(&relay.url, "mallory").await;
    let path = format!("/v1/accounts/{}/device-list", mallory.account_id);
    let replay = PublishDeviceListRequest { device_list: mallory.list(1, &[]) };
    let answer = mallory.send::<_, serde_json::Value>(Method::PUT, &path, Some(&replay)).await;
    assert_eq!(code(&answer), ErrorCode::DeviceListRollback);
    let ghost = PublishDeviceListRequest { device_list: mallory.list(2, &[7]) };
    let answer = mallory.send::<_, serde_json::Value>(Method::PUT, &path, Some(&ghost)).await;
    assert_eq!(code(&answer), ErrorCode::BadRequest);
    assert!(answer.1.unwrap_err().message.contains("not registered"));
    // Another account cannot publish for mallory.
    let eve = RawPrimary::join(&relay.url, "eve").await;
    let forged = PublishDeviceListRequest { device_list: mallory.list(3, &[]) };
    let answer = eve.send::<_, serde_json::Value>(Method::PUT, &path, Some(&forged)).await;
    assert_eq!(code(&answer), ErrorCode::Forbidden);
}

#[tokio::test]
async fn prekeys_must_be_signed_and_the_fallback_comes_last() {
    let relay = Relay::start();
    let mut mallory = RawPrimary::join(&relay.url, "mallory").await;
    mallory.account.generate_one_time_keys(2);
    mallory.account.generate_fallback_key();
    let keys = sign_unpublished(&mallory.account, &mallory.account_id, 0);
    let mut forged = keys.clone();
    forged[0].key[0] ^= 1;
    let answer = mallory.send::<_, KeyCountResponse>(Method::POST, "/v1/keys", Some(&json!({ "keys": forged }))).await;
    assert_eq!(code(&answer), ErrorCode::BadSignature);
    let (_, count) =
        mallory.send::<_, KeyCountResponse>(Method::POST, "/v1/keys", Some(&json!({ "keys": keys }))).await;
    let count = count.unwrap();
    assert_eq!((count.one_time_keys, count.has_fallback), (2, true));

    let who = json!({ "account_id": mallory.account_id, "device_id": 0 });
    let mut fallbacks = 0;
    for _ in 0..4 {
        let key = mallory.send::<_, ClaimKeyResponse>(Method::POST, "/v1/keys/claim", Some(&who)).await.1.unwrap().key;
        key.verify(&mallory.account_key(), &mallory.account_id, 0).unwrap();
        fallbacks += usize::from(key.fallback);
    }
    assert_eq!(fallbacks, 2, "two one-time keys, then the fallback key again and again");
}

#[tokio::test]
async fn the_relay_serves_https_with_the_configured_certificate() {
    let files = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert_path, key_path) = (files.path().join("cert.pem"), files.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let relay = Relay::start_with(
        tempfile::tempdir().unwrap(),
        "127.0.0.1:0",
        &["--tls-cert", cert_path.to_str().unwrap(), "--tls-key", key_path.to_str().unwrap()],
    );
    assert!(relay.url.starts_with("https://"), "{}", relay.url);
    let url = relay.url.replace("127.0.0.1", "localhost");
    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let body = trusting.get(format!("{url}/healthz")).send().await.unwrap().text().await.unwrap();
    assert_eq!(body, "ok");
    // A client that does not trust the certificate is refused by TLS, not served in plain text.
    assert!(reqwest::Client::new().get(format!("{url}/healthz")).send().await.is_err());
    assert!(
        reqwest::get(format!("{}/healthz", url.replace("https://", "http://")))
            .await
            .map(|r| !r.status().is_success())
            .unwrap_or(true)
    );
}

#[tokio::test]
async fn a_fanout_batch_must_cover_exactly_the_current_devices() {
    let relay = Relay::start();
    let mallory = RawPrimary::join(&relay.url, "mallory").await;
    let eve = RawPrimary::join(&relay.url, "eve").await;
    let envelope = |account: &tandem_proto::ids::AccountId, device: u32| json!({"account_id": account, "device_id": device, "olm_type": 1, "ciphertext": "AAAA"});
    let lists = json!([{"account_id": eve.account_id, "version": 1}, {"account_id": mallory.account_id, "version": 1}]);
    // A copy for a device eve does not have.
    let extra = json!({"lists": lists, "envelopes": [envelope(&eve.account_id, 0), envelope(&eve.account_id, 5)]});
    assert_eq!(code(&mallory.post("/v1/messages", &extra).await), ErrorCode::StaleDeviceList);
    // Planned from an old list version.
    let old =
        json!({"lists": [{"account_id": eve.account_id, "version": 0}], "envelopes": [envelope(&eve.account_id, 0)]});
    assert_eq!(code(&mallory.post("/v1/messages", &old).await), ErrorCode::StaleDeviceList);
    // A group send goes to several accounts: each must be covered, at its current version.
    let trent = RawPrimary::join(&relay.url, "trent").await;
    let with_trent =
        json!([{"account_id": eve.account_id, "version": 1}, {"account_id": trent.account_id, "version": 1}]);
    let stale_trent =
        json!([{"account_id": eve.account_id, "version": 1}, {"account_id": trent.account_id, "version": 7}]);
    let two = json!({"lists": with_trent, "envelopes": [envelope(&eve.account_id, 0), envelope(&trent.account_id, 0)]});
    let two_stale =
        json!({"lists": stale_trent, "envelopes": [envelope(&eve.account_id, 0), envelope(&trent.account_id, 0)]});
    assert_eq!(code(&mallory.post("/v1/messages", &two_stale).await), ErrorCode::StaleDeviceList);
    assert!(mallory.post("/v1/messages", &two).await.1.is_ok());
    assert_eq!(
        trent
            .send::<(), tandem_proto::message::Inbox>(Method::GET, "/v1/messages", None)
            .await
            .1
            .unwrap()
            .envelopes
            .len(),
        1
    );
    // An envelope type the relay does not know.
    let odd = json!({"lists": lists, "envelopes": [{"account_id": eve.account_id, "device_id": 0, "olm_type": 9, "ciphertext": "AAAA"}]});
    assert_eq!(code(&mallory.post("/v1/messages", &odd).await), ErrorCode::BadRequest);
    // The right batch is stored, and only eve's device may fetch and ack it.
    let right = json!({"lists": lists, "envelopes": [envelope(&eve.account_id, 0)]});
    assert!(mallory.post("/v1/messages", &right).await.1.is_ok());
    let (_, inbox) = eve.send::<(), tandem_proto::message::Inbox>(Method::GET, "/v1/messages", None).await;
    let inbox = inbox.unwrap();
    assert_eq!(inbox.envelopes.len(), 2, "the group copy and this one");
    let first = inbox.envelopes[0].id.clone();
    assert_eq!(first.len(), 32, "envelope ids are 128 random bits, in hex");
    assert_ne!(first, inbox.envelopes[1].id);
    assert!(eve.post("/v1/messages/ack", &json!({"ids": [first]})).await.1.is_ok());
    let (_, inbox) = eve.send::<(), tandem_proto::message::Inbox>(Method::GET, "/v1/messages", None).await;
    let inbox = inbox.unwrap();
    assert_eq!(inbox.envelopes.len(), 1);
    assert_eq!(inbox.envelopes[0].sender_account, mallory.account_id, "the relay stamps the authenticated sender");
    let id = inbox.envelopes[0].id.clone();
    assert!(mallory.post("/v1/messages/ack", &json!({"ids": [id]})).await.1.is_ok());
    assert_eq!(
        eve.send::<(), tandem_proto::message::Inbox>(Method::GET, "/v1/messages", None)
            .await
            .1
            .unwrap()
            .envelopes
            .len(),
        1,
        "mallory cannot ack eve's mail"
    );
    assert!(eve.post("/v1/messages/ack", &json!({"ids": [id]})).await.1.is_ok());
    assert!(
        eve.send::<(), tandem_proto::message::Inbox>(Method::GET, "/v1/messages", None)
            .await
            .1
            .unwrap()
            .envelopes
            .is_empty()
    );
}

#[tokio::test]
async fn photo_files_are_bounded_and_readable_only_by_signed_in_devices_that_know_the_reference() {
    use tandem_proto::media::MAX_SEALED_MEDIA_BYTES;
    let relay = Relay::start();
    let mallory = RawPrimary::join(&relay.url, "mallory").await;
    let eve = RawPrimary::join(&relay.url, "eve").await;
    let sealed = vec![7u8; 4096];
    let (status, body) = mallory.send_bytes(Method::POST, "/v1/media", Some(sealed.clone())).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let created: tandem_proto::wire::MediaCreated = serde_json::from_slice(&body).unwrap();
    assert_eq!(created.media_ref.len(), 32);
    // The reference is the capability: any signed-in device holding it may read the sealed file.
    let path = format!("/v1/media/{}", created.media_ref);
    assert_eq!(eve.send_bytes(Method::GET, &path, None).await, (200, sealed));
    let anonymous = reqwest::Client::new().get(format!("{}{path}", relay.url)).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let (status, body) = eve.send_bytes(Method::GET, &format!("/v1/media/{}", "0".repeat(32)), None).await;
    let error: tandem_proto::wire::ApiError = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, error.code), (410, ErrorCode::BlobExpired));
    let (status, _) = eve.send_bytes(Method::GET, "/v1/media/..%2F..%2Frelay.sqlite3", None).await;
    assert_eq!(status, 404);
    for size in [10, MAX_SEALED_MEDIA_BYTES + 1] {
        let (status, body) = mallory.send_bytes(Method::POST, "/v1/media", Some(vec![1; size])).await;
        assert_eq!(status, 413, "{size} bytes: {}", String::from_utf8_lossy(&body));
    }
}

#[tokio::test]
async fn a_stranger_learns_no_activity_and_no_logout_reasons_of_another_account() {
    let relay = Relay::start();
    let eve = RawPrimary::join(&relay.url, "eve").await;
    let mallory = RawPrimary::join(&relay.url, "mallory").await;
    let path = format!("/v1/accounts/{}/devices", eve.account_id);
    type Devices = tandem_proto::wire::AccountDevicesResponse;
    let (_, own) = eve.send::<(), Devices>(Method::GET, &path, None).await;
    let own = own.unwrap();
    assert!(own.activity[0].last_active_ms.is_some(), "eve's own devices see when each was active");
    let (_, seen) = mallory.send::<(), Devices>(Method::GET, &path, None).await;
    let seen = seen.unwrap();
    assert_eq!(seen.identities.len(), 1, "a sender still gets the verified identities");
    assert!(seen.activity.iter().all(|a| a.last_active_ms.is_none()), "{:?}", seen.activity);
    assert!(seen.logged_out.is_empty());
}

#[tokio::test]
async fn message_ids_must_have_the_form_senders_make() {
    let relay = Relay::start();
    let mallory = RawPrimary::join(&relay.url, "mallory").await;
    let eve = RawPrimary::join(&relay.url, "eve").await;
    let batch = |id: &str| {
        json!({
            "lists": [{"account_id": eve.account_id, "version": 1}, {"account_id": mallory.account_id, "version": 1}],
            "envelopes": [{"account_id": eve.account_id, "device_id": 0, "olm_type": 1, "ciphertext": "AAAA", "message_id": id}],
        })
    };
    for bad in ["", "../../etc", &"a".repeat(65), "id with spaces"] {
        assert_eq!(code(&mallory.post("/v1/messages", &batch(bad)).await), ErrorCode::InvalidMessageId, "{bad:?}");
    }
    assert!(mallory.post("/v1/messages", &batch("abc123")).await.1.is_ok());
}
