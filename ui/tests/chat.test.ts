import { describe, expect, it } from "vitest";
import { AppError } from "../src/errors";
import { formatTime } from "../src/format";
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

function rows(): HTMLButtonElement[] {
  return [...byTestId("chat-list").querySelectorAll<HTMLButtonElement>('[data-testid="chat-row"]')];
}

function typeInto(field: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  field.value = text;
  field.dispatchEvent(new Event("input", { bubbles: true }));
}

const chats = [
  chatSummary(CHAT_A, { body: "See you\ntomorrow", outgoing: true, sent_ms: NOW }),
  chatSummary(CHAT_B, { body: "Hi there", outgoing: false, sent_ms: NOW }),
  chatSummary("2222222222222222"),
];

describe("chat list", () => {
  it("renders one option per chat in a listbox, with its id and last message preview", () => {
    mount(chatView(chats));
    const r = rows();
    expect(byTestId("chat-list").getAttribute("role")).toBe("listbox");
    expect(r.map((b) => b.getAttribute("role"))).toEqual(["option", "option", "option"]);
    expect(r.map((b) => b.tabIndex)).toEqual([0, -1, -1]);
    expect(r.map((b) => b.getAttribute("data-chat-id"))).toEqual([CHAT_A, CHAT_B, "2222222222222222"]);
    // Names, not ids: a chat without a saved name shows a short id (the full one on hover, in Chat info).
    expect(r.map((b) => byTestId("chat-row-id", b).textContent)).toEqual(["abcdefgh…", "qrstuvwx…", "22222222…"]);
    expect(r.map((b) => byTestId("chat-row-id", b).title)).toEqual([CHAT_A, CHAT_B, "2222222222222222"]);
    expect(r.map((b) => byTestId("chat-row-preview", b).textContent)).toEqual([
      "You: See you tomorrow",
      "Hi there",
      "No messages yet",
    ]);
    expect(r.some((b) => b.hasAttribute("aria-current"))).toBe(false);
    expect(byTestId("no-chat").textContent).toBe("Pick a chat, or start one with ✎ New chat.");
    expect(queryTestId("conversation")).toBeNull();
  });

  it("moves between rows with the arrow keys, Home and End, and opens one with Enter", async () => {
    const backend = fakeBackend();
    mount(chatView(chats, openChat(CHAT_B)), backend);
    expect(rows().map((b) => b.tabIndex)).toEqual([-1, 0, -1]);
    const key = (key: string) =>
      document.activeElement!.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
    rows()[1]!.focus();
    key("ArrowDown");
    expect(document.activeElement).toBe(rows()[2]);
    key("ArrowDown");
    expect(document.activeElement).toBe(rows()[2]);
    key("Home");
    expect(document.activeElement).toBe(rows()[0]);
    key("End");
    expect(document.activeElement).toBe(rows()[2]);
    key("ArrowUp");
    key("ArrowUp");
    expect(document.activeElement).toBe(rows()[0]);
    key("Enter");
    await flush();
    expect(backend.openChat).toHaveBeenCalledWith(CHAT_A);
  });

  it("highlights the open chat with aria-current", () => {
    mount(chatView(chats, openChat(CHAT_B)));
    expect(rows().map((b) => b.getAttribute("aria-current"))).toEqual([null, "true", null]);
    expect(rows()[1]?.classList.contains("chat-row-open")).toBe(true);
    expect(queryTestId("no-chat")).toBeNull();
  });

  it("says so when there are no chats", () => {
    mount(chatView([]));
    expect(rows()).toHaveLength(0);
    expect(byTestId("no-chats").textContent).toBe("No chats yet.");
  });

  it("renders a hostile chat id and preview as text", () => {
    const evil = "<img src=x onerror=alert(1)>";
    mount(chatView([chatSummary(evil, { body: evil, outgoing: false, sent_ms: NOW })]));
    expect(document.querySelector("img")).toBeNull();
    expect(rows()[0]?.getAttribute("data-chat-id")).toBe(evil);
    expect(byTestId("chat-row-preview").textContent).toBe(evil);
  });

  it("clicking a row calls openChat with its id and puts the cursor in that chat's composer", async () => {
    const backend = fakeBackend();
    const { app } = mount(chatView(chats, openChat(CHAT_A)), backend);
    rows()[1]?.focus();
    rows()[1]?.click();
    await flush();
    expect(backend.openChat).toHaveBeenCalledWith(CHAT_B);
    app.render(chatView(chats, openChat(CHAT_B)));
    expect(document.activeElement).toBe(byTestId("composer-input"));
    expect(byTestId("conversation").dataset["chatId"]).toBe(CHAT_B);
    // Clicking the chat that is open already puts the cursor back too.
    rows()[1]?.focus();
    rows()[1]?.click();
    expect(document.activeElement).toBe(byTestId("composer-input"));
  });

  it("shows a failing openChat under the list", async () => {
    const backend = fakeBackend();
    backend.openChat.mockRejectedValue(new AppError("not_found", "No such chat."));
    mount(chatView(chats), backend);
    rows()[0]?.click();
    await flush();
    expect(byTestId("chat-list-error").textContent).toBe("Couldn't open the chat: No such chat.");
  });
});

