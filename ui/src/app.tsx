import { options, render } from "preact";
import type { Backend } from "./backend";
import { Legacy } from "./bridge";
import { type BaseContext, contextOf, type RenderContext } from "./context";
import { toAppError } from "./errors";
import { newMessageNotices } from "./notifications";
import { applyTheme, loadNotifications, loadTheme } from "./prefs";
import { holdRendersWhilePressed } from "./renderHold";
import { installShortcuts } from "./shortcuts";
import type { ErrorInfo, View } from "./types";
import { UiState } from "./uiState";
import { messageAnnouncement } from "./views/chatAnnounce";
import { ConnectionBanner } from "./views/connection";
import { FATAL_HEADING, renderFatal } from "./views/fatal";
import { KEY_LOST_HEADING, KeyLostScreen } from "./views/keyLost";
import { linkFailedHeading, renderLinkFailed } from "./views/linkFailed";
import { LinkedScreen } from "./views/linked";
import { phaseText, renderLinking } from "./views/linking";
import { LOCKED_TITLE, renderLocked } from "./views/locked";
import { renderStarting } from "./views/starting";

// A state change is drawn at once, not on a later tick: what an event handler changed is on
// screen when it returns (and in the tests, without waiting).
options.debounceRendering = (cb) => cb();

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
      return view.error?.code === "key_missing" ? KEY_LOST_HEADING : FATAL_HEADING;
    default:
      return "";
  }
}

function renderScreen(view: View, ctx: RenderContext): HTMLElement {
  switch (view.screen) {
    case "linking":
      // Linked from this window: its history sync is news, said once done (views/topBars.tsx).
      ctx.ui.historyBar.news = true;
      return renderLinking(view, ctx);
    case "link_failed":
      return renderLinkFailed(view, ctx);
    case "locked":
      return renderLocked(view, ctx);
    case "fatal":
      return renderFatal(view.error);
    default:
      return renderStarting();
  }
}

/** What the screen shows: nothing yet, a View, or an error from before any View. */
type Shown = { kind: "starting" } | { kind: "view"; view: View } | { kind: "error"; error: ErrorInfo };

interface RootProps {
  shown: Shown;
  base: BaseContext;
  announcement: string;
}

function Screen({ shown, base }: { shown: Shown; base: BaseContext }) {
  if (shown.kind === "starting") return <Legacy key="starting" stamp="starting" build={() => ({ nodes: [renderStarting()] })} />;
  if (shown.kind === "error") {
    const error = shown.error;
    return <Legacy key="fatal-error" stamp={error} build={() => ({ nodes: [renderFatal(error)] })} />;
  }
  const view = shown.view;
  if (view.screen === "linked") return <LinkedScreen key="linked" view={view} base={base} />;
  if (view.screen === "fatal" && view.error?.code === "key_missing") return <KeyLostScreen key="key-lost" view={view} backend={base.backend} />;
  return <Legacy key={view.screen} stamp={view} build={(scope) => ({ nodes: [renderScreen(view, contextOf(base, view, scope))] })} />;
}

function Footer({ view }: { view: View | null }) {
  return (
    <footer class="footer muted" data-testid="footer">
      <p class="footer-line">
        {view !== null && `This computer: ${view.device_name}`}
        {view !== null && (
          <span class="sep" aria-hidden="true">
            {" · "}
          </span>
        )}
        {view !== null && `Relay: ${view.relay_url}`}
      </p>
      {/* A native disclosure: keyboard-accessible; Preact leaves its open state to the user. */}
      <details class="about" data-testid="about">
        <summary data-testid="about-toggle">About Tandem</summary>
        <div class="about-body" data-testid="about-body">
          {view !== null && (
            <>
              <p>
                Tandem desktop <span data-testid="app-version">{view.app_version}</span>
              </p>
              <p>A linked companion of your phone: end-to-end encrypted, every device with its own keys.</p>
              <p>Licence: Apache-2.0</p>
            </>
          )}
        </div>
      </details>
    </footer>
  );
}

function Root({ shown, base, announcement }: RootProps) {
  const view = shown.kind === "view" ? shown.view : null;
  // A locked desktop is offline on purpose (its screen, or its bar, says so), and one that
  // cannot start never connects: no banner.
  const banner = view !== null && view.locked === null && view.screen !== "fatal" ? view.connection : null;
  return (
    <>
      <div class="banner-slot" aria-live="polite">
        {banner !== null && <ConnectionBanner connection={banner} now={base.now} />}
      </div>
      <div class="screen-slot">
        <Screen shown={shown} base={base} />
      </div>
      <Footer view={view} />
      <div class="sr-only" data-testid="announcer" aria-live="polite">
        {announcement}
      </div>
    </>
  );
}

