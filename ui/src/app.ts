import type { Backend } from "./backend";
import { TimerScope, type RenderContext } from "./context";
import { el } from "./dom";
import { toAppError } from "./errors";
import { namesOf } from "./format";
import { newMessageNotices } from "./notifications";
import { applyTheme, loadNotifications, loadTheme } from "./prefs";
import { holdRendersWhilePressed } from "./renderHold";
import { installShortcuts } from "./shortcuts";
import type { ErrorInfo, View } from "./types";
import { UiState } from "./uiState";
import { messageAnnouncement } from "./views/chatAnnounce";
import { renderConnection } from "./views/connection";
import { FATAL_HEADING, renderFatal } from "./views/fatal";
import { linkFailedHeading, renderLinkFailed } from "./views/linkFailed";
import { renderLinked } from "./views/linked";
import { phaseText, renderLinking } from "./views/linking";
import { LOCKED_TITLE, renderLocked } from "./views/locked";
import { renderStarting } from "./views/starting";

export interface App {
  /** Re-renders for a new View (identical consecutive Views are ignored). */
  render(view: View): void;
  /** Shows the fatal screen for an error that happened before any View. */
  renderError(error: ErrorInfo): void;
  dispose(): void;
}

export interface AppOptions {
  now?: () => number;
}

/** What the persistent live region says when the screen (or phase) changes. */
export function announcement(view: View): string {
  switch (view.screen) {
    case "linking":
      return view.linking ? (phaseText(view.linking.phase) ?? "") : "";
    case "link_failed":
      return linkFailedHeading(view.error?.code);
    case "linked":
      return "Linked to your phone";
    case "locked":
      return LOCKED_TITLE;
    case "fatal":
      return FATAL_HEADING;
    default:
      return "";
  }
}

function renderScreen(view: View, ctx: RenderContext): HTMLElement {
  switch (view.screen) {
    case "linking":
      return renderLinking(view, ctx);
    case "link_failed":
      return renderLinkFailed(view, ctx);
    case "linked":
      return renderLinked(view, ctx);
    case "locked":
      return renderLocked(view, ctx);
    case "fatal":
      return renderFatal(view.error);
    default:
      return renderStarting();
  }
}

