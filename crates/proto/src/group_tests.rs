use vodozemac::olm::Account;

use super::*;

fn account_id(account: &Account) -> AccountId {
    AccountId::from_account_key(account.identity_keys().ed25519.as_bytes())
}

fn key(account: &Account) -> [u8; 32] {
    *account.identity_keys().ed25519.as_bytes()
}

struct Setup {
    alice_phone: Account,
    alice: AccountId,
    bob: AccountId,
    carol: AccountId,
}

fn setup() -> Setup {
    let alice_phone = Account::new();
    let alice = account_id(&alice_phone);
    Setup { alice_phone, alice, bob: account_id(&Account::new()), carol: account_id(&Account::new()) }
}

#[test]
fn a_signed_state_verifies_with_the_signers_key_only() {
    let s = setup();
    let state = GroupState::create(&s.alice, [1; 16], "Climbing", std::slice::from_ref(&s.bob), 10).unwrap();
    assert_eq!(state.members.len(), 2, "the creator is always a member");
    assert!(state.is_member(&s.alice) && state.is_member(&s.bob) && !state.is_member(&s.carol));
    let signed = state.sign(&s.alice_phone, 0).unwrap();
    assert_eq!(signed.verify(&key(&s.alice_phone)).unwrap(), state);

    let mallory = Account::new();
    assert!(matches!(signed.verify(&key(&mallory)), Err(ProtoError::UnsignedGroupChange(_))));
    // The signer device id is covered by the signature.
    let mut moved = signed.clone();
    moved.signer_device = 1;
    assert!(moved.verify(&key(&s.alice_phone)).is_err());
}

#[test]
fn a_member_added_by_editing_a_signed_state_is_refused() {
    let s = setup();
    let state = GroupState::create(&s.alice, [1; 16], "Climbing", std::slice::from_ref(&s.bob), 10).unwrap();
    let signed = state.sign(&s.alice_phone, 0).unwrap();
    let mut forged_state = state.clone();
    forged_state.members.push(s.carol.clone());
    forged_state.members.sort();
    let forged = SignedGroupState { body: serde_json::to_vec(&forged_state).unwrap(), ..signed };
    assert!(matches!(forged.verify(&key(&s.alice_phone)), Err(ProtoError::UnsignedGroupChange(_))));
}

#[test]
fn no_one_else_can_make_a_state_for_the_creators_group_id() {
    let s = setup();
    let state = GroupState::create(&s.alice, [1; 16], "Climbing", std::slice::from_ref(&s.bob), 10).unwrap();
    // Mallory claims the group as her own: the id no longer derives from the creator.
    let mallory = Account::new();
    let hijacked = GroupState { creator: account_id(&mallory), ..state.clone() };
    assert!(hijacked.sign(&mallory, 0).is_err());
    let body = serde_json::to_vec(&hijacked).unwrap();
    let input = crate::signing_input(DOMAIN_GROUP_STATE, &[&body, &0u32.to_be_bytes()]);
    let signed = SignedGroupState { body, signer_device: 0, signature: mallory.sign(input).to_bytes().to_vec() };
    assert!(matches!(signed.verify(&key(&mallory)), Err(ProtoError::InvalidGroup(_))));
}

#[test]
fn versions_only_go_up_and_the_creator_stays() {
    let s = setup();
    let v1 = GroupState::create(&s.alice, [1; 16], "Climbing", std::slice::from_ref(&s.bob), 10).unwrap();
    let v2 = v1.with_members(&[s.alice.clone(), s.bob.clone(), s.carol.clone()], 20).unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(membership_change(Some(&v1), &v2), (vec![s.carol.clone()], vec![]));
    let v3 = v2.with_members(&[s.alice.clone(), s.bob.clone()], 30).unwrap();
    assert_eq!(membership_change(Some(&v2), &v3), (vec![], vec![s.carol.clone()]));

    assert_eq!(check_group_update(Some(&v2), &v3), Ok(GroupFreshness::Newer));
    assert_eq!(check_group_update(Some(&v3), &v3), Ok(GroupFreshness::Same));
    assert_eq!(check_group_update(Some(&v3), &v2), Err(ProtoError::GroupRollback { seen: 3, offered: 2 }));
    let equivocation = GroupState { name: "Other".into(), ..v3.clone() };
    assert!(check_group_update(Some(&v3), &equivocation).is_err());

    assert!(v3.with_members(std::slice::from_ref(&s.bob), 40).is_err(), "the admin cannot be removed");
}

#[test]
fn group_ids_and_states_are_bounded() {
    let s = setup();
    let id = GroupId::derive(&s.alice, &[1; 16]);
    assert_eq!(GroupId::parse(id.as_str()).unwrap(), id);
    assert!(GroupId::is_group(id.as_str()) && !GroupId::is_group(s.alice.as_str()));
    assert!(AccountId::parse(id.as_str()).is_err() && GroupId::parse(s.alice.as_str()).is_err());
    assert!(GroupState::create(&s.alice, [1; 16], "", &[], 1).is_err());
    assert!(GroupState::create(&s.alice, [1; 16], &"x".repeat(101), &[], 1).is_err());
    assert!(GroupState::create(&s.alice, [1; 16], "a\u{7}b", &[], 1).is_err());
    let many: Vec<AccountId> = (0..300u32)
        .map(|i| {
            let mut k = [0u8; 32];
            k[..4].copy_from_slice(&i.to_be_bytes());
            AccountId::from_account_key(&k)
        })
        .collect();
    assert!(GroupState::create(&s.alice, [1; 16], "Big", &many, 1).is_err());
    assert!(GroupEnvelope::decode(b"{}").is_err());
}