describe("new chat form", () => {
  it("has a labelled input and calls addContact with the trimmed id", async () => {
    const backend = fakeBackend();
    const { app } = mount(chatView([]), backend);
    byTestId("new-chat-open").click();
    const input = byTestId<HTMLInputElement>("new-chat-input");
    expect(input.labels?.[0]?.textContent).toBe("Account id");
    expect(input.placeholder).toBe("16-letter account id");
    const add = byTestId<HTMLButtonElement>("new-chat-add");
    expect(add.textContent).toBe("Start chat");
    expect(add.disabled).toBe(true);

    typeInto(input, `  ${CHAT_A} \n`);
    expect(add.disabled).toBe(false);
    add.click();
    expect(add.disabled).toBe(true);
    await flush();
    expect(backend.addContact).toHaveBeenCalledTimes(1);
    expect(backend.addContact).toHaveBeenCalledWith(CHAT_A);
    // The chat started: the box is put away, empty.
    expect(queryTestId("new-chat-input")).toBeNull();
    byTestId("new-chat-open").click();
    expect(byTestId<HTMLInputElement>("new-chat-input").value).toBe("");
    expect(byTestId("new-chat-error").textContent).toBe("");
    app.render(chatView([chatSummary(CHAT_A)], openChat(CHAT_A)));
    expect(queryTestId("conversation")).not.toBeNull();
  });

  it("moves focus to the new chat's composer when the core opened it before replying", async () => {
    const backend = fakeBackend();
    let done = () => {};
    backend.addContact.mockImplementation(() => new Promise<void>((resolve) => (done = resolve)));
    const { app } = mount(chatView([]), backend);
    byTestId("new-chat-open").click();
    typeInto(byTestId<HTMLInputElement>("new-chat-input"), CHAT_A);
    byTestId<HTMLButtonElement>("new-chat-add").click();
    app.render(chatView([chatSummary(CHAT_A)], openChat(CHAT_A)));
    expect(byTestId<HTMLButtonElement>("new-chat-add").disabled).toBe(true);
    done();
    await flush();
    expect(document.activeElement).toBe(byTestId("composer-input"));
    expect(queryTestId("new-chat-input")).toBeNull();
  });

  it.each([
    ["invalid_data", "Bad base32.", "That is not an account id. An account id is 16 letters and digits: check it and try again."],
    ["relay_unreachable", "Timed out.", "Can't reach the relay. Check your connection, then try again."],
    ["not_found", "no such account", "No account has that id. Check it and try again."],
    ["bad_signature", "The device list signature is wrong.", "Couldn't start the chat: The device list signature is wrong."],
  ])("shows error code %s inline", async (code, msg, shown) => {
    const backend = fakeBackend();
    backend.addContact.mockRejectedValue(new AppError(code, msg));
    const { app } = mount(chatView([]), backend);
    byTestId("new-chat-open").click();
    typeInto(byTestId<HTMLInputElement>("new-chat-input"), "nope");
    byTestId<HTMLButtonElement>("new-chat-add").click();
    await flush();
    expect(byTestId("new-chat-error").textContent).toBe(shown);
    expect(byTestId<HTMLInputElement>("new-chat-input").value).toBe("nope");
    expect(byTestId<HTMLButtonElement>("new-chat-add").disabled).toBe(false);

    // Another View (say, the connection changed) keeps the text and the error.
    app.render({ ...chatView([]), relay_url: "wss://other.example.test" });
    expect(byTestId<HTMLInputElement>("new-chat-input").value).toBe("nope");
    expect(byTestId("new-chat-error").textContent).toBe(shown);
  });

  it("does not call addContact for a blank id", async () => {
    const backend = fakeBackend();
    mount(chatView([]), backend);
    byTestId("new-chat-open").click();
    typeInto(byTestId<HTMLInputElement>("new-chat-input"), "   ");
    byTestId<HTMLFormElement>("new-chat-form").requestSubmit();
    await flush();
    expect(backend.addContact).not.toHaveBeenCalled();
  });
});

