import { describe, expect, it } from "vitest";
import { LIVE_WITHIN_MS, newMessageNotices } from "../src/notifications";
import { NOW, chatSummary, chatView } from "./helpers";

const A = "abcdefghijklmnop";
const B = "bcdefghijklmnopq";
const msg = (body: string, sent_ms: number, outgoing = false) => ({ body, outgoing, sent_ms });

describe("notifications for new messages", () => {
  const before = chatView([chatSummary(A, msg("old", NOW - 60_000)), chatSummary(B, msg("hi", NOW - 60_000))]);

  it("notifies a live incoming message, with the chat's name and the text as plain text", () => {
    const after = chatView([
      chatSummary(A, msg("<b>dinner</b>\nat 8", NOW - 1_000), { title: "Bob" }),
      chatSummary(B, msg("hi", NOW - 60_000)),
    ]);
    expect(newMessageNotices(before, after, null, NOW)).toEqual([{ chatId: A, title: "Bob", body: "<b>dinner</b> at 8" }]);
  });

  it("stays quiet for the chat in front of the user, muted or archived chats, and own messages", () => {
    const changed = (over: object, outgoing = false) =>
      chatView([chatSummary(A, msg("new", NOW - 1_000, outgoing), over), chatSummary(B, msg("hi", NOW - 60_000))]);
    expect(newMessageNotices(before, changed({}), A, NOW)).toEqual([]);
    expect(newMessageNotices(before, changed({ muted: true }), null, NOW)).toEqual([]);
    expect(newMessageNotices(before, changed({ archived: true }), null, NOW)).toEqual([]);
    expect(newMessageNotices(before, changed({}, true), null, NOW)).toEqual([]);
  });

  it("notifies the first message of a new chat", () => {
    const C = "cdefghijklmnopqr";
    const after = chatView([...before.linked!.chats, chatSummary(C, msg("hello, it's carol", NOW - 1_000))]);
    expect(newMessageNotices(before, after, null, NOW)).toEqual([{ chatId: C, title: "cdefghij…", body: "hello, it's carol" }]);
  });

  it("stays quiet for history being imported and for the first view", () => {
    const imported = chatView([
      chatSummary(A, msg("from last year", NOW - LIVE_WITHIN_MS - 1)),
      chatSummary(B, msg("hi", NOW - 60_000)),
      chatSummary("cdefghijklmnopqr", msg("a chat that arrived with history", NOW - LIVE_WITHIN_MS - 1)),
    ]);
    expect(newMessageNotices(before, imported, null, NOW)).toEqual([]);
    expect(newMessageNotices(null, before, null, NOW)).toEqual([]);
  });
});
