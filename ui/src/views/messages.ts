// The message list of the open chat: messages oldest first, a separator before each day's first.
import type { RenderContext } from "../context";
import { el } from "../dom";
import { dayKey, dayLabel, formatDateTime, formatTime, nameOf } from "../format";
import type { ChatMessage, OpenChat } from "../types";
import type { Section } from "./chatList";
import { openWaitingOffScreen, renderImage } from "./images";
import { bodyWithLinks } from "./links";
import { virtualize } from "./messageWindow";

/** Delivery label for an outgoing message; "" for incoming or unknown states. */
export function stateLabel(m: ChatMessage): string {
  if (!m.outgoing) return "";
  switch (m.state) {
    case "queued":
      return "Queued — will send when online";
    case "sent":
      return "Sent";
    case "delivered":
      return "Delivered";
    case "read":
      return "Read";
    default:
      return "";
  }
}

function messageRow(m: ChatMessage, chat: OpenChat, ctx: RenderContext, applies: (() => void)[]): HTMLElement {
  if (m.state === "event") {
    // Something that happened in the chat (e.g. the contact's devices changed), not a message.
    return el(
      "div",
      { class: "chat-event", testid: "message-row", attrs: { "data-message-id": m.message_id, "data-state": m.state, role: "note" } },
      el("p", { class: "message-body", testid: "message-body" }, m.body),
    );
  }
  const time = el(
    "time",
    { testid: "message-time", attrs: { datetime: new Date(m.sent_ms).toISOString(), title: formatDateTime(m.sent_ms) } },
    formatTime(m.sent_ms),
  );
  const label = stateLabel(m);
  const image = m.image ? renderImage(chat.chat_id, m.message_id, m.image, ctx) : null;
  if (image) applies.push(image.apply);
  return el(
    "div",
    {
      class: [
        "message",
        m.outgoing ? "message-outgoing" : "message-incoming",
        m.state === "waiting" || m.state === "failed" ? "message-waiting" : "",
        image ? "message-with-image" : "",
      ]
        .filter(Boolean)
        .join(" "),
      testid: "message-row",
      attrs: { "data-message-id": m.message_id, "data-state": m.state },
    },
    el("span", { class: "sr-only" }, m.outgoing ? "You: " : "They: "),
    // In a group, who said it (an account id: text only).
    chat.title !== null && !m.outgoing && el("p", { class: "message-sender", testid: "message-sender", attrs: { title: m.sender } }, nameOf(m.sender, ctx.names)),
    image?.node,
    // white-space: pre-wrap keeps the sender's newlines; it is only ever text (and http(s) links).
    // dir=auto: a right-to-left message reads and aligns right to left.
    el("p", { class: "message-body", testid: "message-body", attrs: { dir: "auto" } }, ...bodyWithLinks(m.body, m.message_id, ctx)),
    el(
      "p",
      { class: "message-meta", testid: "message-meta" },
      time,
      label && el("span", { class: "message-state", testid: "message-state" }, ` · ${label}`),
    ),
  );
}

/** "Today", "Yesterday" or the date, before the first message of each local calendar day. */
function daySeparator(ms: number, ctx: RenderContext): HTMLElement {
  const label = dayLabel(ms, ctx.now());
  // A separator's content is not read out: its name is in aria-label.
  const sep = el("div", { class: "day-separator", testid: "day-separator", attrs: { role: "separator", "aria-label": label } }, label);
  sep.dataset["day"] = dayKey(ms);
  return sep;
}

export interface MessageList extends Section {
  focusImage(messageId: string): void;
  /** Focuses link `index` of the message `messageId`. */
  focusLink(messageId: string, index: number): void;
}

export function renderMessageList(chat: OpenChat, ctx: RenderContext): MessageList {
  const applies: (() => void)[] = [];
  const separators: { node: HTMLElement; ms: number }[] = [];
  const children: HTMLElement[] = [];
  let day = "";
  for (const m of chat.messages) {
    const key = dayKey(m.sent_ms);
    if (key !== day) {
      const node = daySeparator(m.sent_ms, ctx);
      separators.push({ node, ms: m.sent_ms });
      children.push(node);
      day = key;
    }
    children.push(messageRow(m, chat, ctx, applies));
  }
  const list = el(
    "div",
    {
      class: "message-list",
      testid: "message-list",
      // Focusable so the scrollable log can be scrolled from the keyboard.
      attrs: { role: "log", "aria-live": "polite", "aria-label": "Messages", tabindex: "0" },
    },
    ...children,
  );
  if (separators.length > 0) {
    // "Today" becomes "Yesterday" at midnight even if no View comes.
    ctx.every(60_000, () => {
      for (const s of separators) {
        const label = dayLabel(s.ms, ctx.now());
        if (s.node.textContent !== label) {
          s.node.textContent = label;
          s.node.setAttribute("aria-label", label);
        }
      }
    });
  }

  const windowed = virtualize(list, chat, ctx);
  openWaitingOffScreen(chat, ctx);
  // The found message stays marked across re-renders of its chat.
  if (ctx.ui.found !== null && ctx.ui.found.chatId !== chat.chat_id) ctx.ui.found = null;
  const marked = ctx.ui.found?.messageId;
  if (marked !== undefined) {
    list.querySelectorAll<HTMLElement>('[data-testid="message-row"]').forEach((r) => {
      if (r.dataset["messageId"] === marked) r.classList.add("message-found");
    });
  }
  const last = chat.messages[chat.messages.length - 1];
  // Only a window that ends with the newest message tells whether new ones arrived.
  const atNewest = chat.newer_hidden === 0;
  const arrived = atNewest && ctx.ui.noteLastMessage(chat.chat_id, last?.message_id ?? "");
  const saved = ctx.ui.savedScroll(chat.chat_id);
  const jump = ctx.ui.jumpTo !== null && ctx.ui.jumpTo.chatId === chat.chat_id ? ctx.ui.jumpTo.messageId : null;
  ctx.afterMount(() => {
    // A search result was opened: show that message (compared, never put into a selector),
    // once the window around it has arrived.
    const rows = [...list.querySelectorAll<HTMLElement>('[data-testid="message-row"]')];
    const found = jump === null ? undefined : rows.find((r) => r.dataset["messageId"] === jump);
    if (found) {
      ctx.ui.jumpTo = null;
      ctx.ui.found = { chatId: chat.chat_id, messageId: found.dataset["messageId"] ?? "" };
      found.classList.add("message-found");
      found.scrollIntoView?.({ block: "center" });
      ctx.ui.saveScroll(chat.chat_id, list.scrollTop);
      return;
    }
    // New messages (or a chat shown for the first time): show the newest. Otherwise the list
    // keeps the message that was at the top on screen (its window may have moved).
    if (arrived || saved === undefined) list.scrollTop = list.scrollHeight;
    else if (!windowed.restore()) list.scrollTop = saved;
  });
  list.addEventListener("scroll", () => {
    if (list.isConnected) ctx.ui.saveScroll(chat.chat_id, list.scrollTop);
  });
  const focusImage = (messageId: string) => {
    const buttons = list.querySelectorAll<HTMLElement>('[data-testid="message-image-open"]');
    [...buttons].find((b) => b.dataset["messageId"] === messageId)?.focus();
  };
  const focusLink = (messageId: string, index: number) => {
    const links = list.querySelectorAll<HTMLElement>('[data-testid="message-link"]');
    [...links].filter((a) => a.dataset["messageId"] === messageId)[index]?.focus();
  };
  return { node: list, apply: () => applies.forEach((fn) => fn()), focusImage, focusLink };
}
