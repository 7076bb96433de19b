//! Groups: a signed membership state, and how group messages travel.
//!
//! A group's id is derived from its creator's account id and a random nonce, so no one else can
//! make a state for that id. The creator is the group's admin: every state (creation and every
//! membership change) is signed by a device of the creator's account, whose key the account key
//! certifies in the account's signed device list. Members accept only a state signed that way
//! with a higher version than the one they hold, so neither the relay nor another member can add
//! or remove anyone, or roll membership back.
//!
//! Messages: each sending device has a Megolm session per group; its key travels pairwise (Olm,
//! [`crate::message::Payload::RoomKey`]) to every member device, and the session is replaced
//! whenever the set of member devices changes, so a removed member cannot read new messages.
//! Group ciphertexts travel as [`GroupEnvelope`]s with [`OLM_TYPE_MEGOLM`].

use std::collections::BTreeSet;

use data_encoding::BASE32_NOPAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use vodozemac::olm::Account;

use crate::identity::verify_sig;
use crate::ids::{AccountId, DeviceId};
use crate::{ProtoError, b64, signing_input};

/// At most this many member accounts per group.
pub const MAX_GROUP_MEMBERS: usize = 256;
/// Longest group name, in characters.
pub const MAX_GROUP_NAME_CHARS: usize = 100;
/// Envelope type of a group (Megolm) message; 0 and 1 are Olm pre-key and normal messages.
pub const OLM_TYPE_MEGOLM: u8 = 2;

const DOMAIN_GROUP_STATE: &str = "TANDEM-GROUP-STATE-v1";
const GROUP_PREFIX: &str = "group-";

/// A group's id: `group-` and 26 base32 characters. Never parses as an account id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GroupId(String);

impl GroupId {
    pub fn derive(creator: &AccountId, nonce: &[u8]) -> GroupId {
        let digest = Sha256::digest([b"tandem-group-id-v1\0".as_slice(), creator.as_str().as_bytes(), nonce].concat());
        GroupId(format!("{GROUP_PREFIX}{}", BASE32_NOPAD.encode(&digest[..16]).to_ascii_lowercase()))
    }

    pub fn parse(text: &str) -> Result<GroupId, ProtoError> {
        let rest = text.strip_prefix(GROUP_PREFIX).ok_or(ProtoError::Malformed("group id"))?;
        let ok = rest.len() == 26 && rest.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b));
        if ok { Ok(GroupId(text.to_owned())) } else { Err(ProtoError::Malformed("group id")) }
    }

    /// Whether a chat id names a group (otherwise it names an account).
    pub fn is_group(chat_id: &str) -> bool {
        chat_id.starts_with(GROUP_PREFIX)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for GroupId {
    type Error = ProtoError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        GroupId::parse(&value)
    }
}

impl From<GroupId> for String {
    fn from(value: GroupId) -> Self {
        value.0
    }
}

impl std::fmt::Display for GroupId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who is in a group, at which version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupState {
    pub group_id: GroupId,
    pub creator: AccountId,
    #[serde(with = "b64")]
    pub nonce: Vec<u8>,
    pub version: u64,
    pub name: String,
    /// Sorted, without duplicates, always including the creator.
    pub members: Vec<AccountId>,
    pub changed_ms: u64,
}

/// A [`GroupState`] signed by one device of the creator's account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedGroupState {
    #[serde(with = "b64")]
    pub body: Vec<u8>,
    pub signer_device: DeviceId,
    #[serde(with = "b64")]
    pub signature: Vec<u8>,
}

fn normalized(creator: &AccountId, members: &[AccountId]) -> Vec<AccountId> {
    let mut set: BTreeSet<AccountId> = members.iter().cloned().collect();
    set.insert(creator.clone());
    set.into_iter().collect()
}

impl GroupState {
    /// Version 1 of a new group; `nonce` is 16 random bytes.
    pub fn create(
        creator: &AccountId,
        nonce: [u8; 16],
        name: &str,
        members: &[AccountId],
        now_ms: u64,
    ) -> Result<GroupState, ProtoError> {
        let state = GroupState {
            group_id: GroupId::derive(creator, &nonce),
            creator: creator.clone(),
            nonce: nonce.to_vec(),
            version: 1,
            name: name.trim().to_owned(),
            members: normalized(creator, members),
            changed_ms: now_ms,
        };
        state.check_shape()?;
        Ok(state)
    }

    /// The next version with another member list. The creator cannot be removed.
    pub fn with_members(&self, members: &[AccountId], now_ms: u64) -> Result<GroupState, ProtoError> {
        if !members.contains(&self.creator) {
            return Err(ProtoError::InvalidGroup("the group's admin (its creator) cannot be removed"));
        }
        let next = GroupState {
            version: self.version.checked_add(1).ok_or(ProtoError::InvalidGroup("version overflow"))?,
            members: normalized(&self.creator, members),
            changed_ms: now_ms,
            ..self.clone()
        };
        next.check_shape()?;
        Ok(next)
    }

