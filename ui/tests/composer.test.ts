import { describe, expect, it, vi } from "vitest";
import { AppError } from "../src/errors";
import type { ChatMessage } from "../src/types";
import {
  CHAT_A,
  CHAT_B,
  byTestId,
  chatSummary,
  chatView,
  composer,
  fakeBackend,
  flush,
  message,
  mount,
  openChat,
  pressEnter,
  typeText,
} from "./helpers";

const chats = [chatSummary(CHAT_A), chatSummary(CHAT_B)];

function open(chatId: string, messages: ChatMessage[] = []) {
  return chatView(chats, openChat(chatId, messages));
}

describe("composer", () => {
  it("is a labelled textarea with a Send button", () => {
    mount(open(CHAT_A));
    expect(composer().tagName).toBe("TEXTAREA");
    expect(composer().getAttribute("aria-label")).toBe("Message");
    expect(byTestId("composer-send").textContent).toBe("Send");
  });

  it("Enter sends the text to the open chat, clears it and keeps focus", async () => {
    const backend = fakeBackend();
    mount(open(CHAT_A), backend);
    composer().focus();
    typeText("Hello\nthere");
    const e = pressEnter();
    expect(e.defaultPrevented).toBe(true);
    await flush();
    expect(backend.sendMessage).toHaveBeenCalledTimes(1);
    expect(backend.sendMessage).toHaveBeenCalledWith(CHAT_A, "Hello\nthere");
    expect(composer().value).toBe("");
    expect(document.activeElement).toBe(composer());
    expect(byTestId("composer-error").textContent).toBe("");
  });

  it("the Send button sends too, and focus returns to the composer", async () => {
    const backend = fakeBackend();
    mount(open(CHAT_B), backend);
    typeText("  hi  ");
    byTestId<HTMLButtonElement>("composer-send").click();
    await flush();
    expect(backend.sendMessage).toHaveBeenCalledWith(CHAT_B, "hi");
    expect(composer().value).toBe("");
    expect(document.activeElement).toBe(composer());
  });

  it("Shift+Enter does not send", async () => {
    const backend = fakeBackend();
    mount(open(CHAT_A), backend);
    typeText("line one");
    const e = pressEnter(true);
    expect(e.defaultPrevented).toBe(false);
    await flush();
    expect(backend.sendMessage).not.toHaveBeenCalled();
    expect(composer().value).toBe("line one");
  });

  it("does not send an empty or whitespace-only message", async () => {
    const backend = fakeBackend();
    mount(open(CHAT_A), backend);
    const send = byTestId<HTMLButtonElement>("composer-send");
    expect(send.disabled).toBe(true);
    pressEnter();
    typeText("  \n\t ");
    expect(send.disabled).toBe(true);
    pressEnter();
    byTestId<HTMLFormElement>("composer").requestSubmit();
    await flush();
    expect(backend.sendMessage).not.toHaveBeenCalled();
    typeText("x");
    expect(send.disabled).toBe(false);
  });

  it("a rejected send keeps the text and shows the error", async () => {
    const backend = fakeBackend();
    backend.sendMessage.mockRejectedValue(new AppError("internal", "Database is locked."));
    mount(open(CHAT_A), backend);
    composer().focus();
    typeText("keep me");
    pressEnter();
    await flush();
    expect(composer().value).toBe("keep me");
    expect(byTestId("composer-error").textContent).toContain("Database is locked.");
    expect(composer().readOnly).toBe(false);
    expect(document.activeElement).toBe(composer());
  });

  it("keeps the draft across a re-render of the same chat, and one draft per chat", () => {
    const { app } = mount(open(CHAT_A));
    composer().focus();
    typeText("half-written");
    composer().setSelectionRange(4, 4);
    app.render(open(CHAT_A, [message({ message_id: "in1", body: "new one" })]));
    expect(composer().value).toBe("half-written");
    expect(document.activeElement).toBe(composer());
    expect(composer().selectionStart).toBe(4);

    app.render(open(CHAT_B));
    expect(composer().value).toBe("");
    app.render(open(CHAT_A));
    expect(composer().value).toBe("half-written");
  });

  it("clears the re-rendered composer when the send finishes after the core pushed a View", async () => {
    const backend = fakeBackend();
    let done = () => {};
    backend.sendMessage.mockImplementation(() => new Promise<void>((resolve) => (done = resolve)));
    const { app } = mount(open(CHAT_A), backend);
    composer().focus();
    typeText("hello");
    pressEnter();
    expect(composer().readOnly).toBe(true);
    pressEnter(); // a second Enter while sending does nothing
    const queued = message({ message_id: "out1", outgoing: true, body: "hello", state: "queued" });
    app.render(open(CHAT_A, [queued]));
    expect(composer().value).toBe("hello");
    expect(composer().readOnly).toBe(true);
    done();
    await flush();
    expect(backend.sendMessage).toHaveBeenCalledTimes(1);
    expect(composer().value).toBe("");
    expect(composer().readOnly).toBe(false);
    expect(document.activeElement).toBe(composer());
  });
});

