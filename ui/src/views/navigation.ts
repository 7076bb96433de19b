// What the keyboard shortcuts do on the linked screen (the keys themselves: ../shortcuts.ts).
import type { RenderContext } from "../context";
import type { ShortcutHandlers } from "../shortcuts";
import type { Linked } from "../types";
import { chatOrder } from "./chatList";
import { openChatFrom } from "./chatOpen";
import { closeViewer } from "./images";
import { closeLinkConfirm } from "./linkConfirm";

export interface LinkedParts {
  focusSearch(): void;
  focusNewChat(): void;
  closeSettings(): void;
  /** Closes the chat info panel; false if it was not open. */
  closeChatInfo(): boolean;
}

/** The chat `step` places after (1) or before (-1) the open one, wrapping around; null if none. */
export function neighbourChat(order: string[], openId: string | null, step: 1 | -1): string | null {
  if (order.length === 0) return null;
  const at = openId === null ? -1 : order.indexOf(openId);
  const next = at === -1 ? (step === 1 ? 0 : order.length - 1) : (at + step + order.length) % order.length;
  return next === at ? null : (order[next] ?? null);
}

export function linkedShortcuts(linked: Linked, ctx: RenderContext, parts: LinkedParts): ShortcutHandlers {
  // The image viewer and the link confirmation are modal: only Esc (close) works while one is open.
  const modal = () => ctx.ui.viewer !== null || ctx.ui.linkConfirm !== null;
  return {
    focusSearch: () => {
      if (!modal()) parts.focusSearch();
    },
    focusNewChat: () => {
      if (!modal()) parts.focusNewChat();
    },
    moveChat: (step) => {
      if (modal()) return;
      const id = neighbourChat(chatOrder(linked, ctx.ui.showArchived, ctx.ui.chatFilter), linked.open_chat?.chat_id ?? null, step);
      if (id === null) return;
      // From the chat list, keyboard focus follows to the chat's row.
      const active = document.activeElement;
      const onRow = active instanceof HTMLElement && active.dataset["testid"] === "chat-row";
      openChatFrom(ctx, id, onRow ? { focusChatRow: id } : undefined);
    },
    escape: () => {
      if (ctx.ui.linkConfirm !== null) {
        closeLinkConfirm(ctx);
        return true;
      }
      if (ctx.ui.viewer !== null) {
        closeViewer(ctx);
        return true;
      }
      if (parts.closeChatInfo()) return true;
      if (ctx.ui.settingsOpen) {
        parts.closeSettings();
        return true;
      }
      if (ctx.ui.search.query !== "") {
        ctx.ui.clearSearch();
        ctx.ui.refresh();
        return true;
      }
      return false;
    },
  };
}