    pub fn is_member(&self, account: &AccountId) -> bool {
        self.members.binary_search(account).is_ok()
    }

    fn check_shape(&self) -> Result<(), ProtoError> {
        if self.version == 0 {
            return Err(ProtoError::InvalidGroup("version 0"));
        }
        if self.group_id != GroupId::derive(&self.creator, &self.nonce) {
            return Err(ProtoError::InvalidGroup("the group id does not belong to its creator"));
        }
        if self.name.is_empty() || self.name.chars().count() > MAX_GROUP_NAME_CHARS {
            return Err(ProtoError::InvalidGroup("the name must have 1 to 100 characters"));
        }
        if self.name.chars().any(char::is_control) {
            return Err(ProtoError::InvalidGroup("the name contains control characters"));
        }
        if self.members.len() > MAX_GROUP_MEMBERS {
            return Err(ProtoError::InvalidGroup("more than 256 members"));
        }
        if self.members != normalized(&self.creator, &self.members) {
            return Err(ProtoError::InvalidGroup("members must be sorted, unique and include the creator"));
        }
        Ok(())
    }

    /// Signs with a device of the creator's account (`device` is that device's vodozemac account).
    pub fn sign(&self, device: &Account, signer_device: DeviceId) -> Result<SignedGroupState, ProtoError> {
        self.check_shape()?;
        let body = serde_json::to_vec(self).map_err(|_| ProtoError::Malformed("group state"))?;
        let signature = device.sign(signing_input(DOMAIN_GROUP_STATE, &[&body, &signer_device.to_be_bytes()]));
        Ok(SignedGroupState { body, signer_device, signature: signature.to_bytes().to_vec() })
    }
}

impl SignedGroupState {
    /// The state, not yet verified: only to learn whose device must have signed it.
    pub fn peek(&self) -> Result<GroupState, ProtoError> {
        serde_json::from_slice(&self.body).map_err(|_| ProtoError::Malformed("group state"))
    }

    /// Verifies the signature with the signer device's Ed25519 key, which the caller took from
    /// the creator's verified device list, and the state's shape.
    pub fn verify(&self, signer_ed25519: &[u8; 32]) -> Result<GroupState, ProtoError> {
        let input = signing_input(DOMAIN_GROUP_STATE, &[&self.body, &self.signer_device.to_be_bytes()]);
        if !verify_sig(signer_ed25519, &input, &self.signature) {
            return Err(ProtoError::UnsignedGroupChange("the signature does not verify"));
        }
        let state = self.peek()?;
        state.check_shape()?;
        Ok(state)
    }
}

/// What to do with a verified state, given the one held for the group.
#[derive(Debug, PartialEq, Eq)]
pub enum GroupFreshness {
    Newer,
    Same,
}

/// Versions only go up; a state for another group or with another creator is refused.
pub fn check_group_update(held: Option<&GroupState>, offered: &GroupState) -> Result<GroupFreshness, ProtoError> {
    let Some(held) = held else { return Ok(GroupFreshness::Newer) };
    if held.group_id != offered.group_id || held.creator != offered.creator {
        return Err(ProtoError::InvalidGroup("a state for another group"));
    }
    match offered.version.cmp(&held.version) {
        std::cmp::Ordering::Greater => Ok(GroupFreshness::Newer),
        std::cmp::Ordering::Equal if offered == held => Ok(GroupFreshness::Same),
        _ => Err(ProtoError::GroupRollback { seen: held.version, offered: offered.version }),
    }
}

/// Who joined and who left between two states.
pub fn membership_change(old: Option<&GroupState>, new: &GroupState) -> (Vec<AccountId>, Vec<AccountId>) {
    let before: BTreeSet<&AccountId> = old.map(|o| o.members.iter().collect()).unwrap_or_default();
    let after: BTreeSet<&AccountId> = new.members.iter().collect();
    let added = after.difference(&before).map(|a| (*a).clone()).collect();
    let removed = before.difference(&after).map(|a| (*a).clone()).collect();
    (added, removed)
}

/// A group message as the relay carries it: the Megolm ciphertext and which session made it.
/// The plaintext inside is a [`crate::message::Payload::GroupText`] naming the same group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupEnvelope {
    pub group_id: GroupId,
    pub session_id: String,
    #[serde(with = "b64")]
    pub message: Vec<u8>,
}

impl GroupEnvelope {
    pub fn encode(&self) -> Result<Vec<u8>, ProtoError> {
        serde_json::to_vec(self).map_err(|_| ProtoError::Malformed("group envelope"))
    }

    pub fn decode(bytes: &[u8]) -> Result<GroupEnvelope, ProtoError> {
        let envelope: GroupEnvelope =
            serde_json::from_slice(bytes).map_err(|_| ProtoError::Malformed("group envelope"))?;
        if envelope.session_id.is_empty() || envelope.session_id.len() > 128 {
            return Err(ProtoError::Malformed("group envelope"));
        }
        Ok(envelope)
    }
}

#[cfg(test)]
#[path = "group_tests.rs"]
mod tests;
