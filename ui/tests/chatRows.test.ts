import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { avatarColour, initials } from "../src/components/avatar";
import { formatTime } from "../src/format";
import { rowTime } from "../src/views/chatRows";
import { CHAT_A, CHAT_B, NOW, byTestId, chatSummary, chatView, mount, queryTestId } from "./helpers";

const GROUP = "group-abcdefghijklmnopqrstuvwxyz";
const DAY = 24 * 3600 * 1000;

function rowIds(): (string | undefined)[] {
  return [...byTestId("chat-list").querySelectorAll<HTMLElement>('[data-testid="chat-row"]')].map((r) => r.dataset["chatId"]);
}

const chats = [
  chatSummary(CHAT_A, { body: "hi", outgoing: false, sent_ms: NOW }, { unread: 2 }),
  chatSummary(CHAT_B, { body: "old", outgoing: true, sent_ms: NOW - 3 * DAY }),
  chatSummary(GROUP, { body: "team", outgoing: false, sent_ms: NOW - DAY }, { title: "Team", group: true }),
];

describe("chat rows", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("show an avatar with initials, and the time of the last message", () => {
    mount(chatView(chats));
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="chat-row"]')];
    expect(rows.map((r) => byTestId("avatar", r).textContent)).toEqual(["A", "Q", "T"]);
    expect(rows.every((r) => byTestId("avatar", r).getAttribute("aria-hidden") === "true")).toBe(true);
    expect(rows.map((r) => byTestId("chat-row-time", r).textContent)).toEqual([
      formatTime(NOW),
      rowTime(NOW - 3 * DAY, NOW),
      "Yesterday",
    ]);
  });

  it("filter to unread chats and to groups, and back to all", () => {
    mount(chatView(chats));
    expect(rowIds()).toEqual([CHAT_A, CHAT_B, GROUP]);
    expect(byTestId("chat-filter-all").getAttribute("aria-pressed")).toBe("true");
    byTestId("chat-filter-unread").click();
    expect(rowIds()).toEqual([CHAT_A]);
    expect(byTestId("chat-filter-unread").getAttribute("aria-pressed")).toBe("true");
    expect(byTestId("chat-filter-all").getAttribute("aria-pressed")).toBe("false");
    byTestId("chat-filter-groups").click();
    expect(rowIds()).toEqual([GROUP]);
    byTestId("chat-filter-all").click();
    expect(rowIds()).toEqual([CHAT_A, CHAT_B, GROUP]);
  });

  it("say so when a filter leaves nothing", () => {
    mount(chatView([chatSummary(CHAT_B)]));
    byTestId("chat-filter-groups").click();
    expect(byTestId("no-chats-filtered").textContent).toBe("No groups yet.");
    byTestId("chat-filter-all").click();
    expect(queryTestId("no-chats-filtered")).toBeNull();
  });

  it("are kept, not redrawn, when a new View changes one chat (focus stays on the row)", () => {
    const { app } = mount(chatView(chats));
    const row = document.querySelector<HTMLElement>(`[data-testid="chat-row"][data-chat-id="${CHAT_B}"]`);
    row?.focus();
    app.render(chatView([{ ...chats[0]!, unread: 3 }, chats[1]!, chats[2]!]));
    const again = document.querySelector<HTMLElement>(`[data-testid="chat-row"][data-chat-id="${CHAT_B}"]`);
    expect(again).toBe(row);
    expect(document.activeElement).toBe(row);
    expect(byTestId("chat-unread").textContent).toBe("3");
  });
});

describe("avatars", () => {
  it("take up to two initials", () => {
    expect(initials("Ada Lovelace")).toBe("AL");
    expect(initials("bob")).toBe("B");
    expect(initials("  élodie  marie curie ")).toBe("ÉM");
    expect(initials("")).toBe("");
  });

  it("have a stable colour per id, spread over the palette", () => {
    expect(avatarColour(CHAT_A)).toBe(avatarColour(CHAT_A));
    const colours = new Set(Array.from({ length: 60 }, (_, i) => avatarColour(`account${i}`)));
    expect(colours.size).toBeGreaterThan(6);
    for (const c of colours) expect(c >= 0 && c < 12).toBe(true);
  });
});
