import { describe, expect, it } from "vitest";
import { AppError } from "../src/errors";
import type { View } from "../src/types";
import {
  byTestId,
  CHAT_A,
  CHAT_B,
  chatSummary,
  chatView,
  device,
  fakeBackend,
  flush,
  linkedView,
  message,
  mount,
  openChat,
  queryTestId,
} from "./helpers";

const hi = { body: "hi, it's mallory", outgoing: false, sent_ms: 1 };

function requestView(request = true): View {
  return chatView(
    [chatSummary(CHAT_A, hi, { request, unread: 1 }), chatSummary(CHAT_B)],
    openChat(CHAT_A, [message({ body: "hi, it's mallory" })], { request }),
  );
}

function rowOf(chatId: string): HTMLElement {
  const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="chat-row"]')];
  const row = rows.find((r) => r.dataset["chatId"] === chatId);
  if (!row) throw new Error(`no row for ${chatId}`);
  return row;
}

describe("message requests", () => {
  it("marks a request's row in the chat list, and only that row", () => {
    mount(requestView());
    expect(queryTestId("chat-request", rowOf(CHAT_A))?.textContent).toBe("Message request");
    expect(queryTestId("chat-request", rowOf(CHAT_B))).toBeNull();
    // The unread count is the usual one: no extra ping for a request.
    expect(queryTestId("chat-unread", rowOf(CHAT_A))?.textContent).toBe("1");
  });

  it("shows the request bar in place of the composer, the id as text", () => {
    mount(requestView());
    expect(queryTestId("composer")).toBeNull();
    expect(byTestId("request-text").textContent).toBe(
      `${CHAT_A} is not in your contacts. They won't know you've seen their messages until you accept.`,
    );
    expect(byTestId("request-account").tagName).toBe("CODE");
    expect(byTestId("request-accept").textContent).toBe("Accept");
    expect(byTestId("request-block").textContent).toBe("Block");
    // The bar sits under the messages.
    const list = byTestId("message-list");
    expect(list.compareDocumentPosition(byTestId("request-bar")) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("Accept calls accept_request with the chat's account; the next View brings the composer, focused", async () => {
    const backend = fakeBackend();
    const { app } = mount(requestView(), backend);
    byTestId("request-accept").click();
    await flush();
    expect(backend.acceptRequest).toHaveBeenCalledWith(CHAT_A);
    app.render(requestView(false));
    expect(queryTestId("request-bar")).toBeNull();
    expect(queryTestId("chat-request")).toBeNull();
    expect(document.activeElement).toBe(byTestId("composer-input"));
  });

  it("Block asks first; Cancel keeps the request; confirming calls block", async () => {
    const backend = fakeBackend();
    mount(requestView(), backend);
    byTestId("request-block").click();
    expect(byTestId("request-text").textContent).toContain(`Block ${CHAT_A}?`);
    expect(document.activeElement).toBe(byTestId("request-block-confirm"));
    byTestId("request-block-cancel").click();
    expect(queryTestId("request-block-confirm")).toBeNull();
    expect(backend.block).not.toHaveBeenCalled();
    byTestId("request-block").click();
    byTestId("request-block-confirm").click();
    await flush();
    expect(backend.block).toHaveBeenCalledWith(CHAT_A);
    expect(backend.acceptRequest).not.toHaveBeenCalled();
  });

  it("keeps the confirmation across a View that arrives meanwhile", () => {
    const { app } = mount(requestView());
    byTestId("request-block").click();
    app.render({ ...requestView(), title: "(2) Tandem" });
    expect(queryTestId("request-block-confirm")).not.toBeNull();
  });

  it("says why Accept failed, chosen by code, and lets the user try again", async () => {
    const backend = fakeBackend();
    backend.acceptRequest.mockRejectedValueOnce(new AppError("relay_unreachable", "raw words"));
    mount(requestView(), backend);
    byTestId("request-accept").click();
    await flush();
    expect(byTestId("request-error").textContent).toBe(
      "Couldn't accept the request: the relay can't be reached. Check your connection and try again.",
    );
    expect(byTestId<HTMLButtonElement>("request-accept").disabled).toBe(false);
  });

  it("says why Block failed by code, and shows an unknown code's message", async () => {
    const backend = fakeBackend();
    backend.block.mockRejectedValueOnce(new AppError("no_app_state_key", "raw"));
    mount(requestView(), backend);
    byTestId("request-block").click();
    byTestId("request-block-confirm").click();
    await flush();
    expect(byTestId("request-error").textContent).toContain("hasn't sent the key for synced settings");
    backend.block.mockRejectedValueOnce(new AppError("something_new", "The core says <b>so</b>."));
    byTestId("request-block-confirm").click();
    await flush();
    expect(byTestId("request-error").textContent).toBe("Couldn't block: The core says <b>so</b>.");
    expect(document.querySelector("b")).toBeNull();
  });

  it("disables the buttons while Accept runs", async () => {
    const backend = fakeBackend();
    backend.acceptRequest.mockImplementationOnce(() => new Promise(() => {}));
    mount(requestView(), backend);
    byTestId("request-accept").click();
    await flush();
    expect(byTestId<HTMLButtonElement>("request-accept").disabled).toBe(true);
    expect(byTestId<HTMLButtonElement>("request-block").disabled).toBe(true);
  });
});

describe("blocked accounts", () => {
  function blockedView(blocked: string[]): View {
    return linkedView([device({ this_device: true })], {
      blocked,
      chats: [chatSummary(CHAT_A, hi)],
      open_chat: openChat(CHAT_A, [message()]),
    });
  }

  it("a blocked account's chat says so and offers Unblock instead of the composer", async () => {
    const backend = fakeBackend();
    mount(blockedView([CHAT_A]), backend);
    expect(queryTestId("composer")).toBeNull();
    expect(byTestId("blocked-bar").textContent).toContain(`You blocked ${CHAT_A}.`);
    expect(queryTestId("chat-blocked", rowOf(CHAT_A))?.textContent).toBe("Blocked");
    byTestId("blocked-unblock").click();
    await flush();
    expect(backend.unblock).toHaveBeenCalledWith(CHAT_A);
  });

  it("Settings lists the blocked accounts, each with Unblock", async () => {
    const backend = fakeBackend();
    mount(blockedView([CHAT_A, CHAT_B]), backend);
    byTestId("open-settings").click();
    const section = byTestId("settings-blocked");
    const accounts = [...section.querySelectorAll('[data-testid="settings-blocked-account"]')].map((e) => e.textContent);
    expect(accounts).toEqual([CHAT_A, CHAT_B]);
    const buttons = section.querySelectorAll<HTMLButtonElement>('[data-testid="settings-unblock"]');
    buttons[1]!.click();
    await flush();
    expect(backend.unblock).toHaveBeenCalledWith(CHAT_B);
    expect(queryTestId("settings-blocked-empty")).toBeNull();
  });

  it("Settings says when no one is blocked", () => {
    mount(blockedView([]));
    expect(byTestId("settings-blocked-empty").textContent).toBe("No one is blocked");
    expect(queryTestId("settings-unblock")).toBeNull();
  });

  it("says why Unblock failed, by code", async () => {
    const backend = fakeBackend();
    backend.unblock.mockRejectedValueOnce(new AppError("relay_unreachable", "raw"));
    mount(blockedView([CHAT_B]), backend);
    byTestId("open-settings").click();
    byTestId("settings-unblock").click();
    await flush();
    expect(byTestId("settings-blocked-error").textContent).toBe(
      "Couldn't unblock: the relay can't be reached. Check your connection and try again.",
    );
    expect(byTestId<HTMLButtonElement>("settings-unblock").disabled).toBe(false);
  });
});
