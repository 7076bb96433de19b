use super::*;

fn account() -> AccountId {
    AccountId::from_account_key(&[3; 32])
}

fn set(index: &str, value: &str) -> Mutation {
    Mutation::Set { index: index.into(), value: value.into() }
}

#[test]
fn the_hash_is_order_free_and_removal_undoes_addition() {
    let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
    let (mut ha, mut hb) = (LtHash::default(), LtHash::default());
    apply(&mut a, &mut ha, &[set("archive:x", "true"), set("pin:y", "1")]).unwrap();
    apply(&mut b, &mut hb, &[set("pin:y", "1"), set("archive:x", "true")]).unwrap();
    assert_eq!(ha, hb);
    assert_eq!(ha, LtHash::of(&a));
    apply(&mut a, &mut ha, &[set("archive:x", "false")]).unwrap();
    assert_ne!(ha, hb, "a changed value changes the hash");
    apply(&mut a, &mut ha, &[Mutation::Remove { index: "archive:x".into() }]).unwrap();
    apply(&mut b, &mut hb, &[Mutation::Remove { index: "archive:x".into() }]).unwrap();
    assert_eq!(ha, hb);
    assert_eq!(ha.to_bytes().len(), 128);
}

#[test]
fn a_sealed_patch_opens_only_at_its_own_version_account_and_kind() {
    let key = [9u8; 32];
    let sealed = seal(&key, &account(), Kind::Patch, 4, b"{}", [1; 12]).unwrap();
    assert_eq!(open(&key, &account(), Kind::Patch, 4, &sealed).unwrap(), b"{}");
    assert!(open(&key, &account(), Kind::Patch, 5, &sealed).is_err(), "moved to another version");
    assert!(open(&key, &account(), Kind::Snapshot, 4, &sealed).is_err());
    assert!(open(&key, &AccountId::from_account_key(&[4; 32]), Kind::Patch, 4, &sealed).is_err());
    assert!(open(&[8; 32], &account(), Kind::Patch, 4, &sealed).is_err(), "another key");
    let mut flipped = sealed.clone();
    flipped[14] ^= 1;
    assert!(matches!(open(&key, &account(), Kind::Patch, 4, &flipped), Err(ProtoError::AppStateTampered(_))));
    assert!(open(&key, &account(), Kind::Patch, 4, &sealed[..10]).is_err());
}

#[test]
fn entries_are_bounded() {
    let (mut e, mut h) = (BTreeMap::new(), LtHash::default());
    assert!(apply(&mut e, &mut h, &[set("", "1")]).is_err());
    assert!(apply(&mut e, &mut h, &[set(&"x".repeat(201), "1")]).is_err());
    assert!(apply(&mut e, &mut h, &[set("a", &"x".repeat(1025))]).is_err());
}
