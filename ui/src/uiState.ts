// The UI's own state (the store the components draw from, with the View): what the user typed,
// what is open, and the outcome of commands. Message data never lives here: it comes from the View.
import type { ShortcutHandlers } from "./shortcuts";
import { ScrollWindows } from "./views/messageWindow";
import type { RequestState } from "./views/requests";
import type { ChatInfo, SearchResult } from "./types";

/** A photo picked, pasted or dropped into the composer, waiting to be sent. */
export interface Attachment {
  name: string;
  /** Bytes. */
  size: number;
  /** data:image/png;base64,… or data:image/jpeg;base64,… (the file's bytes). */
  dataUrl: string;
}

export interface ComposerState {
  draft: string;
  /** A sendMessage or sendImage call is in flight (the draft is read-only meanwhile). */
  sending: boolean;
  /** Shown under the composer; "" for none. */
  error: string;
  /** The photo to send with the text (as its caption); null for none. */
  attachment: Attachment | null;
  /** Why a file was refused, shown above the composer; "" for none. */
  attachError: string;
  /** Counts files being read: only the newest one's contents are kept. */
  readSeq: number;
  /** The emoji picker is open. */
  emojiOpen: boolean;
}

/** The chat info panel of the open chat. */
export interface ChatInfoState {
  chatId: string;
  /** A chatInfo call is in flight. */
  loading: boolean;
  info: ChatInfo | null;
  error: { code: string; message: string } | null;
}

/** "Open this link in your browser?" for a link in a message. */
export interface LinkConfirmState {
  /** The (normalized) http(s) URL that Open hands to the browser. */
  url: string;
  /** Where focus goes back to: the link's message and its index among that message's links. */
  messageId: string;
  index: number;
  /** An openLink call is in flight. */
  busy: boolean;
  error: string;
}

export interface NewChatState {
  text: string;
  busy: boolean;
  error: string;
  /** The account a tandem:// link offered, once put into the box (so edits are kept). */
  offered?: string;
}

/** The linking screen's history range choice. */
export interface HistoryRangeState {
  /** The range just chosen, shown checked until a View asks for it (or the call fails). */
  pending: number | null;
  /** Why the last change failed; "" for none. */
  error: string;
  /** The QR code (its link text) the error belongs to: a new code clears it. */
  uri: string;
}

/** "Load older messages" in one chat. */
export interface OlderState {
  /** A loadOlder call is in flight. */
  busy: boolean;
  error: string;
  /** The button had focus when clicked: move focus to the status that replaces it. */
  refocus: boolean;
}

/** The profile name form in Settings. */
export interface ProfileState {
  /** What the user typed; null while untouched (the field shows the current name). */
  draft: string | null;
  /** A setProfileName call is in flight. */
  busy: boolean;
  /** Why the last save failed; "" for none. */
  error: string;
  /** The last save succeeded (until the field is edited again). */
  saved: boolean;
}

/** The image of one message (keyed by chat and message id). */
export interface ImageState {
  /** fetchMedia was asked for: open the image once a View says it is here (if its chat is still open). */
  waiting: boolean;
  /** getMedia found nothing although the View said held: wait for a View saying not held first. */
  needsUpdate: boolean;
  /** A fetchMedia or getMedia call is in flight. */
  busy: boolean;
  /** Shown under the thumbnail; "" for none. */
  error: string;
  /** The image asked for and its description ("" until it is asked for). */
  mediaId: string;
  alt: string;
}

/** The full image shown in the image viewer. */
export interface ViewerState {
  chatId: string;
  messageId: string;
  /** A data:image/… URL from getMedia. */
  url: string;
  alt: string;
}

/** The message search above the chat list. */
export interface SearchState {
  query: string;
  /** The newest answer; null before any (or after the query was cleared). */
  results: SearchResult[] | null;
  /** A search is due or in flight. */
  busy: boolean;
  error: string;
  /** The pending debounce timer. */
  timer: ReturnType<typeof setTimeout> | null;
  /** Counts searches: only the newest one's answer is shown. */
  seq: number;
}

export type SidebarPage = "chats" | "devices";

export type ChatFilter = "all" | "unread" | "groups"; // which chats the chat list shows

export type { RefreshOptions } from "./refreshOptions";
import type { RefreshOptions } from "./refreshOptions";

