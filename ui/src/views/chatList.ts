import type { RenderContext } from "../context";
import { append, button, el } from "../dom";
import { toAppError } from "../errors";
import { shortId } from "../format";
import type { ChatHistory, ChatSummary, Linked } from "../types";
import { openChatFrom } from "./chatOpen";
import { renderSearch } from "./search";

/** Longest preview put in the DOM; CSS truncates it to one line anyway. */
const PREVIEW_CHARS = 120;

/** Inline text for a failed addContact, chosen by code. */
export function addContactErrorText(code: string, message: string): string {
  switch (code) {
    case "invalid_data":
      return "That is not an account id. An account id is 16 letters and digits: check it and try again.";
    case "not_found":
      return "No account has that id. Check it and try again.";
    case "relay_unreachable":
      return "Can't reach the relay. Check your connection, then try again.";
    default:
      return `Couldn't start the chat: ${message}`;
  }
}

/** "You: hi" / "hi" / "No messages yet"; newlines flattened for one line. */
export function previewText(chat: ChatSummary): string {
  const last = chat.last_message;
  if (last === null) return "No messages yet";
  const body = last.body.replace(/\s+/g, " ").trim().slice(0, PREVIEW_CHARS);
  return last.outgoing ? `You: ${body}` : body;
}

/** The chat row's history flag; null for a live chat (nothing to say). */
export function historyFlagText(history: ChatHistory | string): string | null {
  switch (history) {
    case "more_on_phone":
      return "More on phone";
    case "loading":
      return "Loading older…";
    case "complete":
      return "History complete";
    default:
      return null;
  }
}

export interface Section {
  node: HTMLElement;
  /** Re-applies the app-level UiState to these elements. */
  apply(): void;
}

/** `suggested`: an account a tandem:// link named (not a contact yet): offered, not started. */
export function renderNewChat(ctx: RenderContext, suggested: string | null = null): Section & { focus(): void } {
  const st = ctx.ui.newChat;
  if (suggested !== null && st.offered !== suggested) {
    st.offered = suggested;
    st.text = suggested;
  }
  const input = el("input", {
    class: "new-chat-input",
    testid: "new-chat-input",
    attrs: {
      id: "new-chat-input",
      type: "text",
      placeholder: "16-letter account id",
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": "new-chat-error",
    },
  });
  const add = el("button", { class: "primary", testid: "new-chat-add", attrs: { type: "submit" } }, "Start chat");
  // Not role=alert and never hidden: the screen is rebuilt for every View, and
  // a kept error must not be announced again each time (only when it changes).
  const error = el("p", {
    class: "inline-error",
    testid: "new-chat-error",
    attrs: { id: "new-chat-error", "aria-live": "polite" },
  });

  const apply = () => {
    if (input.value !== st.text) input.value = st.text;
    input.readOnly = st.busy;
    add.disabled = st.busy || st.text.trim() === "";
    error.textContent = st.error;
  };

  input.addEventListener("input", () => {
    st.text = input.value;
    add.disabled = st.busy || st.text.trim() === "";
  });

  const form = el(
    "form",
    { class: "new-chat", testid: "new-chat-form", attrs: { "aria-label": "New chat" } },
    el("label", { class: "label", attrs: { for: "new-chat-input" } }, "Account id"),
    el("div", { class: "new-chat-row" }, input, add),
    suggested !== null &&
      el(
        "p",
        { class: "muted", testid: "new-chat-suggested" },
        "A tandem:// link asks to start a chat with this account. Check it, then choose Start chat.",
      ),
    error,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const accountId = st.text.trim();
    if (st.busy || accountId === "") return;
    st.busy = true;
    st.error = "";
    apply();
    void ctx.backend.addContact(accountId).then(
      () => {
        st.busy = false;
        st.text = "";
        ctx.ui.refresh({ focusComposer: true });
      },
      (e: unknown) => {
        const err = toAppError(e);
        st.busy = false;
        st.error = addContactErrorText(err.code, err.message);
        ctx.ui.refresh();
      },
    );
  });

  apply();
  return { node: form, apply, focus: () => input.focus() };
}

/** A chat marked unread with nothing unread in it shows a dot instead of a count. */
export function showsUnreadDot(chat: ChatSummary): boolean {
  return chat.marked_unread && chat.unread === 0;
}

