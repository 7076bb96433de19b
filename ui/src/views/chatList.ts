import type { RenderContext } from "../context";
import { el } from "../dom";
import { toAppError } from "../errors";
import type { ChatHistory, ChatSummary, Linked } from "../types";
import type { ChatFilter } from "../uiState";

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

/** The chat row's quiet history mark; null where there is nothing to say (a live or complete chat). */
export function historyFlagText(history: ChatHistory | string): string | null {
  switch (history) {
    case "more_on_phone":
      return "Older messages are on your phone";
    case "loading":
      return "Loading older…";
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
  // Esc puts the box away (what was typed goes with it) and focus goes back to its button.
  input.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || e.isComposing || st.busy) return;
    e.preventDefault();
    e.stopPropagation();
    st.text = "";
    st.error = "";
    ctx.ui.newChatOpen = false;
    ctx.ui.refresh();
    document.querySelector<HTMLButtonElement>('[data-testid="new-chat-open"]')?.focus();
  });

  const form = el(
    "form",
    { class: "new-chat", testid: "new-chat-form", attrs: { id: "new-chat", "aria-label": "New chat" } },
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
        ctx.ui.newChatOpen = false;
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

/** Whether a chat passes the chat list's filter (All, Unread, Groups). */
export function passesFilter(chat: ChatSummary, filter: ChatFilter): boolean {
  switch (filter) {
    case "unread":
      return chat.unread > 0 || chat.marked_unread;
    case "groups":
      return chat.group;
    default:
      return true;
  }
}

/** The chats in the order the list shows them: archived ones only while they are shown. */
export function chatOrder(linked: Linked, showArchived: boolean, filter: ChatFilter = "all"): string[] {
  const active = linked.chats.filter((c) => !c.archived && passesFilter(c, filter));
  const archived = showArchived ? linked.chats.filter((c) => c.archived) : [];
  return [...active, ...archived].map((c) => c.chat_id);
}
