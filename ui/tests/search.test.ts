import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "../src/errors";
import { formatDate } from "../src/format";
import type { SearchResult } from "../src/types";
import { SEARCH_DEBOUNCE_MS, snippetParts } from "../src/views/search";
import {
  CHAT_A,
  CHAT_B,
  NOW,
  byTestId,
  chatSummary,
  chatView,
  fakeBackend,
  flush,
  message,
  mount,
  openChat,
  queryTestId,
} from "./helpers";

const chats = [chatSummary(CHAT_A), chatSummary(CHAT_B)];
const EVIL = "<img src=x onerror=alert(1)>";

function result(over: Partial<SearchResult> = {}): SearchResult {
  return { chat_id: CHAT_A, title: null, message_id: "m1", outgoing: false, sent_ms: NOW, snippet: "say [hello] there", ...over };
}

function input(): HTMLInputElement {
  return byTestId<HTMLInputElement>("search-input");
}

function typeQuery(text: string): void {
  input().value = text;
  input().dispatchEvent(new Event("input", { bubbles: true }));
}

function results(): HTMLButtonElement[] {
  return [...document.querySelectorAll<HTMLButtonElement>('[data-testid="search-result"]')];
}

async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
  await flush();
}

describe("snippetParts", () => {
  it("splits [bracketed] matches from the text around them", () => {
    expect(snippetParts("say [hello] to [world]!")).toEqual([
      { text: "say ", match: false },
      { text: "hello", match: true },
      { text: " to ", match: false },
      { text: "world", match: true },
      { text: "!", match: false },
    ]);
    expect(snippetParts("[a][b]")).toEqual([
      { text: "a", match: true },
      { text: "b", match: true },
    ]);
  });

  it("leaves lone and empty brackets as text", () => {
    expect(snippetParts("a [ b ] c [] d [e")).toEqual([
      { text: "a ", match: false },
      { text: " b ", match: true },
      { text: " c [] d [e", match: false },
    ]);
    expect(snippetParts("x]y[")).toEqual([{ text: "x]y[", match: false }]);
    expect(snippetParts("")).toEqual([]);
  });
});

