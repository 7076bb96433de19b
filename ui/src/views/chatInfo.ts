// The chat info panel beside the conversation: for a contact the safety number and their devices,
// for a group its members. Everything in it that other people chose (names, ids) is text.
import type { RenderContext } from "../context";
import { el } from "../dom";
import { toAppError } from "../errors";
import { kindLabel, lastActive } from "../format";
import type { ChatInfo, Device, GroupMember } from "../types";
import type { ChatInfoState } from "../uiState";
import type { Section } from "./chatList";

export const SAFETY_HINT =
  "Compare these numbers with your contact's screen. If they match, no one is in between. They change when either of you adds a device.";

/** A safety number's 12 groups of 5 digits in 3 rows of 4; null if it is not 60 digits. */
export function safetyRows(n: string): string[][] | null {
  const digits = n.replace(/\s+/g, "");
  if (!/^\d{60}$/.test(digits)) return null;
  const groups = digits.match(/\d{5}/g) ?? [];
  return [groups.slice(0, 4), groups.slice(4, 8), groups.slice(8, 12)];
}

/** Inline text for a failed chatInfo, chosen by code. */
export function chatInfoErrorText(code: string, message: string): string {
  switch (code) {
    case "relay_unreachable":
      return "Couldn't reach the relay to get this chat's details. Check your connection and try again.";
    case "bad_signature":
      return "The contact's device list has a bad signature, so no safety number can be shown. Try again later.";
    case "not_linked":
      return "This computer is no longer linked to your phone.";
    default:
      return `Couldn't get the chat info: ${message}`;
  }
}

function part(title: string, ...children: (Node | false)[]): HTMLElement {
  return el("section", { class: "chat-info-part" }, el("h4", {}, title), ...children);
}

function safetyNumber(n: string | null): HTMLElement {
  const rows = n === null ? null : safetyRows(n);
  const number =
    rows === null
      ? el("p", { class: "muted", testid: "safety-number-missing" }, n === null ? "No safety number yet: the contact's devices are not known." : `Unexpected safety number: ${n}`)
      : el(
          "div",
          { class: "safety-number", testid: "safety-number", attrs: { role: "group", "aria-label": "Safety number" } },
          ...rows.map((r) => el("div", { class: "safety-row", testid: "safety-number-row" }, ...r.map((g) => el("span", { class: "safety-group" }, g)))),
        );
  return part("Safety number", number, el("p", { class: "safety-hint", testid: "safety-number-hint" }, SAFETY_HINT));
}

function contactDevice(d: Device, ctx: RenderContext): HTMLElement {
  return el(
    "li",
    { class: "contact-device", testid: "contact-device", attrs: { "data-device-id": String(d.device_id) } },
    el("span", { class: "device-name", testid: "contact-device-name" }, d.name),
    el("span", { class: "muted", testid: "contact-device-kind" }, ` — ${kindLabel(d.kind)}`),
    d.last_active_ms !== null &&
      el("span", { class: "muted", testid: "contact-device-last-active" }, ` · last active ${lastActive(d.last_active_ms, ctx.now())}`),
  );
}

function member(m: GroupMember): HTMLElement {
  return el(
    "li",
    { class: "group-member", testid: "group-member" },
    el("code", { class: "account-id", testid: "group-member-id" }, m.account_id),
    m.admin && el("span", { class: "member-badge", testid: "member-admin" }, "admin"),
    m.you && el("span", { class: "member-badge", testid: "member-you" }, "you"),
  );
}

function infoBody(info: ChatInfo, ctx: RenderContext): HTMLElement[] {
  if (info.group) {
    return [
      part("Group", el("p", { class: "chat-info-name", testid: "chat-info-group-name" }, info.title ?? "Unnamed group")),
      part(
        `Members (${info.members.length})`,
        el("ul", { class: "chat-info-list", testid: "group-members" }, ...info.members.map(member)),
      ),
    ];
  }
  return [
    part("Contact", el("p", {}, el("code", { class: "account-id", testid: "chat-info-account" }, info.chat_id))),
    safetyNumber(info.safety_number),
    part(
      "Their devices",
      info.devices.length === 0 && el("p", { class: "muted", testid: "contact-no-devices" }, "No devices known."),
      el("ul", { class: "chat-info-list", testid: "contact-devices" }, ...info.devices.map((d) => contactDevice(d, ctx))),
    ),
  ];
}

