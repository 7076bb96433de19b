import { useRef } from "preact/hooks";
import { type BuildScope, type Built, Legacy } from "../bridge";
import { type BaseContext, contextOf, type RenderContext } from "../context";
import { button, el } from "../dom";
import { formatDateTime } from "../format";
import type { HistoryStatus, Linked, View } from "../types";
import type { RefreshOptions } from "../uiState";
import { renderNewChat } from "./chatList";
import { ChatList } from "./chatRows";
import { DevicesSection } from "./devices";
import { type ConversationSection, renderConversation } from "./conversation";
import { renderImageViewer } from "./images";
import { renderLinkConfirm } from "./linkConfirm";
import { renderLockedBar } from "./locked";
import { linkedShortcuts } from "./navigation";
import type { SearchSection } from "./search";
import { renderSettings, type SettingsPanel } from "./settings";

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

interface Parts {
  settings?: SettingsPanel;
  newChat?: ReturnType<typeof renderNewChat>;
  search?: SearchSection;
  conversation?: ConversationSection;
  viewer?: ReturnType<typeof renderImageViewer>;
  linkConfirm?: ReturnType<typeof renderLinkConfirm>;
}

/** Focuses the chat list's row of a chat (a shown one). */
function focusChatRow(chatId: string): void {
  // Compared, never put into a selector: chat ids are untrusted text.
  const rows = document.querySelectorAll<HTMLButtonElement>('.chats [data-testid="chat-row"]');
  [...rows].find((r) => r.dataset["chatId"] === chatId && !r.closest("[hidden]"))?.focus();
}

/** Moves keyboard focus as a refresh asks (uiState.ts RefreshOptions). */
function focusAsAsked(parts: Parts, opts: RefreshOptions | undefined): void {
  if (opts?.focusComposer) parts.conversation?.focus();
  if (opts?.focusChatRow !== undefined) focusChatRow(opts.focusChatRow);
  if (opts?.focusSearch) parts.search?.focus();
  if (opts?.focusViewer) parts.viewer?.focus();
  if (opts?.focusImage !== undefined) parts.conversation?.focusImage(opts.focusImage);
  if (opts?.focusLinkConfirm) parts.linkConfirm?.focus();
  if (opts?.focusLink !== undefined) parts.conversation?.focusLink(opts.focusLink.messageId, opts.focusLink.index);
}

function topParts(view: View, linked: Linked, ctx: RenderContext, parts: Parts): Built {
  const settings = renderSettings(view, linked, ctx);
  parts.settings = settings;
  const title = el(
    "h1",
    { testid: "linked-title" },
    "Linked to ",
    el("code", { class: "account-id", testid: "linked-account" }, linked.account_id),
    " as ",
    el("span", { testid: "linked-device-name" }, linked.device_name),
  );
  const warning = linked.inactivity_warning;
  return {
    nodes: [
      el("header", { class: "linked-header" }, title, settings.toggle),
      settings.node,
      linked.history !== null ? historySection(linked.history) : null,
      linked.notice !== null ? noticeBanner(linked.notice.message, ctx) : null,
      warning === null
        ? null
        : el(
            "p",
            { class: "notice notice-warning", testid: "inactivity-warning", attrs: { role: "alert" } },
            `${warning.message} Logout date: ${formatDateTime(warning.logout_at_ms)}.`,
          ),
    ],
    apply: settings.apply,
  };
}

/** For the components' handlers: they set no intervals through the context. */
const NO_SCOPE: BuildScope = { every: () => {}, afterMount: (fn) => fn() };

/** A section built by a render function, as a bridge's Built. */
function built(section: { node: HTMLElement; apply(): void }): Built {
  return { nodes: [section.node], apply: () => section.apply() };
}

export function LinkedScreen({ view, base }: { view: View; base: BaseContext }) {
  const parts = useRef<Parts>({}).current;
  const linked = view.linked;
  if (linked === null) {
    return (
      <main class="screen screen-linked" data-testid="screen-linked">
        <h1>Linked</h1>
      </main>
    );
  }
  const ui = base.ui;
  const ctxOf = (scope: BuildScope) => contextOf(base, view, scope);
  // Before the conversation is built: leaving a chat gives up opening its images.
  ui.setOpenChat(linked.open_chat?.chat_id ?? null);
  ui.refresh = (opts) => {
    base.redraw();
    focusAsAsked(parts, opts);
  };
  ui.shortcuts = linkedShortcuts(linked, ctxOf(NO_SCOPE), {
    focusSearch: () => parts.search?.focus(),
    focusNewChat: () => parts.newChat?.focus(),
    closeSettings: () => parts.settings?.close(),
    closeChatInfo: () => parts.conversation?.closeChatInfo() ?? false,
  });
  // While the image viewer or the link confirmation is open, the rest of the screen is inert (they are modal).
  const modal = ui.linkConfirm !== null ? "confirm" : ui.viewer !== null ? "viewer" : null;
  const openId = linked.open_chat?.chat_id;
  const blocked = openId !== undefined && linked.blocked.includes(openId);
  return (
    <main class="screen screen-linked" data-testid="screen-linked">
      <Legacy stamp={view} inert={modal !== null} build={(scope) => topParts(view, linked, ctxOf(scope), parts)} />
      <div class="chat-layout" inert={modal !== null ? true : undefined}>
        <div class="chat-sidebar">
          {/* The user kept the data of a locked desktop: it stays offline until linked again. */}
          {view.locked !== null && <Legacy stamp={view} build={(scope) => built(renderLockedBar(ctxOf(scope)))} />}
          <Legacy stamp={view} build={(scope) => built((parts.newChat = renderNewChat(ctxOf(scope), linked.suggested_chat)))} />
          <ChatList
            view={view}
            linked={linked}
            ctx={ctxOf(NO_SCOPE)}
            searchCtx={ctxOf}
            searchBuilt={(s) => (parts.search = s)}
          />
          <DevicesSection linked={linked} backend={base.backend} ui={ui} now={base.now} />
        </div>
        <Legacy
          stamp={view}
          build={(scope) => built((parts.conversation = renderConversation(linked.open_chat, ctxOf(scope), blocked)))}
        />
      </div>
      <Legacy stamp={view} inert={modal === "confirm"} build={(scope) => built((parts.viewer = renderImageViewer(ctxOf(scope))))} />
      <Legacy stamp={view} build={(scope) => built((parts.linkConfirm = renderLinkConfirm(ctxOf(scope))))} />
    </main>
  );
}
