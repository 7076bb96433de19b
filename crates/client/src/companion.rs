//! The companion side of linking: show rotating QR codes until a phone approves, then open the
//! phone's sealed reply, countersign, register, and wait for the signed device list that names
//! this device.

use std::time::Duration;

use tandem_proto::identity::{DeviceKind, validate_name};
use tandem_proto::ids::AccountId;
use tandem_proto::link::{LinkOffer, LinkSecrets, ResumeHint, SealedLinkReply, open_reply};
use tandem_proto::vodozemac::olm::Account;
use tandem_proto::wire::{LinkState, LinkStatus, OpenLinkRequest, OpenLinkResponse, PushEvent, RegisterDeviceRequest};
use tandem_store::{LocalIdentity, Role};

use crate::api::{Auth, RelayApi};
use crate::backoff::Backoff;
use crate::device::{Device, now_ms, pickle_json, unpickle};
use crate::error::{ClientError, Result};
use crate::prekeys::fresh_prekeys;
use crate::profile::Profile;

/// How long each QR code is valid: the first for 60 s, the next ones 20 s (as WhatsApp does).
/// The history range this companion asked for when it was linked (days; 0: everything).
const HISTORY_RANGE_SETTING: &str = "history_range_days";

impl Device {
    /// How much history this companion asked its phone for when it was linked (days; 0:
    /// everything); `None` on a phone, or a companion linked before this was kept.
    pub fn history_range_days(&self) -> Result<Option<u32>> {
        self.json_setting(HISTORY_RANGE_SETTING)
    }
}

pub const FIRST_CODE_SECS: u32 = 60;
pub const NEXT_CODE_SECS: u32 = 20;
/// After this many codes nobody scanned, linking stops until the user asks again.
pub const MAX_CODES: u32 = 6;
/// The history range a companion asks for unless told otherwise (1 year).
pub const DEFAULT_HISTORY_DAYS: u32 = 365;
/// How long to wait for the phone to publish the device list after registering.
const LISTED_WITHIN: Duration = Duration::from_secs(60);

/// Progress of a linking attempt, for the user interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkProgress {
    /// Show this code (a new one replaces the previous one).
    Code { uri: String, code: String, expires_at_ms: u64, code_number: u32, max_codes: u32 },
    /// A phone scanned the code; the user is deciding on the phone.
    Scanned { expires_at_ms: u64 },
    /// The phone approved; finishing.
    Finishing,
    /// The relay cannot be reached; retrying at `retry_at_ms`.
    RelayUnreachable { retry_at_ms: u64, reason: String },
}

/// A profile opened as a companion.
pub enum CompanionProfile {
    /// Already linked: ready to go online.
    Linked(Device),
    /// Not linked yet: call [`Companion::link`].
    Unlinked(Box<Companion>),
}

/// A companion that is not linked yet: it holds its own device keys.
pub struct Companion {
    /// Behind a mutex only so the linking future is `Send` (rusqlite connections are not `Sync`).
    profile: std::sync::Mutex<Profile>,
    account: Account,
    identity: LocalIdentity,
    kind: DeviceKind,
    api: RelayApi,
    /// The history range to ask the phone for, in days (0: everything); a change shows a new code.
    history_days: tokio::sync::watch::Receiver<u32>,
}

/// Opens `profile` as a companion using `relay_url` and `name` (these apply while unlinked).
pub fn open_companion(mut profile: Profile, relay_url: &str, name: &str, kind: DeviceKind) -> Result<CompanionProfile> {
    validate_name(name)?;
    let api = RelayApi::new(relay_url)?;
    let existing = profile.store.load_identity()?;
    if let Some(id) = &existing {
        if id.role == Role::Primary {
            return Err(ClientError::AlreadySetUp(format!(
                "the primary of {}",
                id.account_id.as_ref().map(|a| a.as_str()).unwrap_or("?")
            )));
        }
        if id.linked_at_ms.is_some() {
            let device = Device::load(profile)?;
            return Ok(CompanionProfile::Linked(device));
        }
    }
    // New, or a link that never finished: keep the device keys, start linking afresh.
    let account = match &existing {
        Some(id) => unpickle(&id.account_pickle)?,
        None => Account::new(),
    };
    let now = now_ms();
    let identity = LocalIdentity {
        role: Role::Companion,
        name: name.to_owned(),
        relay_url: api.base().to_owned(),
        account_pickle: pickle_json(&account)?,
        account_id: None,
        account_key: None,
        device_id: None,
        key_index: None,
        linked_at_ms: None,
        created_ms: existing.as_ref().map(|e| e.created_ms).unwrap_or(now),
    };
    profile.store.save_identity(&identity)?;
    Ok(CompanionProfile::Unlinked(Box::new(Companion {
        profile: std::sync::Mutex::new(profile),
        account,
        identity,
        kind,
        api,
        history_days: tokio::sync::watch::channel(DEFAULT_HISTORY_DAYS).1,
    })))
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| ClientError::Internal(format!("no randomness: {e}")))?;
    Ok(bytes)
}

