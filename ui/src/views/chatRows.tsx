// The chat list in the left pane, as WhatsApp and Signal Desktop have it: filters (All, Unread,
// Groups), then one row per chat with an avatar, the name, the time of the last message, a
// one-line preview, and its marks (request, blocked, pinned, muted, unread). Rows are keyed by
// chat id: a new View updates them in place, so focus and the scroll position stay.
import { type BuildScope, Legacy } from "../bridge";
import { Avatar } from "../components/avatar";
import type { RenderContext } from "../context";
import { dayLabel, formatTime, shortId } from "../format";
import { listMove } from "../listKeys";
import type { ChatSummary, Linked, View } from "../types";
import type { ChatFilter } from "../uiState";
import { historyFlagText, passesFilter, previewText, showsUnreadDot } from "./chatList";
import { openChatFrom } from "./chatOpen";
import { renderSearch, type SearchSection } from "./search";

/** "14:05" today, "Yesterday", else the day. */
export function rowTime(ms: number, now: number): string {
  const day = dayLabel(ms, now);
  return day === "Today" ? formatTime(ms) : day;
}

const FILTERS: { id: ChatFilter; label: string }[] = [
  { id: "all", label: "All" },
  { id: "unread", label: "Unread" },
  { id: "groups", label: "Groups" },
];

interface RowProps {
  chat: ChatSummary;
  open: boolean;
  blocked: boolean;
  ctx: RenderContext;
}