/** Which control had keyboard focus: its test id and, for rows, its chat and message. */
function focusedControl(area: HTMLElement) {
  const active = document.activeElement;
  const focused = active instanceof HTMLElement && area.contains(active) ? active : null;
  if (focused === null) return null;
  const field = focused instanceof HTMLInputElement || focused instanceof HTMLTextAreaElement ? focused : null;
  return {
    node: focused,
    testid: focused.dataset["testid"],
    chatId: focused.dataset["chatId"],
    messageId: focused.dataset["messageId"],
    selection: field ? { start: field.selectionStart, end: field.selectionEnd } : null,
  };
}

/** A part drawn again (not yet a component) took the focused control away: focus its new copy. */
function refocus(area: HTMLElement, was: ReturnType<typeof focusedControl>): void {
  if (was === null || was.node.isConnected || was.testid === undefined) return;
  // Something drawn meanwhile took focus on purpose (a chat opened with the cursor in its composer).
  const now = document.activeElement;
  if (now !== null && now !== document.body && now.isConnected) return;
  // Compared, never put into a selector: chat and message ids are untrusted text.
  const again = [...area.querySelectorAll<HTMLElement>(`[data-testid="${was.testid}"]`)].find(
    (e) => e.dataset["chatId"] === was.chatId && e.dataset["messageId"] === was.messageId,
  );
  again?.focus();
  const { start, end } = was.selection ?? { start: null, end: null };
  const sameField = again instanceof HTMLInputElement || again instanceof HTMLTextAreaElement;
  if (sameField && start !== null && end !== null) again.setSelectionRange(start, end);
}

export function createApp(root: HTMLElement, backend: Backend, opts: AppOptions = {}): App {
  const now = opts.now ?? (() => Date.now());
  const ui = new UiState();
  applyTheme(loadTheme());
  const removeShortcuts = installShortcuts(document, () => ui.shortcuts);
  document.title = "Tandem";

  let shown: Shown = { kind: "starting" };
  let lastJson = "";
  let lastAnnouncement = "";
  let announcerText = "";
  let lastView: View | null = null;

  const base: BaseContext = { backend, now, ui, redraw: () => draw() };
  // index.html's own "Starting Tandem…" goes: from here on the components draw the whole window.
  root.replaceChildren();
  const draw = () => {
    const was = focusedControl(root);
    render(<Root shown={shown} base={base} announcement={announcerText} />, root);
    refocus(root, was);
  };
  const resetScreenState = () => {
    ui.refresh = () => draw();
    ui.shortcuts = null;
  };

  const announce = (text: string) => {
    if (text === lastAnnouncement) return;
    lastAnnouncement = text;
    announcerText = text;
  };

  const app: App = {
    render(view) {
      if (hold.defer(() => app.render(view))) return;
      const json = JSON.stringify(view);
      if (json === lastJson) return;
      lastJson = json;
      shown = { kind: "view", view };
      // The core's title (with the unread count); the shell puts the same on the native window.
      document.title = view.title || "Tandem";
      const screenText = announcement(view);
      const messages = screenText === lastAnnouncement ? messageAnnouncement(lastView, view) : null;
      // A message announcement does not change lastAnnouncement, so the
      // screen's own text is not repeated on the next View.
      if (messages !== null) announcerText = messages;
      else announce(screenText);
      lastView = view;
      resetScreenState();
      draw();
      // The linked screen fills the window (its panes scroll on their own); the others are pages.
      root.dataset["screen"] = view.screen;
    },

    renderError(error) {
      lastJson = "";
      lastView = null;
      shown = { kind: "error", error };
      document.title = "Tandem";
      announce(FATAL_HEADING);
      resetScreenState();
      draw();
      root.dataset["screen"] = "fatal";
    },

    dispose() {
      render(null, root);
      hold.dispose();
      removeShortcuts();
      ui.clearSearch();
    },
  };
  draw();
  // Only a press on the screen itself holds a View back (not on the footer or the banner).
  const hold = holdRendersWhilePressed(root.querySelector<HTMLElement>(".screen-slot") ?? root);
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
