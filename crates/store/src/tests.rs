//! Store tests against real SQLCipher files in a temporary folder.

use tandem_proto::device_list::{DeviceList, DeviceListEntry, ListFreshness};
use tandem_proto::ids::AccountId;
use tandem_proto::vodozemac::olm::Account;

use super::*;

const KEY: [u8; 32] = [0x42; 32];

fn identity(name: &str) -> LocalIdentity {
    LocalIdentity {
        role: Role::Companion,
        name: name.into(),
        relay_url: "http://127.0.0.1:1".into(),
        account_pickle: "{\"secret\":\"pickle\"}".into(),
        account_id: None,
        account_key: None,
        device_id: None,
        key_index: None,
        linked_at_ms: None,
        created_ms: 7,
    }
}

#[test]
fn identity_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tandem.db");
    {
        let mut store = Store::open(&path, &KEY).unwrap();
        assert!(store.load_identity().unwrap().is_none());
        store.save_identity(&identity("alice_desktop")).unwrap();
        store.set_setting("k", "v").unwrap();
    }
    let store = Store::open(&path, &KEY).unwrap();
    let loaded = store.load_identity().unwrap().unwrap();
    assert_eq!(loaded.name, "alice_desktop");
    assert_eq!(loaded.role, Role::Companion);
    assert_eq!(store.setting("k").unwrap().as_deref(), Some("v"));
}

#[test]
fn the_file_on_disk_is_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tandem.db");
    let mut store = Store::open(&path, &KEY).unwrap();
    store.save_identity(&identity("a-very-recognisable-name")).unwrap();
    drop(store);
    let mut raw = std::fs::read(&path).unwrap();
    if let Ok(wal) = std::fs::read(dir.path().join("tandem.db-wal")) {
        raw.extend(wal);
    }
    let needle = b"a-very-recognisable-name";
    assert!(!raw.windows(needle.len()).any(|w| w == needle));
    assert!(!raw.starts_with(b"SQLite format 3"));
}

#[test]
fn wrong_key_or_garbage_is_unreadable_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tandem.db");
    Store::open(&path, &KEY).unwrap().save_identity(&identity("x")).unwrap();
    let before = std::fs::read(&path).unwrap();
    assert!(matches!(Store::open(&path, &[1u8; 32]), Err(StoreError::Unreadable(_))));
    assert_eq!(std::fs::read(&path).unwrap(), before);

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![0x5a; 8192]).unwrap();
    let err = Store::open(&junk, &KEY).err().unwrap();
    assert!(matches!(err, StoreError::Unreadable(_)));
    assert!(err.to_string().contains("move it aside"));
    assert_eq!(std::fs::read(&junk).unwrap(), vec![0x5a; 8192]);
}

#[test]
fn a_full_disk_is_reported_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tandem.db");
    let mut store = Store::open(&path, &KEY).unwrap();
    store.save_identity(&identity("kept")).unwrap();
    // Cap the database at its current size: SQLite then fails exactly as on a full disk (SQLITE_FULL).
    let pages: i64 = store.conn.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    store.conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(())).unwrap();
    let err = store.set_setting("big", &"x".repeat(64 * 1024)).unwrap_err();
    assert!(matches!(err, StoreError::DiskFull(_)), "{err:?}");
    assert!(err.to_string().contains("free some space"));
    assert_eq!(store.load_identity().unwrap().unwrap().name, "kept");
    assert_eq!(store.setting("big").unwrap(), None);
}

fn list(
    phone: &Account,
    version: u64,
    companions: &[u32],
) -> (tandem_proto::device_list::SignedDeviceList, DeviceList) {
    let mut devices = vec![DeviceListEntry { device_id: 0, key_index: 0 }];
    devices.extend(companions.iter().map(|&d| DeviceListEntry { device_id: d, key_index: d }));
    let body = DeviceList {
        account_id: AccountId::from_account_key(phone.identity_keys().ed25519.as_bytes()),
        version,
        timestamp_ms: version,
        devices,
    };
    let signed = body.sign(phone).unwrap();
    let verified = signed.verify(phone.identity_keys().ed25519.as_bytes()).unwrap();
    (signed, verified)
}

