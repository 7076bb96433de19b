// Generated from the Rust types the core sends the window (crates/client/src/desktop/view.rs).
// Do not edit: run `TANDEM_WRITE_TYPES=1 cargo test -p tandem-client --test typescript`.

export type View = { screen: Screen, 
/**
 * This app's version (the About section shows it).
 */
app_version: string, device_name: string, relay_url: string, connection: ConnectionView, linking: LinkingView | null, linked: LinkedView | null, error: ErrorView | null, 
/**
 * Why this desktop was logged out (shown on the linking screen until it is linked again).
 */
logged_out: string | null, 
/**
 * Why this desktop is locked (the relay's unproven "logged out"): set on the Locked screen,
 * and kept while the user looks at the data they kept (a slim bar offers to link again).
 */
locked: string | null, 
/**
 * The window's title ("(3) Tandem" with unread messages): the shell puts it on the native
 * window, the page on `document.title`. Kept up to date by [`View::with_title`].
 */
title: string, };

export type Screen = "starting" | "linking" | "link_failed" | "linked" | "locked" | "fatal";

export type ConnectionView = { state: string, retry_at_ms: number | null, message: string | null, };

export type LinkingView = { uri: string, qr_data_url: string, code: string, expires_at_ms: number, code_number: number, max_codes: number, phase: LinkPhase, 
/**
 * How much history this code asks the phone for, in days (0: everything).
 */
history_days: number, };

export type LinkPhase = "waiting_for_scan" | "waiting_for_approval" | "finishing";

export type LinkedView = { account_id: string, device_id: number, device_name: string, device_list_version: number, devices: Array<DeviceSummary>, chats: Array<ChatSummary>, open_chat: OpenChat | null, 
/**
 * The phone has been offline long enough that this desktop will be logged out.
 */
inactivity_warning: InactivityWarning | null, 
/**
 * History sync from the phone, once it started.
 */
history: HistoryStatus | null, 
/**
 * The key for synced settings has arrived from the phone (pin, archive, mute work).
 */
settings_ready: boolean, 
/**
 * The user's profile name (synced; `None` until set on a device of the account).
 */
profile_name: string | null, 
/**
 * Something to tell the user until they dismiss it or open a chat (a `tandem://` link
 * that could not be followed), with its code.
 */
notice: ErrorView | null, 
/**
 * How much history this desktop asked its phone for when it was linked (days; 0:
 * everything; `None`: not known).
 */
history_days: number | null, 
/**
 * An account a `tandem://chat` link named that is not a contact yet: the window offers to
 * start the chat (a link never starts one by itself).
 */
suggested_chat: string | null, 
/**
 * Accounts this account blocked (synced), for Settings → Blocked.
 */
blocked: Array<string>, };

export type DeviceSummary = { device_id: number, name: string, kind: DeviceKind, linked_at_ms: number, last_active_ms: number | null, this_device: boolean, 
/**
 * The relay says this device was logged out, and no list signed by the phone says so yet:
 * unverified. It is left out of sends meanwhile; shown so the user can decide (unlink it).
 */
relay_says_logged_out: boolean, };

export type DeviceKind = "primary" | "desktop" | "headless";

export type ChatSummary = { chat_id: string, 
/**
 * A group's name, or the contact's synced display name; `None` otherwise.
 */
title: string | null, 
/**
 * Whether the chat is a group.
 */
group: boolean, last_message: LastMessage | null, 
/**
 * Synced settings (the same on every device of the account).
 */
archived: boolean, pinned: boolean, muted: boolean, unread: number, 
/**
 * The user marked the chat unread (on any device of the account).
 */
marked_unread: boolean, 
/**
 * Whether the chat's past messages are all here.
 */
history: ChatHistory, 
/**
 * A message request: someone not in the contacts wrote first (no receipts until accepted).
 */
request: boolean, };

export type LastMessage = { body: string, outgoing: boolean, sent_ms: number, };

/**
 * A chat's history on this device, as the chat list and `chats --json` show it.
 */
export type ChatHistory = "complete" | "more_on_phone" | "loading" | "live";

