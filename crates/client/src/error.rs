use tandem_proto::ProtoError;
use tandem_proto::wire::ErrorCode as RelayCode;
use tandem_store::StoreError;
use thiserror::Error;

/// Every failure the client reports. Each has a stable [`ClientError::code`] that user
/// interfaces switch on (they never parse messages), and a message that says what to do.
#[derive(Debug, Error)]
pub enum ClientError {
    #[error(
        "cannot reach the relay at {url}: {reason}. Check that it is running and the address is right; Tandem keeps retrying"
    )]
    RelayUnreachable { url: String, reason: String },
    #[error("{message}")]
    Relay { code: RelayCode, message: String },
    #[error(
        "the relay is refusing requests from this device or network for a while (too many too fast): try again in {retry_after_secs} s"
    )]
    RateLimited { retry_after_secs: u64 },
    // Transparent: the message is the inner error's, said once (not "X: X" in a chain).
    #[error(transparent)]
    Protocol(#[from] ProtoError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the system keychain is not available ({0}). Tandem keeps its database key only there and never in a plain file: start and unlock a Secret Service provider (GNOME Keyring or KWallet) on Linux, or sign in to the macOS Keychain / Windows Credential Manager, then start Tandem again"
    )]
    KeychainUnavailable(String),
    #[error(
        "this profile's database key is missing from the {0}. Without it the database cannot be opened; link this device again (the desktop offers it; the unreadable database is deleted then)"
    )]
    KeyMissing(&'static str),
    #[error("cannot use the profile folder {path}: {reason}")]
    ProfileFolder { path: String, reason: String },
    #[error(
        "this device is not set up yet: run `tandem-cli init` (a phone) or `tandem-cli companion` (a linked device) first"
    )]
    NotSetUp,
    #[error("this profile already belongs to a device ({0}); use another --home to set up a new one")]
    AlreadySetUp(String),
    #[error("only the primary device (the phone) can do this")]
    NotPrimary,
    #[error(
        "this link is for the relay {offered}, but this account lives on {ours}: use the same relay on both devices"
    )]
    WrongRelay { offered: String, ours: String },
    #[error("linking was declined on the phone")]
    LinkDeclined,
    #[error("{0}")]
    LinkExpired(String),
    #[error("the relay sent a device list or identity that does not verify: {0}")]
    Untrusted(String),
    #[error("another connection for this device took over; this one stopped")]
    Replaced,
    #[error("the QR code could not be read from {0}: use a sharper image or paste the link text")]
    UnreadableQr(String),
    #[error("this account is not a member of the group \"{0}\" (it was removed, or never added)")]
    NotAMember(String),
    #[error("only the group's admin ({0}, who created it) can change its members")]
    NotGroupAdmin(String),
    #[error("no group {0} on this device: it appears once its admin adds this account")]
    UnknownGroup(String),
    #[error("{}", .0.explain())]
    LoggedOut(tandem_proto::wire::LogoutReason),
    /// The relay's raw claim; `Device::authed` turns it into `LoggedOut`, `Locked` or
    /// `PrimaryRefused` (it never reaches a user interface).
    #[error("the relay says this device was logged out ({})", .0.reason.as_str())]
    RelayLoggedOut(Box<crate::lockout::LogoutClaim>),
    #[error("{}", crate::lockout::locked_message(*.0))]
    Locked(tandem_proto::wire::LogoutReason),
    #[error(
        "the relay refuses this phone, saying it was logged out ({}). Nothing was deleted: the phone holds the account and keeps its keys. Check the relay's address, or ask whoever runs the relay",
        .0.as_str()
    )]
    PrimaryRefused(tandem_proto::wire::LogoutReason),
    #[error("this device is not locked")]
    NotLocked,
    #[error(
        "this folder's device was logged out ({}) and its data deleted: nothing is created here by itself. Link it again with `tandem-cli companion` (or open the desktop app), or use another folder",
        .0.as_str()
    )]
    WipedProfile(tandem_proto::wire::LogoutReason),
    #[error(
        "the key for synced settings has not arrived from the phone yet: have the phone online once (tandem-cli run), then try again"
    )]
    NoAppStateKey,
    #[error("device {0} is not in this account's device list (see `tandem-cli devices`)")]
    UnknownDevice(u32),
    #[error(
        "no other device of this account is linked to ask for older messages: they stay on the phone that holds them"
    )]
    NoOtherDevice,
    #[error("internal error: {0}")]
    Internal(String),
}

impl ClientError {
    /// Something that should not happen (a bug, or a broken local file), with what it was.
    pub(crate) fn internal(e: impl std::fmt::Display) -> Self {
        ClientError::Internal(e.to_string())
    }

