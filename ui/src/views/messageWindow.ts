// The message list is virtualized: the core sends a window of at most 200 messages of the open
// chat, and the list stands in for the rest with two spacers (an estimated height per message),
// so the scrollbar spans the whole chat. When the user scrolls near or past the window's edge,
// the list asks the core for the window around that place (backend.showMessages) and, once it
// arrives, puts the same message back at the same height on screen.
import type { RenderContext } from "../context";
import { el } from "../dom";
import type { OpenChat } from "../types";

/** The height a message not in the window is counted as (px). */
export const ROW_ESTIMATE = 64;
/** The core's window size (crates/client/src/desktop/chats.rs MESSAGE_WINDOW). */
export const WINDOW = 200;
/** Ask for the next window this close to the loaded rows' edge (px). */
const EDGE_PX = 800;

/** Messages older than the window. */
export function olderHidden(chat: OpenChat): number {
  return Math.max(0, chat.total_messages - chat.newer_hidden - chat.messages.length);
}

/** The `newer_hidden` that centres the window on message `index` (0: the oldest). */
export function windowAround(index: number, total: number): number {
  const start = Math.min(Math.max(0, Math.floor(index) - WINDOW / 2), Math.max(0, total - WINDOW));
  return Math.max(0, total - start - WINDOW);
}

/** What the list remembers of a chat between renders. */
interface ChatScroll {
  /** The first message on screen and how far below the list's top edge it was (px). */
  anchor: { messageId: string; offset: number } | null;
  /** The message index to show once the window asked for arrives (a jump through a spacer). */
  jumpIndex: number | null;
  /** The window asked for and not arrived yet. */
  requested: number | null;
}

/** Per-chat scroll state, kept across renders (in UiState). */
export class ScrollWindows {
  private readonly chats = new Map<string, ChatScroll>();

  of(chatId: string): ChatScroll {
    let s = this.chats.get(chatId);
    if (!s) {
      s = { anchor: null, jumpIndex: null, requested: null };
      this.chats.set(chatId, s);
    }
    return s;
  }

  forget(chatId: string): void {
    this.chats.delete(chatId);
  }
}

function rowsOf(list: HTMLElement): HTMLElement[] {
  return [...list.querySelectorAll<HTMLElement>('[data-testid="message-row"]')];
}

/**
 * Adds the spacers around `rows` in `list` and the scroll handling. Returns `restore`, to run
 * after the list is on screen: true if it placed the scroll position (an anchor or a jump).
 */
export function virtualize(list: HTMLElement, chat: OpenChat, ctx: RenderContext): { restore: () => boolean } {
  const st = ctx.ui.scrollWindows.of(chat.chat_id);
  const older = olderHidden(chat);
  const topHeight = older * ROW_ESTIMATE;
  const bottomHeight = chat.newer_hidden * ROW_ESTIMATE;
  const spacer = (testid: string, count: number, height: number) => {
    const node = el("div", { class: "message-spacer", testid, attrs: { "aria-hidden": "true", "data-count": String(count) } });
    // Through the CSSOM: the CSP allows no inline style attributes.
    node.style.height = `${height}px`;
    return node;
  };
  list.prepend(spacer("older-spacer", older, topHeight));
  list.append(spacer("newer-spacer", chat.newer_hidden, bottomHeight));
  if (st.requested === chat.newer_hidden) st.requested = null;

  const ask = (index: number) => {
    const want = windowAround(index, chat.total_messages);
    if (want === chat.newer_hidden || want === st.requested) return;
    st.requested = want;
    ctx.backend.showMessages(chat.chat_id, want).catch(() => {
      st.requested = null;
    });
  };

  const onScroll = () => {
    // A list replaced by a re-render can still get its last scroll event, and reads 0 there.
    if (!list.isConnected) return;
    const top = list.scrollTop;
    const bottom = top + list.clientHeight;
    const contentEnd = list.scrollHeight - bottomHeight;
    const rows = rowsOf(list);
    const first = rows.find((r) => r.offsetTop + r.offsetHeight > top);
    st.anchor = first ? { messageId: first.dataset["messageId"] ?? "", offset: first.offsetTop - top } : null;
    if (older > 0 && top < topHeight) {
      // In the older spacer (a drag of the scrollbar, Home): jump to that place.
      st.jumpIndex = Math.floor(top / ROW_ESTIMATE);
      st.anchor = null;
      ask(st.jumpIndex);
    } else if (chat.newer_hidden > 0 && top >= contentEnd) {
      // In the newer spacer (a drag of the scrollbar, End): jump there.
      st.jumpIndex = older + chat.messages.length + Math.floor((top - contentEnd) / ROW_ESTIMATE);
      st.anchor = null;
      ask(st.jumpIndex);
    } else if (older > 0 && top < topHeight + EDGE_PX) {
      ask(older);
    } else if (chat.newer_hidden > 0 && bottom > contentEnd - EDGE_PX) {
      ask(older + chat.messages.length);
    }
  };
  list.addEventListener("scroll", onScroll);

  const restore = (): boolean => {
    const rows = rowsOf(list);
    if (st.anchor !== null) {
      const messageId = st.anchor.messageId;
      const row = rows.find((r) => r.dataset["messageId"] === messageId);
      if (row) {
        list.scrollTop = row.offsetTop - st.anchor.offset;
        return true;
      }
    }
    if (st.jumpIndex !== null) {
      const i = st.jumpIndex - older;
      const row = rows[Math.min(Math.max(0, i), rows.length - 1)];
      if (i >= 0 && i < rows.length && row) {
        st.jumpIndex = null;
        list.scrollTop = row.offsetTop;
        return true;
      }
      // Still on its way: stay at that place in its spacer.
      const below = st.jumpIndex - older - rows.length;
      list.scrollTop = i < 0 ? st.jumpIndex * ROW_ESTIMATE : list.scrollHeight - bottomHeight + below * ROW_ESTIMATE;
      return true;
    }
    return false;
  };
  return { restore };
}
