import { afterEach, describe, expect, it, vi } from "vitest";
import { ROW_ESTIMATE, windowAround } from "../src/views/messageWindow";
import { CHAT_A, byTestId, chatSummary, chatView, fakeBackend, message, mount, openChat } from "./helpers";

const TOTAL = 1000;
const ROW = 50;

/** The window of a `total`-message chat that leaves out the `newer` newest: messages m<start>… */
function windowView(newer: number, total = TOTAL) {
  const start = total - newer - 200;
  const at = (i: number) => 1_700_000_000_000 + i * 1000;
  const messages = Array.from({ length: 200 }, (_, i) =>
    message({ message_id: `m${start + i}`, body: `message ${start + i}`, sent_ms: at(start + i) }),
  );
  const summary = chatSummary(CHAT_A, { body: `message ${total - 1}`, outgoing: false, sent_ms: at(total - 1) });
  return chatView([summary], openChat(CHAT_A, messages, { total_messages: total, newer_hidden: newer }));
}

/** jsdom has no layout: rows are 50 px tall, below the older spacer (64 px per message). */
function fakeLayout(): void {
  vi.spyOn(HTMLElement.prototype, "offsetTop", "get").mockImplementation(function (this: HTMLElement) {
    const id = this.dataset["messageId"];
    const spacer = this.parentElement?.querySelector<HTMLElement>('[data-testid="older-spacer"]');
    if (id === undefined || !spacer) return 0;
    const older = Number(spacer.dataset["count"]);
    return older * ROW_ESTIMATE + (Number(id.slice(1)) - older) * ROW;
  });
  vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockImplementation(() => ROW);
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockImplementation(() => 600);
  vi.spyOn(HTMLElement.prototype, "scrollHeight", "get").mockImplementation(function (this: HTMLElement) {
    const older = Number(this.querySelector<HTMLElement>('[data-testid="older-spacer"]')?.dataset["count"] ?? 0);
    const newer = Number(this.querySelector<HTMLElement>('[data-testid="newer-spacer"]')?.dataset["count"] ?? 0);
    return (older + newer) * ROW_ESTIMATE + 200 * ROW;
  });
}

function scrollTo(top: number): void {
  const list = byTestId("message-list");
  list.scrollTop = top;
  list.dispatchEvent(new Event("scroll"));
}

afterEach(() => vi.restoreAllMocks());

