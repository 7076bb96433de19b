// The open chat's overflow menu (⋮ in its header), as WhatsApp and Signal Desktop have it: pin,
// archive, mute (8 hours, a week, always), mark unread, chat info. A menu button with a role=menu
// list: arrow keys, Home and End move through it, Esc closes it and gives focus back to the button.
import type { ChatAction } from "../backend";
import type { RenderContext } from "../context";
import { el } from "../dom";
import { toAppError } from "../errors";
import { formatDateTime } from "../format";
import { listMove } from "../listKeys";
import type { OpenChat } from "../types";

interface Item {
  label: string;
  testid: string;
  run(): Promise<void> | void;
}

function items(chat: OpenChat, ctx: RenderContext, openInfo: () => void): Item[] {
  const act = (label: string, action: ChatAction, testid: string): Item => ({
    label,
    testid,
    run: () => ctx.backend.chatAction(chat.chat_id, action),
  });
  const list: Item[] = [
    { label: "Chat info", testid: "chat-menu-info", run: openInfo },
    chat.pinned ? act("Unpin chat", "unpin", "chat-unpin") : act("Pin chat", "pin", "chat-pin"),
    chat.archived ? act("Unarchive chat", "unarchive", "chat-unarchive") : act("Archive chat", "archive", "chat-archive"),
  ];
  if (chat.muted) list.push(act("Unmute notifications", "unmute", "chat-unmute"));
  else {
    list.push(
      act("Mute for 8 hours", "mute_8h", "chat-mute-8h"),
      act("Mute for 1 week", "mute_week", "chat-mute-week"),
      act("Mute always", "mute", "chat-mute"),
    );
  }
  list.push({
    label: "Mark as unread",
    testid: "chat-mark-unread",
    run: async () => {
      await ctx.backend.chatAction(chat.chat_id, "mark_unread");
      // The core closes the chat: keyboard focus goes to its row in the list.
      const active = document.activeElement;
      if (active === null || active === document.body || !active.isConnected) ctx.ui.refresh({ focusChatRow: chat.chat_id });
    },
  });
  return list;
}

/** "Muted until Mar 4, 2025, 8:00 PM" for a chat muted for a set time. */
export function mutedUntil(ms: number): HTMLElement {
  return el(
    "span",
    { class: "muted", testid: "chat-muted-until" },
    "Muted until ",
    el("time", { attrs: { datetime: new Date(ms).toISOString() } }, formatDateTime(ms)),
  );
}

export function renderChatMenu(chat: OpenChat, ctx: RenderContext, openInfo: () => void): HTMLElement {
  const status = el("span", { class: "inline-error", testid: "chat-action-error", attrs: { "aria-live": "polite" } });
  const toggle = el(
    "button",
    {
      class: "icon-button",
      testid: "chat-menu-button",
      attrs: { type: "button", "aria-haspopup": "menu", "aria-controls": "chat-menu", "aria-label": "Chat options", title: "Chat options" },
    },
    "⋮",
  );
  const menu = el("ul", { class: "menu", testid: "chat-menu", attrs: { id: "chat-menu", role: "menu", "aria-label": "Chat options" } });
  const buttons: HTMLButtonElement[] = [];
  const setOpen = (open: boolean, focus: "first" | "toggle" | null = null) => {
    ctx.ui.chatMenuOpen = open;
    menu.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (focus === "first") buttons[0]?.focus();
    if (focus === "toggle") toggle.focus();
  };
  for (const item of items(chat, ctx, openInfo)) {
    const btn = el("button", { class: "menu-item", testid: item.testid, attrs: { type: "button", role: "menuitem", tabindex: "-1" } }, item.label);
    btn.addEventListener("click", () => {
      status.textContent = "";
      setOpen(false, "toggle");
      Promise.resolve(item.run()).catch((e: unknown) => {
        ctx.ui.chatActionError = `Couldn't change the chat: ${toAppError(e).message}`;
        status.textContent = ctx.ui.chatActionError;
      });
    });
    buttons.push(btn);
    menu.append(el("li", { attrs: { role: "none" } }, btn));
  }
  toggle.addEventListener("click", () => setOpen(menu.hidden, menu.hidden ? "first" : null));
  toggle.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    setOpen(true);
    (e.key === "ArrowDown" ? buttons[0] : buttons[buttons.length - 1])?.focus();
  });
  menu.addEventListener("keydown", (e) => {
    const to = listMove(e.key, buttons.indexOf(document.activeElement as HTMLButtonElement), buttons.length, true);
    if (to !== null) buttons[to]?.focus();
    else if (e.key === "Escape" || e.key === "Tab") {
      setOpen(false, e.key === "Escape" ? "toggle" : null);
      if (e.key === "Escape") e.stopPropagation();
      if (e.key === "Tab") return;
    } else return;
    e.preventDefault();
  });
  // A click anywhere else closes it.
  menu.addEventListener("focusout", (e) => {
    const to = e.relatedTarget;
    if (to instanceof Node && (menu.contains(to) || to === toggle)) return;
    if (to !== null) setOpen(false);
  });
  status.textContent = ctx.ui.chatActionError;
  setOpen(ctx.ui.chatMenuOpen);
  return el(
    "div",
    { class: "chat-menu-wrap", testid: "chat-actions" },
    chat.muted && chat.muted_until_ms !== null && mutedUntil(chat.muted_until_ms),
    toggle,
    menu,
    status,
  );
}
