import type { Linked, View } from "../types";

/** Longest message body read out by the announcer. */
const ANNOUNCE_CHARS = 200;

function linkedOf(v: View | null): Linked | null {
  return v !== null && v.screen === "linked" ? v.linked : null;
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
  if (openA !== null && openB !== null && openA.chat_id === openB.chat_id) {
    const known = new Set(openA.messages.map((m) => m.message_id));
    const fresh = openB.messages.filter((m) => !m.outgoing && !known.has(m.message_id));
    const only = fresh[0];
    if (fresh.length === 1 && only) parts.push(`New message: ${only.body.slice(0, ANNOUNCE_CHARS)}`);
    else if (fresh.length > 1) parts.push(`${fresh.length} new messages`);
  }

  for (const chat of b.chats) {
    const last = chat.last_message;
    if (chat.chat_id === openB?.chat_id || last === null || last.outgoing) continue;
    const before = a.chats.find((c) => c.chat_id === chat.chat_id)?.last_message ?? null;
    if (JSON.stringify(before) !== JSON.stringify(last)) parts.push(`New message from ${chat.chat_id}`);
  }
  return parts.length > 0 ? parts.join(". ") : null;
}
