import type { RenderContext } from "../context";
import { button, el } from "../dom";
import { toAppError } from "../errors";
import { formatDateTime } from "../format";
import type { ChatAction } from "../backend";
import type { OpenChat } from "../types";
import { acceptDrops, dropHint } from "./attachments";
import { renderChatInfo } from "./chatInfo";
import type { Section } from "./chatList";
import { renderComposer } from "./composer";
import { renderHistoryBar } from "./historyBar";
import { renderMessageList } from "./messages";
import { renderBlockedBar, renderRequestBar } from "./requests";

export { stateLabel } from "./messages";

export const NO_CHAT_TEXT = "Pick a chat or start one with an account id.";

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
  /** Focuses link `index` of the message `messageId`. */
  focusLink(messageId: string, index: number): void;
  /** Closes the chat info panel; false if it was not open. */
  closeChatInfo(): boolean;
}

/** `blocked`: the chat's account is blocked (its chat offers Unblock instead of the composer). */
export function renderConversation(chat: OpenChat | null, ctx: RenderContext, blocked = false): ConversationSection {
  if (chat === null) {
    const node = el("section", { class: "conversation-empty", testid: "no-chat" }, el("p", { class: "muted" }, NO_CHAT_TEXT));
    return { node, apply: () => {}, focus: () => {}, focusImage: () => {}, focusLink: () => {}, closeChatInfo: () => false };
  }
  const c = renderComposer(chat.chat_id, ctx);
  // A message request, or a blocked account's chat: a bar in place of the composer.
  const request = chat.request ? renderRequestBar(chat.chat_id, ctx) : null;
  const gate = request ?? (blocked ? renderBlockedBar(chat.chat_id, ctx) : null);
  if (gate === null && ctx.ui.focusComposerFor === chat.chat_id) {
    // The request was just accepted: the composer that replaced the bar gets the keyboard.
    ctx.ui.focusComposerFor = null;
    ctx.afterMount(() => c.input.focus());
  }
  const history = renderHistoryBar(chat, ctx);
  const messages = renderMessageList(chat, ctx);
  const info = renderChatInfo(chat.chat_id, ctx);
  const hint = dropHint();
  const title = el(
    "h2",
    { class: "conversation-title", testid: "conversation-title", attrs: { id: "conversation-title" } },
    ...(chat.title === null
      ? ["Chat with ", el("code", { class: "account-id", testid: "conversation-chat-id" }, chat.chat_id)]
      : [
          el("span", { testid: "conversation-group-name" }, chat.title),
          el("span", { class: "muted conversation-members", testid: "conversation-members" }, ` · group of ${chat.members.length}`),
        ]),
  );
  const node = el(
    "section",
    { class: "conversation", testid: "conversation", attrs: { "aria-labelledby": "conversation-title", "data-chat-id": chat.chat_id } },
    el("div", { class: "conversation-head" }, title, info.openButton),
    chatActions(chat, ctx),
    history.node,
    messages.node,
    chat.messages.length === 0 && el("p", { class: "muted", testid: "no-messages" }, "No messages yet."),
    gate === null ? c.node : gate.node,
    info.node,
    gate === null && hint,
  );
  // A photo dropped anywhere on the conversation goes into the composer.
  if (gate === null) acceptDrops(node, hint, c.acceptFile);
  const apply = () => {
    history.apply();
    messages.apply();
    (gate ?? c).apply();
    info.apply();
  };
  return {
    node,
    apply,
    focus: () => {
      if (request !== null) return request.focus();
      if (ctx.ui.focusComposerFor === chat.chat_id) ctx.ui.focusComposerFor = null;
      c.input.focus();
    },
    focusImage: messages.focusImage,
    focusLink: messages.focusLink,
    closeChatInfo: info.close,
  };
}
