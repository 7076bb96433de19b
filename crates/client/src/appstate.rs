//! Synced settings (`tandem_proto::appstate`): archive, pin, mute (with an end), read marks,
//! contact names and the profile name, the same on every device of the account. A device
//! writes a sealed patch at the next version (retrying after another device wrote first) and a
//! sealed snapshot of the result; the others apply patches in order and check each patch's
//! LTHash. A gap, a patch that does not open for its version, or a hash that does not match means
//! the relay dropped, reordered, replayed or altered something: the device restores the newest
//! snapshot another device made, applies what follows, and says so. No one is unlinked.

use std::collections::BTreeMap;

use tandem_proto::appstate::{self, Kind, LtHash, Mutation, Patch, Snapshot};
use tandem_proto::wire::{AppStateBlob, AppStatePatches, ErrorCode};
use tandem_store::AppState;

use crate::device::{Device, now_ms, random_bytes};
use crate::error::{ClientError, Result};

const WRITE_RETRIES: usize = 5;

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct AppStateSync {
    pub version: u64,
    pub applied: usize,
    /// Set when the relay's copy was tampered with or incomplete and the state was restored
    /// from a snapshot: what happened, in words.
    pub recovered: Option<String>,
}

/// A chat's synced settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChatSettings {
    pub archived: bool,
    pub pinned: bool,
    /// Muted until this time; `u64::MAX` for "until unmuted". `None` when not muted.
    pub muted_until_ms: Option<u64>,
    /// The user marked the chat unread (cleared when it is read on any device).
    pub marked_unread: bool,
}

/// A change to one chat's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatAction {
    Archive,
    Unarchive,
    Pin,
    Unpin,
    /// Mute until this time (`None`: until unmuted).
    Mute(Option<u64>),
    Unmute,
    /// "Mark as unread" (reading the chat on any device clears it).
    MarkUnread,
}

impl ChatAction {
    fn mutation(self, chat: &str) -> Mutation {
        let set = |kind: &str, value: String| Mutation::Set { index: format!("{kind}:{chat}"), value };
        let remove = |kind: &str| Mutation::Remove { index: format!("{kind}:{chat}") };
        match self {
            ChatAction::Archive => set("archive", "true".into()),
            ChatAction::Unarchive => remove("archive"),
            ChatAction::Pin => set("pin", "true".into()),
            ChatAction::Unpin => remove("pin"),
            ChatAction::Mute(until) => set("mute", until.unwrap_or(u64::MAX).to_string()),
            ChatAction::Unmute => remove("mute"),
            ChatAction::MarkUnread => set("unread", "true".into()),
        }
    }
}

/// Settings of one chat, from the synced entries.
pub(crate) fn chat_settings(entries: &BTreeMap<String, String>, chat: &str, now_ms: u64) -> ChatSettings {
    let has = |kind: &str| entries.contains_key(&format!("{kind}:{chat}"));
    let muted_until_ms =
        entries.get(&format!("mute:{chat}")).and_then(|v| v.parse::<u64>().ok()).filter(|until| *until > now_ms);
    ChatSettings { archived: has("archive"), pinned: has("pin"), muted_until_ms, marked_unread: has("unread") }
}

impl Device {
    /// Archives, pins or mutes a chat on every device of the account.
    pub async fn chat_action(&self, chat: &str, action: ChatAction) -> Result<AppStateSync> {
        self.write_app_state(vec![action.mutation(chat.trim())]).await
    }

    /// The name this account shows for a contact, on all of its devices.
    pub async fn set_contact_name(&self, account: &str, name: &str) -> Result<AppStateSync> {
        let account = tandem_proto::ids::AccountId::parse(account.trim())?;
        tandem_proto::identity::validate_name(name)?;
        let value = serde_json::to_string(name).map_err(ClientError::internal)?;
        self.write_app_state(vec![Mutation::Set { index: format!("name:{account}"), value }]).await
    }

    /// The synced settings of a chat, as this device last applied them.
    pub fn chat_settings(&self, chat: &str) -> Result<ChatSettings> {
        let state = self.state().store.app_state()?;
        Ok(chat_settings(&state.entries, chat.trim(), now_ms()))
    }

