//! A set-up device (primary or companion): its keys, its store, and its authenticated
//! connection to the relay.

use std::sync::{Arc, Mutex, MutexGuard};

use tandem_proto::auth::sign_challenge;
use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::vodozemac::olm::{Account, AccountPickle};
use tandem_proto::wire::{AuthRequest, AuthResponse, ChallengeResponse, ErrorCode};
use tandem_store::{LocalIdentity, Role, Store};
use tokio::sync::broadcast;

use crate::api::{Auth, RelayApi};
use crate::error::{ClientError, Result};
use crate::events::ClientEvent;
use crate::keychain::KeyStorage;
use crate::profile::Profile;

pub(crate) struct State {
    pub store: Store,
    pub account: Account,
    pub identity: LocalIdentity,
}

pub(crate) struct Inner {
    pub state: Mutex<State>,
    pub api: RelayApi,
    token: tokio::sync::Mutex<Option<String>>,
    pub events: broadcast::Sender<ClientEvent>,
    pub profile: ProfileRef,
    pub verified: crate::olm::VerifiedPeers,
    /// Listed devices the relay says were logged out, per account (left out of sends).
    pub logged_out: Mutex<std::collections::HashMap<AccountId, std::collections::BTreeSet<DeviceId>>>,
    /// Listed devices too old for group messages, per account (told "needs an update").
    pub no_groups: Mutex<std::collections::HashMap<AccountId, std::collections::BTreeSet<DeviceId>>>,
    /// What this device announces it can receive.
    pub capabilities: Mutex<Vec<String>>,
    /// How many companions the relay allows this account (it says so to the account's devices).
    pub max_companions: std::sync::atomic::AtomicUsize,
}

/// What is needed to wipe the profile on logout.
pub(crate) struct ProfileRef {
    pub dir: std::path::PathBuf,
    pub storage: KeyStorage,
    pub profile_id: String,
}

/// A device with an identity. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Device {
    pub(crate) inner: Arc<Inner>,
}

/// Who this device is (never includes key material).
#[derive(Clone, Debug, serde::Serialize)]
pub struct DeviceInfo {
    pub role: &'static str,
    pub name: String,
    pub relay_url: String,
    pub account_id: Option<AccountId>,
    pub device_id: Option<DeviceId>,
    pub key_index: Option<u32>,
    pub linked_at_ms: Option<u64>,
}

pub(crate) fn pickle_json(account: &Account) -> Result<String> {
    serde_json::to_string(&account.pickle()).map_err(|e| ClientError::Internal(e.to_string()))
}

pub(crate) fn unpickle(text: &str) -> Result<Account> {
    let pickle: AccountPickle = serde_json::from_str(text)
        .map_err(|_| ClientError::Internal("the stored device keys are unreadable".into()))?;
    Ok(Account::from_pickle(pickle))
}

impl Device {
    pub(crate) fn new(profile: Profile, account: Account, identity: LocalIdentity) -> Result<Self> {
        let api = RelayApi::new(&identity.relay_url)?;
        let Profile { dir, storage, profile_id, store } = profile;
        let (events, _) = broadcast::channel(64);
        Ok(Device {
            inner: Arc::new(Inner {
                state: Mutex::new(State { store, account, identity }),
                api,
                token: tokio::sync::Mutex::new(None),
                events,
                profile: ProfileRef { dir, storage, profile_id },
                verified: crate::olm::VerifiedPeers::default(),
                logged_out: Mutex::default(),
                no_groups: Mutex::default(),
                capabilities: Mutex::new(tandem_proto::wire::CAPABILITIES.iter().map(|c| (*c).to_owned()).collect()),
                max_companions: std::sync::atomic::AtomicUsize::new(tandem_proto::DEFAULT_MAX_COMPANIONS),
            }),
        })
    }

