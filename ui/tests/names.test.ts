import { describe, expect, it } from "vitest";
import { CHAT_A, CHAT_B, byTestId, chatSummary, chatView, message, mount, openChat } from "./helpers";

describe("names, not ids", () => {
  const bob = chatSummary(CHAT_A, null, { title: "Bob Builder" });
  const GROUP = "group-abcdefghijklmnopqrstuvwxyz";
  const group = chatSummary(GROUP, null, { title: "Climbing", group: true });

  it("titles a one-to-one chat with the contact's name in its header", () => {
    mount(chatView([bob], openChat(CHAT_A)));
    expect(byTestId("conversation-name").textContent).toBe("Bob Builder");
    expect(byTestId("conversation").textContent).not.toContain(CHAT_A);
  });

  it("names group senders by their contact name, else a short id (the full id on hover)", () => {
    const messages = [
      message({ message_id: "m1", sender: CHAT_A, body: "hi" }),
      message({ message_id: "m2", sender: CHAT_B, body: "hello" }),
    ];
    mount(chatView([bob, group], openChat(GROUP, messages, { title: "Climbing", members: [CHAT_A, CHAT_B] })));
    const senders = [...document.querySelectorAll<HTMLElement>('[data-testid="message-sender"]')];
    expect(senders.map((s) => s.textContent)).toEqual(["Bob Builder", "qrstuvwx…"]);
    expect(senders.map((s) => s.title)).toEqual([CHAT_A, CHAT_B]);
  });
});