    /// A contact's synced display name, if one was set.
    pub fn contact_name(&self, account: &str) -> Result<Option<String>> {
        let state = self.state().store.app_state()?;
        Ok(state.entries.get(&format!("name:{}", account.trim())).and_then(|v| serde_json::from_str(v).ok()))
    }

    /// As the phone: sends the account's app-state key to its own other devices (pairwise).
    pub(crate) async fn share_app_state_key(&self) -> Result<()> {
        let key = self.app_state_key()?;
        let payload = tandem_proto::message::Payload::AppStateKey { key: tandem_proto::b64_encode(&key) };
        self.send_pairwise(&[], &|_| payload.clone()).await?;
        Ok(())
    }

    /// A key that arrived pairwise: taken only from this account's own devices, and only if
    /// none is held. Returns why it was refused, if it was.
    pub(crate) fn accept_app_state_key(&self, sender: &tandem_proto::ids::AccountId, key: &str) -> Option<String> {
        let own = self.whoami().ok()?.0;
        if *sender != own {
            return Some(format!(
                "A settings key from {sender} was refused: only this account's own devices may send one."
            ));
        }
        let bytes = tandem_proto::b64_decode(key, "app state key").ok()?;
        let key = <[u8; 32]>::try_from(bytes.as_slice()).ok()?;
        match self.state().store.set_app_state_key(&key) {
            Ok(true) => self.emit(crate::events::ClientEvent::AppStateChanged),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "the settings key could not be stored"),
        }
        None
    }

    /// Whether the account's app-state key has arrived (settings can be changed).
    pub fn settings_ready(&self) -> bool {
        self.state().store.app_state_key().ok().flatten().is_some()
    }

    fn app_state_key(&self) -> Result<[u8; 32]> {
        self.state().store.app_state_key()?.ok_or(ClientError::NoAppStateKey)
    }

    /// Writes mutations as the next patch (after catching up), then a snapshot of the result.
    pub(crate) async fn write_app_state(&self, mutations: Vec<Mutation>) -> Result<AppStateSync> {
        let key = self.app_state_key()?;
        let (own, _, _) = self.whoami()?;
        let mut report = AppStateSync::default();
        for _ in 0..WRITE_RETRIES {
            let synced = self.sync_app_state().await?;
            report.applied += synced.applied;
            report.recovered = report.recovered.or(synced.recovered);
            let held = self.state().store.app_state()?;
            let (mut entries, mut hash) = (held.entries.clone(), LtHash::of(&held.entries));
            appstate::apply(&mut entries, &mut hash, &mutations)?;
            let version = held.version + 1;
            let patch = Patch { version, mutations: mutations.clone(), lthash_after: hash.to_bytes() };
            let json = serde_json::to_vec(&patch).map_err(ClientError::internal)?;
            let sealed = appstate::seal(&key, &own, Kind::Patch, version, &json, random_bytes()?)?;
            let path = format!("/v1/appstate/patches/{version}");
            let put: Result<serde_json::Value> = self.put_authed(&path, &AppStateBlob { version, sealed }).await;
            match put {
                Ok(_) => {
                    self.state().store.apply_app_state(version, &mutations, &hash.to_bytes())?;
                    let snapshot = Snapshot { version, entries, lthash: hash.to_bytes() };
                    self.upload_snapshot(&key, &snapshot).await?;
                    report.version = version;
                    self.emit(crate::events::ClientEvent::AppStateChanged);
                    return Ok(report);
                }
                Err(e) if e.is_relay(ErrorCode::AppStateConflict) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ClientError::internal("the synced settings kept changing on other devices; try again"))
    }

    async fn upload_snapshot(&self, key: &[u8; 32], snapshot: &Snapshot) -> Result<()> {
        let (own, _, _) = self.whoami()?;
        let json = serde_json::to_vec(snapshot).map_err(ClientError::internal)?;
        let sealed = appstate::seal(key, &own, Kind::Snapshot, snapshot.version, &json, random_bytes()?)?;
        let _: serde_json::Value =
            self.put_authed("/v1/appstate/snapshot", &AppStateBlob { version: snapshot.version, sealed }).await?;
        Ok(())
    }

    /// Applies every patch other devices wrote since this device's version. Nothing to do until
    /// the account's app-state key has arrived from the phone.
    pub async fn sync_app_state(&self) -> Result<AppStateSync> {
        let Some(key) = self.state().store.app_state_key()? else { return Ok(AppStateSync::default()) };
        let mut report = AppStateSync::default();
        loop {
            let held = self.state().store.app_state()?;
            let path = format!("/v1/appstate/patches?after={}", held.version);
            let answer: AppStatePatches = self.get_authed(&path).await?;
            if answer.patches.is_empty() {
                // A relay that holds back the newest patches shows as a snapshot ahead of them.
                if answer.snapshot_version.is_some_and(|v| v > held.version) {
                    let why = "the relay holds a snapshot newer than its patches".to_owned();
                    report.recovered = Some(self.recover(&key, &why).await?);
                    continue;
                }
                report.version = held.version;
                if report.applied > 0 || report.recovered.is_some() {
                    self.apply_read_marks()?;
                    self.emit(crate::events::ClientEvent::AppStateChanged);
                }
                return Ok(report);
            }
            match self.apply_patches(&key, held, &answer.patches) {
                Ok(applied) => report.applied += applied,
                Err(why) => {
                    if report.recovered.is_some() {
                        // Even right after a restore the relay's copy does not hold together.
                        return Err(
                            tandem_proto::ProtoError::AppStateTampered("even after restoring a snapshot").into()
                        );
                    }
                    report.recovered = Some(self.recover(&key, &why).await?);
                }
            }
        }
    }

    /// Applies patches in order; on the first sign of tampering, says what it saw.
    fn apply_patches(&self, key: &[u8; 32], mut held: AppState, patches: &[AppStateBlob]) -> Result<usize, String> {
        let (own, _, _) = self.whoami().map_err(|e| e.to_string())?;
        let mut hash = LtHash::of(&held.entries);
        for blob in patches {
            if blob.version != held.version + 1 {
                return Err(format!("version {} is missing", held.version + 1));
            }
            let plain = appstate::open(key, &own, Kind::Patch, blob.version, &blob.sealed)
                .map_err(|_| format!("version {} does not authenticate (altered, replayed or moved)", blob.version))?;
            let patch: Patch = serde_json::from_slice(&plain).map_err(|_| "an unreadable patch".to_owned())?;
            appstate::apply(&mut held.entries, &mut hash, &patch.mutations).map_err(|e| e.to_string())?;
            if patch.version != blob.version || hash.to_bytes() != patch.lthash_after {
                return Err(format!("the state after version {} is not the one its writer had", blob.version));
            }
            held.version = blob.version;
            self.state()
                .store
                .apply_app_state(held.version, &patch.mutations, &patch.lthash_after)
                .map_err(|e| e.to_string())?;
        }
        Ok(patches.len())
    }

    /// Restores the newest snapshot another device uploaded (checked: it opens for its version
    /// and its hash matches its entries) and notes why.
    async fn recover(&self, key: &[u8; 32], why: &str) -> Result<String> {
        tracing::warn!("synced settings: {why}; restoring a snapshot");
        let (own, _, _) = self.whoami()?;
        let blob: AppStateBlob = self.get_authed("/v1/appstate/snapshot").await?;
        let held_version = self.state().store.app_state()?.version;
        let plain = appstate::open(key, &own, Kind::Snapshot, blob.version, &blob.sealed)?;
        let snapshot: Snapshot =
            serde_json::from_slice(&plain).map_err(|_| ClientError::internal("an unreadable snapshot"))?;
        if snapshot.version != blob.version
            || LtHash::of(&snapshot.entries).to_bytes() != snapshot.lthash
            || snapshot.version < held_version
        {
            return Err(tandem_proto::ProtoError::AppStateTampered("the snapshot does not hold together").into());
        }
        let state = AppState { version: snapshot.version, entries: snapshot.entries, lthash: snapshot.lthash };
        self.state().store.replace_app_state(&state)?;
        Ok(format!(
            "The synced settings on the relay were incomplete or altered ({why}); they were restored from a snapshot another device made (version {}).",
            state.version
        ))
    }
}
