//! The desktop's view model: everything the window shows, as one serializable value.
//! The UI renders a `View`; the Tauri shell only forwards it. TypeScript mirror: ui/src/types.ts.

use serde::Serialize;

use crate::devices::{AccountDevices, DeviceSummary};
use crate::error::ClientError;
use crate::events::ConnectionState;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Screen {
    Starting,
    Linking,
    LinkFailed,
    Linked,
    /// The relay said this desktop was logged out without proof: nothing was deleted, and the
    /// user chooses to link again or to keep the data for now (see `View::locked`).
    Locked,
    Fatal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConnectionView {
    pub state: &'static str,
    pub retry_at_ms: Option<u64>,
    pub message: Option<String>,
}

impl From<&ConnectionState> for ConnectionView {
    fn from(state: &ConnectionState) -> Self {
        match state {
            ConnectionState::Online => ConnectionView { state: "online", retry_at_ms: None, message: None },
            ConnectionState::Connecting => ConnectionView { state: "connecting", retry_at_ms: None, message: None },
            ConnectionState::Offline { retry_at_ms, reason } => {
                ConnectionView { state: "offline", retry_at_ms: Some(*retry_at_ms), message: Some(reason.clone()) }
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum LinkPhase {
    WaitingForScan,
    WaitingForApproval,
    Finishing,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LinkingView {
    pub uri: String,
    pub qr_data_url: String,
    pub code: String,
    pub expires_at_ms: u64,
    pub code_number: u32,
    pub max_codes: u32,
    pub phase: LinkPhase,
    /// How much history this code asks the phone for, in days (0: everything).
    pub history_days: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LastMessage {
    pub body: String,
    pub outgoing: bool,
    pub sent_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChatSummary {
    pub chat_id: String,
    /// A group's name, or the contact's synced display name; `None` otherwise.
    pub title: Option<String>,
    /// Whether the chat is a group.
    pub group: bool,
    pub last_message: Option<LastMessage>,
    /// Synced settings (the same on every device of the account).
    pub archived: bool,
    pub pinned: bool,
    pub muted: bool,
    pub unread: usize,
    /// The user marked the chat unread (on any device of the account).
    pub marked_unread: bool,
    /// Whether the chat's past messages are all here.
    pub history: crate::history_older::ChatHistory,
    /// A message request: someone not in the contacts wrote first (no receipts until accepted).
    pub request: bool,
}

/// An image in a message: its thumbnail (shown at once) and whether the full file is here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImageView {
    pub media_id: String,
    pub width: u32,
    pub height: u32,
    pub size: u64,
    /// `data:image/jpeg;base64,…` (at most 96 px a side), re-encoded in Rust from the decoded
    /// pixels of the thumbnail that came with the message; empty when it is refused.
    pub thumbnail_data_url: String,
    /// Why the thumbnail is not shown ("this image could not be shown"): `image_too_large`
    /// (over the decoding limits: a decompression bomb) or `image_unreadable`.
    pub refused: Option<ErrorView>,
    /// The full file is on this device (`get_media` returns it); otherwise `fetch_media` asks
    /// the account's other devices for it.
    pub held: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChatMessage {
    pub message_id: String,
    /// The sending account (empty for events).
    pub sender: String,
    pub outgoing: bool,
    pub body: String,
    pub sent_ms: u64,
    pub state: String,
    pub image: Option<ImageView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpenChat {
    pub chat_id: String,
    /// A group's name; `None` for a chat with one account.
    pub title: Option<String>,
    pub archived: bool,
    pub pinned: bool,
    pub muted: bool,
    /// A group's members (account ids); empty for a chat with one account.
    pub members: Vec<String>,
    /// A window of the chat's messages, oldest first (at most 200; the list scrolls through the
    /// rest by asking for another window, `show_messages`).
    pub messages: Vec<ChatMessage>,
    /// How many messages this chat holds on this computer.
    pub total_messages: u64,
    /// How many of them are newer than the window (0: the window ends with the newest).
    pub newer_hidden: u64,
    /// Whether older messages remain on the phone ("Load older messages").
    pub history: crate::history_older::ChatHistory,
    /// When the chat is muted until a set time (`None`: not muted, or until unmuted).
    pub muted_until_ms: Option<u64>,
    /// A message request: the window offers Accept and Block (no receipts until accepted).
    pub request: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LinkedView {
    pub account_id: String,
    pub device_id: u32,
    pub device_name: String,
    pub device_list_version: u64,
    pub devices: Vec<DeviceSummary>,
    pub chats: Vec<ChatSummary>,
    pub open_chat: Option<OpenChat>,
    /// The phone has been offline long enough that this desktop will be logged out.
    pub inactivity_warning: Option<crate::lifecycle::InactivityWarning>,
    /// History sync from the phone, once it started.
    pub history: Option<crate::history::HistoryStatus>,
    /// The key for synced settings has arrived from the phone (pin, archive, mute work).
    pub settings_ready: bool,
    /// The user's profile name (synced; `None` until set on a device of the account).
    pub profile_name: Option<String>,
    /// Something to tell the user until they dismiss it or open a chat (a `tandem://` link
    /// that could not be followed), with its code.
    pub notice: Option<ErrorView>,
    /// How much history this desktop asked its phone for when it was linked (days; 0:
    /// everything; `None`: not known).
    pub history_days: Option<u32>,
    /// An account a `tandem://chat` link named that is not a contact yet: the window offers to
    /// start the chat (a link never starts one by itself).
    pub suggested_chat: Option<String>,
    /// Accounts this account blocked (synced), for Settings → Blocked.
    pub blocked: Vec<String>,
}

impl LinkedView {
    pub fn from_devices(devices: &AccountDevices, device_name: &str) -> Self {
        let this = devices.devices.iter().find(|d| d.this_device);
        LinkedView {
            account_id: devices.account_id.to_string(),
            device_id: this.map(|d| d.device_id).unwrap_or_default(),
            device_name: this.map(|d| d.name.clone()).unwrap_or_else(|| device_name.to_owned()),
            device_list_version: devices.version,
            devices: devices.devices.clone(),
            chats: Vec::new(),
            open_chat: None,
            inactivity_warning: None,
            history: None,
            settings_ready: false,
            profile_name: None,
            notice: None,
            history_days: None,
            suggested_chat: None,
            blocked: Vec::new(),
        }
    }
}

impl From<&crate::messaging::Message> for ChatMessage {
    fn from(m: &crate::messaging::Message) -> Self {
        ChatMessage {
            message_id: m.message_id.clone(),
            sender: m.sender_account.clone(),
            outgoing: m.outgoing,
            body: m.body.clone(),
            sent_ms: m.sent_ms,
            state: m.state.clone(),
            image: m.attachment.as_ref().map(|a| {
                let shown = crate::media::shown::thumbnail_url(&a.thumbnail);
                ImageView {
                    media_id: a.media_id.clone(),
                    width: a.width,
                    height: a.height,
                    size: a.size,
                    refused: shown.as_ref().err().map(ErrorView::from),
                    thumbnail_data_url: shown.unwrap_or_default(),
                    held: false,
                }
            }),
        }
    }
}

/// One search result: where it is, and a snippet with the matched words in [brackets].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchResult {
    pub chat_id: String,
    /// A group's name or the contact's synced name.
    pub title: Option<String>,
    pub message_id: String,
    pub outgoing: bool,
    pub sent_ms: u64,
    pub snippet: String,
}

/// An error as the UI sees it: a code to switch on and a message that says what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorView {
    pub code: String,
    pub message: String,
}

impl From<&ClientError> for ErrorView {
    fn from(e: &ClientError) -> Self {
        ErrorView { code: e.code().to_owned(), message: e.to_string() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct View {
    pub screen: Screen,
    /// This app's version (the About section shows it).
    pub app_version: String,
    pub device_name: String,
    pub relay_url: String,
    pub connection: ConnectionView,
    pub linking: Option<LinkingView>,
    pub linked: Option<LinkedView>,
    pub error: Option<ErrorView>,
    /// Why this desktop was logged out (shown on the linking screen until it is linked again).
    pub logged_out: Option<String>,
    /// Why this desktop is locked (the relay's unproven "logged out"): set on the Locked screen,
    /// and kept while the user looks at the data they kept (a slim bar offers to link again).
    pub locked: Option<String>,
    /// The window's title ("(3) Tandem" with unread messages): the shell puts it on the native
    /// window, the page on `document.title`. Kept up to date by [`View::with_title`].
    pub title: String,
}

impl View {
    /// Messages waiting to be read, as the window title and the tray count them: unread
    /// messages, and 1 for a chat marked unread, in chats that are neither archived nor muted.
    pub fn unread_total(&self) -> usize {
        let chats = self.linked.as_ref().map(|l| l.chats.as_slice()).unwrap_or_default();
        chats
            .iter()
            .filter(|c| !c.archived && !c.muted)
            .map(|c| if c.unread > 0 { c.unread } else { usize::from(c.marked_unread) })
            .sum()
    }

    /// The window title this view calls for: the linking screen says what to do, and unread
    /// messages are counted in front ("(3) Tandem").
    pub fn window_title(&self) -> String {
        match (&self.screen, self.unread_total()) {
            (Screen::Linking, _) => "Tandem — Link your phone".to_owned(),
            (Screen::Linked, n) if n > 0 => format!("({n}) Tandem"),
            _ => "Tandem".to_owned(),
        }
    }

    /// The view with its `title` brought up to date.
    pub fn with_title(mut self) -> Self {
        self.title = self.window_title();
        self
    }

    /// The tray icon's tooltip and its short label (empty when nothing is unread).
    pub fn tray_text(&self) -> (String, String) {
        match self.unread_total() {
            0 => ("Tandem".to_owned(), String::new()),
            1 => ("Tandem: 1 unread message".to_owned(), "1".to_owned()),
            n => (format!("Tandem: {n} unread messages"), if n > 99 { "99+".to_owned() } else { n.to_string() }),
        }
    }

    pub fn starting(app_version: &str, device_name: &str, relay_url: &str) -> Self {
        View {
            screen: Screen::Starting,
            app_version: app_version.to_owned(),
            device_name: device_name.to_owned(),
            relay_url: relay_url.to_owned(),
            connection: ConnectionView::from(&ConnectionState::Connecting),
            linking: None,
            linked: None,
            error: None,
            logged_out: None,
            locked: None,
            title: String::new(),
        }
        .with_title()
    }
}

/// The TypeScript declarations of everything the window receives, generated from these types
/// (ui/src/generated/core.ts; a test fails when that file and these types drift apart).
#[cfg(feature = "ts")]
pub fn typescript() -> String {
    use ts_rs::{Config, TS};
    fn decl<T: TS>(cfg: &Config, out: &mut String) {
        if let Some(docs) = T::docs() {
            out.push_str(&docs);
        }
        out.push_str("export ");
        out.push_str(&T::decl(cfg));
        out.push_str("\n\n");
    }
    // JSON numbers, not bigints: every integer here is far below 2^53.
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types the core sends the window (crates/client/src/desktop/view.rs).\n\
         // Do not edit: run `TANDEM_WRITE_TYPES=1 cargo test -p tandem-client --test typescript`.\n\n",
    );
    decl::<View>(&cfg, &mut out);
    decl::<Screen>(&cfg, &mut out);
    decl::<ConnectionView>(&cfg, &mut out);
    decl::<LinkingView>(&cfg, &mut out);
    decl::<LinkPhase>(&cfg, &mut out);
    decl::<LinkedView>(&cfg, &mut out);
    decl::<DeviceSummary>(&cfg, &mut out);
    decl::<tandem_proto::identity::DeviceKind>(&cfg, &mut out);
    decl::<ChatSummary>(&cfg, &mut out);
    decl::<LastMessage>(&cfg, &mut out);
    decl::<crate::history_older::ChatHistory>(&cfg, &mut out);
    decl::<OpenChat>(&cfg, &mut out);
    decl::<ChatMessage>(&cfg, &mut out);
    decl::<ImageView>(&cfg, &mut out);
    decl::<crate::history::HistoryStatus>(&cfg, &mut out);
    decl::<crate::lifecycle::InactivityWarning>(&cfg, &mut out);
    decl::<SearchResult>(&cfg, &mut out);
    decl::<ErrorView>(&cfg, &mut out);
    decl::<super::info::ChatInfo>(&cfg, &mut out);
    decl::<super::info::GroupMember>(&cfg, &mut out);
    out.trim_end().to_owned() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(unread: usize, archived: bool, muted: bool, marked_unread: bool) -> ChatSummary {
        ChatSummary {
            chat_id: "c".into(),
            title: None,
            group: false,
            last_message: None,
            archived,
            pinned: false,
            muted,
            unread,
            marked_unread,
            history: crate::history_older::ChatHistory::Live,
            request: false,
        }
    }

    /// A linked view of an account with no devices listed, holding `chats`.
    fn linked_with(chats: Vec<ChatSummary>) -> LinkedView {
        let devices = AccountDevices {
            account_id: tandem_proto::ids::AccountId::from_account_key(&[1; 32]),
            version: 1,
            devices: vec![],
        };
        LinkedView { chats, ..LinkedView::from_devices(&devices, "d") }
    }

    #[test]
    fn the_tray_counts_unread_messages_outside_archived_and_muted_chats() {
        let mut view = View::starting("1", "d", "r");
        assert_eq!(view.tray_text(), ("Tandem".to_owned(), String::new()));
        view.linked = Some(linked_with(vec![
            chat(2, false, false, false),
            chat(5, true, false, false),
            chat(7, false, true, false),
            chat(0, false, false, true),
        ]));
        assert_eq!(view.unread_total(), 3);
        assert_eq!(view.tray_text(), ("Tandem: 3 unread messages".to_owned(), "3".to_owned()));
        view.linked.as_mut().unwrap().chats = vec![chat(120, false, false, false)];
        assert_eq!(view.tray_text().1, "99+");
    }

    #[test]
    fn the_window_title_counts_the_same_unread_messages_and_names_the_linking_screen() {
        let mut view = View::starting("1", "d", "r");
        assert_eq!(view.title, "Tandem");
        view.screen = Screen::Linking;
        assert_eq!(view.window_title(), "Tandem — Link your phone");
        view.linked = Some(linked_with(vec![
            chat(2, false, false, false),
            chat(5, true, false, false),
            chat(0, false, false, true),
        ]));
        view.screen = Screen::Linked;
        let view = view.with_title();
        assert_eq!(view.title, "(3) Tandem");
        let mut read = view.clone();
        read.linked.as_mut().unwrap().chats.clear();
        assert_eq!(read.with_title().title, "Tandem");
    }
}