describe("message list", () => {
  it("scrolls to the newest message when messages arrive, else keeps its position", () => {
    let height = 1000;
    vi.spyOn(HTMLElement.prototype, "scrollHeight", "get").mockImplementation(() => height);
    const { app } = mount(open(CHAT_A, [message({ message_id: "a" })]));
    const first = byTestId("message-list");
    expect(first.scrollTop).toBe(1000);

    first.scrollTop = 250;
    first.dispatchEvent(new Event("scroll"));
    app.render({ ...open(CHAT_A, [message({ message_id: "a" })]), relay_url: "wss://other.example.test" });
    expect(byTestId("message-list").scrollTop).toBe(250);

    height = 1400;
    app.render(open(CHAT_A, [message({ message_id: "a" }), message({ message_id: "b" })]));
    expect(byTestId("message-list").scrollTop).toBe(1400);
  });

  it("announces new incoming messages in the open chat and new messages in other chats", () => {
    const { app } = mount(open(CHAT_A, [message({ message_id: "a" })]));
    expect(byTestId("announcer").textContent).toBe("Linked to your phone");
    app.render(open(CHAT_A, [message({ message_id: "a" }), message({ message_id: "b", body: "Lunch?" })]));
    expect(byTestId("announcer").textContent).toBe("New message: Lunch?");

    const other = chatSummary(CHAT_B, { body: "psst", outgoing: false, sent_ms: 1 });
    app.render(chatView([chatSummary(CHAT_A), other], openChat(CHAT_A)));
    expect(byTestId("announcer").textContent).toBe(`New message from ${CHAT_B.slice(0, 8)}…`);

    const mine = message({ message_id: "c", outgoing: true, body: "sure" });
    app.render(chatView([chatSummary(CHAT_A), other], openChat(CHAT_A, [mine])));
    expect(byTestId("announcer").textContent).toBe(`New message from ${CHAT_B.slice(0, 8)}…`);
  });
  it("does not announce older messages loaded from the phone as new", () => {
    const older = [message({ message_id: "o1", body: "old 1" }), message({ message_id: "o2", body: "old 2" })];
    const { app } = mount(open(CHAT_A, [message({ message_id: "a" })]));
    app.render(open(CHAT_A, [...older, message({ message_id: "a" })]));
    expect(byTestId("announcer").textContent).toBe("Linked to your phone");
    app.render(open(CHAT_A, [...older, message({ message_id: "a" }), message({ message_id: "b", body: "Lunch?" })]));
    expect(byTestId("announcer").textContent).toBe("New message: Lunch?");

    // An empty chat whose older messages were asked for: what arrives is not news either.
    const { app: again } = mount(chatView(chats, openChat(CHAT_B, [], { history: "loading" })));
    again.render(chatView(chats, openChat(CHAT_B, older, { history: "complete" })));
    expect(byTestId("announcer").textContent).toBe("Linked to your phone");
  });
});
