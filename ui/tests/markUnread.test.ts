import { describe, expect, it } from "vitest";
import { AppError } from "../src/errors";
import { showsUnreadDot } from "../src/views/chatList";
import { CHAT_A, CHAT_B, byTestId, chatSummary, chatView, fakeBackend, flush, mount, openChat, queryTestId } from "./helpers";

function row(chatId: string): HTMLButtonElement {
  const rows = [...document.querySelectorAll<HTMLButtonElement>('[data-testid="chat-row"]')];
  const found = rows.find((r) => r.dataset["chatId"] === chatId);
  if (!found) throw new Error(`no row for ${chatId}`);
  return found;
}

describe("mark unread", () => {
  it("the conversation's chat actions mark the chat unread", async () => {
    const backend = fakeBackend();
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A)), backend);
    const btn = byTestId<HTMLButtonElement>("chat-mark-unread");
    expect(btn.textContent).toBe("Mark as unread");
    expect(byTestId("chat-actions").contains(btn)).toBe(true);
    byTestId("chat-menu-button").click();
    expect(byTestId("chat-menu").hidden).toBe(false);
    btn.click();
    // The menu closes at once; the core pushes the View that shows the change.
    expect(byTestId("chat-menu").hidden).toBe(true);
    await flush();
    expect(backend.chatAction).toHaveBeenCalledWith(CHAT_A, "mark_unread");
  });

  it("moves focus to the chat's row once the core has closed the chat", async () => {
    const backend = fakeBackend();
    const chats = [chatSummary(CHAT_A), chatSummary(CHAT_B)];
    const { app } = mount(chatView(chats, openChat(CHAT_B)), backend);
    backend.chatAction.mockImplementation(async () => {
      // The core closes the chat and pushes a View before the command returns.
      app.render(chatView([chats[0]!, chatSummary(CHAT_B, null, { marked_unread: true })]));
    });
    const btn = byTestId<HTMLButtonElement>("chat-mark-unread");
    btn.focus();
    btn.click();
    await flush();
    expect(queryTestId("conversation")).toBeNull();
    expect(document.activeElement).toBe(row(CHAT_B));
  });

  it("says why it failed and lets the user try again", async () => {
    const backend = fakeBackend();
    backend.chatAction.mockRejectedValueOnce(new AppError("no_app_state_key", "Settings have not arrived yet."));
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A)), backend);
    const btn = byTestId<HTMLButtonElement>("chat-mark-unread");
    btn.click();
    await flush();
    expect(byTestId("chat-action-error").textContent).toContain("Settings have not arrived yet.");
    expect(btn.disabled).toBe(false);
  });
});

describe("marked-unread dot", () => {
  it("shows only for a chat marked unread with nothing unread", () => {
    expect(showsUnreadDot(chatSummary(CHAT_A, null, { marked_unread: true }))).toBe(true);
    expect(showsUnreadDot(chatSummary(CHAT_A, null, { marked_unread: true, unread: 2 }))).toBe(false);
    expect(showsUnreadDot(chatSummary(CHAT_A, null, { marked_unread: false }))).toBe(false);
  });

  it("renders a labelled dot in the chat row, and a count instead when there are unread messages", () => {
    mount(
      chatView([
        chatSummary(CHAT_A, null, { marked_unread: true }),
        chatSummary(CHAT_B, null, { marked_unread: true, unread: 3 }),
        chatSummary("2222222222222222"),
      ]),
    );
    const dot = byTestId("chat-marked-unread", row(CHAT_A));
    expect(dot.getAttribute("aria-label")).toBe("Marked unread");
    expect(dot.getAttribute("role")).toBe("img");
    expect(dot.textContent).toBe("");
    expect(queryTestId("chat-marked-unread", row(CHAT_B))).toBeNull();
    expect(byTestId("chat-unread", row(CHAT_B)).textContent).toBe("3");
    expect(queryTestId("chat-marked-unread", row("2222222222222222"))).toBeNull();
  });

  it("shows in the archived list too", () => {
    mount(chatView([chatSummary(CHAT_A, null, { marked_unread: true, archived: true })]));
    expect(queryTestId("chat-marked-unread", byTestId("archived-list"))).not.toBeNull();
  });
});