describe("conversation", () => {
  const messages = [
    message({ message_id: "m1", outgoing: false, body: "Hi!\nHow are you?", state: "received", sent_ms: NOW - 120_000 }),
    message({ message_id: "m2", outgoing: true, body: "Fine", state: "sent", sent_ms: NOW - 60_000 }),
    message({ message_id: "m3", outgoing: true, body: "And you?", state: "queued", sent_ms: NOW }),
  ];

  it("renders the messages oldest first with state, direction and status line", () => {
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, messages)));
    expect(byTestId("conversation-name").textContent).toBe("abcdefgh…");
    expect(byTestId("conversation").dataset["chatId"]).toBe(CHAT_A);
    const list = byTestId("message-list");
    expect(list.getAttribute("role")).toBe("log");
    expect(list.getAttribute("aria-live")).toBe("polite");
    const r = [...list.querySelectorAll<HTMLElement>('[data-testid="message-row"]')];
    expect(r.map((e) => e.getAttribute("data-message-id"))).toEqual(["m1", "m2", "m3"]);
    expect(r.map((e) => e.getAttribute("data-state"))).toEqual(["received", "sent", "queued"]);
    expect(r.map((e) => e.classList.contains("message-outgoing"))).toEqual([false, true, true]);
    expect(r.map((e) => e.classList.contains("message-incoming"))).toEqual([true, false, false]);
    expect(byTestId("message-body", r[0]).textContent).toBe("Hi!\nHow are you?");
    expect(byTestId("message-time", r[0]).textContent).toBe(formatTime(NOW - 120_000));
    expect(queryTestId("message-state", r[0])).toBeNull();
    expect(byTestId("message-state", r[1]).textContent).toContain("Sent");
    expect(byTestId("message-state", r[2]).textContent).toContain("Queued — will send when online");
  });

  it("shows a chat event as a note, not as a message", () => {
    const event = { message_id: "devicesv3", sender: "", outgoing: false, body: "x linked \"laptop\".", sent_ms: NOW, state: "event" as const, image: null };
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [event])));
    const row = byTestId("message-row");
    expect(row.getAttribute("role")).toBe("note");
    expect(row.classList.contains("chat-event")).toBe(true);
    expect(row.textContent).toBe("x linked \"laptop\".");
  });

  it("labels delivered and read messages", async () => {
    const { stateLabel } = await import("../src/views/conversation");
    const m = (state: "delivered" | "read" | "received", outgoing: boolean) => ({ message_id: "x", sender: "", outgoing, body: "", sent_ms: 0, state, image: null });
    expect(stateLabel(m("delivered", true))).toBe("Delivered");
    expect(stateLabel(m("read", true))).toBe("Read");
    expect(stateLabel(m("read", false))).toBe("");
  });

  it("renders a hostile body as literal text", () => {
    const evil = "<img src=x onerror=alert(1)>";
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [message({ body: evil })])));
    expect(document.querySelector("img")).toBeNull();
    expect(byTestId("message-body").textContent).toBe(evil);
    expect(byTestId("message-body").children).toHaveLength(0);
  });

  it("says so when the chat has no messages", () => {
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A)));
    expect(byTestId("no-messages").textContent).toBe("No messages yet.");
  });
});

