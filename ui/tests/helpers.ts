import { vi } from "vitest";
import { createApp, type App, type AppOptions } from "../src/app";
import type { Backend, ChatAction } from "../src/backend";
import type {
  ChatInfo,
  ChatMessage,
  ChatSummary,
  Device,
  HistoryDays,
  ImageView,
  Linked,
  Linking,
  OpenChat,
  SearchResult,
  View,
} from "../src/types";

export const NOW = Date.UTC(2025, 2, 4, 12, 0, 0);

/** A 1×1 PNG, what getMedia returns in tests. */
export const FULL_IMAGE =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

export const THUMB = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2w==";

export const QR = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=";

export interface FakeBackend extends Backend {
  push(v: View): void;
  getView: ReturnType<typeof vi.fn<() => Promise<View>>>;
  restartLinking: ReturnType<typeof vi.fn<() => Promise<void>>>;
  refreshDevices: ReturnType<typeof vi.fn<() => Promise<void>>>;
  openChat: ReturnType<typeof vi.fn<(chatId: string) => Promise<void>>>;
  sendMessage: ReturnType<typeof vi.fn<(chatId: string, text: string) => Promise<void>>>;
  addContact: ReturnType<typeof vi.fn<(accountId: string) => Promise<void>>>;
  logOut: ReturnType<typeof vi.fn<() => Promise<void>>>;
  chatAction: ReturnType<typeof vi.fn<(chatId: string, action: ChatAction) => Promise<void>>>;
  setHistoryRange: ReturnType<typeof vi.fn<(days: HistoryDays) => Promise<void>>>;
  loadOlder: ReturnType<typeof vi.fn<(chatId: string) => Promise<void>>>;
  setProfileName: ReturnType<typeof vi.fn<(name: string) => Promise<void>>>;
  fetchMedia: ReturnType<typeof vi.fn<(mediaId: string) => Promise<void>>>;
  getMedia: ReturnType<typeof vi.fn<(mediaId: string) => Promise<string>>>;
  search: ReturnType<typeof vi.fn<(query: string) => Promise<SearchResult[]>>>;
  sendImage: ReturnType<typeof vi.fn<(chatId: string, base64: string, caption: string) => Promise<void>>>;
  chatInfo: ReturnType<typeof vi.fn<(chatId: string) => Promise<ChatInfo>>>;
  openLink: ReturnType<typeof vi.fn<(url: string) => Promise<void>>>;
  dismissNotice: ReturnType<typeof vi.fn<() => Promise<void>>>;
  acceptRequest: ReturnType<typeof vi.fn<(account: string) => Promise<void>>>;
  block: ReturnType<typeof vi.fn<(account: string) => Promise<void>>>;
  unblock: ReturnType<typeof vi.fn<(account: string) => Promise<void>>>;
  relinkLocked: ReturnType<typeof vi.fn<() => Promise<void>>>;
  keepLockedData: ReturnType<typeof vi.fn<() => Promise<void>>>;
  relinkAfterKeyLoss: ReturnType<typeof vi.fn<() => Promise<void>>>;
}

/** A plain object implementing Backend; `push` plays the core sending a View. */
export function fakeBackend(initial: View = baseView()): FakeBackend {
  let listener: ((v: View) => void) | null = null;
  return {
    getView: vi.fn(async () => initial),
    async subscribe(onView) {
      listener = onView;
    },
    restartLinking: vi.fn(async () => {}),
    refreshDevices: vi.fn(async () => {}),
    openChat: vi.fn(async (_chatId: string) => {}),
    sendMessage: vi.fn(async (_chatId: string, _text: string) => {}),
    addContact: vi.fn(async (_accountId: string) => {}),
    logOut: vi.fn(async () => {}),
    chatAction: vi.fn(async (_chatId: string, _action: ChatAction) => {}),
    setHistoryRange: vi.fn(async (_days: HistoryDays) => {}),
    loadOlder: vi.fn(async (_chatId: string) => {}),
    setProfileName: vi.fn(async (_name: string) => {}),
    fetchMedia: vi.fn(async (_mediaId: string) => {}),
    getMedia: vi.fn(async (_mediaId: string) => FULL_IMAGE),
    search: vi.fn(async (_query: string): Promise<SearchResult[]> => []),
    showMessages: vi.fn(async (_chatId: string, _newerHidden: number) => {}),
    openChatAt: vi.fn(async (_chatId: string, _messageId: string) => {}),
    notify: vi.fn(async (_title: string, _body: string) => {}),
    sendImage: vi.fn(async (_chatId: string, _base64: string, _caption: string) => {}),
    chatInfo: vi.fn(async (chatId: string): Promise<ChatInfo> => chatInfo({ chat_id: chatId })),
    openLink: vi.fn(async (_url: string) => {}),
    dismissNotice: vi.fn(async () => {}),
    acceptRequest: vi.fn(async (_account: string) => {}),
    block: vi.fn(async (_account: string) => {}),
    unblock: vi.fn(async (_account: string) => {}),
    relinkLocked: vi.fn(async () => {}),
    keepLockedData: vi.fn(async () => {}),
    relinkAfterKeyLoss: vi.fn(async () => {}),
    push(v) {
      listener?.(v);
    },
  };
}

export function baseView(over: Partial<View> = {}): View {
  return {
    screen: "starting",
    app_version: "1.2.3",
    device_name: "Work laptop",
    relay_url: "wss://relay.example.test",
    connection: { state: "online", retry_at_ms: null, message: null },
    linking: null,
    linked: null,
    error: null,
    logged_out: null,
    locked: null,
    title: "Tandem",
    ...over,
  };
}

