import type { RenderContext } from "../context";
import { button, el } from "../dom";
import { toAppError } from "../errors";
import { formatDateTime, kindLabel, lastActive } from "../format";
import type { Device, HistoryStatus, Linked, View } from "../types";
import { renderChatList, renderNewChat } from "./chatList";
import { renderConversation } from "./conversation";
import { renderImageViewer } from "./images";
import { renderLinkConfirm } from "./linkConfirm";
import { renderLockedBar } from "./locked";
import { linkedShortcuts } from "./navigation";
import { renderSettings } from "./settings";

function deviceRow(d: Device, ctx: RenderContext): HTMLTableRowElement {
  const last = el("td", { testid: "device-last-active" }, lastActive(d.last_active_ms, ctx.now()));
  if (d.last_active_ms !== null) {
    const at = d.last_active_ms;
    last.title = formatDateTime(at);
    ctx.every(30_000, () => {
      last.textContent = lastActive(at, ctx.now());
    });
  }
  const linkedAt = el(
    "time",
    { attrs: { datetime: new Date(d.linked_at_ms).toISOString() } },
    formatDateTime(d.linked_at_ms),
  );
  return el(
    "tr",
    {
      class: d.this_device ? "this-device" : "",
      testid: "device-row",
      attrs: { "data-device-id": String(d.device_id) },
    },
    el(
      "td",
      {},
      el("span", { class: "device-name", testid: "device-name" }, d.name),
      d.this_device && el("span", { class: "muted", testid: "this-device" }, " (this device)"),
      d.relay_says_logged_out &&
        el(
          "span",
          { class: "muted", testid: "device-relay-logged-out" },
          " · the relay says it was logged out (not confirmed by your phone)",
        ),
    ),
    el("td", { testid: "device-kind" }, kindLabel(d.kind)),
    el("td", { testid: "device-linked-at" }, linkedAt),
    last,
  );
}

/** What the core wants the user to know (a tandem:// link it could not follow), until dismissed. */
function noticeBanner(message: string, ctx: RenderContext): HTMLElement {
  const dismiss = button("Dismiss", { testid: "app-notice-dismiss" }, async (btn) => {
    btn.disabled = true;
    try {
      await ctx.backend.dismissNotice();
    } catch {
      btn.disabled = false;
    }
  });
  return el(
    "div",
    { class: "notice notice-warning", testid: "app-notice", attrs: { role: "alert" } },
    el("span", { testid: "app-notice-text" }, `Couldn't open the link: ${message}.`),
    " ",
    dismiss,
  );
}

function devicesSection(linked: Linked, ctx: RenderContext): HTMLElement {
  const table = el(
    "table",
    {
      class: "devices",
      testid: "device-list",
      attrs: { "data-version": String(linked.device_list_version), "aria-label": "Devices on this account" },
    },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ...["Name", "Kind", "Linked", "Last active"].map((h) => el("th", { attrs: { scope: "col" } }, h)),
      ),
    ),
    el("tbody", {}, ...linked.devices.map((d) => deviceRow(d, ctx))),
  );

  const status = el("p", {
    class: "refresh-status",
    testid: "refresh-status",
    attrs: { "aria-live": "polite" },
  });
  const refresh = button("Refresh", { testid: "refresh-devices" }, async (btn) => {
    btn.disabled = true;
    status.classList.remove("inline-error");
    status.textContent = "Refreshing…";
    try {
      await ctx.backend.refreshDevices();
      status.textContent = "";
    } catch (e) {
      status.classList.add("inline-error");
      status.textContent = `Couldn't refresh the device list: ${toAppError(e).message}`;
    } finally {
      btn.disabled = false;
    }
  });

  const details = el(
    "details",
    { class: "devices-section", testid: "devices-section" },
    el("summary", { testid: "devices-toggle" }, "Devices on this account"),
    table,
    el("div", { class: "row" }, refresh, status),
  );
  // Rebuilt for every View: remember whether the user collapsed it.
  details.open = ctx.ui.devicesOpen;
  details.addEventListener("toggle", () => {
    ctx.ui.devicesOpen = details.open;
  });
  return details;
}

/** "less than a minute left", "about 3 min left". */
export function timeLeftText(seconds: number): string {
  return seconds < 60 ? "less than a minute left" : `about ${Math.round(seconds / 60)} min left`;
}

