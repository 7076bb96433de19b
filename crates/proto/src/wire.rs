//! The relay's API, as data: request and response bodies (JSON), push events on the WebSocket,
//! error codes. Shared by the relay and the client so the two cannot drift apart.
//!
//! Every request carries the `x-tandem-protocol` header; authenticated ones a bearer token from
//! `POST /v1/auth`. Endpoints (all JSON):
//!
//! | method, path | who | body → answer |
//! |---|---|---|
//! | POST /v1/accounts | anyone | [`CreateAccountRequest`] → [`CreateAccountResponse`] |
//! | GET /v1/auth/challenge | anyone | → [`ChallengeResponse`] |
//! | POST /v1/auth | a device | [`AuthRequest`] → [`AuthResponse`] |
//! | POST /v1/link | a companion-to-be | [`OpenLinkRequest`] → [`OpenLinkResponse`] |
//! | GET /v1/link/{ref}?after=SEQ | link token or the claiming primary | long poll → [`LinkState`] |
//! | POST /v1/link/{ref}/claim | primary | → [`LinkState`] |
//! | POST /v1/link/{ref}/reply | the claiming primary | [`SealedLinkReply`] → [`LinkState`] |
//! | POST /v1/link/{ref}/decline | the claiming primary | → [`LinkState`] |
//! | POST /v1/link/{ref}/register | link token | [`RegisterDeviceRequest`] → [`LinkState`] |
//! | GET /v1/accounts/{id}/devices | any device | → [`AccountDevicesResponse`] |
//! | GET /v1/accounts/{id}/devices/{device}/identity | any device | → `SignedDeviceIdentity` |
//! | PUT /v1/accounts/{id}/device-list | that account's primary | [`PublishDeviceListRequest`] → `{}` |
//! | POST /v1/keys | a device | [`UploadKeysRequest`] → [`KeyCountResponse`] |
//! | GET /v1/keys/count | a device | → [`KeyCountResponse`] |
//! | POST /v1/keys/claim | any device | [`ClaimKeyRequest`] → [`ClaimKeyResponse`] |
//! | POST /v1/messages | a device | `message::SendBatch` → `{}` (or `stale_device_list`) |
//! | POST /v1/messages/direct | a device | `message::OutgoingEnvelope` → `{}` (one device: retries) |
//! | GET /v1/messages | a device | → `message::Inbox` (its mailbox, oldest first) |
//! | POST /v1/messages/ack | a device | `message::AckRequest` → `{}` (deletes them) |
//! | GET /v1/ws | a device | WebSocket of [`PushEvent`] |

use serde::{Deserialize, Serialize};

use crate::b64;
use crate::device_list::SignedDeviceList;
use crate::identity::SignedDeviceIdentity;
use crate::ids::{AccountId, DeviceId};
use crate::link::SealedLinkReply;
use crate::prekeys::SignedPreKey;

pub const PROTOCOL_HEADER: &str = "x-tandem-protocol";
pub const LINK_TOKEN_HEADER: &str = "x-tandem-link-token";
/// Request bodies larger than this are refused with `too_large`.
pub const MAX_REQUEST_BYTES: usize = 256 * 1024;
/// Link sessions live between these bounds (seconds), as the companion asks.
pub const LINK_TTL_SECS: std::ops::RangeInclusive<u32> = 5..=300;
/// Once a phone has claimed a code, the user has this long to approve it on the phone.
pub const LINK_APPROVAL_SECS: u32 = 120;
/// A long poll answers after at most this long even when nothing changed.
pub const MAX_POLL_SECS: u64 = 25;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    AccountExists,
    BadSignature,
    DeviceListRollback,
    CompanionLimit,
    LinkNotFound,
    LinkExpired,
    LinkUsed,
    LinkDeclined,
    NoKeys,
    StaleDeviceList,
    TooLarge,
    UpdateRequired,
    /// This device was logged out (see [`LogoutReason`]); it must wipe itself and link again.
    LoggedOut,
    /// Another device of the account wrote this app-state version first.
    AppStateConflict,
    /// The blob expired (7 days) or was already acked.
    BlobExpired,
    /// A message id that is not 1 to 64 ASCII letters and digits.
    InvalidMessageId,
    /// The recipient blocked the sender: nothing was delivered.
    Blocked,
    /// Too many requests of this kind from this address or account: try again after
    /// [`ApiError::retry_after_secs`] (also the `Retry-After` header of the 429 answer).
    RateLimited,
    /// A recipient device has too much mail waiting (in all, or from this sender): nothing of
    /// the batch was stored; the device must fetch first.
    MailboxFull,
    Internal,
}

