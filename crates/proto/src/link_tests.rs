use super::*;
use crate::device_list::DeviceListEntry;
use crate::identity::sign_identity;
use crate::ids::AccountId;

const RELAY: &str = "http://127.0.0.1:4000";

struct Fixture {
    phone: Account,
    desktop: Account,
    secrets: LinkSecrets,
    offer: LinkOffer,
}

fn fixture() -> Fixture {
    let (phone, desktop) = (Account::new(), Account::new());
    let secrets = LinkSecrets::from_random([9u8; 64]);
    let offer =
        LinkOffer::create(&desktop, RELAY, "ref123", "alice's desktop", DeviceKind::Desktop, (365, None), &secrets)
            .unwrap();
    Fixture { phone, desktop, secrets, offer }
}

fn account_key(phone: &Account) -> [u8; 32] {
    *phone.identity_keys().ed25519.as_bytes()
}

fn reply_for(signer: &Account, phone: &Account, keys: DeviceKeys) -> LinkReply {
    let account_id = AccountId::from_account_key(&account_key(phone));
    let details = DeviceIdentityDetails {
        account_id: account_id.clone(),
        device_id: 1,
        key_index: 1,
        created_ms: 42,
        kind: DeviceKind::Desktop,
        name: "alice's desktop".into(),
        keys,
    };
    let list = DeviceList {
        account_id,
        version: 1,
        timestamp_ms: 1,
        devices: vec![DeviceListEntry { device_id: 0, key_index: 0 }],
    };
    LinkReply {
        identity: sign_identity(signer, &details).unwrap(),
        account_key: account_key(phone),
        device_list: list.sign(phone).unwrap(),
    }
}

#[test]
fn offer_round_trips_through_its_uri() {
    let f = fixture();
    let uri = f.offer.to_uri();
    assert!(uri.starts_with(LINK_SCHEME_PREFIX));
    let parsed = LinkOffer::parse(&uri).unwrap();
    assert_eq!(parsed, f.offer);
    assert_eq!(parsed.verification_code(), f.offer.verification_code());
    assert_eq!(f.offer.verification_code().len(), 7);
}

#[test]
fn tampered_link_text_is_refused() {
    let f = fixture();
    let uri = f.offer.to_uri();
    let renamed = uri.replace("alice%27s+desktop", "mallory");
    assert_ne!(renamed, uri);
    assert_eq!(LinkOffer::parse(&renamed), Err(ProtoError::TamperedLink));
    let truncated = &uri[..uri.len() - 10];
    assert_eq!(LinkOffer::parse(truncated), Err(ProtoError::TamperedLink));
    let other_relay = uri.replace("127.0.0.1", "127.0.0.2");
    assert_eq!(LinkOffer::parse(&other_relay), Err(ProtoError::TamperedLink));
    // The history range is signed: asking for everything instead of a year is noticed.
    let more_history = uri.replace("h=365", "h=0");
    assert_ne!(more_history, uri);
    assert_eq!(LinkOffer::parse(&more_history), Err(ProtoError::TamperedLink));
    assert_eq!(LinkOffer::parse("https://example.org"), Err(ProtoError::NotALink));
    assert_eq!(LinkOffer::parse(&uri.replace("v=1", "v=9")), Err(ProtoError::UnsupportedLinkVersion(9)));
}

#[test]
fn approved_reply_opens_and_is_countersigned() {
    let f = fixture();
    let reply = reply_for(&f.phone, &f.phone, DeviceKeys::of(&f.desktop));
    let sealed = seal_reply(&LinkOffer::parse(&f.offer.to_uri()).unwrap(), &reply, [3u8; 32]).unwrap();
    let accepted = open_reply(&f.offer, &f.secrets, &sealed, &f.desktop).unwrap();
    assert_eq!(accepted.details.device_id, 1);
    assert_eq!(accepted.device_list.version, 1);
    assert_eq!(accepted.identity.verify(&account_key(&f.phone)).unwrap().name, "alice's desktop");
}

