// axe-core's WCAG 2.1 A/AA and best-practice rules over every screen and open panel, as the
// component tests render them. Colour contrast is left to the real window (jsdom lays nothing
// out, so axe cannot see colours there); everything else (names, roles, ARIA, landmarks,
// headings, lists, focusable hidden content) is checked here.
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import {
  CHAT_A,
  CHAT_B,
  NOW,
  byTestId,
  chatSummary,
  chatView,
  device,
  failedView,
  flush,
  linkedView,
  linkingView,
  message,
  mount,
  openChat,
} from "./helpers";

async function violations(root: HTMLElement): Promise<string[]> {
  const result = await axe.run(root, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    // label-content-name-mismatch is experimental in axe-core: asked for by name.
    rules: { "color-contrast": { enabled: false }, "label-content-name-mismatch": { enabled: true } },
  });
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} — ${n.html.slice(0, 160)}`));
}

const chats = [
  chatSummary(CHAT_A, { body: "hi back", outgoing: true, sent_ms: NOW - 60_000 }, { title: "Ada Lovelace", unread: 2 }),
  chatSummary(CHAT_B, null, { group: true, title: "Team", pinned: true, muted: true }),
];
const messages = [
  message({ message_id: "m1", body: "hello", outgoing: false }),
  message({ message_id: "m2", body: "hi back", outgoing: true, state: "read" }),
];

describe("accessibility (axe-core)", () => {
  it("the linking screen", async () => {
    const { root } = mount(linkingView());
    expect(await violations(root)).toEqual([]);
  });

  it("a failed link", async () => {
    const { root } = mount(failedView("link_expired"));
    expect(await violations(root)).toEqual([]);
  });

  it("the chat list with no chat open", async () => {
    const { root } = mount(chatView(chats));
    expect(await violations(root)).toEqual([]);
  });

  it("an open chat with messages", async () => {
    const { root } = mount(chatView(chats, openChat(CHAT_A, messages)));
    expect(await violations(root)).toEqual([]);
  });

  it("the main menu, the new-chat box and the chat menu, open", async () => {
    const { root } = mount(chatView(chats, openChat(CHAT_A, messages)));
    byTestId("new-chat-open").click();
    byTestId("main-menu").click();
    byTestId("chat-menu-button").click();
    expect(await violations(root)).toEqual([]);
  });

  it("the linked devices page", async () => {
    const { root } = mount(linkedView([device({ device_id: 1, name: "Pixel", kind: "primary" }), device({ device_id: 2, this_device: true })]));
    byTestId("menu-devices").click();
    expect(await violations(root)).toEqual([]);
  });

  it("a message request from a stranger", async () => {
    const stranger = chatSummary(CHAT_B, { body: "buy now", outgoing: false, sent_ms: NOW - 1000 }, { request: true, unread: 1 });
    const { root } = mount(chatView([stranger], openChat(CHAT_B, [message({ body: "buy now" })], { request: true })));
    expect(await violations(root)).toEqual([]);
  });

  it("the chat info panel", async () => {
    const { root } = mount(chatView(chats, openChat(CHAT_A, messages)));
    byTestId("chat-info-open").click();
    await flush();
    expect(await violations(root)).toEqual([]);
  });

  it("the Settings panel", async () => {
    const { root } = mount(chatView(chats));
    byTestId("open-settings").click();
    expect(await violations(root)).toEqual([]);
  });
});
