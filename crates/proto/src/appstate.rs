//! App state that follows the user across their own devices: archived, pinned and muted chats,
//! read marks, contact names, the profile name. Kept as a map `index → value`, changed by
//! versioned patches of mutations, and sealed so that the relay, which stores the patches, can
//! neither read, alter, reorder, replay nor silently drop them.
//!
//! - **Sealing.** Each patch and snapshot is AES-256-GCM under a key derived (HKDF-SHA256) from the
//!   account's app-state key, which only the account's devices hold (it travels pairwise). The
//!   associated data binds the account, the kind (patch or snapshot) and the version, so a patch
//!   cannot be moved to another version or account.
//! - **Anti-tamper hash.** Every patch carries the [`LtHash`] of the whole state after it is
//!   applied (a homomorphic set hash, as WhatsApp's LTHash: entries are added and removed in
//!   O(1)). A device that applies the patch and reaches another hash knows it missed or was fed
//!   something, and recovers from a snapshot instead of trusting its state.
//! - **Versions** are consecutive from 1; a device remembers the highest it applied, so a gap, a
//!   replay or a rollback shows.

use std::collections::BTreeMap;

use hkdf::Hkdf;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::ids::AccountId;
use crate::{ProtoError, b64};

/// Lanes of 16 bits in an [`LtHash`] (128 bytes).
const LANES: usize = 64;
/// At most this many mutations in one patch, and entries in one state.
pub const MAX_MUTATIONS: usize = 1000;
pub const MAX_ENTRIES: usize = 100_000;
/// Longest index and value (JSON) of an entry, in bytes.
pub const MAX_INDEX_BYTES: usize = 200;
pub const MAX_VALUE_BYTES: usize = 1024;

/// A homomorphic hash of a set of entries: the lane-wise sum (mod 2^16) of each entry's
/// 128-byte HKDF expansion. Adding then removing an entry gives back the same hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LtHash([u16; LANES]);

impl Default for LtHash {
    fn default() -> Self {
        LtHash([0; LANES])
    }
}

fn entry_lanes(index: &str, value: &[u8]) -> [u16; LANES] {
    let mut ikm = Vec::with_capacity(index.len() + 1 + value.len());
    ikm.extend_from_slice(index.as_bytes());
    ikm.push(0);
    ikm.extend_from_slice(value);
    let mut out = [0u8; LANES * 2];
    // 128 bytes is far below HKDF-SHA256's limit (8160), so expand cannot fail.
    let _ = Hkdf::<Sha256>::new(None, &ikm).expand(b"TANDEM-LTHASH-v1", &mut out);
    let mut lanes = [0u16; LANES];
    for (lane, pair) in lanes.iter_mut().zip(out.chunks_exact(2)) {
        *lane = u16::from_le_bytes([pair[0], pair[1]]);
    }
    lanes
}

impl LtHash {
    pub fn add(&mut self, index: &str, value: &[u8]) {
        for (lane, v) in self.0.iter_mut().zip(entry_lanes(index, value)) {
            *lane = lane.wrapping_add(v);
        }
    }

    pub fn remove(&mut self, index: &str, value: &[u8]) {
        for (lane, v) in self.0.iter_mut().zip(entry_lanes(index, value)) {
            *lane = lane.wrapping_sub(v);
        }
    }

    pub fn of(entries: &BTreeMap<String, String>) -> LtHash {
        let mut hash = LtHash::default();
        for (index, value) in entries {
            hash.add(index, value.as_bytes());
        }
        hash
    }

    pub fn to_bytes(self) -> Vec<u8> {
        self.0.iter().flat_map(|l| l.to_le_bytes()).collect()
    }
}

/// One change: set an entry (the value is JSON text) or remove it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Mutation {
    Set { index: String, value: String },
    Remove { index: String },
}

impl Mutation {
    pub fn index(&self) -> &str {
        match self {
            Mutation::Set { index, .. } | Mutation::Remove { index } => index,
        }
    }
}

