import { describe, expect, it } from "vitest";
import { CHAT_A, byTestId, chatSummary, chatView, fakeBackend, flush, mount, openChat, queryTestId } from "./helpers";

function key(target: Element, k: string): KeyboardEvent {
  const e = new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true });
  target.dispatchEvent(e);
  return e;
}

function items(): string[] {
  return [...byTestId("chat-menu").querySelectorAll('[role="menuitem"]')].map((b) => b.textContent ?? "");
}

describe("the chat header's overflow menu", () => {
  it("keeps pin, archive, mute and mark unread in a menu behind one button, not a wall of buttons", () => {
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A)));
    const toggle = byTestId("chat-menu-button");
    expect(toggle.getAttribute("aria-haspopup")).toBe("menu");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(byTestId("chat-menu").hidden).toBe(true);
    expect(items()).toEqual([
      "Chat info",
      "Pin chat",
      "Archive chat",
      "Mute for 8 hours",
      "Mute for 1 week",
      "Mute always",
      "Mark as unread",
    ]);
    // The header holds only the title, the info button and the menu button.
    expect(byTestId("conversation").querySelectorAll(".conversation-head button:not([role=menuitem])")).toHaveLength(2);
  });

  it("opens with the first item focused, moves with the arrow keys and closes with Esc back on its button", () => {
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A)));
    const toggle = byTestId("chat-menu-button");
    toggle.click();
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(document.activeElement?.textContent).toBe("Chat info");
    key(document.activeElement!, "ArrowDown");
    expect(document.activeElement?.textContent).toBe("Pin chat");
    key(document.activeElement!, "ArrowUp");
    key(document.activeElement!, "ArrowUp");
    expect(document.activeElement?.textContent).toBe("Mark as unread");
    key(document.activeElement!, "Home");
    expect(document.activeElement?.textContent).toBe("Chat info");
    const esc = key(document.activeElement!, "Escape");
    expect(esc.defaultPrevented).toBe(true);
    expect(byTestId("chat-menu").hidden).toBe(true);
    expect(document.activeElement).toBe(toggle);
  });

  it("opens from the keyboard with ArrowDown, and runs the item chosen", async () => {
    const backend = fakeBackend();
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A)), backend);
    key(byTestId("chat-menu-button"), "ArrowDown");
    expect(document.activeElement?.textContent).toBe("Chat info");
    byTestId("chat-mute-8h").click();
    await flush();
    expect(backend.chatAction).toHaveBeenCalledWith(CHAT_A, "mute_8h");
    expect(byTestId("chat-menu").hidden).toBe(true);
  });

  it("stays open across a View that changes nothing about the chat, and shuts when another chat opens", () => {
    const { app } = mount(chatView([chatSummary(CHAT_A), chatSummary("2222222222222222")], openChat(CHAT_A)));
    byTestId("chat-menu-button").click();
    app.render({ ...chatView([chatSummary(CHAT_A), chatSummary("2222222222222222")], openChat(CHAT_A)), relay_url: "wss://x.test" });
    expect(byTestId("chat-menu").hidden).toBe(false);
    app.render(chatView([chatSummary(CHAT_A), chatSummary("2222222222222222")], openChat("2222222222222222")));
    expect(byTestId("chat-menu").hidden).toBe(true);
  });

  it("offers Unpin, Unarchive and Unmute for a chat that is pinned, archived and muted", () => {
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [], { pinned: true, archived: true, muted: true })));
    expect(items()).toEqual(["Chat info", "Unpin chat", "Unarchive chat", "Unmute notifications", "Mark as unread"]);
    expect(queryTestId("chat-mute")).toBeNull();
  });
});