impl Companion {
    pub fn name(&self) -> &str {
        &self.identity.name
    }

    /// Follows the user's choice of history range (days, 0: everything): each change before the
    /// code is scanned shows a new code asking for the new range.
    pub fn follow_history_choice(&mut self, choice: tokio::sync::watch::Receiver<u32>) {
        self.history_days = choice;
    }

    /// Asks the phone for this much history, in days (0: everything).
    pub fn ask_history_days(&mut self, days: u32) {
        self.history_days = tokio::sync::watch::channel(days).1;
    }

    /// Shows up to [`MAX_CODES`] codes; returns the linked device, or why linking failed. While
    /// the relay is unreachable it keeps retrying with backoff (and says so through `progress`).
    pub async fn link(self, mut progress: impl FnMut(LinkProgress)) -> Result<Device> {
        let mut backoff = Backoff::new();
        let mut code_number = 0;
        let resume = self.resume_hint()?;
        while code_number < MAX_CODES {
            let ttl_secs = if code_number == 0 { FIRST_CODE_SECS } else { NEXT_CODE_SECS };
            let opened: OpenLinkResponse =
                match self.api.post("/v1/link", &OpenLinkRequest { ttl_secs }, Auth::None).await {
                    Ok(opened) => opened,
                    Err(e) if e.is_unreachable() => {
                        wait_for_relay(&mut backoff, &e, &mut progress).await;
                        continue;
                    }
                    Err(e) => return Err(e),
                };
            backoff.reset();
            code_number += 1;
            let secrets = LinkSecrets::from_random(random()?);
            let mut choice = self.history_days.clone();
            let history_days = *choice.borrow_and_update();
            let offer = LinkOffer::create(
                &self.account,
                self.api.base(),
                &opened.link_ref,
                &self.identity.name,
                self.kind,
                (history_days, resume.clone()),
                &secrets,
            )?;
            progress(LinkProgress::Code {
                uri: offer.to_uri(),
                code: offer.verification_code(),
                expires_at_ms: opened.expires_ms,
                code_number,
                max_codes: MAX_CODES,
            });
            let watched = tokio::select! {
                watched = self.watch_code(&opened, &mut backoff, &mut progress) => watched?,
                () = changed(&mut choice) => {
                    code_number -= 1; // a new range, not a new attempt
                    continue;
                }
            };
            if let Some(reply) = watched {
                progress(LinkProgress::Finishing);
                let device = self.finish(&offer, &secrets, &reply, &opened.link_token).await?;
                device.set_json_setting(HISTORY_RANGE_SETTING, &Some(history_days))?;
                return Ok(device);
            }
        }
        Err(ClientError::LinkExpired(
            "no phone scanned the code in time: ask for a new code and scan it with your phone".into(),
        ))
    }

    /// Messages kept from a logout for inactivity: the phone of the same account sends only
    /// what came after them.
    fn resume_hint(&self) -> Result<Option<ResumeHint>> {
        let kept = self.profile.lock().unwrap_or_else(|p| p.into_inner()).store.kept_history()?;
        Ok(kept.and_then(|k| {
            let account_id = AccountId::parse(&k.account_id).ok()?;
            Some(ResumeHint { account_id, newest_ms: k.newest_ms })
        }))
    }

