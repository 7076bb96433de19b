import type { RenderContext } from "../context";
import { button, el } from "../dom";
import { kindLabel } from "../format";
import { isTheme, loadNotifications, loadTheme, setNotifications, setTheme, type Theme } from "../prefs";
import { SHORTCUT_HELP } from "../shortcuts";
import type { Linked, View } from "../types";
import type { Section } from "./chatList";
import { renderLogOut } from "./logOut";
import { renderProfile } from "./profile";
import { renderBlockedSettings } from "./requests";
import { focusMainMenu } from "./sidebarHead";

export interface SettingsPanel extends Section {
  /** Opens the panel with keyboard focus on its heading. */
  open(): void;
  /** Closes the panel and gives keyboard focus back to the main menu's button. */
  close(): void;
}

function section(testid: string, heading: string, ...children: (Node | false)[]): HTMLElement {
  const id = `${testid}-heading`;
  return el(
    "section",
    { class: "settings-section", testid, attrs: { "aria-labelledby": id } },
    el("h3", { attrs: { id } }, heading),
    ...children,
  );
}

/** A read-only summary: the full list (and Refresh) stays on the linked screen. */
function devicesSummary(linked: Linked): HTMLElement {
  const list = el(
    "ul",
    { class: "settings-devices", testid: "settings-devices" },
    ...linked.devices.map((d) =>
      el(
        "li",
        { testid: "settings-device", attrs: { "data-device-id": String(d.device_id) } },
        el("span", { class: "device-name" }, d.name),
        ` — ${kindLabel(d.kind)}`,
        d.this_device && " (this device)",
      ),
    ),
  );
  return section(
    "settings-linked-devices",
    "Linked devices",
    list,
    el("p", { class: "muted" }, "Details and Refresh: Menu (⋮) → Linked devices."),
  );
}

/** The account's full id (the chat list and headers show names) and this computer's name. */
function account(linked: Linked): HTMLElement {
  return section(
    "settings-account",
    "Account",
    el("p", {}, "Account id: ", el("code", { class: "account-id", testid: "linked-account", attrs: { title: "Your account id" } }, linked.account_id)),
    el("p", {}, "This computer: ", el("span", { testid: "settings-device-name" }, linked.device_name)),
    el("p", { class: "muted" }, "Others start a chat with you by this id."),
  );
}

const THEMES: [Theme, string][] = [
  ["light", "Light"],
  ["dark", "Dark"],
  ["system", "System"],
];

function appearance(): HTMLElement {
  const current = loadTheme();
  const fieldset = el(
    "fieldset",
    { class: "theme-choice", testid: "theme-choice" },
    el("legend", {}, "Theme"),
    ...THEMES.map(([value, label]) => {
      const id = `theme-${value}`;
      const radio = el("input", { testid: id, attrs: { type: "radio", name: "theme", id, value } });
      radio.checked = value === current;
      return el("span", { class: "radio-row" }, radio, el("label", { attrs: { for: id } }, label));
    }),
  );
  fieldset.addEventListener("change", (e) => {
    const value = (e.target as HTMLInputElement).value;
    if (isTheme(value)) setTheme(value);
  });
  return section(
    "settings-appearance",
    "Appearance",
    fieldset,
    el("p", { class: "muted" }, "System follows your computer's light or dark setting."),
  );
}

function notifications(): HTMLElement {
  const box = el("input", {
    testid: "notifications-enabled",
    attrs: { type: "checkbox", id: "notifications-enabled", "aria-describedby": "notifications-hint" },
  });
  box.checked = loadNotifications();
  box.addEventListener("change", () => setNotifications(box.checked));
  return section(
    "settings-notifications",
    "Notifications",
    el("div", { class: "check-row" }, box, el("label", { attrs: { for: "notifications-enabled" } }, "Show notifications for new messages")),
    el("p", { class: "muted", attrs: { id: "notifications-hint" } }, "Applies to this computer only."),
  );
}

/** "the last 3 months", "the last year", "all", or "the last N days" (of history). */
export function rangeText(days: number): string {
  if (days === 0) return "all";
  if (days === 90) return "the last 3 months";
  if (days === 365) return "the last year";
  return `the last ${days} days`;
}

/** What history this desktop asked for, how much is here, and where the rest is. */
function historySettings(linked: Linked): HTMLElement {
  const asked =
    linked.history_days === null
      ? "This computer holds the history your phone sent when it was linked."
      : `When it was linked, this computer asked your phone for ${rangeText(linked.history_days)} of history.`;
  const here = linked.history === null ? null : `${linked.history.messages_imported.toLocaleString()} messages synced.`;
  return section(
    "settings-history",
    "History",
    el("p", { testid: "settings-history-range" }, asked, here === null ? "" : ` ${here}`),
    el("p", { class: "muted" }, "Older messages stay on your phone: open a chat and choose Load older messages."),
  );
}

function shortcutsHelp(): HTMLElement {
  return section(
    "shortcuts-help",
    "Keyboard shortcuts",
    el(
      "dl",
      { class: "shortcuts" },
      ...SHORTCUT_HELP.flatMap(([keys, action]) => [el("dt", {}, el("kbd", {}, keys)), el("dd", {}, action)]),
    ),
  );
}

function about(view: View): HTMLElement {
  return section(
    "settings-about",
    "About",
    el("p", {}, "Tandem desktop ", el("span", { testid: "settings-app-version" }, view.app_version)),
    el("p", {}, "Relay: ", el("code", { class: "account-id", testid: "settings-relay-url" }, view.relay_url)),
  );
}

/**
 * Settings, a page of the left pane as in WhatsApp Desktop (the main menu's Settings opens it;
 * Back or Esc returns to the chats). The panel stays in the document, hidden while closed.
 */
export function renderSettings(view: View, linked: Linked, ctx: RenderContext): SettingsPanel {
  const heading = el(
    "h2",
    { testid: "settings-heading", attrs: { id: "settings-heading", tabindex: "-1" } },
    "Settings",
  );
  const profile = renderProfile(linked, ctx);
  const blocked = renderBlockedSettings(linked, ctx);
  const closeBtn = button("←", { testid: "close-settings", class: "icon-button", attrs: { "aria-label": "Back to chats", title: "Back to chats" } }, () =>
    close(),
  );
  const panel = el(
    "section",
    { class: "settings", testid: "settings", attrs: { id: "settings-panel", "aria-labelledby": "settings-heading" } },
    el("div", { class: "settings-head sidebar-page-head" }, closeBtn, heading),
    profile.node,
    account(linked),
    devicesSummary(linked),
    historySettings(linked),
    blocked.node,
    appearance(),
    notifications(),
    section("settings-log-out", "Log out of this desktop", renderLogOut(ctx)),
    shortcutsHelp(),
    about(view),
  );
  const show = () => {
    panel.hidden = !ctx.ui.settingsOpen;
  };
  function open(): void {
    ctx.ui.settingsOpen = true;
    show();
    heading.focus();
  }
  function close(): void {
    ctx.ui.settingsOpen = false;
    show();
    ctx.ui.refresh(); // the chats come back in the left pane
    focusMainMenu();
  }
  panel.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || e.isComposing) return;
    e.preventDefault();
    e.stopPropagation();
    close();
  });
  show();
  const apply = () => {
    show();
    profile.apply();
    blocked.apply();
  };
  return { node: panel, apply, open, close };
}
