import { shortId } from "../format";
import type { ChatMessage, Linked, OpenChat, View } from "../types";

/** Longest message body read out by the announcer. */
const ANNOUNCE_CHARS = 200;

function linkedOf(v: View | null): Linked | null {
  return v !== null && v.screen === "linked" ? v.linked : null;
}

/**
 * The messages of `messages` (the same chat, later) that come after what `before` showed: older
 * messages loaded from the phone arrive before them and are not news.
 */
function after(before: OpenChat, messages: ChatMessage[]): ChatMessage[] {
  const newest = before.messages[before.messages.length - 1];
  if (newest === undefined) return before.history === "loading" ? [] : messages;
  const at = messages.findIndex((m) => m.message_id === newest.message_id);
  return at === -1 ? messages : messages.slice(at + 1);
}

/**
 * What to announce about incoming messages that arrived between two Views, or
 * null. The screen is rebuilt for every View, so its own role="log" region is
 * new each time and may stay silent; the app's persistent announcer says this.
 */
export function messageAnnouncement(prev: View | null, next: View): string | null {
  const a = linkedOf(prev);
  const b = linkedOf(next);
  if (a === null || b === null) return null;
  const parts: string[] = [];

  const openA = a.open_chat;
  const openB = b.open_chat;
  // Only windows that end with the newest message show what arrived; a window moved by scrolling
  // (older messages) is not news, and news while reading older ones shows in the chat list.
  const atNewest =
    openA !== null && openB !== null && openA.chat_id === openB.chat_id && openA.newer_hidden === 0 && openB.newer_hidden === 0;
  if (atNewest) {
    const known = new Set(openA.messages.map((m) => m.message_id));
    const fresh = after(openA, openB.messages).filter((m) => !m.outgoing && !known.has(m.message_id));
    const only = fresh[0];
    const text = only ? only.body.slice(0, ANNOUNCE_CHARS) || (only.image ? "Photo" : "") : "";
    if (fresh.length === 1 && only) parts.push(`New message: ${text}`);
    else if (fresh.length > 1) parts.push(`${fresh.length} new messages`);
  }

  for (const chat of b.chats) {
    const last = chat.last_message;
    if ((atNewest && chat.chat_id === openB?.chat_id) || last === null || last.outgoing) continue;
    const before = a.chats.find((c) => c.chat_id === chat.chat_id)?.last_message ?? null;
    if (JSON.stringify(before) !== JSON.stringify(last)) parts.push(`New message from ${chat.title ?? shortId(chat.chat_id)}`);
  }
  return parts.length > 0 ? parts.join(". ") : null;
}