export function createApp(root: HTMLElement, backend: Backend, opts: AppOptions = {}): App {
  const now = opts.now ?? (() => Date.now());
  const screenTimers = new TimerScope();
  const bannerTimers = new TimerScope();
  const ui = new UiState();
  applyTheme(loadTheme());
  const removeShortcuts = installShortcuts(document, () => ui.shortcuts);

  // Persistent parts: live regions must exist before their content changes.
  const bannerSlot = el("div", { class: "banner-slot", attrs: { "aria-live": "polite" } });
  const announcer = el("div", {
    class: "sr-only",
    testid: "announcer",
    attrs: { "aria-live": "polite" },
  });
  const screenSlot = el("div", { class: "screen-slot" }, renderStarting());
  const footerLine = el("p", { class: "footer-line" });
  // A native disclosure: keyboard-accessible, and it stays open across re-renders.
  const aboutBody = el("div", { class: "about-body", testid: "about-body" });
  const about = el("details", { class: "about", testid: "about" }, el("summary", { testid: "about-toggle" }, "About Tandem"), aboutBody);
  const footer = el("footer", { class: "footer muted", testid: "footer" }, footerLine, about);
  root.replaceChildren(bannerSlot, screenSlot, footer, announcer);
  document.title = "Tandem";
  const hold = holdRendersWhilePressed(screenSlot);

  let lastJson = "";
  let lastConnJson = "";
  let lastAnnouncement = "";
  let lastView: View | null = null;

  const showScreen = (node: HTMLElement, afterMount: (() => void)[] = []) => {
    // Keep keyboard focus on the "same" control across re-renders: same test
    // id and, for rows, the same chat and message (compared, never put into a selector).
    const active = document.activeElement;
    const focused = active instanceof HTMLElement && screenSlot.contains(active) ? active : null;
    const focusedId = focused?.dataset["testid"];
    const chatId = focused?.dataset["chatId"];
    const messageId = focused?.dataset["messageId"];
    const field = focused instanceof HTMLInputElement || focused instanceof HTMLTextAreaElement ? focused : null;
    const selection = field ? { start: field.selectionStart, end: field.selectionEnd } : null;
    screenSlot.replaceChildren(node);
    if (focusedId) {
      const again = [...screenSlot.querySelectorAll<HTMLElement>(`[data-testid="${focusedId}"]`)].find(
        (e) => e.dataset["chatId"] === chatId && e.dataset["messageId"] === messageId,
      );
      again?.focus();
      const { start, end } = selection ?? { start: null, end: null };
      const sameField = again instanceof HTMLInputElement || again instanceof HTMLTextAreaElement;
      if (sameField && start !== null && end !== null) again.setSelectionRange(start, end);
    }
    for (const fn of afterMount) fn();
  };

  const announce = (text: string) => {
    if (text === lastAnnouncement) return;
    lastAnnouncement = text;
    announcer.textContent = text;
  };

  const app: App = {
    render(view) {
      if (hold.defer(() => app.render(view))) return;
      const json = JSON.stringify(view);
      if (json === lastJson) return;
      lastJson = json;

      // A locked desktop is offline on purpose (its screen, or its bar, says so): no banner.
      const locked = view.locked !== null;
      const connJson = JSON.stringify([view.connection, locked]);
      if (connJson !== lastConnJson) {
        lastConnJson = connJson;
        bannerTimers.clear();
        const banner = locked ? null : renderConnection(view.connection, {
          now,
          every: (ms, fn) => bannerTimers.every(ms, fn),
        });
        bannerSlot.replaceChildren(...(banner ? [banner] : []));
      }

      screenTimers.clear();
      ui.refresh = () => {};
      ui.shortcuts = null;
      const mounted: (() => void)[] = [];
      const ctx: RenderContext = {
        backend,
        now,
        every: (ms, fn) => screenTimers.every(ms, fn),
        ui,
        names: namesOf(view),
        afterMount: (fn) => mounted.push(fn),
      };
      showScreen(renderScreen(view, ctx), mounted);
      // The linked screen fills the window (its panes scroll on their own); the others are pages.
      root.dataset["screen"] = view.screen;
      footerLine.replaceChildren(
        `This computer: ${view.device_name}`,
        el("span", { class: "sep", attrs: { "aria-hidden": "true" } }, " · "),
        `Relay: ${view.relay_url}`,
      );
      aboutBody.replaceChildren(
        el("p", {}, "Tandem desktop ", el("span", { testid: "app-version" }, view.app_version)),
        el("p", {}, "A linked companion of your phone: end-to-end encrypted, every device with its own keys."),
        el("p", {}, "Licence: Apache-2.0"),
      );
      // The core's title (with the unread count); the shell puts the same on the native window.
      document.title = view.title || "Tandem";
      const screenText = announcement(view);
      const messages = screenText === lastAnnouncement ? messageAnnouncement(lastView, view) : null;
      // A message announcement does not change lastAnnouncement, so the
      // screen's own text is not repeated on the next View.
      if (messages !== null) announcer.textContent = messages;
      else announce(screenText);
      lastView = view;
    },

    renderError(error) {
      lastJson = "";
      lastView = null;
      ui.refresh = () => {};
      ui.shortcuts = null;
      screenTimers.clear();
      showScreen(renderFatal(error));
      root.dataset["screen"] = "fatal";
      document.title = "Tandem";
      announce(FATAL_HEADING);
    },

    dispose() {
      screenTimers.clear();
      bannerTimers.clear();
      hold.dispose();
      removeShortcuts();
      ui.clearSearch();
    },
  };
  return app;
}

/** Desktop notifications for live messages, unless the user turned them off in Settings. */
function notifyNewMessages(backend: Backend, prev: View | null, next: View): void {
  if (!loadNotifications()) return;
  const focused = typeof document.hasFocus === "function" && document.hasFocus();
  const inFront = focused ? (next.linked?.open_chat?.chat_id ?? null) : null;
  for (const n of newMessageNotices(prev, next, inFront, Date.now())) {
    // No notification service (a headless session): the message is still in the window.
    backend.notify(n.title, n.body).catch(() => {});
  }
}

/**
 * Subscribes first (so no update is missed), then fetches the current View.
 * A pushed View always wins over the snapshot. Any failure here leaves the UI
 * unable to follow the core, so it shows the fatal screen.
 */
export async function start(app: App, backend: Backend): Promise<void> {
  let pushed = false;
  let previous: View | null = null;
  try {
    await backend.subscribe((v) => {
      pushed = true;
      notifyNewMessages(backend, previous, v);
      previous = v;
      app.render(v);
    });
  } catch (e) {
    app.renderError(toAppError(e));
    return;
  }
  try {
    const view = await backend.getView();
    if (!pushed) app.render(view);
  } catch (e) {
    if (!pushed) app.renderError(toAppError(e));
  }
}
