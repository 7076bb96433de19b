//! Safety numbers: 60 digits two people compare to know no one sits between them. Each half is
//! derived from one account's key and the keys of *every* device in its verified list, so a device
//! added to either account changes the number.

use sha2::{Digest, Sha512};

use crate::ids::AccountId;

const VERSION: &[u8] = b"TANDEM-SAFETY-NUMBER-v1";
/// Iterations of SHA-512, as Signal's fingerprints use, to make finding a colliding key costly.
const ITERATIONS: usize = 5200;

/// One account as the safety number covers it: its key and its devices' Ed25519 keys.
pub struct AccountKeys<'a> {
    pub account_id: &'a AccountId,
    pub account_key: &'a [u8; 32],
    pub device_keys: Vec<[u8; 32]>,
}

fn half(keys: &AccountKeys<'_>) -> String {
    let mut devices = keys.device_keys.clone();
    devices.sort_unstable();
    let mut input = Vec::with_capacity(VERSION.len() + 32 * (devices.len() + 1));
    input.extend_from_slice(VERSION);
    input.extend_from_slice(keys.account_key);
    for d in &devices {
        input.extend_from_slice(d);
    }
    let mut hash = Sha512::digest(&input).to_vec();
    for _ in 1..ITERATIONS {
        let mut h = Sha512::new();
        h.update(&hash);
        h.update(keys.account_key);
        hash = h.finalize().to_vec();
    }
    hash.chunks(5)
        .take(6)
        .map(|c| {
            let n = c.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
            format!("{:05}", n % 100_000)
        })
        .collect()
}

/// The same 60 digits (12 groups of 5) on both sides, whichever side computes it.
pub fn safety_number(a: &AccountKeys<'_>, b: &AccountKeys<'_>) -> String {
    let (first, second) = if a.account_id <= b.account_id { (a, b) } else { (b, a) };
    let digits = format!("{}{}", half(first), half(second));
    digits.as_bytes().chunks(5).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_agree_and_a_new_device_changes_the_number() {
        let (ka, kb) = ([1u8; 32], [2u8; 32]);
        let (ia, ib) = (AccountId::from_account_key(&ka), AccountId::from_account_key(&kb));
        let alice = AccountKeys { account_id: &ia, account_key: &ka, device_keys: vec![[3; 32], [4; 32]] };
        let bob = AccountKeys { account_id: &ib, account_key: &kb, device_keys: vec![[5; 32]] };
        let n = safety_number(&alice, &bob);
        assert_eq!(n, safety_number(&bob, &alice));
        assert_eq!(n.replace(' ', "").len(), 60);
        let bob_plus = AccountKeys { account_id: &ib, account_key: &kb, device_keys: vec![[5; 32], [6; 32]] };
        assert_ne!(n, safety_number(&alice, &bob_plus));
        let reordered = AccountKeys { account_id: &ia, account_key: &ka, device_keys: vec![[4; 32], [3; 32]] };
        assert_eq!(n, safety_number(&reordered, &bob));
    }
}
