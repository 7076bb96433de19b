// Desktop notifications for new messages: which View changes deserve one. Only a message that
// arrived live (not history being imported, not this user's own), in a chat that is not muted or
// archived, and not the chat in front of the user. Text only: the system shows it as plain text.
import { shortId } from "./format";
import type { ChatSummary, View } from "./types";

/** Messages sent longer ago than this arrived as history, not live. */
export const LIVE_WITHIN_MS = 5 * 60 * 1000;
const BODY_CHARS = 140;

export interface Notice {
  chatId: string;
  title: string;
  body: string;
}

function lastKey(chat: ChatSummary): string {
  const m = chat.last_message;
  return m === null ? "" : `${m.sent_ms}:${m.outgoing}:${m.body}`;
}

/**
 * What to notify between two Views. `inFront` is the chat the user is looking at (open in a
 * focused window), if any.
 */
export function newMessageNotices(prev: View | null, next: View, inFront: string | null, now: number): Notice[] {
  const before = new Map((prev?.linked?.chats ?? []).map((c) => [c.chat_id, c]));
  if (prev?.linked == null || next.linked === null) return [];
  const out: Notice[] = [];
  for (const chat of next.linked.chats) {
    const m = chat.last_message;
    const old = before.get(chat.chat_id);
    if (m === null || m.outgoing || chat.muted || chat.archived || chat.chat_id === inFront) continue;
    // A chat new to this window counts (someone wrote for the first time), as long as it is live.
    if (old !== undefined && (lastKey(old) === lastKey(chat) || (old.last_message?.sent_ms ?? 0) >= m.sent_ms)) continue;
    if (now - m.sent_ms > LIVE_WITHIN_MS) continue;
    const body = m.body.replace(/\s+/g, " ").trim().slice(0, BODY_CHARS);
    out.push({ chatId: chat.chat_id, title: chat.title ?? shortId(chat.chat_id), body: body === "" ? "Photo" : body });
  }
  return out;
}