#[test]
fn device_lists_only_move_forward() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("tandem.db"), &KEY).unwrap();
    let phone = Account::new();
    let key = *phone.identity_keys().ed25519.as_bytes();
    let (s1, l1) = list(&phone, 1, &[]);
    let (s2, l2) = list(&phone, 2, &[1]);
    let (s2b, l2b) = list(&phone, 2, &[2]);
    assert_eq!(store.accept_device_list(&key, &s1, &l1, &[], 1).unwrap(), ListFreshness::Newer);
    assert_eq!(store.accept_device_list(&key, &s2, &l2, &[], 2).unwrap(), ListFreshness::Newer);
    assert_eq!(store.accept_device_list(&key, &s2, &l2, &[], 3).unwrap(), ListFreshness::Same);
    let rollback = store.accept_device_list(&key, &s1, &l1, &[], 4).unwrap_err();
    assert!(matches!(
        rollback,
        StoreError::Refused(tandem_proto::ProtoError::DeviceListRollback { seen: 2, offered: 1 })
    ));
    assert!(matches!(store.accept_device_list(&key, &s2b, &l2b, &[], 5), Err(StoreError::Refused(_))));
    let held = store.device_list(&l1.account_id).unwrap().unwrap();
    assert_eq!(held.list.version, 2);
    assert_eq!(held.list.companions().next().unwrap().device_id, 1);
}

fn message(state: &str, body: &str) -> StoredMessage {
    StoredMessage {
        chat_id: "bobbobbobbobbobb".into(),
        message_id: "m1".into(),
        sender_account: "bobbobbobbobbobb".into(),
        sender_device: 0,
        outgoing: false,
        body: body.into(),
        sent_ms: 5,
        state: state.into(),
        attachment: None,
    }
}

#[test]
fn a_placeholder_gives_way_to_the_real_message_and_never_the_reverse() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("tandem.db"), &KEY).unwrap();
    assert_eq!(store.bump_retry("bobbobbobbobbobb", "m1").unwrap(), 1);
    store.set_placeholder(&message("waiting", "waiting for this message"), 1).unwrap();
    assert_eq!(store.messages("bobbobbobbobbobb").unwrap()[0].state, "waiting");
    assert!(
        store.add_message(&message("received", "the real text"), 2).unwrap(),
        "the real message replaces the placeholder"
    );
    store.set_placeholder(&message("failed", "could not decrypt"), 3).unwrap();
    let kept = &store.messages("bobbobbobbobbobb").unwrap()[0];
    assert_eq!((kept.state.as_str(), kept.body.as_str()), ("received", "the real text"));
    assert!(!store.add_message(&message("received", "a duplicate"), 4).unwrap(), "a second copy is ignored");
    assert_eq!(store.bump_retry("bobbobbobbobbobb", "m1").unwrap(), 2);
}

#[test]
fn a_peer_device_keeps_at_most_eight_sessions_the_least_recently_used_go() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("tandem.db"), &KEY).unwrap();
    let peer = AccountId::from_account_key(&[9; 32]);
    let other = AccountId::from_account_key(&[8; 32]);
    store
        .save_olm_sessions(&[SessionUpdate { session_id: "other", account_id: &other, device_id: 0, pickle: "p" }], 1)
        .unwrap();
    for i in 0..20u64 {
        let id = format!("s{i:02}");
        let update = SessionUpdate { session_id: &id, account_id: &peer, device_id: 0, pickle: "p" };
        store.save_olm_sessions(&[update], 100 + i).unwrap();
    }
    let kept: Vec<String> = store.olm_sessions(&peer, 0).unwrap().into_iter().map(|(id, _)| id).collect();
    assert_eq!(kept, ["s19", "s18", "s17", "s16", "s15", "s14", "s13", "s12"]);
    assert_eq!(store.olm_sessions(&other, 0).unwrap().len(), 1, "another peer's sessions are untouched");
}