/// Why a companion was logged out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogoutReason {
    /// The phone logged it out (`tandem-cli unlink`).
    Unlinked,
    /// It logged itself out.
    SelfLogout,
    /// The phone was not online for the relay's primary idle period (14 days by default).
    PhoneInactive,
    /// The companion itself was not used for the relay's companion idle period (30 days).
    CompanionInactive,
}

impl LogoutReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LogoutReason::Unlinked => "unlinked",
            LogoutReason::SelfLogout => "self_logout",
            LogoutReason::PhoneInactive => "phone_inactive",
            LogoutReason::CompanionInactive => "companion_inactive",
        }
    }

    pub fn parse(text: &str) -> Option<LogoutReason> {
        [LogoutReason::Unlinked, LogoutReason::SelfLogout, LogoutReason::PhoneInactive, LogoutReason::CompanionInactive]
            .into_iter()
            .find(|r| r.as_str() == text)
    }

    /// What the user is told.
    pub fn explain(self) -> &'static str {
        match self {
            LogoutReason::Unlinked => "This device was logged out from the phone.",
            LogoutReason::SelfLogout => "This device was logged out.",
            LogoutReason::PhoneInactive => {
                "This device was logged out because the phone was not online for 14 days. Link it again from the phone."
            }
            LogoutReason::CompanionInactive => {
                "This device was logged out because it was not used for 30 days. Link it again from the phone."
            }
        }
    }
}

/// A companion that was logged out, as the relay reports it to its account's primary, which
/// then publishes a device list without it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedOutDevice {
    pub device_id: DeviceId,
    pub reason: LogoutReason,
    pub at_ms: u64,
    /// With `self_logout`: the companion's own signed statement, the only relay-carried evidence
    /// on which the phone drops a companion from its list by itself. Every other reason is the
    /// relay's unsigned word: it leaves the device out of sends, and the user decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<crate::logout::SignedLogout>,
}

/// `POST /v1/devices/self/logout`: the companion's signed statement.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SelfLogoutRequest {
    pub statement: crate::logout::SignedLogout,
}