#[test]
fn wrong_hmac_is_refused_before_decryption() {
    let f = fixture();
    let reply = reply_for(&f.phone, &f.phone, DeviceKeys::of(&f.desktop));
    let mut sealed = seal_reply(&f.offer, &reply, [3u8; 32]).unwrap();
    sealed.mac[0] ^= 1;
    assert_eq!(open_reply(&f.offer, &f.secrets, &sealed, &f.desktop).unwrap_err(), ProtoError::WrongHmac);
    let mut sealed = seal_reply(&f.offer, &reply, [3u8; 32]).unwrap();
    sealed.ciphertext[0] ^= 1;
    assert_eq!(open_reply(&f.offer, &f.secrets, &sealed, &f.desktop).unwrap_err(), ProtoError::WrongHmac);
}

#[test]
fn a_reply_made_without_the_linking_secret_is_refused() {
    // Someone who saw only the relay traffic (ref and ephemeral key) but not the QR code.
    let f = fixture();
    let mut guessed = f.offer.clone();
    guessed.linking_secret = [0u8; 32];
    let reply = reply_for(&f.phone, &f.phone, DeviceKeys::of(&f.desktop));
    let sealed = seal_reply(&guessed, &reply, [3u8; 32]).unwrap();
    assert_eq!(open_reply(&f.offer, &f.secrets, &sealed, &f.desktop).unwrap_err(), ProtoError::WrongHmac);
}

#[test]
fn bad_account_signature_is_refused() {
    let f = fixture();
    let mallory = Account::new();
    let reply = reply_for(&mallory, &f.phone, DeviceKeys::of(&f.desktop));
    let sealed = seal_reply(&f.offer, &reply, [3u8; 32]).unwrap();
    assert_eq!(
        open_reply(&f.offer, &f.secrets, &sealed, &f.desktop).unwrap_err(),
        ProtoError::BadAccountSignature("device identity")
    );
}

#[test]
fn identity_for_other_keys_is_refused() {
    let f = fixture();
    let other = Account::new();
    let reply = reply_for(&f.phone, &f.phone, DeviceKeys::of(&other));
    let sealed = seal_reply(&f.offer, &reply, [3u8; 32]).unwrap();
    assert_eq!(open_reply(&f.offer, &f.secrets, &sealed, &f.desktop).unwrap_err(), ProtoError::KeysMismatch);
}

#[test]
fn sealing_is_deterministic_given_the_randomness() {
    let f = fixture();
    let reply = reply_for(&f.phone, &f.phone, DeviceKeys::of(&f.desktop));
    assert_eq!(seal_reply(&f.offer, &reply, [5u8; 32]).unwrap(), seal_reply(&f.offer, &reply, [5u8; 32]).unwrap());
}

#[test]
fn a_resume_hint_is_signed_with_the_offer() {
    let desktop = Account::new();
    let secrets = LinkSecrets::from_random([7u8; 64]);
    let alice = AccountId::from_account_key(&[5u8; 32]);
    let hint = ResumeHint { account_id: alice.clone(), newest_ms: 1_700_000_000_000 };
    let offer =
        LinkOffer::create(&desktop, RELAY, "ref9", "alice's desktop", DeviceKind::Desktop, (90, Some(hint)), &secrets)
            .unwrap();
    let uri = offer.to_uri();
    assert_eq!(LinkOffer::parse(&uri).unwrap(), offer);
    // Moving the kept history's end (to get less, or more) or dropping the hint is noticed.
    let later = uri.replace("rn=1700000000000", "rn=1800000000000");
    assert_ne!(later, uri);
    assert_eq!(LinkOffer::parse(&later), Err(ProtoError::TamperedLink));
    let cut = uri.replace(&format!("&ra={alice}"), "");
    assert_eq!(LinkOffer::parse(&cut), Err(ProtoError::TamperedLink));
    let mut no_hint = offer.clone();
    no_hint.resume = None;
    assert_eq!(LinkOffer::parse(&no_hint.to_uri()), Err(ProtoError::TamperedLink), "the signature covered the hint");
}