export interface ChatInfoPanel extends Section {
  /** The header's Chat info button (the chat's avatar), which opens and closes the panel. */
  openButton: HTMLButtonElement;
  /** Closes the panel (focus goes back to the Info button); false if it was not open. */
  close(): boolean;
}

/** The Info button (showing `face`: the chat's avatar) and the panel (empty while closed) of the chat `chatId`. */
export function renderChatInfo(chatId: string, ctx: RenderContext, face: Node | string = "Info"): ChatInfoPanel {
  const openButton = el(
    "button",
    {
      class: "chat-info-open",
      testid: "chat-info-open",
      attrs: { type: "button", "aria-label": "Chat info", title: "Chat info", "aria-controls": "chat-info" },
    },
    face,
  );
  const slot = el("div", { class: "chat-info-slot" });
  const heading = el("h3", { testid: "chat-info-heading", attrs: { id: "chat-info-heading", tabindex: "-1" } }, "Chat info");
  const closeBtn = el("button", { testid: "chat-info-close", attrs: { type: "button" } }, "Close");
  const body = el("div", { class: "chat-info-body" });
  const panel = el(
    "section",
    { class: "chat-info", testid: "chat-info", attrs: { id: "chat-info", role: "dialog", "aria-label": "Chat info" } },
    el("div", { class: "chat-info-head" }, heading, closeBtn),
    body,
  );

  const mine = (): ChatInfoState | null => (ctx.ui.chatInfo?.chatId === chatId ? ctx.ui.chatInfo : null);
  const load = (st: ChatInfoState) => {
    st.loading = true;
    st.error = null;
    ctx.backend.chatInfo(chatId).then(
      (info) => {
        if (ctx.ui.chatInfo !== st) return;
        st.loading = false;
        st.info = info;
        ctx.ui.refresh();
      },
      (e: unknown) => {
        if (ctx.ui.chatInfo !== st) return;
        const err = toAppError(e);
        st.loading = false;
        st.error = { code: err.code, message: err.message };
        ctx.ui.refresh();
      },
    );
  };

  let shown: unknown[] = [];
  const apply = () => {
    const st = mine();
    openButton.setAttribute("aria-expanded", String(st !== null));
    if (st === null) return slot.replaceChildren();
    if (!slot.contains(panel)) slot.replaceChildren(panel);
    const now = [st, st.loading, st.info, st.error];
    if (now.every((v, i) => v === shown[i])) return;
    shown = now;
    if (st.loading) {
      body.replaceChildren(el("p", { class: "muted", testid: "chat-info-loading", attrs: { role: "status" } }, "Loading chat info…"));
    } else if (st.error !== null) {
      const retry = el("button", { testid: "chat-info-retry", attrs: { type: "button" } }, "Try again");
      retry.addEventListener("click", () => {
        load(st);
        apply();
        heading.focus();
      });
      body.replaceChildren(
        el("div", { testid: "chat-info-error", attrs: { role: "alert" } }, el("p", { class: "inline-error" }, chatInfoErrorText(st.error.code, st.error.message)), retry),
      );
    } else if (st.info !== null) {
      body.replaceChildren(...infoBody(st.info, ctx));
    }
  };

  const close = (): boolean => {
    if (mine() === null) return false;
    ctx.ui.chatInfo = null;
    apply();
    openButton.focus();
    return true;
  };
  openButton.addEventListener("click", () => {
    if (close()) return;
    const st: ChatInfoState = { chatId, loading: true, info: null, error: null };
    ctx.ui.chatInfo = st;
    load(st);
    apply();
    heading.focus();
  });
  closeBtn.addEventListener("click", () => close());
  panel.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || e.isComposing) return;
    e.preventDefault();
    e.stopPropagation();
    close();
  });
  apply();
  return { node: slot, apply, openButton, close };
}