export class UiState {
  readonly newChat: NewChatState = { text: "", busy: false, error: "" };
  /** Error from openChat, shown under the chat list; "" for none. */
  chatListError = "";
  /** What the left pane shows: the chats, or the linked devices (the main menu opens them). */
  sidebarPage: SidebarPage = "chats";
  /** The new-chat box is open at the top of the chat list. */
  newChatOpen = false;
  /** History sync ran (or the window linked) in this session; the user dismissed the bar that says it ended. */
  readonly historyBar = { news: false, dismissed: false };
  /** The open chat's overflow menu is open; why its last change failed ("" for none). */
  chatMenuOpen = false;
  chatActionError = "";
  showArchived = false; // the archived chats are shown
  chatFilter: ChatFilter = "all";
  /** The "log out of this desktop" confirmation is showing. */
  confirmingLogOut = false;
  /** Error from logOut, shown beside the button; "" for none. */
  logOutError = "";
  settingsOpen = false; // the Settings panel
  readonly profile: ProfileState = { draft: null, busy: false, error: "", saved: false };
  readonly historyRange: HistoryRangeState = { pending: null, error: "", uri: "" };
  readonly search: SearchState = { query: "", results: null, busy: false, error: "", timer: null, seq: 0 };
  /** The image viewer; null while closed. */
  viewer: ViewerState | null = null;
  /** The chat info panel; null while closed. */
  chatInfo: ChatInfoState | null = null;
  /** The link confirmation dialog; null while closed. */
  linkConfirm: LinkConfirmState | null = null;
  /** A search result was opened: show this message once its chat is on screen. */
  jumpTo: { chatId: string; messageId: string } | null = null;
  /** The message a search result opened, highlighted until another chat opens. */
  found: { chatId: string; messageId: string } | null = null;
  /** The chat open on screen at the last render. */
  openChatId: string | null = null;
  /** Accounts with an unblock call in flight, and why the last unblock failed ("" for none). */
  readonly unblocking = new Set<string>();
  unblockError = "";
  /** The Locked screen's choice: a call is in flight; why it failed ("" for none). */
  readonly locked = { busy: false, error: "" };
  /** A request was accepted: focus this chat's composer once it shows. */
  focusComposerFor: string | null = null;
  /** What the document-level keyboard shortcuts do on the current screen; null: nothing. */
  shortcuts: ShortcutHandlers | null = null;
  private readonly olders = new Map<string, OlderState>();
  private readonly requests = new Map<string, RequestState>();
  private readonly images = new Map<string, ImageState & { chatId: string }>();
  private readonly composers = new Map<string, ComposerState>();
  private readonly scrollTops = new Map<string, number>();
  /** Where each chat's virtualized message list is (views/messageWindow.ts). */
  readonly scrollWindows = new ScrollWindows();
  private readonly lastMessageIds = new Map<string, string>();

  /**
   * Re-applies this state to whatever is on screen now. Each render of the
   * linked screen replaces it, so a command that finishes after a re-render
   * still updates the live elements rather than detached ones.
   */
  refresh: (opts?: RefreshOptions) => void = () => {};

  composer(chatId: string): ComposerState {
    let c = this.composers.get(chatId);
    if (!c) {
      c = { draft: "", sending: false, error: "", attachment: null, attachError: "", readSeq: 0, emojiOpen: false };
      this.composers.set(chatId, c);
    }
    return c;
  }

  request(chatId: string): RequestState {
    let r = this.requests.get(chatId);
    if (!r) {
      r = { confirmingBlock: false, busy: false, error: "" };
      this.requests.set(chatId, r);
    }
    return r;
  }

  older(chatId: string): OlderState {
    let o = this.olders.get(chatId);
    if (!o) {
      o = { busy: false, error: "", refocus: false };
      this.olders.set(chatId, o);
    }
    return o;
  }

  image(chatId: string, messageId: string): ImageState {
    const key = `${chatId}\n${messageId}`;
    let st = this.images.get(key);
    if (!st) {
      st = { chatId, waiting: false, needsUpdate: false, busy: false, error: "", mediaId: "", alt: "" };
      this.images.set(key, st);
    }
    return st;
  }

  /** The images of a chat waiting to open once they arrive, by message id. */
  waitingImages(chatId: string): [string, ImageState][] {
    const found: [string, ImageState][] = [];
    for (const [key, st] of this.images) {
      if (st.waiting && st.chatId === chatId) found.push([key.slice(chatId.length + 1), st]);
    }
    return found;
  }

  /**
   * Notes the chat now on screen. Leaving a chat gives up waiting to open its images, and closes
   * the image viewer and the info panel of another chat.
   */
  setOpenChat(chatId: string | null): void {
    if (this.openChatId !== chatId) {
      this.chatMenuOpen = false;
      this.chatActionError = "";
    }
    this.openChatId = chatId;
    if (this.chatInfo !== null && this.chatInfo.chatId !== chatId) this.chatInfo = null;
    for (const st of this.images.values()) if (st.chatId !== chatId) st.waiting = false;
    if (this.viewer !== null && this.viewer.chatId !== chatId) this.viewer = null;
  }

  /** Empties the search box and forgets its results (and any search still due). */
  clearSearch(): void {
    const s = this.search;
    if (s.timer !== null) clearTimeout(s.timer);
    s.timer = null;
    s.query = "";
    s.results = null;
    s.busy = false;
    s.error = "";
    s.seq++;
  }

  saveScroll(chatId: string, top: number): void {
    this.scrollTops.set(chatId, top);
  }

  /** A chat opened again starts at its newest messages (the core's window does too). */
  forgetScroll(chatId: string): void {
    this.scrollTops.delete(chatId);
    this.scrollWindows.forget(chatId);
  }

  savedScroll(chatId: string): number | undefined {
    return this.scrollTops.get(chatId);
  }

  /** Records the newest message id of a chat; true if it changed (new messages). */
  noteLastMessage(chatId: string, messageId: string): boolean {
    const changed = this.lastMessageIds.get(chatId) !== messageId;
    this.lastMessageIds.set(chatId, messageId);
    return changed;
  }
}
