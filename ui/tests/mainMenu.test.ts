import { describe, expect, it } from "vitest";
import { byTestId, chatView, mount, queryTestId } from "./helpers";

function press(target: EventTarget, key: string): KeyboardEvent {
  const e = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
  target.dispatchEvent(e);
  return e;
}

const items = () => [...document.querySelectorAll<HTMLButtonElement>('#main-menu [role="menuitem"]')];

describe("the left pane's main menu", () => {
  it("is a menu button: closed at first, a click opens it on its first item", () => {
    mount(chatView([]));
    const button = byTestId("main-menu");
    expect(button.getAttribute("aria-haspopup")).toBe("menu");
    expect(button.getAttribute("aria-label")).toBe("Menu");
    expect(byTestId("sidebar-head").contains(button)).toBe(true);
    const menu = document.getElementById("main-menu")!;
    expect(menu.getAttribute("role")).toBe("menu");
    expect(menu.hidden).toBe(true);
    expect(items().map((i) => i.textContent)).toEqual(["New chat", "Linked devices", "Settings"]);

    button.click();
    expect(menu.hidden).toBe(false);
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(document.activeElement).toBe(items()[0]);
  });

  it("moves with the arrow keys, Home and End, and Esc closes it with focus back on its button", () => {
    mount(chatView([]));
    const button = byTestId("main-menu");
    button.focus();
    press(button, "ArrowUp");
    expect(document.activeElement).toBe(items()[2]);
    press(document.activeElement!, "ArrowDown");
    expect(document.activeElement).toBe(items()[0]);
    press(document.activeElement!, "End");
    expect(document.activeElement).toBe(items()[2]);
    press(document.activeElement!, "Home");
    expect(document.activeElement).toBe(items()[0]);
    press(document.activeElement!, "ArrowUp");
    expect(document.activeElement).toBe(items()[2]);
    const e = press(document.activeElement!, "Escape");
    expect(e.defaultPrevented).toBe(true);
    expect(document.getElementById("main-menu")!.hidden).toBe(true);
    expect(document.activeElement).toBe(button);
  });

  it("New chat opens the new-chat box with the cursor in it", () => {
    mount(chatView([]));
    byTestId("main-menu").click();
    byTestId("menu-new-chat").click();
    expect(document.getElementById("main-menu")!.hidden).toBe(true);
    expect(document.activeElement).toBe(byTestId("new-chat-input"));
    expect(queryTestId("new-chat-form")).not.toBeNull();
  });
});