/// `GET /v1/devices/self/status`: where this device stands with the inactivity rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceStatusResponse {
    pub now_ms: u64,
    /// When the account's primary (the phone) was last online.
    pub primary_last_active_ms: Option<u64>,
    /// For a companion: when it will be logged out unless the phone comes online first.
    pub logout_at_ms: Option<u64>,
    /// From this time on, the companion shows a warning (4 days before `logout_at_ms`).
    pub warn_from_ms: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// With `logged_out`: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logout_reason: Option<LogoutReason>,
    /// With `logged_out`: the account's current signed device list. It is the only thing a
    /// companion accepts as proof that it was removed (`tandem_proto::logout::proves_removal`);
    /// without it, or if it still names the device, the companion locks itself and deletes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_list: Option<SignedDeviceList>,
    /// With `rate_limited`: how many seconds to wait before trying again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreateAccountRequest {
    #[serde(with = "b64")]
    pub account_key: [u8; 32],
    pub primary: SignedDeviceIdentity,
    pub device_list: SignedDeviceList,
    pub prekeys: Vec<SignedPreKey>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreateAccountResponse {
    pub account_id: AccountId,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChallengeResponse {
    #[serde(with = "b64")]
    pub nonce: Vec<u8>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuthRequest {
    pub account_id: AccountId,
    pub device_id: DeviceId,
    #[serde(with = "b64")]
    pub nonce: Vec<u8>,
    #[serde(with = "b64")]
    pub signature: Vec<u8>,
    /// What this device can receive ([`CAPABILITIES`] for this version). `None` from clients
    /// that predate announcing; the relay then keeps what it knew.
    #[serde(default)]
    pub capabilities: Option<Vec<String>>,
}

/// A device that can receive group (Megolm) messages.
pub const CAP_GROUPS: &str = "groups-v1";
/// A device that takes part in synced settings.
pub const CAP_APP_STATE: &str = "appstate-v1";
/// Everything this version of Tandem can receive.
pub const CAPABILITIES: [&str; 2] = [CAP_GROUPS, CAP_APP_STATE];

/// At most this many capabilities, of at most 32 bytes each, are kept per device.
pub const MAX_CAPABILITIES: usize = 32;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuthResponse {
    pub token: String,
    pub expires_ms: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OpenLinkRequest {
    pub ttl_secs: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OpenLinkResponse {
    pub link_ref: String,
    pub link_token: String,
    pub expires_ms: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    /// Shown as a QR code, not scanned yet.
    Open,
    /// A phone scanned it; the user is deciding.
    Claimed,
    /// The phone approved and sent its sealed reply.
    Replied,
    /// The user declined on the phone.
    Declined,
    /// The companion registered itself.
    Completed,
    /// Nobody acted in time.
    Expired,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LinkState {
    /// Grows with every change; pass it as `after` to wait for the next one.
    pub seq: u64,
    pub status: LinkStatus,
    pub expires_ms: u64,
    pub reply: Option<SealedLinkReply>,
    /// The device id the companion registered as (once completed).
    pub device_id: Option<DeviceId>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RegisterDeviceRequest {
    pub identity: SignedDeviceIdentity,
    pub prekeys: Vec<SignedPreKey>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeviceActivity {
    pub device_id: DeviceId,
    pub last_active_ms: Option<u64>,
    /// What the device announced it can receive (`None`: it never said; treated as this version's).
    #[serde(default)]
    pub capabilities: Option<Vec<String>>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccountDevicesResponse {
    #[serde(with = "b64")]
    pub account_key: [u8; 32],
    pub device_list: SignedDeviceList,
    pub identities: Vec<SignedDeviceIdentity>,
    /// Last-active times as the relay saw them (not signed: informational).
    pub activity: Vec<DeviceActivity>,
    /// Companions still in the list that the relay logged out, with why and when: told only to
    /// the account's own devices.
    #[serde(default)]
    pub logged_out: Vec<LoggedOutDevice>,
    /// To another account: the listed devices that get no copy (logged out), without why or
    /// when. Strangers learn no activity, logout reasons or times (`activity` carries only
    /// capabilities for them).
    #[serde(default)]
    pub left_out: Vec<DeviceId>,
    /// To the account's own devices: how many companions this relay allows the account (its
    /// operator's `max_companions`, at most [`crate::MAX_COMPANIONS`]). The phone checks it
    /// before it claims a link code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_companions: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PublishDeviceListRequest {
    pub device_list: SignedDeviceList,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UploadKeysRequest {
    pub keys: Vec<SignedPreKey>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeyCountResponse {
    pub one_time_keys: u32,
    pub has_fallback: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClaimKeyRequest {
    pub account_id: AccountId,
    pub device_id: DeviceId,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClaimKeyResponse {
    pub key: SignedPreKey,
}

/// What the relay pushes to a connected device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PushEvent {
    /// The account published a new device list: fetch and verify it.
    DeviceListChanged { account_id: AccountId, version: u64 },
    /// Fewer one-time keys are left than the device should have: upload more.
    KeysLow { remaining: u32 },
    /// New envelopes wait in this device's mailbox.
    Messages,
    /// Another connection for this same device took over; this one is closed.
    Replaced,
    /// This device was logged out; the connection is closed. `device_list` as in [`ApiError`].
    LoggedOut {
        reason: LogoutReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        device_list: Option<SignedDeviceList>,
    },
    /// To the primary: a companion was logged out; publish a device list without it.
    DeviceLoggedOut { device_id: DeviceId },
    /// Another device of the account wrote app-state patch `version`.
    AppState { version: u64 },
}

/// `POST /v1/blobs?device=N` answers with the new blob's id.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BlobCreated {
    pub blob_id: String,
}

/// `POST /v1/media` answers with the sealed file's reference (`tandem_proto::media`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MediaCreated {
    pub media_ref: String,
}

/// A sealed app-state patch or snapshot (`tandem_proto::appstate`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppStateBlob {
    pub version: u64,
    #[serde(with = "b64")]
    pub sealed: Vec<u8>,
}

/// `GET /v1/appstate/patches?after=V`: the patches after V (at most 500), and the version of the
/// newest snapshot, if any.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppStatePatches {
    pub patches: Vec<AppStateBlob>,
    pub snapshot_version: Option<u64>,
}
