//! Tandem's client runtime (tokio), shared by the desktop app and `tandem-cli`.
//!
//! Invariants: this crate does all of the client's network I/O (reqwest, WebSocket) and knows
//! nothing of Tauri; protocol rules live in `tandem-proto`, SQL in `tandem-store`.
//!
//! - [`Profile`]: a device's folder, its encrypted database, and where the database key lives
//!   ([`KeyStorage::Keychain`] for the desktop, [`KeyStorage::File`] for the headless CLI).
//! - [`create_account`] and [`Device::begin_link`]/[`PendingLink`]: the primary (phone) role.
//! - [`open_companion`] and [`Companion::link`]: the companion role.
//! - [`Device::run_online`]: stay connected and answer the relay's requests.
//! - [`desktop`]: the desktop's view model, which the Tauri shell only forwards.

mod api;
mod appstate;
mod backoff;
mod chatlist;
mod chatmarks;
mod companion;
mod contacts;
pub mod desktop;
mod device;
mod devices;
mod error;
mod events;
mod groups;
mod history;
mod history_older;
mod history_send;
mod inbox;
mod keychain;
mod lifecycle;
mod lockout;
mod media;
mod megolm;
mod messaging;
mod olm;
mod online;
mod owner_only;
mod prekeys;
mod primary;
mod profile;
mod push;
pub mod qr;
mod receipts;
mod requests;
mod retries;
mod seed;
mod split_view;
#[cfg(feature = "test-support")]
pub mod testing;

pub use appstate::{AppStateSync, ChatAction, ChatSettings};
pub use chatlist::ChatInfo;
pub use companion::{
    Companion, CompanionProfile, DEFAULT_HISTORY_DAYS, FIRST_CODE_SECS, LinkProgress, MAX_CODES, NEXT_CODE_SECS,
    open_companion,
};
pub use device::{Device, DeviceInfo};
pub use devices::{AccountDevices, DeviceSummary};
pub use error::{ClientError, Result};
pub use events::{ClientEvent, ConnectionState, Observed, next_event};
pub use groups::GroupInfo;
pub use history::HistoryStatus;
pub use history_older::{ChatHistory, OLDER_PAGE, OlderRequest};
pub use history_send::{GAP_MARGIN_MS, HistoryScope, HistorySent};
pub use keychain::{KEYCHAIN_SERVICE, KeyStorage, key_file_status, keychain_has_key};
pub use lifecycle::{InactivityWarning, LoggedOutNote, clear_logged_out_note, logged_out_note};
pub use lockout::{LockedNote, locked_message, locked_note};
pub use media::{THUMBNAIL_PX, demo_image, image_attachment};
pub use messaging::Message;
pub use primary::{LinkedCompanion, PendingLink, create_account};
pub use profile::Profile;
pub use seed::{SeedSpec, demo_history};
pub use tandem_proto::identity::DeviceKind;
pub use tandem_proto::ids::AccountId;
pub use tandem_proto::wire::LogoutReason;
pub use tandem_store::SearchHit;