export type OpenChat = { chat_id: string, 
/**
 * A group's name; `None` for a chat with one account.
 */
title: string | null, archived: boolean, pinned: boolean, muted: boolean, 
/**
 * A group's members (account ids); empty for a chat with one account.
 */
members: Array<string>, 
/**
 * A window of the chat's messages, oldest first (at most 200; the list scrolls through the
 * rest by asking for another window, `show_messages`).
 */
messages: Array<ChatMessage>, 
/**
 * How many messages this chat holds on this computer.
 */
total_messages: number, 
/**
 * How many of them are newer than the window (0: the window ends with the newest).
 */
newer_hidden: number, 
/**
 * Whether older messages remain on the phone ("Load older messages").
 */
history: ChatHistory, 
/**
 * When the chat is muted until a set time (`None`: not muted, or until unmuted).
 */
muted_until_ms: number | null, 
/**
 * A message request: the window offers Accept and Block (no receipts until accepted).
 */
request: boolean, };

export type ChatMessage = { message_id: string, 
/**
 * The sending account (empty for events).
 */
sender: string, outgoing: boolean, body: string, sent_ms: number, state: string, image: ImageView | null, };

/**
 * An image in a message: its thumbnail (shown at once) and whether the full file is here.
 */
export type ImageView = { media_id: string, width: number, height: number, size: number, 
/**
 * `data:image/jpeg;base64,…` (at most 96 px a side), re-encoded in Rust from the decoded
 * pixels of the thumbnail that came with the message; empty when it is refused.
 */
thumbnail_data_url: string, 
/**
 * Why the thumbnail is not shown ("this image could not be shown"): `image_too_large`
 * (over the decoding limits: a decompression bomb) or `image_unreadable`.
 */
refused: ErrorView | null, 
/**
 * The full file is on this device (`get_media` returns it); otherwise `fetch_media` asks
 * the account's other devices for it.
 */
held: boolean, };

/**
 * Where history sync stands on a companion.
 */
export type HistoryStatus = { 
/**
 * "none" (nothing announced yet), "syncing", "complete", or "failed" (some chunks refused).
 */
state: string, failures: Array<string>, 
/**
 * Chats whose history is only partly here (more remains on the phone).
 */
partial_chats: Array<string>, 
/**
 * Chats whose older messages were asked for and have not arrived yet.
 */
loading_older: Array<string>, 
/**
 * While syncing: about how long the rest takes, at the pace so far (seconds).
 */
seconds_left: number | null, chunks_total: number, chunks_announced: number, chunks_imported: number, chunks_failed: number, messages_total: number, messages_imported: number, 
/**
 * When the bundle's first chunk was announced (ms).
 */
started_ms: number, };

/**
 * The phone has been offline long enough that this companion will be logged out.
 */
export type InactivityWarning = { primary_last_active_ms: number | null, logout_at_ms: number, message: string, };

/**
 * One search result: where it is, and a snippet with the matched words in [brackets].
 */
export type SearchResult = { chat_id: string, 
/**
 * A group's name or the contact's synced name.
 */
title: string | null, message_id: string, outgoing: boolean, sent_ms: number, snippet: string, };

/**
 * An error as the UI sees it: a code to switch on and a message that says what to do.
 */
export type ErrorView = { code: string, message: string, };

/**
 * What the info panel of a chat shows.
 */
export type ChatInfo = { chat_id: string, 
/**
 * The group's name (`None` for a one-to-one chat).
 */
title: string | null, group: boolean, 
/**
 * One-to-one chats: 60 digits in 12 groups of 5, over both accounts' keys and all their
 * devices (it changes when either side adds a device).
 */
safety_number: string | null, 
/**
 * One-to-one chats: the contact's devices, from their signed device list.
 */
devices: Array<DeviceSummary>, 
/**
 * Groups: the members, the admin first.
 */
members: Array<GroupMember>, };

/**
 * A group member, as the info panel lists it.
 */
export type GroupMember = { account_id: string, 
/**
 * The member who signs the group's membership.
 */
admin: boolean, 
/**
 * This account.
 */
you: boolean, };
