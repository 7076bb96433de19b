// The ONLY module that talks to Tauri. Everything else gets a `Backend`, so
// views are tested with a plain fake object.
import { Channel, invoke, type InvokeArgs } from "@tauri-apps/api/core";
import { toAppError } from "./errors";
import type { ChatInfo, HistoryDays, SearchResult, View } from "./types";

export { AppError } from "./errors";

export interface Backend {
  getView(): Promise<View>;
  /** Registers `onView`, called with every new View the core pushes. */
  subscribe(onView: (v: View) => void): Promise<void>;
  restartLinking(): Promise<void>;
  refreshDevices(): Promise<void>;
  /** Opens the chat with `chatId`; the core pushes a View with `open_chat` set. */
  openChat(chatId: string): Promise<void>;
  /** Sends (or queues, while offline) `text` to `chatId`; the core pushes a View. */
  sendMessage(chatId: string, text: string): Promise<void>;
  /**
   * Verifies the account's devices, then the core opens that chat.
   * Errors: invalid_data (malformed id), not_found / relay_error (unknown
   * account), relay_unreachable, bad_signature.
   */
  addContact(accountId: string): Promise<void>;
  /** Logs this desktop out; it wipes itself and the core pushes the linking screen. */
  logOut(): Promise<void>;
  /** Archives, pins or mutes a chat on every device of the account; the core pushes a View. */
  chatAction(chatId: string, action: ChatAction): Promise<void>;
  /**
   * How much history the QR code asks the phone for (days; 0: everything). Only while the code
   * waits for a scan (else not_applicable); the core then shows a new code asking for that range.
   */
  setHistoryRange(days: HistoryDays): Promise<void>;
  /**
   * Asks the account's other devices for the chat's older messages: a View with the chat's
   * history "loading" follows, later the messages. Errors: no_other_device, not_applicable.
   */
  loadOlder(chatId: string): Promise<void>;
  /**
   * Moves the open chat's window of messages (at most 200) to leave out its `newerHidden`
   * newest: the list scrolled there. The core pushes a View with that window.
   */
  showMessages(chatId: string, newerHidden: number): Promise<void>;
  /** Opens a chat with its window around `messageId` (a search result). Errors: not_found. */
  openChatAt(chatId: string, messageId: string): Promise<void>;
  /** A desktop notification (plain text). Errors: notification_failed (no notification service). */
  notify(title: string, body: string): Promise<void>;
  /**
   * Sets the user's profile name on every device of the account; the core pushes a View. Errors:
   * invalid_data (empty, longer than 64 characters, or control characters), no_app_state_key (the
   * settings key has not arrived from the phone yet), relay_unreachable.
   */
  setProfileName(name: string): Promise<void>;
  /**
   * Asks the account's other devices for the full file of an image; a later View shows it with
   * `held: true`.
   */
  fetchMedia(mediaId: string): Promise<void>;
  /** The full image as a data: URL (image/png or image/jpeg). Errors: not_found (not here yet). */
  getMedia(mediaId: string): Promise<string>;
  /**
   * Messages containing every word of `query` (`word*` matches a prefix), newest first; an
   * empty query finds nothing.
   */
  search(query: string): Promise<SearchResult[]>;
  /**
   * Sends a photo (PNG or JPEG, at most 5 MiB; `base64` is the file's bytes in standard base64)
   * with an optional caption. The core encrypts the file, uploads it to the relay and sends each
   * device its key; the core pushes a View with the message. Errors: invalid_data (not a PNG or
   * JPEG, damaged, or larger than 5 MiB), too_large, relay_unreachable.
   */
  sendImage(chatId: string, base64: string, caption: string): Promise<void>;
  /**
   * The info panel of a chat: for a contact the safety number and their devices, for a group its
   * members. Errors: relay_unreachable, bad_signature, not_linked.
   */
  chatInfo(chatId: string): Promise<ChatInfo>;
  /**
   * Opens an http(s) link in the user's browser (call it only after the user confirmed).
   * Errors: invalid_data (not an http or https URL), open_failed.
   */
  openLink(url: string): Promise<void>;
  /** Hides the view's `notice` (the core pushes a View without it). */
  dismissNotice(): Promise<void>;
  /**
   * Accepts the message request of `account` (their chat's `request` turns false, receipts go
   * out); the core pushes a View. Errors: invalid_data, relay_unreachable, not_linked.
   */
  acceptRequest(account: string): Promise<void>;
  /**
   * Blocks `account` on every device of this account and at the relay; the core pushes a View
   * with it in `linked.blocked`. Errors: invalid_data, no_app_state_key, relay_unreachable.
   */
  block(account: string): Promise<void>;
  /** Unblocks `account` (everywhere); the core pushes a View. Errors: as for block. */
  unblock(account: string): Promise<void>;
  /**
   * Locked screen → "Link again": this desktop's device identity is replaced (its messages are
   * kept) and the linking screen follows. Errors: not_locked.
   */
  relinkLocked(): Promise<void>;
  /** Locked screen → "Keep my data for now": the chats stay readable, offline. */
  keepLockedData(): Promise<void>;
  /**
   * After the database key was lost from the keychain ("key_missing"): the unreadable database
   * is deleted and the linking screen follows. Errors: not_applicable.
   */
  relinkAfterKeyLoss(): Promise<void>;
}