describe("linked screen layout", () => {
  it("keeps the new-chat box closed until New chat; it stays open across Views, and Esc puts it away", () => {
    const { app } = mount(chatView([]));
    const open = byTestId<HTMLButtonElement>("new-chat-open");
    expect(queryTestId("new-chat-input")).toBeNull();
    expect(open.getAttribute("aria-expanded")).toBe("false");
    open.click();
    const input = byTestId<HTMLInputElement>("new-chat-input");
    expect(document.activeElement).toBe(input);
    expect(open.getAttribute("aria-expanded")).toBe("true");
    typeInto(input, "half typed");
    app.render({ ...chatView([]), relay_url: "wss://other.example.test" });
    expect(byTestId<HTMLInputElement>("new-chat-input").value).toBe("half typed");
    byTestId("new-chat-input").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(queryTestId("new-chat-input")).toBeNull();
    expect(document.activeElement).toBe(byTestId("new-chat-open"));
    byTestId("new-chat-open").click();
    expect(byTestId<HTMLInputElement>("new-chat-input").value).toBe("");
  });

  it("keeps the linked devices page open across Views until Back", () => {
    const { app } = mount(chatView([]));
    byTestId("main-menu").click();
    byTestId("menu-devices").click();
    app.render({ ...chatView([]), relay_url: "wss://other.example.test" });
    expect(queryTestId("device-list")).not.toBeNull();
    byTestId("devices-back").click();
    expect(queryTestId("chat-list")).not.toBeNull();
  });
});

describe("group chats", () => {
  const GROUP = "group-abcdefghijklmnopqrstuvwxyz";

  it("lists a group by its name and shows who said what, as text", () => {
    const evilName = "<img src=x onerror=alert(1)>";
    const chats = [{ ...chatSummary(GROUP), title: evilName }];
    const messages = [
      message({ message_id: "m1", sender: "bobbbbbbbbbbbbbb", body: "hi all" }),
      message({ message_id: "m2", sender: "aliceaaaaaaaaaaa", outgoing: true, body: "hello", state: "sent" }),
    ];
    mount(chatView(chats, openChat(GROUP, messages, { title: evilName, members: ["a", "b", "c"] })));
    expect(byTestId("chat-row-title").textContent).toBe(evilName);
    expect(document.querySelector("img")).toBeNull();
    expect(byTestId("conversation-group-name").textContent).toBe(evilName);
    expect(byTestId("conversation-members").textContent).toBe("3 members: a, b, c");
    const senders = [...document.querySelectorAll('[data-testid="message-sender"]')].map((e) => e.textContent);
    expect(senders).toEqual(["bobbbbbb…"]);
  });

  it("shows no sender line in a chat with one account", () => {
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [message()])));
    expect(queryTestId("message-sender")).toBeNull();
    expect(byTestId("conversation-name").textContent).toBe("abcdefgh…");
    expect(byTestId("conversation").dataset["chatId"]).toBe(CHAT_A);
  });
});

