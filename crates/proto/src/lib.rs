//! Tandem's protocol core.
//!
//! Invariant: **no I/O**. Nothing here touches the network, the disk, the clock or a global random
//! number generator. Time (`now_ms`) and randomness (byte arrays) are arguments, so every function
//! is deterministic and unit-testable. (vodozemac generates its own long-term device keys
//! internally; everything Tandem itself generates comes in as bytes.)
//!
//! Modules:
//! - [`appstate`]: synced settings: mutations, the LTHash anti-tamper hash, sealing.
//! - [`history`]: history bundles: sealed, compressed, bounded chunks.
//! - [`ids`]: account and device identifiers.
//! - [`identity`]: device keys and the signed device identity (account signature + countersignature).
//! - [`device_list`]: the signed device list and the rollback rule.
//! - [`link`]: the QR link offer, the verification code and the sealed link reply.
//! - [`message`]: payloads, channels and the fan-out plan.
//! - [`group`]: signed group membership and group envelopes.
//! - [`prekeys`]: signed one-time and fallback keys.
//! - [`auth`]: the relay challenge a device signs to authenticate.
//! - [`wire`]: the relay's HTTP/WebSocket message types and error codes.

pub mod appstate;
pub mod auth;
pub mod device_list;
mod encoding;
mod error;
pub mod group;
pub mod history;
pub mod identity;
pub mod ids;
pub mod link;
pub mod logout;
pub mod media;
pub mod message;
pub mod prekeys;
pub mod safety;
pub mod wire;

pub use encoding::{b64, b64_decode, b64_encode};
pub use error::ProtoError;
pub use vodozemac;

/// The protocol version every device announces (`x-tandem-protocol` header).
pub const PROTOCOL_VERSION: u32 = 1;

/// The protocol's ceiling on companions (linked devices besides the primary) per account: no
/// signed device list holds more. A relay allows fewer ([`DEFAULT_MAX_COMPANIONS`] unless its
/// operator sets `max_companions`), and tells the account's primary how many
/// (`wire::AccountDevicesResponse::max_companions`).
pub const MAX_COMPANIONS: usize = 16;

/// How many companions a relay allows when its operator sets nothing else.
pub const DEFAULT_MAX_COMPANIONS: usize = 4;

/// Upper bound for a device's display name, in characters.
pub const MAX_DEVICE_NAME_CHARS: usize = 64;

/// Builds the exact byte string that is signed: a domain-separation label, a zero byte, then the
/// length-prefixed parts. Length prefixes make the concatenation unambiguous.
pub(crate) fn signing_input(domain: &str, parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(domain.len() + 1 + parts.iter().map(|p| p.len() + 4).sum::<usize>());
    out.extend_from_slice(domain.as_bytes());
    out.push(0);
    for part in parts {
        // Parts are bounded far below 4 GiB by the callers (names, keys, small JSON bodies).
        let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}