function chatRow(chat: ChatSummary, open: boolean, blocked: boolean, ctx: RenderContext): HTMLElement {
  const attrs: Record<string, string> = { type: "button", "data-chat-id": chat.chat_id, "data-history": chat.history };
  const history = historyFlagText(chat.history);
  if (open) attrs["aria-current"] = "true";
  const btn = el(
    "button",
    { class: open ? "chat-row chat-row-open" : "chat-row", testid: "chat-row", attrs },
    chat.title === null
      ? el("span", { class: "chat-row-title", testid: "chat-row-id", attrs: { title: chat.chat_id } }, shortId(chat.chat_id))
      : el("span", { class: "chat-row-title", testid: "chat-row-title" }, chat.title),
    el("span", { class: "chat-row-preview", testid: "chat-row-preview" }, previewText(chat)),
    el(
      "span",
      { class: "chat-row-flags" },
      chat.request && el("span", { class: "flag flag-request", testid: "chat-request" }, "Message request"),
      blocked && el("span", { class: "flag flag-blocked", testid: "chat-blocked" }, "Blocked"),
      chat.pinned && el("span", { class: "flag", testid: "chat-pinned", attrs: { title: "Pinned" } }, "Pinned"),
      chat.muted && el("span", { class: "flag", testid: "chat-muted", attrs: { title: "Muted" } }, "Muted"),
      history !== null && el("span", { class: "flag flag-history", testid: "chat-history" }, history),
      chat.unread > 0 &&
        el("span", { class: "badge", testid: "chat-unread", attrs: { "aria-label": `${chat.unread} unread` } }, String(chat.unread)),
      showsUnreadDot(chat) &&
        el("span", { class: "unread-dot", testid: "chat-marked-unread", attrs: { role: "img", "aria-label": "Marked unread" } }),
    ),
  );
  // As in WhatsApp and Signal: the chat opens with the cursor in its composer (typing goes there),
  // once the View with it arrives (renderConversation), or at once if it is open already.
  btn.addEventListener("click", () => {
    const already = ctx.ui.openChatId === chat.chat_id;
    ctx.ui.focusComposerFor = already ? null : chat.chat_id;
    openChatFrom(ctx, chat.chat_id, undefined, already ? { focusComposer: true } : undefined);
  });
  return el("li", {}, btn);
}

/** The chats in the order the list shows them: archived ones only while they are shown. */
export function chatOrder(linked: Linked, showArchived: boolean): string[] {
  const active = linked.chats.filter((c) => !c.archived);
  const archived = showArchived ? linked.chats.filter((c) => c.archived) : [];
  return [...active, ...archived].map((c) => c.chat_id);
}

export interface ChatListSection extends Section {
  focusRow(chatId: string): void;
  focusSearch(): void;
}

export function renderChatList(linked: Linked, ctx: RenderContext): ChatListSection {
  const openId = linked.open_chat?.chat_id ?? null;
  const error = el("p", { class: "inline-error", testid: "chat-list-error", attrs: { "aria-live": "polite" } });
  const search = renderSearch(ctx);
  const body = el("div", { class: "chat-list-body" });
  const apply = () => {
    search.apply();
    // While the search box holds a query, its results replace the list.
    body.hidden = ctx.ui.search.query.trim() !== "";
    error.textContent = ctx.ui.chatListError;
  };
  const active = linked.chats.filter((c) => !c.archived);
  const archived = linked.chats.filter((c) => c.archived);
  const blocked = (c: ChatSummary) => linked.blocked.includes(c.chat_id);
  const list = el(
    "ul",
    { class: "chat-list", testid: "chat-list" },
    ...active.map((c) => chatRow(c, c.chat_id === openId, blocked(c), ctx)),
  );
  const archivedList = el(
    "ul",
    { class: "chat-list", testid: "archived-list" },
    ...archived.map((c) => chatRow(c, c.chat_id === openId, blocked(c), ctx)),
  );
  archivedList.hidden = !ctx.ui.showArchived;
  const toggle = button(`Archived (${archived.length})`, { testid: "archived-toggle", attrs: { "aria-expanded": String(ctx.ui.showArchived) } }, (btn) => {
    ctx.ui.showArchived = !ctx.ui.showArchived;
    archivedList.hidden = !ctx.ui.showArchived;
    btn.setAttribute("aria-expanded", String(ctx.ui.showArchived));
  });
  append(
    body,
    linked.chats.length === 0 && el("p", { class: "muted", testid: "no-chats" }, "No chats yet."),
    list,
    archived.length > 0 && toggle,
    archived.length > 0 && archivedList,
  );
  apply();
  const node = el(
    "nav",
    { class: "chats", attrs: { "aria-labelledby": "chats-heading" } },
    el("h2", { attrs: { id: "chats-heading" } }, "Chats"),
    search.box,
    search.results,
    body,
    error,
  );
  const focusRow = (chatId: string) => {
    // Compared, never put into a selector: chat ids are untrusted text.
    const rows = node.querySelectorAll<HTMLButtonElement>('[data-testid="chat-row"]');
    [...rows].find((r) => r.dataset["chatId"] === chatId && !r.closest("[hidden]"))?.focus();
  };
  return { node, apply, focusRow, focusSearch: search.focus };
}