    /// Follows one code until the phone replies (`Some`), the code expires unscanned (`None`), or
    /// linking fails.
    async fn watch_code(
        &self,
        opened: &OpenLinkResponse,
        backoff: &mut Backoff,
        progress: &mut impl FnMut(LinkProgress),
    ) -> Result<Option<SealedLinkReply>> {
        let mut seq = 0;
        let mut scanned = false;
        loop {
            let path = format!("/v1/link/{}?after={seq}", opened.link_ref);
            let state: LinkState = match self.api.get(&path, Auth::LinkToken(&opened.link_token)).await {
                Ok(state) => state,
                Err(e) if e.is_unreachable() => {
                    wait_for_relay(backoff, &e, progress).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            seq = state.seq;
            match state.status {
                LinkStatus::Open => {}
                LinkStatus::Claimed => {
                    if !scanned {
                        scanned = true;
                        progress(LinkProgress::Scanned { expires_at_ms: state.expires_ms });
                    }
                }
                LinkStatus::Replied => {
                    return state
                        .reply
                        .map(Some)
                        .ok_or_else(|| ClientError::Internal("the relay lost the phone's reply".into()));
                }
                LinkStatus::Declined => return Err(ClientError::LinkDeclined),
                LinkStatus::Expired if scanned => {
                    return Err(ClientError::LinkExpired(
                        "the phone did not approve in time: ask for a new code and try again".into(),
                    ));
                }
                LinkStatus::Expired => return Ok(None),
                LinkStatus::Completed => {
                    return Err(ClientError::Relay {
                        code: tandem_proto::wire::ErrorCode::LinkUsed,
                        message: "this code was already used".into(),
                    });
                }
            }
        }
    }

    async fn finish(
        mut self,
        offer: &LinkOffer,
        secrets: &LinkSecrets,
        reply: &SealedLinkReply,
        link_token: &str,
    ) -> Result<Device> {
        let accepted = open_reply(offer, secrets, reply, &self.account)?;
        let details = &accepted.details;
        {
            // Kept messages stay only when linked again to the account they belong to.
            let mut profile = self.profile.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(kept) = profile.store.kept_history()? {
                profile.store.settle_kept_history(kept.account_id == details.account_id.as_str())?;
            }
        }
        let prekeys = fresh_prekeys(&mut self.account, &details.account_id, details.device_id, 0, false);
        // Account data first (not yet "linked": that needs the signed list naming this device).
        self.identity.account_pickle = pickle_json(&self.account)?;
        self.identity.account_id = Some(details.account_id.clone());
        self.identity.account_key = Some(accepted.account_key);
        self.identity.device_id = Some(details.device_id);
        self.identity.key_index = Some(details.key_index);
        self.profile.get_mut().unwrap_or_else(|p| p.into_inner()).store.save_identity(&self.identity)?;
        let request = RegisterDeviceRequest { identity: accepted.identity.clone(), prekeys };
        let path = format!("/v1/link/{}/register", offer.link_ref);
        let _: LinkState = self.api.post(&path, &request, Auth::LinkToken(link_token)).await?;
        self.account.mark_keys_as_published();
        self.identity.account_pickle = pickle_json(&self.account)?;
        self.profile.get_mut().unwrap_or_else(|p| p.into_inner()).store.save_identity(&self.identity)?;
        let Companion { profile, account, identity, .. } = self;
        let profile = profile.into_inner().unwrap_or_else(|p| p.into_inner());
        let device = Device::new(profile, account, identity)?;
        device.wait_until_listed().await?;
        device.mark_linked()?;
        Ok(device)
    }
}

/// Resolves when the choice changes; never, once nobody can change it.
async fn changed(choice: &mut tokio::sync::watch::Receiver<u32>) {
    if choice.changed().await.is_err() {
        std::future::pending::<()>().await;
    }
}

async fn wait_for_relay(backoff: &mut Backoff, error: &ClientError, progress: &mut impl FnMut(LinkProgress)) {
    let delay = backoff.next_delay();
    progress(LinkProgress::RelayUnreachable {
        retry_at_ms: now_ms() + delay.as_millis() as u64,
        reason: error.to_string(),
    });
    tokio::time::sleep(delay).await;
}

impl Device {
    /// Waits (on push events, not a timer loop) until the verified device list names this device.
    async fn wait_until_listed(&self) -> Result<()> {
        let (account_id, device_id, _) = self.whoami()?;
        let mut push = self.connect_push().await?;
        let deadline = tokio::time::Instant::now() + LISTED_WITHIN;
        loop {
            if self.refresh_devices().await?.devices.iter().any(|d| d.device_id == device_id) {
                return Ok(());
            }
            loop {
                match tokio::time::timeout_at(deadline, push.next()).await {
                    Err(_) => {
                        return Err(ClientError::LinkExpired(
                            "the phone did not finish adding this device: link it again".into(),
                        ));
                    }
                    Ok(Some(PushEvent::DeviceListChanged { account_id: a, .. })) if a == account_id => break,
                    Ok(Some(_)) => {}
                    Ok(None) => push = self.connect_push().await?,
                }
            }
        }
    }

    fn mark_linked(&self) -> Result<()> {
        let mut st = self.state();
        st.identity.linked_at_ms = Some(now_ms());
        let identity = st.identity.clone();
        st.store.save_identity(&identity)?;
        Ok(())
    }
}
