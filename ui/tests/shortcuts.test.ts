import { describe, expect, it } from "vitest";
import { shortcutFor } from "../src/shortcuts";
import { neighbourChat } from "../src/views/navigation";
import {
  CHAT_A,
  CHAT_B,
  byTestId,
  chatSummary,
  chatView,
  device,
  fakeBackend,
  flush,
  linkedView,
  linkingView,
  mount,
  openChat,
} from "./helpers";

const CHAT_C = "2222222222222222";
const CHAT_X = "3333333333333333";
const chats = [chatSummary(CHAT_A), chatSummary(CHAT_B), chatSummary(CHAT_C), chatSummary(CHAT_X, null, { archived: true })];

function press(init: KeyboardEventInit, target: EventTarget = document.body): KeyboardEvent {
  const e = new KeyboardEvent("keydown", { bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(e);
  return e;
}

const ev = (init: KeyboardEventInit) => new KeyboardEvent("keydown", init);

describe("shortcut keys", () => {
  it("maps keys to shortcuts", () => {
    expect(shortcutFor(ev({ key: "k", ctrlKey: true }))).toBe("search");
    expect(shortcutFor(ev({ key: "F", ctrlKey: true }))).toBe("search");
    expect(shortcutFor(ev({ key: "k", metaKey: true }))).toBe("search");
    expect(shortcutFor(ev({ key: "n", ctrlKey: true }))).toBe("new_chat");
    expect(shortcutFor(ev({ key: "ArrowDown", altKey: true }))).toBe("next_chat");
    expect(shortcutFor(ev({ key: "ArrowUp", altKey: true }))).toBe("previous_chat");
    expect(shortcutFor(ev({ key: "Tab", ctrlKey: true }))).toBe("next_chat");
    expect(shortcutFor(ev({ key: "Tab", ctrlKey: true, shiftKey: true }))).toBe("previous_chat");
    expect(shortcutFor(ev({ key: "Escape" }))).toBe("escape");
  });

  it("ignores other keys, AltGr, and anything while an input method composes", () => {
    expect(shortcutFor(ev({ key: "k" }))).toBeNull();
    expect(shortcutFor(ev({ key: "k", ctrlKey: true, altKey: true }))).toBeNull();
    expect(shortcutFor(ev({ key: "ArrowDown" }))).toBeNull();
    expect(shortcutFor(ev({ key: "Tab" }))).toBeNull();
    expect(shortcutFor(ev({ key: "Escape", shiftKey: true }))).toBeNull();
    expect(shortcutFor(ev({ key: "k", ctrlKey: true, isComposing: true }))).toBeNull();
    expect(shortcutFor(ev({ key: "Escape", isComposing: true }))).toBeNull();
    const late = ev({ key: "ArrowDown", altKey: true });
    Object.defineProperty(late, "keyCode", { value: 229 });
    expect(shortcutFor(late)).toBeNull();
  });

  it("finds the next and previous chat, wrapping around", () => {
    const order = [CHAT_A, CHAT_B, CHAT_C];
    expect(neighbourChat(order, CHAT_B, 1)).toBe(CHAT_C);
    expect(neighbourChat(order, CHAT_B, -1)).toBe(CHAT_A);
    expect(neighbourChat(order, CHAT_C, 1)).toBe(CHAT_A);
    expect(neighbourChat(order, CHAT_A, -1)).toBe(CHAT_C);
    expect(neighbourChat(order, null, 1)).toBe(CHAT_A);
    expect(neighbourChat(order, null, -1)).toBe(CHAT_C);
    expect(neighbourChat([CHAT_A], CHAT_A, 1)).toBeNull();
    expect(neighbourChat([], null, 1)).toBeNull();
  });
});

describe("keyboard shortcuts on the linked screen", () => {
  it.each(["k", "f"])("Ctrl+%s focuses the search box", (key) => {
    mount(chatView(chats, openChat(CHAT_A)));
    byTestId("composer-input").focus();
    const e = press({ key, ctrlKey: true }, byTestId("composer-input"));
    expect(e.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(byTestId("search-input"));
  });

  it("Ctrl+N focuses the new-chat input", () => {
    mount(chatView(chats));
    const e = press({ key: "n", ctrlKey: true });
    expect(e.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(byTestId("new-chat-input"));
  });

  it.each([
    [{ key: "ArrowDown", altKey: true }, CHAT_C],
    [{ key: "ArrowUp", altKey: true }, CHAT_A],
    [{ key: "Tab", ctrlKey: true }, CHAT_C],
    [{ key: "Tab", ctrlKey: true, shiftKey: true }, CHAT_A],
  ])("%o opens the neighbouring chat in list order", async (init, expected) => {
    const backend = fakeBackend();
    mount(chatView(chats, openChat(CHAT_B)), backend);
    const e = press(init);
    expect(e.defaultPrevented).toBe(true);
    await flush();
    expect(backend.openChat).toHaveBeenCalledTimes(1);
    expect(backend.openChat).toHaveBeenCalledWith(expected);
  });

  it("includes archived chats only while they are shown", async () => {
    const backend = fakeBackend();
    mount(chatView(chats, openChat(CHAT_C)), backend);
    press({ key: "ArrowDown", altKey: true });
    expect(backend.openChat).toHaveBeenLastCalledWith(CHAT_A);
    byTestId("archived-toggle").click();
    press({ key: "ArrowDown", altKey: true });
    expect(backend.openChat).toHaveBeenLastCalledWith(CHAT_X);
  });

  it("moves focus along the chat list when a row had it", async () => {
    const backend = fakeBackend();
    const { app } = mount(chatView(chats, openChat(CHAT_A)), backend);
    backend.openChat.mockImplementation(async (id) => app.render(chatView(chats, openChat(id))));
    const row = document.querySelector<HTMLElement>('[data-testid="chat-row"]')!;
    row.focus();
    press({ key: "ArrowDown", altKey: true }, row);
    await flush();
    expect(document.activeElement?.getAttribute("data-chat-id")).toBe(CHAT_B);
  });

  it("does nothing while an input method composes", () => {
    const backend = fakeBackend();
    mount(chatView(chats, openChat(CHAT_B)), backend);
    press({ key: "ArrowDown", altKey: true, isComposing: true });
    press({ key: "n", ctrlKey: true, isComposing: true });
    expect(backend.openChat).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(document.body);
  });

  it("Esc closes the Settings panel", () => {
    mount(chatView(chats));
    byTestId("open-settings").click();
    (document.activeElement as HTMLElement).blur();
    const e = press({ key: "Escape" });
    expect(e.defaultPrevented).toBe(true);
    expect(byTestId("settings").hidden).toBe(true);
    expect(document.activeElement).toBe(byTestId("main-menu"));
  });

  it("Esc clears the search; with nothing open it is left alone", () => {
    mount(chatView(chats));
    const input = byTestId<HTMLInputElement>("search-input");
    input.value = "hello";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    expect(press({ key: "Escape" }).defaultPrevented).toBe(true);
    expect(byTestId<HTMLInputElement>("search-input").value).toBe("");
    expect(press({ key: "Escape" }).defaultPrevented).toBe(false);
  });

  it("does nothing on other screens, nor after the app is disposed", () => {
    const backend = fakeBackend();
    const { app } = mount(linkingView(), backend);
    expect(press({ key: "n", ctrlKey: true }).defaultPrevented).toBe(false);
    app.render(chatView(chats, openChat(CHAT_A)));
    app.dispose();
    press({ key: "ArrowDown", altKey: true });
    press({ key: "n", ctrlKey: true });
    expect(backend.openChat).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(document.body);
  });

  it("are listed in Settings", () => {
    mount(linkedView([device({ this_device: true })]));
    byTestId("open-settings").click();
    const help = byTestId("shortcuts-help");
    expect(help.querySelector("h3")?.textContent).toBe("Keyboard shortcuts");
    const keys = [...help.querySelectorAll("kbd")].map((k) => k.textContent);
    expect(keys).toEqual(expect.arrayContaining(["Ctrl+K or Ctrl+F", "Ctrl+N", "Alt+↓ or Ctrl+Tab", "Alt+↑ or Ctrl+Shift+Tab", "Esc"]));
    expect(help.textContent).toContain("Search messages");
  });
});
