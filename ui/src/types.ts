// DTOs sent by the Rust core (snake_case JSON). Hand-written for now; a later
// issue generates them from the Rust types.

export type Screen = "starting" | "linking" | "link_failed" | "linked" | "fatal";

export type ConnectionState = "online" | "connecting" | "offline";

export interface Connection {
  state: ConnectionState;
  /** When the next reconnect attempt happens (epoch ms), if one is scheduled. */
  retry_at_ms: number | null;
  message: string | null;
}

export type LinkPhase = "waiting_for_scan" | "waiting_for_approval" | "finishing";

export interface Linking {
  /** tandem://link?... — the link text the user may copy. */
  uri: string;
  /** data:image/svg+xml;base64,... rendered as an <img>. */
  qr_data_url: string;
  /** "123 456" verification code; the phone shows the same. */
  code: string;
  /** When this QR code expires (epoch ms). */
  expires_at_ms: number;
  /** 1-based index of this QR code. */
  code_number: number;
  /** After the last code expires the screen becomes link_failed (link_expired). */
  max_codes: number;
  phase: LinkPhase;
  /** How much history this QR code asks the phone for, in days; 0 means everything. */
  history_days: number;
}

/** The history ranges the linking screen offers: 3 months, 1 year (the default), everything. */
export type HistoryDays = 90 | 365 | 0;

/**
 * complete: every message the phone has of this chat is here; more_on_phone: older messages
 * remain on the phone; loading: older messages were asked for and are on their way; live: nothing
 * was said about this chat's history (a chat that began after linking).
 */
export type ChatHistory = "complete" | "more_on_phone" | "loading" | "live";

export type DeviceKind = "primary" | "desktop" | "headless";

export interface Device {
  device_id: number;
  /** Chosen on another device: untrusted text. */
  name: string;
  kind: DeviceKind;
  linked_at_ms: number;
  last_active_ms: number | null;
  this_device: boolean;
}

export interface LastMessage {
  /** Untrusted text. */
  body: string;
  outgoing: boolean;
  sent_ms: number;
}

export interface ChatSummary {
  /** The other account's id (16 lowercase base32 chars), or a group's id ("group-…"): untrusted text. */
  chat_id: string;
  /** A group's name or the contact's synced name (untrusted text); null otherwise. */
  title: string | null;
  group: boolean;
  last_message: LastMessage | null;
  /** Synced settings (the same on every device of the account). */
  archived: boolean;
  pinned: boolean;
  muted: boolean;
  unread: number;
  /** The user marked the chat unread on some device of the account (cleared when it is read anywhere). */
  marked_unread: boolean;
  history: ChatHistory;
}

/**
 * Outgoing: queued → sent → delivered → read. Incoming: received → read; "waiting" (could not be
 * decrypted yet, asked again: the body says why) → received, or "failed" after 5 requests.
 * "event": a chat event (e.g. the contact's devices changed).
 */
export type MessageState = "queued" | "sent" | "delivered" | "read" | "received" | "waiting" | "failed" | "event";

export interface ChatMessage {
  message_id: string;
  /** The sending account's id; "" for events. */
  sender: string;
  outgoing: boolean;
  /** Untrusted text: rendered as text with its newlines kept, never as HTML. */
  body: string;
  sent_ms: number;
  state: MessageState;
  /** A photo sent with the message; null for text only. */
  image: ImageView | null;
}

export interface ImageView {
  /** The full file's id (untrusted text): what fetchMedia and getMedia take. */
  media_id: string;
  /** The full image's size in pixels. */
  width: number;
  height: number;
  /** The full file's size in bytes. */
  size: number;
  /** data:image/jpeg;base64,… at most 96 px: shown only if it starts with "data:image/". */
  thumbnail_data_url: string;
  /** The full file is on this computer (getMedia returns it). */
  held: boolean;
}

/** One message found by `search`. */
export interface SearchResult {
  chat_id: string;
  /** A group's name or the contact's synced name (untrusted text); null otherwise. */
  title: string | null;
  message_id: string;
  outgoing: boolean;
  sent_ms: number;
  /** Untrusted text around the match; the matched words are wrapped in [brackets]. */
  snippet: string;
}

export interface OpenChat {
  chat_id: string;
  /** A group's name (untrusted text); null for a chat with one account. */
  title: string | null;
  /** A group's member account ids; empty for a chat with one account. */
  members: string[];
  archived: boolean;
  pinned: boolean;
  muted: boolean;
  /** Set when the chat is muted until a set time (epoch ms); null when not muted or muted until unmuted. */
  muted_until_ms: number | null;
  /** The newest messages, oldest first: a page at a time (showEarlier adds a page). */
  messages: ChatMessage[];
  /** How many messages the chat holds on this computer (more than shown: "Show earlier"). */
  total_messages: number;
  history: ChatHistory;
}

export interface Linked {
  account_id: string;
  device_id: number;
  device_name: string;
  device_list_version: number;
  devices: Device[];
  chats: ChatSummary[];
  open_chat: OpenChat | null;
  /** The phone has been offline so long that this desktop will be logged out soon. */
  inactivity_warning: InactivityWarning | null;
  /** History sync from the phone, once it started. */
  history: HistoryStatus | null;
  /** The key for synced settings has arrived from the phone (pin, archive and mute work). */
  settings_ready: boolean;
  /** The user's profile name, synced across the account's devices (untrusted text); null until set. */
  profile_name: string | null;
}

export interface InactivityWarning {
  /** When the phone was last online (epoch ms), if known. */
  primary_last_active_ms: number | null;
  /** When this desktop will be logged out unless the phone comes online (epoch ms). */
  logout_at_ms: number;
  /** Written by the core; always shown. */
  message: string;
}

export interface HistoryStatus {
  chunks_total: number;
  chunks_announced: number;
  chunks_imported: number;
  chunks_failed: number;
  messages_total: number;
  messages_imported: number;
  state: "none" | "syncing" | "complete" | "failed";
  /** Why chunks were refused (untrusted text). */
  failures: string[];
  /** Chats whose older history remains on the phone. */
  partial_chats: string[];
  /** Chats whose older messages were asked for and are on their way. */
  loading_older: string[];
  /** When the sync started (epoch ms). */
  started_ms: number;
  /** While syncing: about how long the rest takes, at the pace so far (seconds). */
  seconds_left: number | null;
}

/** Codes the UI switches on. Unknown codes are possible and must be handled. */
export type ErrorCode =
  | "link_expired"
  | "link_used"
  | "link_declined"
  | "wrong_hmac"
  | "bad_signature"
  | "tampered_link"
  | "companion_limit"
  | "relay_unreachable"
  | "invalid_data"
  | "not_found"
  | "keychain_unavailable"
  | "database_unreadable"
  | "no_other_device"
  | "not_applicable"
  | "no_app_state_key"
  | "internal";

export interface ErrorInfo {
  code: string;
  /** Written by the core to say what to do; always shown. */
  message: string;
}

export interface View {
  screen: Screen;
  /** This app's version, shown in About. */
  app_version: string;
  /** This desktop's name. */
  device_name: string;
  relay_url: string;
  connection: Connection;
  linking: Linking | null;
  linked: Linked | null;
  /** Set on link_failed and fatal screens. */
  error: ErrorInfo | null;
  /** Why this desktop was logged out (its data here was deleted); shown until it is linked again. */
  logged_out: string | null;
}