    /// A stable code for user interfaces.
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::RelayUnreachable { .. } => "relay_unreachable",
            ClientError::RateLimited { .. } => "rate_limited",
            ClientError::Relay { code, .. } => match code {
                RelayCode::LinkExpired | RelayCode::LinkNotFound => "link_expired",
                RelayCode::LinkUsed => "link_used",
                RelayCode::LinkDeclined => "link_declined",
                RelayCode::CompanionLimit => "companion_limit",
                RelayCode::BadSignature => "bad_signature",
                RelayCode::DeviceListRollback => "device_list_rollback",
                RelayCode::UpdateRequired => "update_required",
                RelayCode::Blocked => "blocked",
                RelayCode::InvalidMessageId => "invalid_message_id",
                RelayCode::MailboxFull => "mailbox_full",
                RelayCode::RateLimited => "rate_limited",
                _ => "relay_error",
            },
            ClientError::Protocol(p) => match p {
                ProtoError::WrongHmac => "wrong_hmac",
                ProtoError::BadAccountSignature(_)
                | ProtoError::BadDeviceSignature(_)
                | ProtoError::AccountMismatch
                | ProtoError::KeysMismatch => "bad_signature",
                ProtoError::TamperedLink => "tampered_link",
                ProtoError::NotALink => "not_a_link",
                ProtoError::UndecryptableReply => "wrong_hmac",
                ProtoError::DeviceListRollback { .. } | ProtoError::DeviceListEquivocation(_) => "device_list_rollback",
                ProtoError::CompanionLimit { .. } => "companion_limit",
                ProtoError::UnsupportedLinkVersion(_) => "update_required",
                ProtoError::UnsignedGroupChange(_) => "bad_signature",
                ProtoError::GroupRollback { .. } => "group_rollback",
                ProtoError::WrongChannel(_) => "wrong_channel",
                ProtoError::AppStateTampered(_) => "app_state_tampered",
                _ => "invalid_data",
            },
            ClientError::Store(StoreError::Refused(_)) => "device_list_rollback",
            ClientError::Store(StoreError::DiskFull(_)) => "disk_full",
            ClientError::Store(_) => "database_unreadable",
            ClientError::KeychainUnavailable(_) => "keychain_unavailable",
            ClientError::KeyMissing(_) => "key_missing",
            ClientError::ProfileFolder { .. } => "profile_folder",
            ClientError::NotSetUp => "not_set_up",
            ClientError::AlreadySetUp(_) => "already_set_up",
            ClientError::NotPrimary => "not_primary",
            ClientError::NoOtherDevice => "no_other_device",
            ClientError::WrongRelay { .. } => "wrong_relay",
            ClientError::LinkDeclined => "link_declined",
            ClientError::LinkExpired(_) => "link_expired",
            ClientError::Untrusted(_) => "bad_signature",
            ClientError::Replaced => "replaced",
            ClientError::UnreadableQr(_) => "unreadable_qr",
            ClientError::NotAMember(_) => "not_a_member",
            ClientError::NotGroupAdmin(_) => "not_group_admin",
            ClientError::UnknownGroup(_) => "unknown_group",
            ClientError::LoggedOut(_) | ClientError::RelayLoggedOut(_) | ClientError::WipedProfile(_) => "logged_out",
            ClientError::Locked(_) => "profile_locked",
            ClientError::PrimaryRefused(_) => "relay_refused",
            ClientError::NotLocked => "not_locked",
            ClientError::NoAppStateKey => "no_app_state_key",
            ClientError::UnknownDevice(_) => "unknown_device",
            ClientError::Internal(_) => "internal",
        }
    }

    pub(crate) fn is_unreachable(&self) -> bool {
        matches!(self, ClientError::RelayUnreachable { .. })
    }

    /// A refusal that passes by itself (the relay down, busy, rate-limiting, or a recipient's
    /// mailbox full): a device that stays online tries again later.
    pub(crate) fn is_transient(&self) -> bool {
        self.is_unreachable()
            || matches!(self, ClientError::RateLimited { .. })
            || [RelayCode::Unauthorized, RelayCode::Internal, RelayCode::MailboxFull]
                .into_iter()
                .any(|c| self.is_relay(c))
    }

    /// How long the relay asked to wait, when it rate-limited this request.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            ClientError::RateLimited { retry_after_secs } => Some(std::time::Duration::from_secs(*retry_after_secs)),
            _ => None,
        }
    }

    pub(crate) fn is_relay(&self, code: RelayCode) -> bool {
        matches!(self, ClientError::Relay { code: c, .. } if *c == code)
    }
}

pub type Result<T, E = ClientError> = std::result::Result<T, E>;