/**
 * "mute": until unmuted; "mute_8h" and "mute_week": for 8 hours or a week. "mark_unread": marks the
 * chat unread on every device (the core also closes it if it is open).
 */
export type ChatAction =
  | "archive"
  | "unarchive"
  | "pin"
  | "unpin"
  | "mute"
  | "mute_8h"
  | "mute_week"
  | "unmute"
  | "mark_unread";

/** invoke() with rejections converted to AppError. */
async function call<T>(cmd: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

export const tauriBackend: Backend = {
  getView: () => call<View>("get_view"),
  async subscribe(onView) {
    const ch = new Channel<View>();
    ch.onmessage = onView;
    await call<void>("subscribe_view", { onView: ch });
  },
  restartLinking: () => call<void>("restart_linking"),
  refreshDevices: () => call<void>("refresh_devices"),
  openChat: (chatId) => call<void>("open_chat", { chatId }),
  sendMessage: (chatId, text) => call<void>("send_message", { chatId, text }),
  addContact: (accountId) => call<void>("add_contact", { accountId }),
  logOut: () => call<void>("log_out"),
  chatAction: (chatId, action) => call<void>("chat_action", { chatId, action }),
  setHistoryRange: (days) => call<void>("set_history_range", { days }),
  loadOlder: (chatId) => call<void>("load_older", { chatId }),
  showMessages: (chatId, newerHidden) => call<void>("show_messages", { chatId, newerHidden }),
  openChatAt: (chatId, messageId) => call<void>("open_chat_at", { chatId, messageId }),
  notify: (title, body) => call<void>("notify", { title, body }),
  setProfileName: (name) => call<void>("set_profile_name", { name }),
  fetchMedia: (mediaId) => call<void>("fetch_media", { mediaId }),
  getMedia: (mediaId) => call<string>("get_media", { mediaId }),
  search: (query) => call<SearchResult[]>("search", { query }),
  sendImage: (chatId, base64, caption) => call<void>("send_image", { chatId, base64, caption }),
  chatInfo: (chatId) => call<ChatInfo>("chat_info", { chatId }),
  openLink: (url) => call<void>("open_web_link", { url }),
  dismissNotice: () => call<void>("dismiss_notice"),
  acceptRequest: (account) => call<void>("accept_request", { account }),
  block: (account) => call<void>("block", { account }),
  unblock: (account) => call<void>("unblock", { account }),
  relinkLocked: () => call<void>("relink_locked"),
  keepLockedData: () => call<void>("keep_locked_data"),
  relinkAfterKeyLoss: () => call<void>("relink_after_key_loss"),
};
