import type { RenderContext } from "../context";
import { button, el } from "../dom";
import { toAppError } from "../errors";
import { formatDateTime } from "../format";
import type { ChatAction } from "../backend";
import type { OpenChat } from "../types";
import type { Section } from "./chatList";
import { renderHistoryBar } from "./historyBar";
import { renderMessageList } from "./messages";

export { stateLabel } from "./messages";

export const NO_CHAT_TEXT = "Pick a chat or start one with an account id.";

function composer(chatId: string, ctx: RenderContext): Section & { input: HTMLTextAreaElement } {
  const st = ctx.ui.composer(chatId);
  const input = el("textarea", {
    class: "composer-input",
    testid: "composer-input",
    attrs: { "aria-label": "Message", rows: "2", "aria-describedby": "composer-hint composer-error" },
  });
  const send = el("button", { class: "primary", testid: "composer-send", attrs: { type: "submit" } }, "Send");
  const error = el("p", {
    class: "inline-error",
    testid: "composer-error",
    attrs: { id: "composer-error", "aria-live": "polite" },
  });

  const apply = () => {
    if (input.value !== st.draft) input.value = st.draft;
    // Read-only rather than disabled: keyboard focus stays in the composer.
    input.readOnly = st.sending;
    send.disabled = st.sending || st.draft.trim() === "";
    error.textContent = st.error;
  };

  const submit = () => {
    const text = st.draft.trim();
    if (st.sending || text === "") return;
    const sent = st.draft;
    st.sending = true;
    st.error = "";
    apply();
    ctx.backend.sendMessage(chatId, text).then(
      () => {
        st.sending = false;
        if (st.draft === sent) st.draft = "";
        ctx.ui.refresh({ focusComposer: true });
      },
      (e: unknown) => {
        st.sending = false;
        st.error = `Couldn't send the message: ${toAppError(e).message}`;
        ctx.ui.refresh({ focusComposer: true });
      },
    );
  };

  input.addEventListener("input", () => {
    st.draft = input.value;
    send.disabled = st.sending || st.draft.trim() === "";
  });
  input.addEventListener("keydown", (e) => {
    // Shift+Enter (and Enter while an IME is composing) inserts a newline.
    if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    submit();
  });

  const form = el(
    "form",
    { class: "composer", testid: "composer", attrs: { "aria-label": "Send a message" } },
    el("div", { class: "composer-row" }, input, send),
    el("p", { class: "composer-hint muted", attrs: { id: "composer-hint" } }, "Enter to send, Shift+Enter for a new line"),
    error,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  apply();
  return { node: form, apply, input };
}

/** Pin, archive and mute: synced to every device of the account. */
function chatActions(chat: OpenChat, ctx: RenderContext): HTMLElement {
  const status = el("span", { class: "inline-error", testid: "chat-action-error", attrs: { "aria-live": "polite" } });
  const act = (label: string, action: ChatAction, testid: string) =>
    button(label, { testid }, async (btn) => {
      btn.disabled = true;
      status.textContent = "";
      try {
        await ctx.backend.chatAction(chat.chat_id, action);
      } catch (e) {
        status.textContent = `Couldn't change the chat: ${toAppError(e).message}`;
        btn.disabled = false;
      }
    });
  return el(
    "div",
    { class: "row chat-actions", testid: "chat-actions" },
    chat.pinned ? act("Unpin", "unpin", "chat-unpin") : act("Pin", "pin", "chat-pin"),
    chat.archived ? act("Unarchive", "unarchive", "chat-unarchive") : act("Archive", "archive", "chat-archive"),
    ...(chat.muted
      ? [act("Unmute", "unmute", "chat-unmute"), chat.muted_until_ms !== null && mutedUntil(chat.muted_until_ms)]
      : [act("Mute", "mute", "chat-mute"), act("Mute 8 h", "mute_8h", "chat-mute-8h"), act("Mute 1 week", "mute_week", "chat-mute-week")]),
    markUnread(chat.chat_id, ctx, status),
    status,
  );
}

/** "Mark unread": the core closes the chat, so focus goes to its row in the list. */
function markUnread(chatId: string, ctx: RenderContext, status: HTMLElement): HTMLButtonElement {
  return button("Mark unread", { testid: "chat-mark-unread" }, async (btn) => {
    btn.disabled = true;
    status.textContent = "";
    try {
      await ctx.backend.chatAction(chatId, "mark_unread");
      const active = document.activeElement;
      if (active === btn || active === null || active === document.body) ctx.ui.refresh({ focusChatRow: chatId });
    } catch (e) {
      status.textContent = `Couldn't change the chat: ${toAppError(e).message}`;
      btn.disabled = false;
    }
  });
}

/** "Muted until Mar 4, 2025, 8:00 PM" for a chat muted for a set time. */
function mutedUntil(ms: number): HTMLElement {
  return el(
    "span",
    { class: "muted", testid: "chat-muted-until" },
    "Muted until ",
    el("time", { attrs: { datetime: new Date(ms).toISOString() } }, formatDateTime(ms)),
  );
}

export interface ConversationSection extends Section {
  /** Focuses the composer. */
  focus(): void;
  /** Focuses the thumbnail button of this message's image. */
  focusImage(messageId: string): void;
}

export function renderConversation(chat: OpenChat | null, ctx: RenderContext): ConversationSection {
  if (chat === null) {
    const node = el("section", { class: "conversation-empty", testid: "no-chat" }, el("p", { class: "muted" }, NO_CHAT_TEXT));
    return { node, apply: () => {}, focus: () => {}, focusImage: () => {} };
  }
  const c = composer(chat.chat_id, ctx);
  const history = renderHistoryBar(chat, ctx);
  const messages = renderMessageList(chat, ctx);
  const node = el(
    "section",
    { class: "conversation", testid: "conversation", attrs: { "aria-labelledby": "conversation-title", "data-chat-id": chat.chat_id } },
    el(
      "h2",
      { class: "conversation-title", testid: "conversation-title", attrs: { id: "conversation-title" } },
      ...(chat.title === null
        ? ["Chat with ", el("code", { class: "account-id", testid: "conversation-chat-id" }, chat.chat_id)]
        : [
            el("span", { testid: "conversation-group-name" }, chat.title),
            el("span", { class: "muted conversation-members", testid: "conversation-members" }, ` · group of ${chat.members.length}`),
          ]),
    ),
    chatActions(chat, ctx),
    history.node,
    messages.node,
    chat.messages.length === 0 && el("p", { class: "muted", testid: "no-messages" }, "No messages yet."),
    c.node,
  );
  const apply = () => {
    history.apply();
    messages.apply();
    c.apply();
  };
  return { node, apply, focus: () => c.input.focus(), focusImage: messages.focusImage };
}
