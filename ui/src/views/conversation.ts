import { avatarElement } from "../components/avatar";
import type { RenderContext } from "../context";
import { el } from "../dom";
import { nameOf } from "../format";
import type { OpenChat } from "../types";
import { acceptDrops, dropHint } from "./attachments";
import { renderChatInfo } from "./chatInfo";
import { renderChatMenu } from "./chatMenu";
import type { Section } from "./chatList";
import { renderComposer } from "./composer";
import { renderHistoryBar } from "./historyBar";
import { renderMessageList } from "./messages";
import { renderBlockedBar, renderRequestBar } from "./requests";

export { stateLabel } from "./messages";

export const NO_CHAT_TEXT = "Pick a chat, or start one with ✎ New chat.";

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
  // At the top of the scrolled list, not above it: "Start of the chat history" (or "Load older
  // messages") scrolls away while the user reads today's messages.
  messages.node.prepend(history.node);
  const name = chat.title ?? nameOf(chat.chat_id, ctx.names);
  const info = renderChatInfo(chat.chat_id, ctx, avatarElement(chat.chat_id, chat.title ?? name));
  const hint = dropHint();
  const title = el(
    "h2",
    { class: "conversation-title", testid: "conversation-title", attrs: { id: "conversation-title" } },
    chat.title === null
      ? el("span", { testid: "conversation-name" }, name)
      : el("span", { testid: "conversation-group-name" }, chat.title),
  );
  const members = chat.members.map((m) => nameOf(m, ctx.names)).join(", ");
  // As in WhatsApp: the name and its line below open the chat info too (the avatar is the
  // keyboard's way there, a button named "Chat info").
  const heading = el(
    "div",
    { class: "conversation-heading" },
    title,
    chat.title !== null &&
      el("p", { class: "muted conversation-members", testid: "conversation-members", attrs: { title: members } }, `${chat.members.length} members: ${members}`),
  );
  heading.addEventListener("click", () => info.openButton.click());
  const node = el(
    "section",
    { class: "conversation", testid: "conversation", attrs: { "aria-labelledby": "conversation-title", "data-chat-id": chat.chat_id } },
    el(
      "div",
      { class: "conversation-head" },
      info.openButton,
      heading,
      el("div", { class: "conversation-tools" }, renderChatMenu(chat, ctx, () => info.openButton.click())),
    ),
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
