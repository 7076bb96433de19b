import { useRef } from "preact/hooks";
import { type BuildScope, type Built, Legacy } from "../bridge";
import { type BaseContext, contextOf } from "../context";
import type { View } from "../types";
import type { RefreshOptions } from "../uiState";
import { renderNewChat } from "./chatList";
import { ChatList } from "./chatRows";
import { DevicesPage } from "./devices";
import { type ConversationSection, renderConversation } from "./conversation";
import { renderImageViewer } from "./images";
import { renderLinkConfirm } from "./linkConfirm";
import { renderLockedBar } from "./locked";
import { linkedShortcuts } from "./navigation";
import type { SearchSection } from "./search";
import { renderSettings, type SettingsPanel } from "./settings";
import { focusMainMenu, type SidebarActions, SidebarHead } from "./sidebarHead";
import { AppNotice, HistoryBar, InactivityNotice } from "./topBars";

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
  const openNewChat = () => {
    ui.sidebarPage = "chats";
    ui.newChatOpen = true;
    base.redraw();
    parts.newChat?.focus();
  };
  const actions: SidebarActions = {
    newChat: () => {
      if (!ui.newChatOpen || ui.sidebarPage !== "chats") return openNewChat();
      ui.newChatOpen = false;
      base.redraw();
    },
    devices: () => {
      ui.sidebarPage = "devices";
      base.redraw();
    },
    settings: () => {
      parts.settings?.open();
      base.redraw(); // the chats make way for it in the left pane
    },
  };
  ui.shortcuts = linkedShortcuts(linked, ctxOf(NO_SCOPE), {
    focusSearch: () => parts.search?.focus(),
    focusNewChat: openNewChat,
    closeSettings: () => parts.settings?.close(),
    closeChatInfo: () => parts.conversation?.closeChatInfo() ?? false,
  });
  // While the image viewer or the link confirmation is open, the rest of the screen is inert (they are modal).
  const modal = ui.linkConfirm !== null ? "confirm" : ui.viewer !== null ? "viewer" : null;
  const openId = linked.open_chat?.chat_id;
  const blocked = openId !== undefined && linked.blocked.includes(openId);
  const st = ui.newChat;
  const newChatShown = ui.newChatOpen || linked.suggested_chat !== null || st.text !== "" || st.error !== "";
  return (
    <main class="screen screen-linked" data-testid="screen-linked">
      {linked.history !== null && <HistoryBar h={linked.history} ui={ui} />}
      {linked.notice !== null && <AppNotice key={linked.notice.message} message={linked.notice.message} backend={base.backend} />}
      {linked.inactivity_warning !== null && <InactivityNotice warning={linked.inactivity_warning} />}
      <div class="chat-layout" inert={modal !== null ? true : undefined}>
        <div class="chat-sidebar">
          <Legacy stamp={view} build={(scope) => built((parts.settings = renderSettings(view, linked, ctxOf(scope))))} />
          {ui.settingsOpen ? null : ui.sidebarPage === "devices" ? (
            <DevicesPage
              linked={linked}
              backend={base.backend}
              now={base.now}
              onBack={() => {
                ui.sidebarPage = "chats";
                base.redraw();
                focusMainMenu();
              }}
            />
          ) : (
            <>
              <SidebarHead linked={linked} newChatOpen={newChatShown} actions={actions} />
              {/* The user kept the data of a locked desktop: it stays offline until linked again. */}
              {view.locked !== null && <Legacy stamp={view} build={(scope) => built(renderLockedBar(ctxOf(scope)))} />}
              {newChatShown && (
                <Legacy stamp={view} build={(scope) => built((parts.newChat = renderNewChat(ctxOf(scope), linked.suggested_chat)))} />
              )}
              <ChatList
                view={view}
                linked={linked}
                ctx={ctxOf(NO_SCOPE)}
                searchCtx={ctxOf}
                searchBuilt={(s) => (parts.search = s)}
              />
            </>
          )}
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