describe("the virtualized message list", () => {
  it("centres a window on a message, within the chat", () => {
    expect(windowAround(0, TOTAL)).toBe(800);
    expect(windowAround(100, TOTAL)).toBe(800);
    expect(windowAround(500, TOTAL)).toBe(400);
    expect(windowAround(999, TOTAL)).toBe(0);
    expect(windowAround(40, 120)).toBe(0);
  });

  it("stands in for the messages outside the window, so the scrollbar spans the chat", () => {
    mount(windowView(300));
    const older = byTestId("older-spacer");
    const newer = byTestId("newer-spacer");
    expect([older.dataset["count"], older.style.height]).toEqual(["500", `${500 * ROW_ESTIMATE}px`]);
    expect([newer.dataset["count"], newer.style.height]).toEqual(["300", `${300 * ROW_ESTIMATE}px`]);
    expect(older.getAttribute("aria-hidden")).toBe("true");
    expect(document.querySelectorAll('[data-testid="message-row"]')).toHaveLength(200);
  });

  it("asks for the window where the user scrolled, then shows that message at the top", () => {
    fakeLayout();
    const backend = fakeBackend();
    const { app } = mount(windowView(300), backend);
    // Dragged into the older spacer, to message 100.
    scrollTo(100 * ROW_ESTIMATE);
    expect(backend.showMessages).toHaveBeenCalledWith(CHAT_A, 800);
    scrollTo(100 * ROW_ESTIMATE + 10);
    expect(backend.showMessages).toHaveBeenCalledTimes(1);
    app.render(windowView(800));
    expect(byTestId("message-list").scrollTop).toBe(100 * ROW);
  });

  it("moves the window before the user reaches its edge, keeping the same message in place", () => {
    fakeLayout();
    const backend = fakeBackend();
    const { app } = mount(windowView(300), backend);
    // Message 510 at the top of the screen, 10 rows below the window's first.
    const top = 500 * ROW_ESTIMATE + 10 * ROW;
    scrollTo(top);
    expect(backend.showMessages).toHaveBeenCalledWith(CHAT_A, windowAround(500, TOTAL));
    app.render(windowView(400));
    // The window now starts at message 400: message 510 is drawn lower down, and stays on top.
    expect(byTestId("message-list").scrollTop).toBe(400 * ROW_ESTIMATE + 110 * ROW);
  });

  it("does not jump to the bottom when a message arrives while reading older ones", () => {
    fakeLayout();
    const { app } = mount(windowView(300));
    const top = 500 * ROW_ESTIMATE + 50 * ROW;
    scrollTo(top);
    // A new message: the core keeps the window's distance from the newest, so it starts one later.
    app.render(windowView(300, TOTAL + 1));
    expect(byTestId("message-list").scrollTop).toBe(501 * ROW_ESTIMATE + 49 * ROW);
  });

  it("announces a message that arrives while reading older ones, but not a window that moved", () => {
    const { app } = mount(windowView(300));
    app.render(windowView(400));
    expect(byTestId("announcer").textContent).not.toContain("new messages");
    app.render(windowView(400, TOTAL + 1));
    expect(byTestId("announcer").textContent).toBe(`New message from ${CHAT_A.slice(0, 8)}…`);
  });
});

describe("the virtualized message list, newer side", () => {
  it("jumps through the newer spacer to the place dragged to", () => {
    fakeLayout();
    const backend = fakeBackend();
    const { app } = mount(windowView(600), backend);
    // Window m200..m399 (older 200); dragged to message 700, inside the newer spacer.
    const contentEnd = 200 * ROW_ESTIMATE + 200 * ROW;
    scrollTo(contentEnd + 300 * ROW_ESTIMATE);
    expect(backend.showMessages).toHaveBeenCalledWith(CHAT_A, windowAround(700, TOTAL));
    app.render(windowView(windowAround(700, TOTAL)));
    // The window m600..m799 arrived: message 700 is at the top.
    expect(byTestId("message-list").scrollTop).toBe(600 * ROW_ESTIMATE + 100 * ROW);
  });
});

describe("reopening a chat", () => {
  it("starts at the newest messages again, as the core's window does", () => {
    fakeLayout();
    const { app } = mount(windowView(0));
    scrollTo(100 * ROW_ESTIMATE); // dragged up to message 100
    app.render(windowView(800));
    byTestId("chat-row").click(); // the chat opened again from the list
    app.render(windowView(0)); // the core's window is back at the newest
    const list = byTestId("message-list");
    expect(list.scrollTop).toBe(list.scrollHeight);
  });
});

describe("a list replaced by a re-render", () => {
  it("ignores its last scroll event, which reads 0 once it is off the page", () => {
    fakeLayout();
    const backend = fakeBackend();
    const { app } = mount(windowView(0), backend);
    const old = byTestId("message-list");
    scrollTo(900 * ROW_ESTIMATE); // reading the newest messages
    app.render(windowView(0, TOTAL + 1)); // a View arrives: the list is drawn again
    expect(old.isConnected).toBe(false);
    vi.mocked(backend.showMessages).mockClear();
    old.scrollTop = 0;
    old.dispatchEvent(new Event("scroll"));
    // No jump to the oldest messages, and the place on screen is kept.
    expect(backend.showMessages).not.toHaveBeenCalled();
    app.render(windowView(0, TOTAL + 1));
    expect(byTestId("message-list").scrollTop).not.toBe(0);
  });
});
