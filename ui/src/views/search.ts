// Message search above the chat list: while the box holds a query, its results replace the list.
import type { RenderContext } from "../context";
import { el } from "../dom";
import { toAppError } from "../errors";
import { formatDate, formatDateTime } from "../format";
import type { SearchResult } from "../types";
import { openChatFrom } from "./chatOpen";

/** How long typing must pause before the search runs. */
export const SEARCH_DEBOUNCE_MS = 200;
export const NO_RESULTS_TEXT = "No messages found";

export interface SnippetPart {
  text: string;
  /** A matched word (the core wrapped it in [brackets]). */
  match: boolean;
}

/**
 * Splits a snippet into plain text and [bracketed] matched words. Only ever split: the parts
 * become text nodes and <mark> elements, nothing is parsed. A lone or empty bracket stays text.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const re = /\[([^[\]]+)\]/g;
  let at = 0;
  for (let m = re.exec(snippet); m !== null; m = re.exec(snippet)) {
    if (m.index > at) parts.push({ text: snippet.slice(at, m.index), match: false });
    parts.push({ text: m[1] ?? "", match: true });
    at = m.index + m[0].length;
  }
  if (at < snippet.length) parts.push({ text: snippet.slice(at), match: false });
  return parts;
}

export function renderSnippet(snippet: string): HTMLElement {
  const p = el("span", { class: "search-result-snippet", testid: "search-result-snippet" });
  for (const part of snippetParts(snippet)) p.append(part.match ? el("mark", {}, part.text) : part.text);
  return p;
}

function resultButton(r: SearchResult, ctx: RenderContext): HTMLElement {
  const btn = el(
    "button",
    {
      class: "search-result",
      testid: "search-result",
      attrs: { type: "button", "data-chat-id": r.chat_id, "data-message-id": r.message_id },
    },
    el(
      "span",
      { class: "search-result-head" },
      r.title === null
        ? el("code", { class: "chat-row-id", testid: "search-result-chat" }, r.chat_id)
        : el("span", { class: "chat-row-title", testid: "search-result-chat" }, r.title),
      el(
        "time",
        { class: "search-result-date", testid: "search-result-date", attrs: { datetime: new Date(r.sent_ms).toISOString(), title: formatDateTime(r.sent_ms) } },
        formatDate(r.sent_ms),
      ),
    ),
    el("span", { class: "search-result-text" }, r.outgoing && "You: ", renderSnippet(r.snippet)),
  );
  btn.addEventListener("click", () => {
    // Opens the chat and shows the message; the search is done.
    ctx.ui.clearSearch();
    ctx.ui.jumpTo = { chatId: r.chat_id, messageId: r.message_id };
    openChatFrom(ctx, r.chat_id, { focusComposer: true }, { focusSearch: true }, r.message_id);
  });
  return el("li", {}, btn);
}

function runSearch(ctx: RenderContext): void {
  const st = ctx.ui.search;
  st.timer = null;
  const seq = ++st.seq;
  ctx.backend.search(st.query.trim()).then(
    (results) => {
      if (seq !== st.seq) return;
      st.busy = false;
      st.results = results;
      st.error = "";
      ctx.ui.refresh();
    },
    (e: unknown) => {
      if (seq !== st.seq) return;
      st.busy = false;
      st.error = `Couldn't search: ${toAppError(e).message}`;
      ctx.ui.refresh();
    },
  );
}

export interface SearchSection {
  /** The search box. */
  box: HTMLElement;
  /** Results, or what the search is doing; hidden while the box is empty. */
  results: HTMLElement;
  apply(): void;
  focus(): void;
}

export function renderSearch(ctx: RenderContext): SearchSection {
  const st = ctx.ui.search;
  const input = el("input", {
    class: "search-input",
    testid: "search-input",
    attrs: {
      type: "search",
      "aria-label": "Search messages",
      placeholder: "Search messages",
      autocomplete: "off",
      spellcheck: "false",
      "aria-controls": "search-results",
    },
  });
  const status = el("div", { class: "search-status muted", testid: "search-status", attrs: { "aria-live": "polite" } });
  const error = el("p", { class: "inline-error", testid: "search-error", attrs: { "aria-live": "polite" } });
  const list = el("ul", { class: "chat-list search-results", testid: "search-results", attrs: { id: "search-results", "aria-label": "Search results" } });
  const panel = el("div", { class: "search-panel", testid: "search-panel" }, status, list, error);

  let shown: SearchResult[] | null | undefined = undefined;
  const apply = () => {
    if (input.value !== st.query) input.value = st.query;
    panel.hidden = st.query.trim() === "";
    error.textContent = st.error;
    const none = st.results !== null && st.results.length === 0;
    status.replaceChildren(
      st.busy ? "Searching…" : none ? el("p", { testid: "search-empty" }, NO_RESULTS_TEXT) : "",
    );
    // Rebuilt only when new results arrive, so keyboard focus stays on a result meanwhile.
    if (st.results !== shown) {
      shown = st.results;
      list.replaceChildren(...(st.results ?? []).map((r) => resultButton(r, ctx)));
    }
  };

  input.addEventListener("input", () => {
    st.query = input.value;
    if (st.timer !== null) clearTimeout(st.timer);
    st.timer = null;
    if (st.query.trim() === "") {
      st.seq++;
      st.busy = false;
      st.results = null;
      st.error = "";
    } else {
      st.busy = true;
      st.timer = setTimeout(() => runSearch(ctx), SEARCH_DEBOUNCE_MS);
    }
    ctx.ui.refresh();
  });
  input.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || e.isComposing || st.query === "") return;
    e.preventDefault();
    e.stopPropagation();
    ctx.ui.clearSearch();
    ctx.ui.refresh();
  });

  const box = el("div", { class: "search-box", attrs: { role: "search" } }, input);
  apply();
  return { box, results: panel, apply, focus: () => input.focus() };
}