describe("chat history", () => {
  it("marks only the chat rows whose history is incomplete, quietly", () => {
    const list = [
      { ...chatSummary(CHAT_A), history: "more_on_phone" as const },
      { ...chatSummary(CHAT_B), history: "loading" as const },
      { ...chatSummary("2222222222222222"), history: "complete" as const },
      chatSummary("3333333333333333"),
    ];
    mount(chatView(list));
    expect(rows().map((b) => b.getAttribute("data-history"))).toEqual(["more_on_phone", "loading", "complete", "live"]);
    expect(rows().map((b) => queryTestId("chat-history", b)?.getAttribute("title") ?? null)).toEqual([
      "Older messages are on your phone",
      "Loading older…",
      null,
      null,
    ]);
    expect(queryTestId("chat-history", rows()[0])?.querySelector('[role="img"]')?.getAttribute("aria-label")).toBe(
      "Older messages are on your phone",
    );
  });

  it("scrolls to earlier messages held here before offering to ask the phone", () => {
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [message()], { history: "more_on_phone", total_messages: 450 })));
    expect(queryTestId("load-older")).toBeNull();
    expect(byTestId("older-spacer").dataset["count"]).toBe("449");
  });

  it.each(["more_on_phone", "live"] as const)("offers to load older messages of a %s chat", async (history) => {
    const backend = fakeBackend();
    let done = () => {};
    backend.loadOlder.mockImplementation(() => new Promise<void>((resolve) => (done = resolve)));
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [message()], { history })), backend);
    const bar = byTestId("history-bar");
    // At the top of the scrolled list, so it scrolls away with the oldest messages.
    expect(byTestId("message-list").firstElementChild).toBe(bar);
    const load = byTestId<HTMLButtonElement>("load-older", bar);
    expect(load.textContent).toBe("Load older messages");
    expect(load.disabled).toBe(false);
    expect(queryTestId("older-loading")).toBeNull();
    expect(queryTestId("history-start")).toBeNull();

    load.click();
    load.click();
    expect(load.disabled).toBe(true);
    expect(backend.loadOlder).toHaveBeenCalledTimes(1);
    expect(backend.loadOlder).toHaveBeenCalledWith(CHAT_A);
    done();
    await flush();
    expect(byTestId<HTMLButtonElement>("load-older").disabled).toBe(false);
    expect(byTestId("load-older-error").textContent).toBe("");
  });

  it("offers nothing older in a brand-new chat (begun here, no messages yet)", () => {
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [], { history: "live" })));
    expect(queryTestId("load-older")).toBeNull();
    expect(queryTestId("history-start")).toBeNull();
  });

  it("keeps the button disabled across a re-render while the call runs", () => {
    const backend = fakeBackend();
    backend.loadOlder.mockImplementation(() => new Promise<void>(() => {}));
    const { app } = mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [], { history: "more_on_phone" })), backend);
    byTestId<HTMLButtonElement>("load-older").click();
    app.render({ ...chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [], { history: "more_on_phone" })), relay_url: "wss://x.test" });
    expect(byTestId<HTMLButtonElement>("load-older").disabled).toBe(true);
  });

  it.each([
    ["no_other_device", "no device", "No other device of this account is linked: older messages stay on the phone."],
    ["relay_unreachable", "Timed out.", "Couldn't load older messages: Timed out."],
  ])("says why loading older messages failed (%s)", async (code, msg, shown) => {
    const backend = fakeBackend();
    backend.loadOlder.mockRejectedValueOnce(new AppError(code, msg));
    const { app } = mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [], { history: "more_on_phone" })), backend);
    byTestId<HTMLButtonElement>("load-older").click();
    await flush();
    const error = byTestId("load-older-error");
    expect(error.textContent).toBe(shown);
    expect(error.getAttribute("aria-live")).toBe("polite");
    expect(byTestId<HTMLButtonElement>("load-older").disabled).toBe(false);
    app.render({ ...chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [], { history: "more_on_phone" })), relay_url: "wss://x.test" });
    expect(byTestId("load-older-error").textContent).toBe(shown);
  });

  it("says older messages are on their way, and moves focus there from the button", async () => {
    const backend = fakeBackend();
    const { app } = mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [], { history: "more_on_phone" })), backend);
    byTestId("load-older").focus();
    byTestId("load-older").click();
    app.render(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [], { history: "loading" })));
    await flush();
    const loading = byTestId("older-loading");
    expect(loading.textContent).toBe("Asking your phone and other devices for older messages…");
    expect(loading.getAttribute("role")).toBe("status");
    expect(queryTestId("load-older")).toBeNull();
    expect(document.activeElement).toBe(loading);
  });

  it("marks the start of a complete chat history", () => {
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [message()], { history: "complete" })));
    const start = byTestId("history-start", byTestId("history-bar"));
    expect(start.textContent).toBe("Start of the chat history");
    expect(start.classList.contains("muted")).toBe(true);
    expect(queryTestId("load-older")).toBeNull();
    expect(queryTestId("older-loading")).toBeNull();
  });
});