describe("search", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is a labelled search box at the top of the chat list", () => {
    mount(chatView(chats));
    expect(input().getAttribute("aria-label")).toBe("Search messages");
    const nav = byTestId("chat-list").closest("nav")!;
    expect(nav.contains(input())).toBe(true);
    expect(input().compareDocumentPosition(byTestId("chat-list")) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(byTestId("search-panel").hidden).toBe(true);
  });

  it("searches once typing pauses, with the trimmed query", async () => {
    const backend = fakeBackend();
    mount(chatView(chats), backend);
    typeQuery("he");
    await vi.advanceTimersByTimeAsync(100);
    typeQuery("hel");
    await vi.advanceTimersByTimeAsync(100);
    typeQuery(" hello ");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 1);
    expect(backend.search).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(backend.search).toHaveBeenCalledTimes(1);
    expect(backend.search).toHaveBeenCalledWith("hello");
  });

  it("shows the results instead of the chat list while the query is not empty", async () => {
    const backend = fakeBackend();
    backend.search.mockResolvedValue([
      result(),
      result({ chat_id: CHAT_B, title: "Book club", message_id: "m9", outgoing: true, sent_ms: NOW - 86_400_000 * 3, snippet: "[hel]lo" }),
    ]);
    mount(chatView(chats), backend);
    typeQuery("hel*");
    expect(byTestId("search-status").textContent).toBe("Searching…");
    await settle();
    expect(byTestId("chat-list").closest("[hidden]")).not.toBeNull();
    expect(byTestId("search-panel").hidden).toBe(false);
    const list = byTestId("search-results");
    expect(list.tagName).toBe("UL");
    const r = results();
    expect(r.map((b) => b.tagName)).toEqual(["BUTTON", "BUTTON"]);
    expect(r.map((b) => byTestId("search-result-chat", b).textContent)).toEqual([CHAT_A, "Book club"]);
    expect(r.map((b) => byTestId("search-result-date", b).textContent)).toEqual([formatDate(NOW), formatDate(NOW - 86_400_000 * 3)]);
    expect(byTestId("search-result-snippet", r[0]).textContent).toBe("say hello there");
    expect([...r[0]!.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["hello"]);
    expect(r[1]!.textContent).toContain("You: hello");
    expect(queryTestId("search-empty")).toBeNull();

    typeQuery("");
    expect(byTestId("search-panel").hidden).toBe(true);
    expect(byTestId("chat-list").closest("[hidden]")).toBeNull();
  });

  it("renders a hostile snippet and title as text, with <mark> only from brackets", async () => {
    const backend = fakeBackend();
    backend.search.mockResolvedValue([result({ title: EVIL, snippet: `${EVIL} [<b>hi</b>] <mark>x</mark>` })]);
    mount(chatView(chats), backend);
    typeQuery("hi");
    await settle();
    const r = results()[0]!;
    expect(document.querySelector("img")).toBeNull();
    expect(r.querySelector("b")).toBeNull();
    expect(byTestId("search-result-chat", r).textContent).toBe(EVIL);
    const marks = [...r.querySelectorAll("mark")];
    expect(marks.map((m) => m.textContent)).toEqual(["<b>hi</b>"]);
    expect(marks[0]!.children).toHaveLength(0);
    expect(byTestId("search-result-snippet", r).textContent).toBe(`${EVIL} <b>hi</b> <mark>x</mark>`);
  });

  it("says No messages found", async () => {
    mount(chatView(chats));
    typeQuery("zebra");
    await settle();
    expect(byTestId("search-empty").textContent).toBe("No messages found");
    expect(byTestId("search-empty").closest("[aria-live]")).not.toBeNull();
    expect(results()).toHaveLength(0);
  });

  it("opening a result opens its chat, clears the search and shows the message", async () => {
    const backend = fakeBackend();
    backend.search.mockResolvedValue([result({ chat_id: CHAT_B, message_id: "m2" })]);
    const { app } = mount(chatView(chats), backend);
    typeQuery("hello");
    await settle();
    results()[0]!.click();
    expect(input().value).toBe("");
    expect(byTestId("search-panel").hidden).toBe(true);
    expect(byTestId("chat-list").closest("[hidden]")).toBeNull();
    expect(document.activeElement).toBe(input());
    // The core opens the chat with its window of messages around the one found, however old.
    expect(backend.openChatAt).toHaveBeenCalledWith(CHAT_B, "m2");
    app.render(chatView(chats, openChat(CHAT_B, [message({ message_id: "m1" }), message({ message_id: "m2" })])));
    await flush();
    const found = document.querySelector(".message-found");
    expect(found?.getAttribute("data-message-id")).toBe("m2");
    expect(document.activeElement).toBe(byTestId("composer-input"));
  });

  it("Esc in the box clears it (and a search still due is not run)", async () => {
    const backend = fakeBackend();
    mount(chatView(chats), backend);
    input().focus();
    typeQuery("hello");
    const e = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    input().dispatchEvent(e);
    expect(e.defaultPrevented).toBe(true);
    expect(input().value).toBe("");
    expect(byTestId("search-panel").hidden).toBe(true);
    await settle();
    expect(backend.search).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(input());
  });

  it("shows a failed search inline", async () => {
    const backend = fakeBackend();
    backend.search.mockRejectedValue(new AppError("internal", "Index broken."));
    mount(chatView(chats), backend);
    typeQuery("hello");
    await settle();
    const error = byTestId("search-error");
    expect(error.textContent).toBe("Couldn't search: Index broken.");
    expect(error.getAttribute("aria-live")).toBe("polite");
  });

  it("shows only the newest search's answer", async () => {
    const backend = fakeBackend();
    let answerFirst: (r: SearchResult[]) => void = () => {};
    backend.search.mockImplementationOnce(() => new Promise((resolve) => (answerFirst = resolve)));
    backend.search.mockResolvedValueOnce([result({ message_id: "new" })]);
    mount(chatView(chats), backend);
    typeQuery("old");
    await settle();
    typeQuery("new");
    await settle();
    answerFirst([result({ message_id: "old" })]);
    await flush();
    expect(results().map((b) => b.dataset["messageId"])).toEqual(["new"]);
  });

  it("keeps the query, results and focus across a new View", async () => {
    const backend = fakeBackend();
    backend.search.mockResolvedValue([result()]);
    const { app } = mount(chatView(chats), backend);
    input().focus();
    typeQuery("hello");
    await settle();
    app.render({ ...chatView(chats), relay_url: "wss://other.example.test" });
    expect(input().value).toBe("hello");
    expect(document.activeElement).toBe(input());
    expect(results()).toHaveLength(1);
    expect(backend.search).toHaveBeenCalledTimes(1);
  });
});
