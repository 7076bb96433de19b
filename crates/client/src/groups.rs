//! Group membership: create a group, add and remove members (the admin's devices only), and
//! accept a membership state from others only when the admin's account signed it and its
//! version is newer (`tandem_proto::group`). Each change is an event in the group's chat.

use tandem_proto::group::{
    GroupFreshness, GroupId, GroupState, SignedGroupState, check_group_update, membership_change,
};
use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::message::Payload;
use tandem_store::{GroupStateUpdate, StoredMessage};

use crate::device::{Device, now_ms};
use crate::error::{ClientError, Result};

/// A group as shown to people.
#[derive(Clone, Debug, serde::Serialize)]
pub struct GroupInfo {
    pub group_id: String,
    pub name: String,
    pub version: u64,
    pub admin: String,
    pub members: Vec<String>,
    /// Whether this account is (still) a member.
    pub member: bool,
}

impl GroupInfo {
    fn of(state: &GroupState, own: &AccountId) -> GroupInfo {
        GroupInfo {
            group_id: state.group_id.to_string(),
            name: state.name.clone(),
            version: state.version,
            admin: state.creator.to_string(),
            members: state.members.iter().map(ToString::to_string).collect(),
            member: state.is_member(own),
        }
    }
}

fn parse_accounts(accounts: &[&str]) -> Result<Vec<AccountId>> {
    Ok(accounts.iter().map(|a| AccountId::parse(a.trim())).collect::<Result<_, _>>()?)
}

