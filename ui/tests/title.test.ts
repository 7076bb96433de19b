import { describe, expect, it } from "vitest";
import { unreadTotal, windowTitle } from "../src/app";
import { CHAT_A, CHAT_B, chatSummary, chatView, linkingView, mount } from "./helpers";

const counted = [
  chatSummary(CHAT_A, null, { unread: 3 }),
  chatSummary(CHAT_B, null, { unread: 5, muted: true }),
  chatSummary("2222222222222222", null, { unread: 2, archived: true }),
  chatSummary("3333333333333333", null, { marked_unread: true }),
  chatSummary("4444444444444444", null, { marked_unread: true, unread: 2 }),
  chatSummary("5555555555555555", null, { marked_unread: true, muted: true }),
  chatSummary("6666666666666666"),
];

describe("unread count in the window title", () => {
  it("adds up unread messages of chats neither archived nor muted, 1 for a chat only marked unread", () => {
    expect(unreadTotal(counted)).toBe(3 + 1 + 2);
    expect(unreadTotal([])).toBe(0);
  });

  it("puts the count in document.title, and follows it", () => {
    const { app } = mount(chatView(counted));
    expect(document.title).toBe("(6) Tandem");
    app.render(chatView([chatSummary(CHAT_A, null, { unread: 1 })]));
    expect(document.title).toBe("(1) Tandem");
    app.render(chatView([chatSummary(CHAT_A), chatSummary(CHAT_B, null, { unread: 4, archived: true })]));
    expect(document.title).toBe("Tandem");
  });

  it("keeps the other screens' titles", () => {
    expect(windowTitle(linkingView())).toBe("Tandem — Link your phone");
    const { app } = mount(chatView(counted));
    app.renderError({ code: "internal", message: "Boom" });
    expect(document.title).toBe("Tandem");
  });
});
