import { afterEach, describe, expect, it, vi } from "vitest";
import { ROW_ESTIMATE, windowAround } from "../src/views/messageWindow";
import { CHAT_A, byTestId, chatSummary, chatView, fakeBackend, message, mount, openChat } from "./helpers";

const TOTAL = 1000;
const ROW = 50;

/** The window of a 1000-message chat that leaves out the `newer` newest: messages m<start>… */
function windowView(newer: number) {
  const start = TOTAL - newer - 200;
  const messages = Array.from({ length: 200 }, (_, i) =>
    message({ message_id: `m${start + i}`, body: `message ${start + i}`, sent_ms: 1_700_000_000_000 + (start + i) * 1000 }),
  );
  return chatView([chatSummary(CHAT_A)], openChat(CHAT_A, messages, { total_messages: TOTAL, newer_hidden: newer }));
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
    expect(backend.showMessages).toHaveBeenCalledWith(800);
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
    expect(backend.showMessages).toHaveBeenCalledWith(windowAround(500, TOTAL));
    app.render(windowView(400));
    // The window now starts at message 400: message 510 is drawn lower down, and stays on top.
    expect(byTestId("message-list").scrollTop).toBe(400 * ROW_ESTIMATE + 110 * ROW);
  });

  it("does not jump to the bottom when a message arrives while reading older ones", () => {
    fakeLayout();
    const { app } = mount(windowView(300));
    const top = 500 * ROW_ESTIMATE + 50 * ROW;
    scrollTo(top);
    app.render(windowView(301)); // a new message: the window, counted from the newest, moved by one
    expect(byTestId("message-list").scrollTop).toBe(499 * ROW_ESTIMATE + 51 * ROW);
  });
});
