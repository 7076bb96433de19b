import { describe, expect, it } from "vitest";
import { EMOJI_CATEGORIES, EMOJI_COLUMNS } from "../src/views/emoji";
import { CHAT_A, byTestId, chatSummary, chatView, fakeBackend, flush, mount, openChat } from "./helpers";

function open() {
  return chatView([chatSummary(CHAT_A)], openChat(CHAT_A));
}

function composer(): HTMLTextAreaElement {
  return byTestId<HTMLTextAreaElement>("composer-input");
}

function typeText(text: string): void {
  composer().value = text;
  composer().dispatchEvent(new Event("input", { bubbles: true }));
}

function options(): HTMLButtonElement[] {
  return [...document.querySelectorAll<HTMLButtonElement>('[data-testid="emoji-option"]')];
}

function option(name: string): HTMLButtonElement {
  const found = options().find((o) => o.getAttribute("aria-label") === name);
  if (!found) throw new Error(`no emoji "${name}"`);
  return found;
}

function press(target: EventTarget, key: string): KeyboardEvent {
  const e = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
  target.dispatchEvent(e);
  return e;
}

describe("emoji table", () => {
  it("has about 80 distinct, named emoji in categories that fill whole rows", () => {
    const all = EMOJI_CATEGORIES.flatMap((c) => c.emoji);
    expect(all.length).toBeGreaterThanOrEqual(75);
    expect(EMOJI_CATEGORIES.length).toBeGreaterThanOrEqual(4);
    expect(new Set(all.map((e) => e.char)).size).toBe(all.length);
    for (const e of all) {
      expect(e.char).not.toBe("");
      expect(e.name).toMatch(/^[A-Za-z][\w -]*$/);
    }
    for (const c of EMOJI_CATEGORIES) expect(c.emoji.length % EMOJI_COLUMNS).toBe(0);
    expect(all.find((e) => e.char === "😀")?.name).toBe("grinning face");
  });
});

describe("emoji picker", () => {
  it("toggles a labelled popover from the Insert emoji button", () => {
    mount(open());
    const button = byTestId<HTMLButtonElement>("emoji-button");
    const picker = byTestId("emoji-picker");
    expect(button.getAttribute("aria-label")).toBe("Insert emoji");
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(picker.hidden).toBe(true);
    expect(picker.getAttribute("role")).toBe("dialog");
    expect(picker.getAttribute("aria-label")).toBe("Emoji");

    button.click();
    expect(picker.hidden).toBe(false);
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(options().length).toBe(EMOJI_CATEGORIES.flatMap((c) => c.emoji).length);
    expect(document.activeElement).toBe(options()[0]);
    expect(picker.querySelectorAll('[role="group"]').length).toBe(EMOJI_CATEGORIES.length);

    button.click();
    expect(picker.hidden).toBe(true);
    expect(button.getAttribute("aria-expanded")).toBe("false");
  });

  it("inserts the chosen emoji at the caret, replacing the selection, and closes", async () => {
    const backend = fakeBackend();
    mount(open(), backend);
    typeText("Hello world!");
    composer().setSelectionRange(6, 11);
    byTestId("emoji-button").click();
    option("thumbs up").click();
    expect(composer().value).toBe("Hello 👍!");
    expect(document.activeElement).toBe(composer());
    expect(composer().selectionStart).toBe(6 + "👍".length);
    expect(byTestId("emoji-picker").hidden).toBe(true);
    expect(byTestId("emoji-button").getAttribute("aria-expanded")).toBe("false");

    // The draft has it: Enter sends it.
    composer().dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    await flush();
    expect(backend.sendMessage).toHaveBeenCalledWith(CHAT_A, "Hello 👍!");
  });

  it("enables Send for an emoji in an empty composer", () => {
    mount(open());
    const send = byTestId<HTMLButtonElement>("composer-send");
    expect(send.disabled).toBe(true);
    byTestId("emoji-button").click();
    option("red heart").click();
    expect(composer().value).toBe("❤️");
    expect(send.disabled).toBe(false);
  });

  it("Esc closes it and gives focus back to the button, without clearing the search", () => {
    mount(open());
    const search = byTestId<HTMLInputElement>("search-input");
    search.value = "lunch";
    search.dispatchEvent(new Event("input", { bubbles: true }));
    const button = byTestId("emoji-button");
    button.click();
    const e = press(document.activeElement!, "Escape");
    expect(e.defaultPrevented).toBe(true);
    expect(byTestId("emoji-picker").hidden).toBe(true);
    expect(document.activeElement).toBe(button);
    expect(byTestId<HTMLInputElement>("search-input").value).toBe("lunch");
  });

  it("moves between options with the arrow keys, Home and End (one tab stop)", () => {
    mount(open());
    byTestId("emoji-button").click();
    const all = options();
    press(all[0]!, "ArrowRight");
    expect(document.activeElement).toBe(all[1]);
    press(all[1]!, "ArrowDown");
    expect(document.activeElement).toBe(all[1 + EMOJI_COLUMNS]);
    press(all[1 + EMOJI_COLUMNS]!, "ArrowLeft");
    expect(document.activeElement).toBe(all[EMOJI_COLUMNS]);
    press(all[EMOJI_COLUMNS]!, "ArrowUp");
    expect(document.activeElement).toBe(all[0]);
    press(all[0]!, "ArrowUp");
    expect(document.activeElement).toBe(all[0]);
    press(all[0]!, "End");
    expect(document.activeElement).toBe(all[all.length - 1]);
    press(all[all.length - 1]!, "Home");
    expect(document.activeElement).toBe(all[0]);
    expect(all.filter((o) => o.tabIndex === 0)).toEqual([all[0]]);
  });

  it("closes when focus leaves it", async () => {
    mount(open());
    byTestId("emoji-button").click();
    byTestId("message-list").focus();
    await flush();
    expect(byTestId("emoji-picker").hidden).toBe(true);
  });

  it("stays open across a re-render", () => {
    const { app } = mount(open());
    byTestId("emoji-button").click();
    app.render({ ...open(), relay_url: "wss://other.example.test" });
    expect(byTestId("emoji-picker").hidden).toBe(false);
    expect(byTestId("emoji-button").getAttribute("aria-expanded")).toBe("true");
  });
});