export function linkingView(over: Partial<Linking> = {}): View {
  return baseView({
    screen: "linking",
    title: "Tandem — Link your phone",
    linking: {
      uri: "tandem://link?v=1&k=abc",
      qr_data_url: QR,
      code: "123 456",
      expires_at_ms: NOW + 42_000,
      code_number: 2,
      max_codes: 6,
      phase: "waiting_for_scan",
      history_days: 365,
      ...over,
    },
  });
}

export function device(over: Partial<Device> = {}): Device {
  return {
    device_id: 1,
    name: "Pixel",
    kind: "primary",
    linked_at_ms: NOW - 86_400_000,
    last_active_ms: NOW - 10_000,
    this_device: false,
    relay_says_logged_out: false,
    ...over,
  };
}

export function linkedView(devices: Device[], over: Partial<Linked> = {}): View {
  return baseView({
    screen: "linked",
    linked: {
      account_id: "acct_7f3a",
      device_id: 2,
      device_name: "Work laptop",
      device_list_version: 3,
      devices,
      chats: [],
      open_chat: null,
      inactivity_warning: null,
      history: null,
      settings_ready: true,
      profile_name: null,
      notice: null,
      history_days: null,
      suggested_chat: null,
      blocked: [],
      ...over,
    },
  });
}

export const CHAT_A = "abcdefghijklmnop";
export const CHAT_B = "qrstuvwxyz234567";

export function chatSummary(
  chat_id: string,
  last: ChatSummary["last_message"] = null,
  over: Partial<ChatSummary> = {},
): ChatSummary {
  return {
    chat_id,
    title: null,
    group: false,
    last_message: last,
    archived: false,
    pinned: false,
    muted: false,
    unread: 0,
    marked_unread: false,
    history: "live",
    request: false,
    ...over,
  };
}

/** The open chat `chat_id` with `messages` (oldest first): not pinned, archived or muted. */
export function openChat(chat_id: string, messages: ChatMessage[] = [], over: Partial<OpenChat> = {}): OpenChat {
  return {
    chat_id,
    title: null,
    members: [],
    archived: false,
    pinned: false,
    muted: false,
    muted_until_ms: null,
    messages,
    total_messages: messages.length,
    newer_hidden: 0,
    history: "live",
    request: false,
    ...over,
  };
}

export function message(over: Partial<ChatMessage> = {}): ChatMessage {
  return {
    message_id: "m1",
    sender: "",
    outgoing: false,
    body: "Hello",
    sent_ms: NOW - 60_000,
    state: "received",
    image: null,
    ...over,
  };
}

export function image(over: Partial<ImageView> = {}): ImageView {
  return {
    media_id: "media-1",
    width: 1600,
    height: 1200,
    size: 250_000,
    thumbnail_data_url: THUMB,
    refused: null,
    held: true,
    ...over,
  };
}

/** A safety number: 12 groups of 5 digits. */
export const SAFETY_NUMBER = "12345 67890 11111 22222 33333 44444 55555 66666 77777 88888 99999 00000";

/** The info of a one-to-one chat: a safety number and one device of the contact. */
export function chatInfo(over: Partial<ChatInfo> = {}): ChatInfo {
  return {
    chat_id: CHAT_A,
    title: null,
    group: false,
    safety_number: SAFETY_NUMBER,
    devices: [device({ device_id: 7, name: "Their phone", last_active_ms: NOW - 5 * 60_000 })],
    members: [],
    ...over,
  };
}

/** A linked View with `chats` in the list and, optionally, one of them open. */
export function chatView(chats: ChatSummary[], open: OpenChat | null = null): View {
  return linkedView([device({ device_id: 2, name: "Work laptop", kind: "desktop", this_device: true })], {
    chats,
    open_chat: open,
  });
}

export function failedView(code: string, message = "Something to do."): View {
  return baseView({ screen: "link_failed", error: { code, message } });
}

let mounted: App | null = null;

/**
 * Mounts a fresh app into document.body and renders `view`. The app mounted before is disposed
 * (its document-level keyboard shortcuts removed).
 */
export function mount(
  view: View,
  backend: Backend = fakeBackend(view),
  opts: AppOptions = {},
): { app: App; root: HTMLElement } {
  mounted?.dispose();
  document.body.replaceChildren();
  const root = document.createElement("div");
  root.id = "app";
  document.body.append(root);
  const app = createApp(root, backend, opts);
  mounted = app;
  app.render(view);
  return { app, root };
}

export function byTestId<T extends HTMLElement = HTMLElement>(id: string, scope: ParentNode = document): T {
  const found = scope.querySelector<T>(`[data-testid="${id}"]`);
  if (!found) throw new Error(`no element with data-testid="${id}"`);
  return found;
}

export function queryTestId(id: string, scope: ParentNode = document): HTMLElement | null {
  return scope.querySelector<HTMLElement>(`[data-testid="${id}"]`);
}

/** Lets pending promise callbacks (click handlers) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** The composer's text box. */
export function composer(): HTMLTextAreaElement {
  return byTestId<HTMLTextAreaElement>("composer-input");
}

/** Types `text` into the composer, as the user would. */
export function typeText(text: string): void {
  composer().value = text;
  composer().dispatchEvent(new Event("input", { bubbles: true }));
}

/** Presses Enter (or Shift+Enter) in the composer; returns the event. */
export function pressEnter(shiftKey = false): KeyboardEvent {
  const e = new KeyboardEvent("keydown", { key: "Enter", shiftKey, bubbles: true, cancelable: true });
  composer().dispatchEvent(e);
  return e;
}