/** History sync from the phone: a progress bar while it runs, and what went wrong if it did. */
export function historySection(h: HistoryStatus): HTMLElement {
  const label =
    h.state === "complete"
      ? `History synced: ${h.messages_imported} messages`
      : `Syncing history from your phone: ${h.messages_imported} of ${h.messages_total} messages` +
        ` · chunk ${h.chunks_imported} of ${h.chunks_total}` +
        (h.seconds_left === null ? "" : ` · ${timeLeftText(h.seconds_left)}`);
  const bar = el("progress", {
    testid: "history-progress",
    attrs: { max: String(Math.max(h.messages_total, 1)), value: String(h.messages_imported), "aria-label": "History sync" },
  });
  const section = el(
    "section",
    { class: "history", testid: "history", attrs: { "data-state": h.state } },
    el("p", { testid: "history-label" }, label),
    h.state !== "complete" && bar,
  );
  if (h.partial_chats.length > 0) {
    section.append(
      el("p", { class: "muted", testid: "history-partial" }, `${h.partial_chats.length} chat(s) have older messages still on the phone.`),
    );
  }
  if (h.loading_older.length > 0) {
    section.append(
      el("p", { class: "muted", testid: "history-loading-older" }, `Loading older messages of ${h.loading_older.length} chat(s)…`),
    );
  }
  for (const f of h.failures) {
    section.append(el("p", { class: "inline-error", testid: "history-failure" }, `Not imported: ${f}`));
  }
  return section;
}

export function renderLinked(view: View, ctx: RenderContext): HTMLElement {
  const root = el("main", { class: "screen screen-linked", testid: "screen-linked" });
  const linked = view.linked;
  if (linked === null) {
    root.append(el("h1", {}, "Linked"));
    return root;
  }

  const title = el(
    "h1",
    { testid: "linked-title" },
    "Linked to ",
    el("code", { class: "account-id", testid: "linked-account" }, linked.account_id),
    " as ",
    el("span", { testid: "linked-device-name" }, linked.device_name),
  );

  // Before the conversation is built: leaving a chat gives up opening its images.
  ctx.ui.setOpenChat(linked.open_chat?.chat_id ?? null);
  const newChat = renderNewChat(ctx, linked.suggested_chat);
  const chats = renderChatList(linked, ctx);
  const openId = linked.open_chat?.chat_id;
  const conversation = renderConversation(linked.open_chat, ctx, openId !== undefined && linked.blocked.includes(openId));
  const settings = renderSettings(view, linked, ctx);
  const viewer = renderImageViewer(ctx);
  const linkConfirm = renderLinkConfirm(ctx);
  // The user kept the data of a locked desktop: it stays offline until linked again.
  const lockedBar = view.locked === null ? null : renderLockedBar(ctx);
  // While the image viewer or the link confirmation is open, the rest of the screen is inert (they are modal).
  const setInert = () => {
    const modal = ctx.ui.linkConfirm !== null ? linkConfirm.node : ctx.ui.viewer !== null ? viewer.node : null;
    for (const part of root.children) part.toggleAttribute("inert", modal !== null && part !== modal);
  };
  ctx.ui.refresh = (opts) => {
    newChat.apply();
    chats.apply();
    conversation.apply();
    settings.apply();
    viewer.apply();
    linkConfirm.apply();
    lockedBar?.apply();
    setInert();
    if (opts?.focusComposer) conversation.focus();
    if (opts?.focusChatRow !== undefined) chats.focusRow(opts.focusChatRow);
    if (opts?.focusSearch) chats.focusSearch();
    if (opts?.focusViewer) viewer.focus();
    if (opts?.focusImage !== undefined) conversation.focusImage(opts.focusImage);
    if (opts?.focusLinkConfirm) linkConfirm.focus();
    if (opts?.focusLink !== undefined) conversation.focusLink(opts.focusLink.messageId, opts.focusLink.index);
  };
  ctx.ui.shortcuts = linkedShortcuts(linked, ctx, {
    focusSearch: chats.focusSearch,
    focusNewChat: newChat.focus,
    closeSettings: settings.close,
    closeChatInfo: conversation.closeChatInfo,
  });

  root.append(el("header", { class: "linked-header" }, title, settings.toggle), settings.node);
  if (linked.history !== null) root.append(historySection(linked.history));
  if (linked.notice !== null) root.append(noticeBanner(linked.notice.message, ctx));
  if (linked.inactivity_warning !== null) {
    root.append(
      el(
        "p",
        { class: "notice notice-warning", testid: "inactivity-warning", attrs: { role: "alert" } },
        `${linked.inactivity_warning.message} Logout date: ${formatDateTime(linked.inactivity_warning.logout_at_ms)}.`,
      ),
    );
  }
  root.append(
    el(
      "div",
      { class: "chat-layout" },
      el("div", { class: "chat-sidebar" }, lockedBar?.node, newChat.node, chats.node, devicesSection(linked, ctx)),
      conversation.node,
    ),
    viewer.node,
    linkConfirm.node,
  );
  setInert();
  return root;
}