function ChatRow({ chat, open, blocked, ctx, tabbable }: RowProps & { tabbable: boolean }) {
  const history = historyFlagText(chat.history);
  const name = chat.title ?? shortId(chat.chat_id);
  const last = chat.last_message;
  // As in WhatsApp and Signal: the chat opens with the cursor in its composer (typing goes there),
  // once the View with it arrives (renderConversation), or at once if it is open already.
  const onClick = () => {
    const already = ctx.ui.openChatId === chat.chat_id;
    ctx.ui.focusComposerFor = already ? null : chat.chat_id;
    openChatFrom(ctx, chat.chat_id, undefined, already ? { focusComposer: true } : undefined);
  };
  const onKey = (e: KeyboardEvent) => {
    if ((e.key !== "Enter" && e.key !== " ") || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    onClick();
  };
  // An option of the chat listbox: one row in the tab order (the open chat's, else the first),
  // the arrow keys move between rows (ChatList), Enter or Space opens one.
  return (
    <li
      role="option"
      tabIndex={tabbable ? 0 : -1}
      class={open ? "chat-row chat-row-open" : "chat-row"}
      data-testid="chat-row"
      data-chat-id={chat.chat_id}
      data-history={chat.history}
      aria-selected={open ? "true" : "false"}
      aria-current={open ? "true" : undefined}
      onClick={onClick}
      onKeyDown={onKey}
    >
        <Avatar id={chat.chat_id} name={chat.title ?? chat.chat_id} />
        <span class="chat-row-main">
          <span class="chat-row-top">
            {chat.title === null ? (
              <span class="chat-row-title" data-testid="chat-row-id" title={chat.chat_id}>
                {name}
              </span>
            ) : (
              <span class="chat-row-title" data-testid="chat-row-title">
                {chat.title}
              </span>
            )}
            {last !== null && (
              <time class="chat-row-time" data-testid="chat-row-time" dateTime={new Date(last.sent_ms).toISOString()}>
                {rowTime(last.sent_ms, ctx.now())}
              </time>
            )}
          </span>
          <span class="chat-row-bottom">
            <span class="chat-row-preview" data-testid="chat-row-preview">
              {previewText(chat)}
            </span>
            <span class="chat-row-flags">
              {chat.request && <span class="flag flag-request" data-testid="chat-request">Message request</span>}
              {blocked && <span class="flag flag-blocked" data-testid="chat-blocked">Blocked</span>}
              {chat.pinned && (
                <span class="flag flag-icon" data-testid="chat-pinned" role="img" aria-label="Pinned" title="Pinned">
                  📌
                </span>
              )}
              {chat.muted && (
                <span class="flag flag-icon" data-testid="chat-muted" role="img" aria-label="Muted" title="Muted">
                  🔕
                </span>
              )}
              {history !== null && (
                <span class="flag flag-history" data-testid="chat-history" title={history}>
                  {chat.history === "more_on_phone" ? <span aria-label={history} role="img">☁</span> : history}
                </span>
              )}
              {chat.unread > 0 && (
                <span class="badge" data-testid="chat-unread" aria-label={`${chat.unread} unread`}>
                  {String(chat.unread)}
                </span>
              )}
              {showsUnreadDot(chat) && <span class="unread-dot" data-testid="chat-marked-unread" role="img" aria-label="Marked unread" />}
            </span>
          </span>
        </span>
    </li>
  );
}

/** ArrowUp / ArrowDown / Home / End move the focus between the rows of a chat listbox. */
function moveInList(e: KeyboardEvent): void {
  if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
  const list = e.currentTarget as HTMLElement;
  const all = [...list.querySelectorAll<HTMLElement>('[role="option"]')];
  const at = all.indexOf(document.activeElement as HTMLElement);
  const to = at < 0 ? null : listMove(e.key, at, all.length, false);
  if (to === null) return;
  e.preventDefault();
  all[to]?.focus();
}

export interface ChatListProps {
  view: View;
  linked: Linked;
  /** A context for the list's own handlers (its intervals are never used). */
  ctx: RenderContext;
  /** The search box (built by the bridge, as it is not a component yet). */
  searchBuilt(search: SearchSection): void;
  searchCtx(scope: BuildScope): RenderContext;
}

export function ChatList({ view, linked, ctx, searchBuilt, searchCtx }: ChatListProps) {
  const ui = ctx.ui;
  const openId = linked.open_chat?.chat_id ?? null;
  const blocked = (c: ChatSummary) => linked.blocked.includes(c.chat_id);
  // One row of each listbox in the tab order: the open chat's, else the first.
  const rows = (list: ChatSummary[]) => {
    const tabbable = list.some((c) => c.chat_id === openId) ? openId : (list[0]?.chat_id ?? null);
    return list.map((c) => (
      <ChatRow key={c.chat_id} chat={c} open={c.chat_id === openId} blocked={blocked(c)} ctx={ctx} tabbable={c.chat_id === tabbable} />
    ));
  };
  const active = linked.chats.filter((c) => !c.archived);
  const shown = active.filter((c) => passesFilter(c, ui.chatFilter));
  const archived = linked.chats.filter((c) => c.archived);
  const setFilter = (f: ChatFilter) => {
    ui.chatFilter = f;
    ui.refresh();
  };
  const toggleArchived = () => {
    ui.showArchived = !ui.showArchived;
    ui.refresh();
  };
  return (
    <nav class="chats" aria-labelledby="chats-heading">
      {/* Named for screen readers; on screen the pane's head says whose chats these are. */}
      <h2 id="chats-heading" class="sr-only">
        Chats
      </h2>
      <Legacy
        stamp={view}
        build={(scope) => {
          const search = renderSearch(searchCtx(scope));
          searchBuilt(search);
          return { nodes: [search.box, search.results], apply: search.apply };
        }}
      />
      {/* While the search box holds a query, its results replace the list. */}
      <div class="chat-list-body" hidden={ui.search.query.trim() !== ""}>
        <div class="chat-filters" role="group" aria-label="Show chats">
          {FILTERS.map((f) => (
            <button
              key={f.id}
              type="button"
              class="chip"
              data-testid={`chat-filter-${f.id}`}
              aria-pressed={ui.chatFilter === f.id ? "true" : "false"}
              onClick={() => setFilter(f.id)}
            >
              {f.label}
            </button>
          ))}
        </div>
        {linked.chats.length === 0 && <p class="muted" data-testid="no-chats">No chats yet.</p>}
        {linked.chats.length > 0 && shown.length === 0 && (
          <p class="muted" data-testid="no-chats-filtered">
            {ui.chatFilter === "unread" ? "No unread chats." : "No groups yet."}
          </p>
        )}
        <ul class="chat-list" data-testid="chat-list" role="listbox" aria-label="Chats" onKeyDown={moveInList}>
          {rows(shown)}
        </ul>
        {archived.length > 0 && (
          <button type="button" class="archived-row" data-testid="archived-toggle" aria-expanded={ui.showArchived ? "true" : "false"} onClick={toggleArchived}>
            {`Archived (${archived.length})`}
          </button>
        )}
        {archived.length > 0 && (
          <ul class="chat-list" data-testid="archived-list" role="listbox" aria-label="Archived chats" hidden={!ui.showArchived} onKeyDown={moveInList}>
            {rows(archived)}
          </ul>
        )}
      </div>
      <p class="inline-error" data-testid="chat-list-error" aria-live="polite">
        {ui.chatListError}
      </p>
    </nav>
  );
}