/// Version `version` of the account's app state: the mutations, and the hash after them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patch {
    pub version: u64,
    pub mutations: Vec<Mutation>,
    #[serde(with = "b64")]
    pub lthash_after: Vec<u8>,
}

/// The whole state at `version` (for devices that must start over or recover).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub version: u64,
    pub entries: BTreeMap<String, String>,
    #[serde(with = "b64")]
    pub lthash: Vec<u8>,
}

/// Applies mutations to a state, keeping its hash up to date.
pub fn apply(
    entries: &mut BTreeMap<String, String>,
    hash: &mut LtHash,
    mutations: &[Mutation],
) -> Result<(), ProtoError> {
    for m in mutations {
        if m.index().is_empty() || m.index().len() > MAX_INDEX_BYTES {
            return Err(ProtoError::Malformed("app state index"));
        }
        if let Some(old) = entries.remove(m.index()) {
            hash.remove(m.index(), old.as_bytes());
        }
        if let Mutation::Set { index, value } = m {
            if value.len() > MAX_VALUE_BYTES {
                return Err(ProtoError::Malformed("app state value (too long)"));
            }
            hash.add(index, value.as_bytes());
            entries.insert(index.clone(), value.clone());
        }
    }
    if entries.len() > MAX_ENTRIES {
        return Err(ProtoError::Malformed("app state (too many entries)"));
    }
    Ok(())
}

/// What a sealed blob is, bound into its associated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Patch,
    Snapshot,
}

fn cipher(app_state_key: &[u8; 32]) -> Result<LessSafeKey, ProtoError> {
    let mut key = zeroize::Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(None, app_state_key)
        .expand(b"TANDEM-APPSTATE-v1", key.as_mut())
        .map_err(|_| ProtoError::Malformed("app state key"))?;
    let unbound = UnboundKey::new(&AES_256_GCM, key.as_ref()).map_err(|_| ProtoError::Malformed("app state key"))?;
    Ok(LessSafeKey::new(unbound))
}

fn aad(account: &AccountId, kind: Kind, version: u64) -> Vec<u8> {
    let kind = match kind {
        Kind::Patch => "patch",
        Kind::Snapshot => "snapshot",
    };
    format!("TANDEM-APPSTATE-v1\0{account}\0{kind}\0{version}").into_bytes()
}

/// Seals a patch or snapshot (JSON) for the relay: nonce (12 random bytes) ‖ ciphertext ‖ tag.
pub fn seal(
    app_state_key: &[u8; 32],
    account: &AccountId,
    kind: Kind,
    version: u64,
    plaintext: &[u8],
    nonce: [u8; 12],
) -> Result<Vec<u8>, ProtoError> {
    let mut buf = plaintext.to_vec();
    cipher(app_state_key)?
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad(account, kind, version)), &mut buf)
        .map_err(|_| ProtoError::Malformed("app state"))?;
    Ok([nonce.as_slice(), &buf].concat())
}

/// Opens what [`seal`] made, for exactly this account, kind and version. Anything altered,
/// moved to another version, or sealed under another key fails.
pub fn open(
    app_state_key: &[u8; 32],
    account: &AccountId,
    kind: Kind,
    version: u64,
    sealed: &[u8],
) -> Result<Vec<u8>, ProtoError> {
    if sealed.len() < 12 + 16 {
        return Err(ProtoError::AppStateTampered("too short"));
    }
    let (nonce, body) = sealed.split_at(12);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| ProtoError::AppStateTampered("bad nonce"))?;
    let mut buf = body.to_vec();
    let plain = cipher(app_state_key)?
        .open_in_place(nonce, Aad::from(aad(account, kind, version)), &mut buf)
        .map_err(|_| ProtoError::AppStateTampered("it does not authenticate for this version"))?;
    Ok(plain.to_vec())
}

#[cfg(test)]
#[path = "appstate_tests.rs"]
mod tests;
