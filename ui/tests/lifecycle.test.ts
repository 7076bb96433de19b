import { describe, expect, it } from "vitest";
import { AppError } from "../src/errors";
import { byTestId, device, fakeBackend, flush, linkedView, linkingView, mount, queryTestId } from "./helpers";

describe("logging out", () => {
  it("asks before logging out, and cancel keeps everything", async () => {
    const backend = fakeBackend();
    mount(linkedView([device({ this_device: true })]), backend);
    byTestId("log-out").click();
    expect(byTestId("log-out-question").textContent).toContain("deleted");
    byTestId("log-out-cancel").click();
    expect(queryTestId("log-out-question")).toBeNull();
    expect(backend.logOut).not.toHaveBeenCalled();
    byTestId("log-out").click();
    byTestId("log-out-confirm").click();
    await flush();
    expect(backend.logOut).toHaveBeenCalledTimes(1);
  });

  it("says why logging out failed, and lets the user try again", async () => {
    const backend = fakeBackend();
    backend.logOut.mockRejectedValueOnce(new AppError("relay_unreachable", "cannot reach the relay"));
    mount(linkedView([device({ this_device: true })]), backend);
    byTestId("log-out").click();
    const confirm = byTestId<HTMLButtonElement>("log-out-confirm");
    confirm.click();
    await flush();
    expect(byTestId("log-out-status").textContent).toContain("cannot reach the relay");
    expect(confirm.disabled).toBe(false);
  });

  it("shows on the linking screen why this desktop was logged out, as text", () => {
    const why = "This device was logged out from the phone. <b>x</b>";
    mount({ ...linkingView(), logged_out: why });
    expect(byTestId("logged-out-notice").textContent).toBe(why);
    expect(document.querySelector("b")).toBeNull();
  });

  it("warns while the phone has been offline for days", () => {
    mount(linkedView([device()], { inactivity_warning: "This device will be logged out in 3 day(s)" }));
    expect(byTestId("inactivity-warning").textContent).toContain("3 day(s)");
    expect(byTestId("inactivity-warning").getAttribute("role")).toBe("alert");
  });

  it("shows no warning or notice when there is nothing to say", () => {
    mount(linkedView([device()]));
    expect(queryTestId("inactivity-warning")).toBeNull();
    mount(linkingView());
    expect(queryTestId("logged-out-notice")).toBeNull();
  });
});

describe("history sync", () => {
  const base = {
    chunks_total: 4,
    chunks_announced: 4,
    chunks_imported: 1,
    chunks_failed: 0,
    messages_total: 8000,
    messages_imported: 2000,
    failures: [] as string[],
    partial_chats: [] as string[],
  };

  it("shows progress while the phone's history arrives", () => {
    mount(linkedView([device()], { history: { ...base, state: "syncing" } }));
    expect(byTestId("history-label").textContent).toContain("2000 of 8000");
    const bar = byTestId<HTMLProgressElement>("history-progress");
    expect(bar.getAttribute("value")).toBe("2000");
    expect(bar.getAttribute("max")).toBe("8000");
  });

  it("says when it is complete, which chats have more on the phone, and what was refused", () => {
    mount(
      linkedView([device()], {
        history: { ...base, state: "failed", messages_imported: 6000, failures: ["chunk 2: <b>tampered</b>"], partial_chats: ["x"] },
      }),
    );
    expect(byTestId("history-failure").textContent).toBe("Not imported: chunk 2: <b>tampered</b>");
    expect(byTestId("history-partial").textContent).toContain("1 chat(s)");
    mount(linkedView([device()], { history: { ...base, state: "complete", messages_imported: 8000 } }));
    expect(byTestId("history-label").textContent).toBe("History synced: 8000 messages");
    expect(queryTestId("history-progress")).toBeNull();
  });
});

describe("synced chat settings", () => {
  const A = "abcdefghijklmnop";
  const B = "qrstuvwxyz234567";
  const summary = (chat_id: string, over: Record<string, unknown> = {}) => ({
    chat_id,
    title: null,
    group: false,
    last_message: null,
    archived: false,
    pinned: false,
    muted: false,
    unread: 0,
    ...over,
  });
  const open = (over: Record<string, unknown> = {}) => ({
    chat_id: A,
    title: null,
    members: [],
    archived: false,
    pinned: false,
    muted: false,
    messages: [],
    ...over,
  });

  it("pins, archives and mutes the open chat through the backend", async () => {
    const backend = fakeBackend();
    mount(linkedView([device()], { chats: [summary(A)], open_chat: open() }), backend);
    byTestId("chat-pin").click();
    byTestId("chat-archive").click();
    byTestId("chat-mute").click();
    await flush();
    expect(backend.chatAction.mock.calls).toEqual([
      [A, "pin"],
      [A, "archive"],
      [A, "mute"],
    ]);
    mount(linkedView([device()], { chats: [summary(A, { pinned: true })], open_chat: open({ pinned: true, archived: true, muted: true }) }), backend);
    expect(queryTestId("chat-unpin")).not.toBeNull();
    expect(queryTestId("chat-unarchive")).not.toBeNull();
    expect(queryTestId("chat-unmute")).not.toBeNull();
  });

  it("keeps archived chats out of the list until asked, and shows pinned, muted and unread", () => {
    mount(
      linkedView([device()], {
        chats: [summary(A, { pinned: true, muted: true, unread: 3 }), summary(B, { archived: true })],
        open_chat: null,
      }),
    );
    const visible = byTestId("chat-list").querySelectorAll('[data-testid="chat-row"]');
    expect(visible).toHaveLength(1);
    expect(byTestId("chat-unread").textContent).toBe("3");
    expect(queryTestId("chat-pinned")).not.toBeNull();
    expect(queryTestId("chat-muted")).not.toBeNull();
    expect(byTestId<HTMLUListElement>("archived-list").hidden).toBe(true);
    byTestId("archived-toggle").click();
    expect(byTestId<HTMLUListElement>("archived-list").hidden).toBe(false);
    expect(byTestId("archived-toggle").textContent).toBe("Archived (1)");
  });

  it("says when a change could not be made", async () => {
    const backend = fakeBackend();
    backend.chatAction.mockRejectedValueOnce(new AppError("no_app_state_key", "the key has not arrived"));
    mount(linkedView([device()], { chats: [summary(A)], open_chat: open() }), backend);
    byTestId("chat-pin").click();
    await flush();
    expect(byTestId("chat-action-error").textContent).toContain("the key has not arrived");
  });
});
