import { describe, expect, it } from "vitest";
import { AppError } from "../src/errors";
import { formatDateTime } from "../src/format";
import type { ChatSummary, OpenChat } from "../src/types";
import { byTestId, chatSummary, device, fakeBackend, flush, linkedView, linkingView, mount, openChat, queryTestId } from "./helpers";

describe("logging out", () => {
  it("asks before logging out, and cancel keeps everything", async () => {
    const backend = fakeBackend();
    mount(linkedView([device({ this_device: true })]), backend);
    byTestId("open-settings").click();
    expect(queryTestId("log-out", byTestId("settings"))).not.toBeNull();
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
    byTestId("open-settings").click();
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
    const logout_at_ms = Date.UTC(2026, 11, 4, 12, 0);
    mount(
      linkedView([device()], {
        inactivity_warning: { message: "This device will be logged out in 3 day(s)", logout_at_ms, primary_last_active_ms: null },
      }),
    );
    expect(byTestId("inactivity-warning").textContent).toContain("3 day(s)");
    expect(byTestId("inactivity-warning").textContent).toContain("Logout date:");
    expect(byTestId("inactivity-warning").textContent).toContain("2026");
    expect(byTestId("inactivity-warning").getAttribute("role")).toBe("alert");
  });

  it("says when a tandem:// link could not be followed, as text, until dismissed", async () => {
    const backend = fakeBackend();
    const message = "this is a code for linking a new device: scan it with your phone <b>x</b>";
    mount(linkedView([device()], { notice: { code: "invalid_link", message } }), backend);
    expect(byTestId("app-notice").getAttribute("role")).toBe("alert");
    expect(byTestId("app-notice-text").textContent).toBe(`Couldn't open the link: ${message}.`);
    expect(document.querySelector("b")).toBeNull();
    byTestId("app-notice-dismiss").click();
    await flush();
    expect(backend.dismissNotice).toHaveBeenCalledTimes(1);
    mount(linkedView([device()]), backend);
    expect(queryTestId("app-notice")).toBeNull();
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
    loading_older: [] as string[],
    started_ms: 0,
    seconds_left: null as number | null,
  };

  it("shows progress while the phone's history arrives", () => {
    mount(linkedView([device()], { history: { ...base, state: "syncing" } }));
    expect(byTestId("history-label").textContent).toContain("2000 of 8000");
    expect(byTestId("history-label").textContent).toContain("chunk 1 of 4");
    mount(linkedView([device()], { history: { ...base, state: "syncing", seconds_left: 30 } }));
    expect(byTestId("history-label").textContent).toContain("less than a minute left");
    mount(linkedView([device()], { history: { ...base, state: "syncing", seconds_left: 200 } }));
    expect(byTestId("history-label").textContent).toContain("about 3 min left");
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
    const { app } = mount(linkedView([device()], { history: { ...base, state: "syncing" } }));
    app.render(linkedView([device()], { history: { ...base, state: "complete", messages_imported: 8000 } }));
    expect(byTestId("history-label").textContent).toBe("History synced: 8000 messages");
    expect(queryTestId("history-progress")).toBeNull();
    expect(queryTestId("history-loading-older")).toBeNull();
  });

  it("says it is complete once, as a bar the user dismisses; a start with nothing new shows no bar", () => {
    const { app } = mount(linkedView([device()], { history: { ...base, state: "syncing" } }));
    app.render(linkedView([device()], { history: { ...base, state: "complete", messages_imported: 8000 } }));
    byTestId("history-dismiss").click();
    expect(queryTestId("history")).toBeNull();
    app.render(linkedView([device()], { history: { ...base, state: "complete", messages_imported: 8001 } }));
    expect(queryTestId("history")).toBeNull();

    mount(linkedView([device()], { history: { ...base, state: "complete", messages_imported: 8000 } }));
    expect(queryTestId("history")).toBeNull();
  });

  it("says so when the phone had nothing to sync", () => {
    const { app } = mount(linkingView());
    app.render(linkedView([device()], { history: { ...base, state: "complete", messages_imported: 0, messages_total: 0 } }));
    expect(byTestId("history-label").textContent).toBe("History synced: your phone had no earlier messages");
  });

  it("says it is complete when the window linked in this session, however fast the sync was", () => {
    const { app } = mount(linkingView());
    app.render(linkedView([device()], { history: { ...base, state: "complete", messages_imported: 8000 } }));
    expect(byTestId("history-label").textContent).toBe("History synced: 8000 messages");
  });

  it("says how many chats are loading older messages", () => {
    mount(linkedView([device()], { history: { ...base, state: "complete", messages_imported: 8000, loading_older: ["a", "b"] } }));
    expect(byTestId("history-loading-older").textContent).toBe("Loading older messages of 2 chat(s)…");
  });
});

describe("synced chat settings", () => {
  const A = "abcdefghijklmnop";
  const B = "qrstuvwxyz234567";
  const summary = (chat_id: string, over: Partial<ChatSummary> = {}): ChatSummary => ({ ...chatSummary(chat_id), ...over });
  const open = (over: Partial<OpenChat> = {}) => openChat(A, [], over);

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

  it("mutes for 8 hours or a week, besides until unmuted", async () => {
    const backend = fakeBackend();
    mount(linkedView([device()], { chats: [summary(A)], open_chat: open() }), backend);
    expect(byTestId("chat-mute").textContent).toBe("Mute always");
    expect(byTestId("chat-mute-8h").textContent).toBe("Mute for 8 hours");
    expect(byTestId("chat-mute-week").textContent).toBe("Mute for 1 week");
    expect(queryTestId("chat-unmute")).toBeNull();
    expect(queryTestId("chat-muted-until")).toBeNull();
    byTestId("chat-mute-8h").click();
    byTestId("chat-mute-week").click();
    await flush();
    expect(backend.chatAction.mock.calls).toEqual([
      [A, "mute_8h"],
      [A, "mute_week"],
    ]);
  });

  it("says until when a chat is muted, and unmutes it", async () => {
    const backend = fakeBackend();
    const until = Date.UTC(2025, 2, 4, 20, 0, 0);
    mount(linkedView([device()], { chats: [summary(A, { muted: true })], open_chat: open({ muted: true, muted_until_ms: until }) }), backend);
    expect(byTestId("chat-muted-until").textContent).toBe(`Muted until ${formatDateTime(until)}`);
    expect(byTestId("chat-muted-until").querySelector("time")?.getAttribute("datetime")).toBe(new Date(until).toISOString());
    for (const id of ["chat-mute", "chat-mute-8h", "chat-mute-week"]) expect(queryTestId(id)).toBeNull();
    byTestId("chat-unmute").click();
    await flush();
    expect(backend.chatAction).toHaveBeenCalledWith(A, "unmute");

    // Muted until unmuted: no time to show.
    mount(linkedView([device()], { chats: [summary(A, { muted: true })], open_chat: open({ muted: true }) }), backend);
    expect(queryTestId("chat-unmute")).not.toBeNull();
    expect(queryTestId("chat-muted-until")).toBeNull();
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

describe("a tandem:// link to someone new", () => {
  it("offers the chat in the new-chat box; nothing starts until the user chooses Start chat", async () => {
    const backend = fakeBackend();
    const account = "abcdefghijklmnop";
    mount(linkedView([device()], { suggested_chat: account }), backend);
    expect(byTestId<HTMLInputElement>("new-chat-input").value).toBe(account);
    expect(byTestId("new-chat-suggested").textContent).toContain("Start chat");
    expect(backend.addContact).not.toHaveBeenCalled();
    byTestId<HTMLButtonElement>("new-chat-add").click();
    await flush();
    expect(backend.addContact).toHaveBeenCalledWith(account);
  });
});
