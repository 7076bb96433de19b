import { describe, expect, it } from "vitest";
import { AppError } from "../src/errors";
import type { ChatInfo } from "../src/types";
import { SAFETY_HINT, safetyRows } from "../src/views/chatInfo";
import {
  CHAT_A,
  CHAT_B,
  NOW,
  SAFETY_NUMBER,
  byTestId,
  chatInfo,
  chatSummary,
  chatView,
  device,
  fakeBackend,
  flush,
  mount,
  openChat,
  queryTestId,
} from "./helpers";

const chats = [chatSummary(CHAT_A), chatSummary(CHAT_B)];

function open(chatId = CHAT_A) {
  return chatView(chats, openChat(chatId));
}

function press(target: EventTarget, key: string): KeyboardEvent {
  const e = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
  target.dispatchEvent(e);
  return e;
}

function texts(testid: string): string[] {
  return [...document.querySelectorAll(`[data-testid="${testid}"]`)].map((e) => e.textContent ?? "");
}

describe("chat info panel", () => {
  it("opens from the header: loading first, then the contact, safety number and devices", async () => {
    const backend = fakeBackend();
    let answer: (info: ChatInfo) => void = () => {};
    backend.chatInfo.mockImplementation(() => new Promise<ChatInfo>((resolve) => (answer = resolve)));
    mount(open(), backend, { now: () => NOW });
    const button = byTestId<HTMLButtonElement>("chat-info-open");
    expect(button.getAttribute("aria-label")).toBe("Chat info");
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(queryTestId("chat-info")).toBeNull();

    button.click();
    const panel = byTestId("chat-info");
    expect(panel.getAttribute("role")).toBe("dialog");
    expect(panel.getAttribute("aria-label")).toBe("Chat info");
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(backend.chatInfo).toHaveBeenCalledWith(CHAT_A);
    expect(byTestId("chat-info-loading", panel).textContent).toContain("Loading");
    expect(panel.contains(document.activeElement)).toBe(true);

    answer(chatInfo({ devices: [device({ device_id: 7, name: "Their phone", last_active_ms: NOW - 5 * 60_000 }), device({ device_id: 9, name: "Their laptop", kind: "desktop", last_active_ms: null })] }));
    await flush();
    expect(queryTestId("chat-info-loading")).toBeNull();
    expect(byTestId("chat-info-account").textContent).toBe(CHAT_A);
    const rows = [...byTestId("safety-number").querySelectorAll('[data-testid="safety-number-row"]')];
    expect(rows.map((r) => [...r.children].map((g) => g.textContent))).toEqual([
      ["12345", "67890", "11111", "22222"],
      ["33333", "44444", "55555", "66666"],
      ["77777", "88888", "99999", "00000"],
    ]);
    expect(byTestId("safety-number-hint").textContent).toBe(SAFETY_HINT);
    expect(SAFETY_HINT).toBe(
      "Compare these numbers with your contact's screen. If they match, no one is in between. They change when either of you adds a device.",
    );
    expect(texts("contact-device")).toEqual(["Their phone — Phone · last active 5 min ago", "Their laptop — Desktop"]);
  });

  it("shows a group's name and members with admin and you badges", async () => {
    const backend = fakeBackend();
    backend.chatInfo.mockResolvedValue(
      chatInfo({
        chat_id: "group-1",
        group: true,
        title: "Climbing <script>",
        safety_number: null,
        devices: [],
        members: [
          { account_id: "acct_admin", admin: true, you: false },
          { account_id: "acct_me", admin: false, you: true },
          { account_id: "acct_other", admin: false, you: false },
        ],
      }),
    );
    mount(chatView(chats, openChat("group-1", [], { title: "Climbing <script>", members: ["acct_admin", "acct_me", "acct_other"] })), backend);
    byTestId("chat-info-open").click();
    await flush();
    expect(byTestId("chat-info-group-name").textContent).toBe("Climbing <script>");
    expect(byTestId("chat-info").querySelector("script")).toBeNull();
    expect(texts("group-member")).toEqual(["acct_adminadmin", "acct_meyou", "acct_other"]);
    const members = [...document.querySelectorAll('[data-testid="group-member"]')];
    expect(queryTestId("member-admin", members[0]!)?.textContent).toBe("admin");
    expect(queryTestId("member-you", members[1]!)?.textContent).toBe("you");
    expect(queryTestId("member-admin", members[2]!)).toBeNull();
    expect(queryTestId("safety-number")).toBeNull();
  });

  it("shows names from other people as text, never markup", async () => {
    const backend = fakeBackend();
    backend.chatInfo.mockResolvedValue(chatInfo({ devices: [device({ name: '<img src="x" onerror="alert(1)">' })] }));
    mount(open(), backend);
    byTestId("chat-info-open").click();
    await flush();
    expect(byTestId("contact-device-name").textContent).toBe('<img src="x" onerror="alert(1)">');
    expect(byTestId("chat-info").querySelector("img")).toBeNull();
  });

  it.each([
    ["relay_unreachable", "Check your connection"],
    ["bad_signature", "bad signature"],
    ["internal", "Database is locked."],
  ])("shows a failed chatInfo (%s) by code, and Try again loads it again", async (code, shown) => {
    const backend = fakeBackend();
    backend.chatInfo.mockRejectedValueOnce(new AppError(code, "Database is locked."));
    mount(open(), backend);
    byTestId("chat-info-open").click();
    await flush();
    const error = byTestId("chat-info-error");
    expect(error.textContent).toContain(shown);
    byTestId("chat-info-retry").click();
    expect(queryTestId("chat-info-loading")).not.toBeNull();
    await flush();
    expect(backend.chatInfo).toHaveBeenCalledTimes(2);
    expect(queryTestId("chat-info-error")).toBeNull();
    expect(byTestId("safety-number").textContent).toContain("12345");
  });

  it("Close and Esc close it, giving focus back to the Info button", async () => {
    mount(open());
    const button = byTestId("chat-info-open");
    button.click();
    await flush();
    byTestId("chat-info-close").click();
    expect(queryTestId("chat-info")).toBeNull();
    expect(document.activeElement).toBe(byTestId("chat-info-open"));
    expect(byTestId("chat-info-open").getAttribute("aria-expanded")).toBe("false");

    byTestId("chat-info-open").click();
    await flush();
    const e = press(byTestId("chat-info-close"), "Escape");
    expect(e.defaultPrevented).toBe(true);
    expect(queryTestId("chat-info")).toBeNull();
    expect(document.activeElement).toBe(byTestId("chat-info-open"));

    // Esc with focus elsewhere (the document-level shortcut) closes it too.
    byTestId("chat-info-open").click();
    await flush();
    byTestId("message-list").focus();
    press(byTestId("message-list"), "Escape");
    expect(queryTestId("chat-info")).toBeNull();
  });

  it("stays open across a re-render without asking again, and closes when another chat opens", async () => {
    const backend = fakeBackend();
    const { app } = mount(open(), backend);
    byTestId("chat-info-open").click();
    await flush();
    app.render({ ...open(), relay_url: "wss://other.example.test" });
    expect(byTestId("safety-number").textContent).toContain("12345");
    expect(backend.chatInfo).toHaveBeenCalledTimes(1);
    app.render(open(CHAT_B));
    expect(queryTestId("chat-info")).toBeNull();
    app.render(open(CHAT_A));
    expect(queryTestId("chat-info")).toBeNull();
  });

  it("ignores an answer that comes after the panel was closed", async () => {
    const backend = fakeBackend();
    let answer: (info: ChatInfo) => void = () => {};
    backend.chatInfo.mockImplementationOnce(() => new Promise<ChatInfo>((resolve) => (answer = resolve)));
    mount(open(), backend);
    byTestId("chat-info-open").click();
    byTestId("chat-info-close").click();
    answer(chatInfo());
    await flush();
    expect(queryTestId("chat-info")).toBeNull();
  });
});

describe("safety number layout", () => {
  it("makes 3 rows of 4 groups of 5 digits, and refuses anything else", () => {
    expect(safetyRows(SAFETY_NUMBER)?.map((r) => r.join(" "))).toEqual([
      "12345 67890 11111 22222",
      "33333 44444 55555 66666",
      "77777 88888 99999 00000",
    ]);
    expect(safetyRows(SAFETY_NUMBER.replace(/ /g, ""))).toHaveLength(3);
    expect(safetyRows("12345 67890")).toBeNull();
    expect(safetyRows(SAFETY_NUMBER.replace("12345", "1234x"))).toBeNull();
  });

  it("says so when a contact has no safety number yet", async () => {
    const backend = fakeBackend();
    backend.chatInfo.mockResolvedValue(chatInfo({ safety_number: null, devices: [] }));
    mount(open(), backend);
    byTestId("chat-info-open").click();
    await flush();
    expect(byTestId("safety-number-missing").textContent).toContain("No safety number yet");
    expect(byTestId("contact-no-devices").textContent).toBe("No devices known.");
  });
});
