import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_HOLD_MS } from "../src/renderHold";
import { CHAT_A, CHAT_B, byTestId, chatSummary, chatView, mount } from "./helpers";

const one = () => chatView([chatSummary(CHAT_A)]);
const two = () => chatView([chatSummary(CHAT_A), chatSummary(CHAT_B)]);
const rows = () => document.querySelectorAll('[data-testid="chat-row"]').length;
const press = (target: Element, type: "pointerdown" | "pointerup") =>
  target.dispatchEvent(new MouseEvent(type, { bubbles: true, button: 0 }));
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => vi.useRealTimers());

describe("a View that arrives while the mouse button is held down", () => {
  it("is drawn once the button is released, so the pressed control stays for its click", async () => {
    const { app } = mount(one());
    const row = byTestId("chat-row");
    press(row, "pointerdown");
    app.render(two());
    expect(rows()).toBe(1);
    press(row, "pointerup");
    // The click that follows the release still finds the button it was pressed on.
    expect(row.isConnected).toBe(true);
    await nextTask();
    expect(rows()).toBe(2);
    // Rows are keyed by chat: the pressed one is updated in place, not replaced.
    expect(row.isConnected).toBe(true);
  });

  it("draws the newest of several Views that waited", async () => {
    const { app } = mount(one());
    const list = byTestId("chat-list");
    press(list, "pointerdown");
    app.render(two());
    app.render(one());
    app.render(two());
    press(list, "pointerup");
    await nextTask();
    expect(rows()).toBe(2);
  });

  it("is drawn after a while even if the window never saw the release", () => {
    vi.useFakeTimers();
    const { app } = mount(one());
    press(byTestId("chat-row"), "pointerdown");
    app.render(two());
    vi.advanceTimersByTime(MAX_HOLD_MS - 1);
    expect(rows()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(rows()).toBe(2);
  });

  it("is drawn at once for a press outside the screen, or another button", () => {
    const { app } = mount(one());
    press(byTestId("footer"), "pointerdown");
    app.render(two());
    expect(rows()).toBe(2);
    byTestId("chat-row").dispatchEvent(new MouseEvent("pointerdown", { bubbles: true, button: 2 }));
    app.render(one());
    expect(rows()).toBe(1);
  });
});