    /// Loads the device set up in `profile`.
    pub fn load(profile: Profile) -> Result<Self> {
        let identity = profile.store.load_identity()?.ok_or(ClientError::NotSetUp)?;
        let account = unpickle(&identity.account_pickle)?;
        Self::new(profile, account, identity)
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn api(&self) -> &RelayApi {
        &self.inner.api
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ClientEvent> {
        self.inner.events.subscribe()
    }

    pub(crate) fn emit(&self, event: ClientEvent) {
        let _ = self.inner.events.send(event);
    }

    pub fn info(&self) -> DeviceInfo {
        let st = self.state();
        let id = &st.identity;
        DeviceInfo {
            role: match id.role {
                Role::Primary => "primary",
                Role::Companion => "companion",
            },
            name: id.name.clone(),
            relay_url: id.relay_url.clone(),
            account_id: id.account_id.clone(),
            device_id: id.device_id,
            key_index: id.key_index,
            linked_at_ms: id.linked_at_ms,
        }
    }

    /// The profile folder this device lives in.
    pub fn profile_dir(&self) -> &std::path::Path {
        &self.inner.profile.dir
    }

    /// The id naming this profile's database key (in the keychain, for the desktop).
    pub fn profile_id(&self) -> &str {
        &self.inner.profile.profile_id
    }

    /// Where this profile's database key is kept.
    pub fn key_storage(&self) -> &KeyStorage {
        &self.inner.profile.storage
    }

    pub fn is_linked(&self) -> bool {
        self.state().identity.account_id.is_some()
    }

    pub(crate) fn role(&self) -> Role {
        self.state().identity.role
    }

    /// The account and device this device authenticates as (set up and linked devices only).
    pub(crate) fn whoami(&self) -> Result<(AccountId, DeviceId, [u8; 32])> {
        let st = self.state();
        match (&st.identity.account_id, st.identity.device_id, st.identity.account_key) {
            (Some(a), Some(d), Some(k)) => Ok((a.clone(), d, k)),
            _ => Err(ClientError::NotSetUp),
        }
    }

    /// Persists the vodozemac account after its keys changed.
    pub(crate) fn save_account(&self) -> Result<()> {
        let mut st = self.state();
        let pickle = pickle_json(&st.account)?;
        st.identity.account_pickle.clone_from(&pickle);
        st.store.save_account_pickle(&pickle)?;
        Ok(())
    }

    async fn authenticate(&self) -> Result<String> {
        let (account_id, device_id, _) = self.whoami()?;
        let challenge: ChallengeResponse = self.api().get("/v1/auth/challenge", Auth::None).await?;
        let signature = sign_challenge(&self.state().account, &account_id, device_id, &challenge.nonce).to_vec();
        let capabilities = self.inner.capabilities.lock().map(|c| c.clone()).ok();
        let request = AuthRequest { account_id, device_id, nonce: challenge.nonce, signature, capabilities };
        let response: AuthResponse = self.api().post("/v1/auth", &request, Auth::None).await?;
        Ok(response.token)
    }

    /// A valid bearer token, authenticating first if needed.
    pub(crate) async fn token(&self) -> Result<String> {
        let mut token = self.inner.token.lock().await;
        if let Some(t) = token.as_ref() {
            return Ok(t.clone());
        }
        // A relay that refuses this device as logged out: wipe only with proof, else lock.
        let fresh = match self.authenticate().await {
            Err(ClientError::RelayLoggedOut(claim)) => return Err(self.on_logout_claim(*claim)),
            other => other?,
        };
        *token = Some(fresh.clone());
        Ok(fresh)
    }

    pub(crate) async fn forget_token(&self) {
        *self.inner.token.lock().await = None;
    }

    /// An authenticated GET (re-authenticating once if the relay forgot this device's session).
    pub(crate) async fn get_authed<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.authed(|api, token| async move { api.get(path, Auth::Bearer(&token)).await }).await
    }

    /// An authenticated POST of a JSON body.
    pub(crate) async fn post_authed<B: serde::Serialize + Sync, T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T> {
        self.authed(|api, token| async move { api.post(path, body, Auth::Bearer(&token)).await }).await
    }

    /// An authenticated PUT of a JSON body.
    pub(crate) async fn put_authed<B: serde::Serialize + Sync, T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T> {
        self.authed(|api, token| async move { api.put(path, body, Auth::Bearer(&token)).await }).await
    }

    pub(crate) async fn delete_authed<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.authed(|api, token| async move { api.delete(path, Auth::Bearer(&token)).await }).await
    }

    pub(crate) async fn post_bytes_authed<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        bytes: &[u8],
    ) -> Result<T> {
        self.authed(|api, token| async move { api.post_bytes(path, bytes.to_vec(), Auth::Bearer(&token)).await }).await
    }

    pub(crate) async fn get_bytes_authed(&self, path: &str, offset: u64) -> Result<Vec<u8>> {
        self.authed(|api, token| async move { api.get_bytes(path, offset, Auth::Bearer(&token)).await }).await
    }

    /// Runs an authenticated call; on `unauthorized` it authenticates again and retries once.
    pub(crate) async fn authed<T, F, Fut>(&self, call: F) -> Result<T>
    where
        F: Fn(RelayApi, String) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let result = async {
            let token = self.token().await?;
            match call(self.api().clone(), token).await {
                Err(e) if e.is_relay(ErrorCode::Unauthorized) => {
                    *self.inner.token.lock().await = None;
                    let token = self.token().await?;
                    call(self.api().clone(), token).await
                }
                other => other,
            }
        }
        .await;
        match result {
            Err(ClientError::RelayLoggedOut(claim)) => Err(self.on_logout_claim(*claim)),
            other => other,
        }
    }

    /// This device was logged out, with proof (see `lockout`): it wipes itself at once.
    pub(crate) fn logged_out(&self, reason: tandem_proto::wire::LogoutReason) {
        if let Err(e) = self.wipe_after_logout(reason) {
            tracing::error!(code = e.code(), "this device was logged out but could not wipe itself: {e}");
        }
        self.emit(ClientEvent::LoggedOut(reason));
    }
}

impl Device {
    /// A small value kept as JSON in the settings table (the default when absent or unreadable).
    pub(crate) fn json_setting<T: serde::de::DeserializeOwned + Default>(&self, key: &str) -> Result<T> {
        let json = self.state().store.setting(key)?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default())
    }

    pub(crate) fn set_json_setting<T: serde::Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<()> {
        let json = serde_json::to_string(value).map_err(ClientError::internal)?;
        self.state().store.set_setting(key, &json)?;
        Ok(())
    }
}

/// N random bytes from the OS.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(ClientError::internal)?;
    Ok(bytes)
}

pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
