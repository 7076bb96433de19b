use thiserror::Error;

/// Everything that can be wrong with protocol data. Each message says what happened and, where
/// the user can act, what to do.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ProtoError {
    #[error("malformed {0}")]
    Malformed(&'static str),
    #[error("the link text is not a Tandem link (it must start with tandem://link?)")]
    NotALink,
    #[error("the link text was altered or damaged: scan the QR code again")]
    TamperedLink,
    #[error("this link was made by a newer Tandem (link version {0}); update Tandem on this device")]
    UnsupportedLinkVersion(u32),
    #[error("the reply from the phone failed its authentication check (wrong HMAC): start linking again")]
    WrongHmac,
    #[error("the reply from the phone could not be decrypted: start linking again")]
    UndecryptableReply,
    #[error("bad account signature on {0}: it was not signed by this account's primary device")]
    BadAccountSignature(&'static str),
    #[error("bad device signature on {0}")]
    BadDeviceSignature(&'static str),
    #[error("the signed identity is for other device keys than this device's")]
    KeysMismatch,
    #[error("the account id does not match the account key")]
    AccountMismatch,
    #[error(
        "device list version {offered} is older than version {seen} already seen for this account: refused (possible replay by the relay)"
    )]
    DeviceListRollback { seen: u64, offered: u64 },
    #[error("two different device lists claim version {0} for this account: refused")]
    DeviceListEquivocation(u64),
    #[error(
        "a newer device list is dated before the list already held ({offered_ms} < {held_ms} ms since 1970): refused, the held list is kept. If the phone's clock was set back, set it right and change the linked devices on the phone again"
    )]
    DeviceListTimeBackwards { held_ms: u64, offered_ms: u64 },
    #[error(
        "a device list is dated more than 24 hours after this device's clock ({offered_ms} > {now_ms} ms since 1970): refused. Check the date and time on this device and on the phone"
    )]
    DeviceListFromTheFuture { now_ms: u64, offered_ms: u64 },
    #[error("invalid device list: {0}")]
    InvalidDeviceList(&'static str),
    #[error(
        "this account already has {max} linked devices, as many as its relay allows: log one out on the phone first"
    )]
    CompanionLimit { max: usize },
    #[error("invalid device name: {0}")]
    InvalidName(&'static str),
    #[error("invalid group: {0}")]
    InvalidGroup(&'static str),
    #[error("a group membership change not signed by the group's admin (its creator's account) was refused: {0}")]
    UnsignedGroupChange(&'static str),
    #[error("group state version {offered} is not newer than version {seen} already held: refused (a replay)")]
    GroupRollback { seen: u64, offered: u64 },
    #[error("a {0} arrived on the wrong channel and was refused (protocol confusion)")]
    WrongChannel(&'static str),
    #[error("the synced settings from the relay were tampered with or are incomplete ({0})")]
    AppStateTampered(&'static str),
    #[error("a history chunk was refused: {0}")]
    HistoryRefused(&'static str),
}