impl Device {
    /// Creates a group with this account as its admin and `members` (account ids) in it. Every
    /// member's devices (and this account's other devices) receive the signed state.
    pub async fn create_group(&self, name: &str, members: &[&str]) -> Result<GroupInfo> {
        let (own, own_device, _) = self.whoami()?;
        let members = parse_accounts(members)?;
        for member in members.iter().filter(|m| **m != own) {
            self.refresh_account(member).await?; // it exists, and its devices verify
        }
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).map_err(|e| ClientError::Internal(e.to_string()))?;
        let state = GroupState::create(&own, nonce, name, &members, now_ms())?;
        self.publish_group(None, state, own_device).await
    }

    /// Adds members (admin only).
    pub async fn add_group_members(&self, group: &str, accounts: &[&str]) -> Result<GroupInfo> {
        let held = self.group_state(&GroupId::parse(group.trim())?)?;
        let mut members = held.members.clone();
        for account in parse_accounts(accounts)? {
            self.refresh_account(&account).await?;
            members.push(account);
        }
        self.change_members(held, &members).await
    }

    /// Removes members (admin only). Their devices no longer get the group's messages, and every
    /// member device starts a new Megolm session, so they cannot read new ones either.
    pub async fn remove_group_members(&self, group: &str, accounts: &[&str]) -> Result<GroupInfo> {
        let held = self.group_state(&GroupId::parse(group.trim())?)?;
        let removed = parse_accounts(accounts)?;
        let members: Vec<AccountId> = held.members.iter().filter(|m| !removed.contains(m)).cloned().collect();
        self.change_members(held, &members).await
    }

    async fn change_members(&self, held: GroupState, members: &[AccountId]) -> Result<GroupInfo> {
        let (own, own_device, _) = self.whoami()?;
        if held.creator != own {
            return Err(ClientError::NotGroupAdmin(held.creator.to_string()));
        }
        let next = held.with_members(members, now_ms())?;
        self.publish_group(Some(held), next, own_device).await
    }

    /// Signs a state, stores it (which drops this device's sending session for the group), tells
    /// every device of the old and new members, and notes the change in the chat.
    async fn publish_group(
        &self,
        held: Option<GroupState>,
        state: GroupState,
        own_device: DeviceId,
    ) -> Result<GroupInfo> {
        let signed = state.sign(&self.state().account, own_device)?;
        let signed_json = serde_json::to_string(&signed).map_err(|e| ClientError::Internal(e.to_string()))?;
        let update = GroupStateUpdate { state: &state, signed: &signed_json };
        self.state().store.put_group(&update, now_ms())?;
        let (own, _, _) = self.whoami()?;
        let mut told: Vec<AccountId> = state.members.clone();
        if let Some(held) = &held {
            told.extend(held.members.iter().filter(|m| !state.is_member(m)).cloned());
        }
        told.retain(|a| *a != own);
        self.note_group_change(held.as_ref(), &state, &own)?;
        let payload = Payload::GroupUpdate { state: signed };
        match self.send_pairwise(&told, &|_| payload.clone()).await {
            Ok(_) => {}
            // Stored here either way; the others learn it with the next change or message.
            Err(e) if e.is_unreachable() => tracing::warn!("the group change waits for the relay: {e}"),
            Err(e) => return Err(e),
        }
        Ok(GroupInfo::of(&state, &own))
    }

    /// The verified state held for a group.
    pub(crate) fn group_state(&self, group: &GroupId) -> Result<GroupState> {
        let json =
            self.state().store.group(group.as_str())?.ok_or_else(|| ClientError::UnknownGroup(group.to_string()))?;
        let signed: SignedGroupState =
            serde_json::from_str(&json).map_err(|_| ClientError::Internal("a stored group is unreadable".into()))?;
        Ok(signed.peek()?)
    }

    /// Every group this device knows.
    pub fn groups(&self) -> Result<Vec<GroupInfo>> {
        let (own, _, _) = self.whoami()?;
        let stored = self.state().store.groups()?;
        let mut groups = Vec::with_capacity(stored.len());
        for json in stored {
            let signed: SignedGroupState = serde_json::from_str(&json)
                .map_err(|_| ClientError::Internal("a stored group is unreadable".into()))?;
            groups.push(GroupInfo::of(&signed.peek()?, &own));
        }
        Ok(groups)
    }

    /// Checks a state that arrived pairwise: signed by a device in the admin's verified device
    /// list, and newer than the one held. Returns it (with what to store) if it is new.
    pub(crate) async fn check_group_state(
        &self,
        signed: &SignedGroupState,
    ) -> Result<Option<(GroupState, Option<GroupState>)>> {
        let claimed = signed.peek()?;
        let (_, identities, account_key) = self.refresh_account(&claimed.creator).await?;
        let signer = identities.iter().find(|i| i.device_id == signed.signer_device).ok_or(
            tandem_proto::ProtoError::UnsignedGroupChange("the signing device is not in the admin's device list"),
        )?;
        let keys = self.peer_keys(signer, &account_key)?;
        let state = signed.verify(&keys.ed25519)?;
        let held = match self.state().store.group(state.group_id.as_str())? {
            Some(json) => {
                let held: SignedGroupState = serde_json::from_str(&json)
                    .map_err(|_| ClientError::Internal("a stored group is unreadable".into()))?;
                Some(held.peek()?)
            }
            None => None,
        };
        match check_group_update(held.as_ref(), &state)? {
            GroupFreshness::Same => Ok(None),
            GroupFreshness::Newer => Ok(Some((state, held))),
        }
    }

    /// "alice added carol", "alice removed you": an event in the group's chat.
    pub(crate) fn note_group_change(
        &self,
        held: Option<&GroupState>,
        state: &GroupState,
        own: &AccountId,
    ) -> Result<()> {
        let (added, removed) = membership_change(held, state);
        let name = |a: &AccountId| if a == own { "you".to_owned() } else { a.to_string() };
        let admin = if state.creator == *own { "You".to_owned() } else { state.creator.to_string() };
        let mut lines = Vec::new();
        if held.is_none() {
            lines.push(format!("{admin} created the group \"{}\"", state.name));
        }
        let added: Vec<String> = added.iter().filter(|a| **a != state.creator).map(name).collect();
        if !added.is_empty() {
            lines.push(format!("{admin} added {}", added.join(", ")));
        }
        if !removed.is_empty() {
            lines.push(format!("{admin} removed {}", removed.iter().map(name).collect::<Vec<_>>().join(", ")));
        }
        self.group_event(&state.group_id, &lines.join("; "))
    }

    /// Writes an event line into a group's chat.
    pub(crate) fn group_event(&self, group: &GroupId, text: &str) -> Result<()> {
        self.chat_event(group.as_str(), text)
    }

    /// Writes an event line (not a message) into a chat.
    pub(crate) fn chat_event(&self, chat_id: &str, text: &str) -> Result<()> {
        let now = now_ms();
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(|e| ClientError::Internal(e.to_string()))?;
        let event = StoredMessage {
            chat_id: chat_id.to_owned(),
            message_id: tandem_proto::message::message_id(random),
            sender_account: String::new(),
            sender_device: 0,
            outgoing: false,
            body: text.to_owned(),
            sent_ms: now,
            state: "event".into(),
            attachment: None,
        };
        self.state().store.add_message(&event, now)?;
        Ok(())
    }
}
