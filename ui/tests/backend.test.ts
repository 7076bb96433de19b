import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
class FakeChannel<T> {
  onmessage: (v: T) => void = () => {};
}
vi.mock("@tauri-apps/api/core", () => ({ invoke, Channel: FakeChannel }));

const { tauriBackend, AppError } = await import("../src/backend");
const { toAppError } = await import("../src/errors");

describe("tauriBackend", () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it("maps each method to its command", async () => {
    invoke.mockResolvedValue({ screen: "starting" });
    await expect(tauriBackend.getView()).resolves.toEqual({ screen: "starting" });
    expect(invoke).toHaveBeenLastCalledWith("get_view", undefined);
    invoke.mockResolvedValue(null);
    await tauriBackend.restartLinking();
    expect(invoke).toHaveBeenLastCalledWith("restart_linking", undefined);
    await tauriBackend.refreshDevices();
    expect(invoke).toHaveBeenLastCalledWith("refresh_devices", undefined);
  });

  it("passes chat arguments under the names the core's commands take", async () => {
    invoke.mockResolvedValue(null);
    await tauriBackend.openChat("abcdefghijklmnop");
    expect(invoke).toHaveBeenLastCalledWith("open_chat", { chatId: "abcdefghijklmnop" });
    await tauriBackend.sendMessage("abcdefghijklmnop", "hi\nthere");
    expect(invoke).toHaveBeenLastCalledWith("send_message", { chatId: "abcdefghijklmnop", text: "hi\nthere" });
    await tauriBackend.addContact("qrstuvwxyz234567");
    expect(invoke).toHaveBeenLastCalledWith("add_contact", { accountId: "qrstuvwxyz234567" });
  });

  it("passes the history range and older-message requests under the names the core takes", async () => {
    invoke.mockResolvedValue(null);
    await tauriBackend.setHistoryRange(90);
    expect(invoke).toHaveBeenLastCalledWith("set_history_range", { days: 90 });
    await tauriBackend.setHistoryRange(0);
    expect(invoke).toHaveBeenLastCalledWith("set_history_range", { days: 0 });
    await tauriBackend.loadOlder("abcdefghijklmnop");
    expect(invoke).toHaveBeenLastCalledWith("load_older", { chatId: "abcdefghijklmnop" });
    await tauriBackend.chatAction("abcdefghijklmnop", "mute_8h");
    expect(invoke).toHaveBeenLastCalledWith("chat_action", { chatId: "abcdefghijklmnop", action: "mute_8h" });
    await tauriBackend.chatAction("abcdefghijklmnop", "mute_week");
    expect(invoke).toHaveBeenLastCalledWith("chat_action", { chatId: "abcdefghijklmnop", action: "mute_week" });    await tauriBackend.chatAction("abcdefghijklmnop", "mark_unread");
    expect(invoke).toHaveBeenLastCalledWith("chat_action", { chatId: "abcdefghijklmnop", action: "mark_unread" });
  });

  it("passes the profile name under the name the core takes", async () => {
    invoke.mockResolvedValue(null);
    await tauriBackend.setProfileName("Alice");
    expect(invoke).toHaveBeenLastCalledWith("set_profile_name", { name: "Alice" });
  });

  it("passes media and search arguments under the names the core takes, and returns their answers", async () => {
    invoke.mockResolvedValue(null);
    await tauriBackend.fetchMedia("media-1");
    expect(invoke).toHaveBeenLastCalledWith("fetch_media", { mediaId: "media-1" });
    invoke.mockResolvedValue("data:image/png;base64,AAAA");
    await expect(tauriBackend.getMedia("media-1")).resolves.toBe("data:image/png;base64,AAAA");
    expect(invoke).toHaveBeenLastCalledWith("get_media", { mediaId: "media-1" });
    const found = [{ chat_id: "c", title: null, message_id: "m", outgoing: false, sent_ms: 1, snippet: "[hi]" }];
    invoke.mockResolvedValue(found);
    await expect(tauriBackend.search("hi* there")).resolves.toEqual(found);
    expect(invoke).toHaveBeenLastCalledWith("search", { query: "hi* there" });
  });

  it.each([
    ["getMedia", () => tauriBackend.getMedia("media-1"), "not_found"],
    ["fetchMedia", () => tauriBackend.fetchMedia("media-1"), "no_other_device"],
    ["loadOlder", () => tauriBackend.loadOlder("abcdefghijklmnop"), "no_other_device"],
    ["setHistoryRange", () => tauriBackend.setHistoryRange(365), "not_applicable"],
    ["setProfileName", () => tauriBackend.setProfileName("Alice"), "no_app_state_key"],
  ])("rejects a failed %s with the core's code", async (_name, run, code) => {
    invoke.mockRejectedValue({ code, message: "Not now." });
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code, message: "Not now." });
  });

  it("rejects a failed addContact with the core's code", async () => {
    invoke.mockRejectedValue({ code: "invalid_data", message: "Not base32." });
    const err = await tauriBackend.addContact("x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "invalid_data", message: "Not base32." });
  });

  it("subscribes with a Channel whose messages reach the callback", async () => {
    invoke.mockResolvedValue(null);
    const onView = vi.fn();
    await tauriBackend.subscribe(onView);
    const [cmd, args] = invoke.mock.lastCall as [string, { onView: FakeChannel<unknown> }];
    expect(cmd).toBe("subscribe_view");
    expect(args.onView).toBeInstanceOf(FakeChannel);
    args.onView.onmessage({ screen: "linked" });
    expect(onView).toHaveBeenCalledWith({ screen: "linked" });
  });

  it("converts a {code, message} rejection into AppError", async () => {
    invoke.mockRejectedValue({ code: "companion_limit", message: "Unlink a device first." });
    const err = await tauriBackend.restartLinking().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "companion_limit", message: "Unlink a device first." });
  });

  it("converts other rejections into AppError with code internal", () => {
    expect(toAppError("command get_view not found")).toMatchObject({
      code: "internal",
      message: "command get_view not found",
    });
    expect(toAppError(new Error("boom"))).toMatchObject({ code: "internal", message: "boom" });
    expect(toAppError(42).code).toBe("internal");
    expect(toAppError({ code: 1, message: "x" }).code).toBe("internal");
  });
});

describe("tauriBackend: requests, blocking and the Locked screen", () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it("passes the account under the name the core's commands take", async () => {
    invoke.mockResolvedValue(null);
    await tauriBackend.acceptRequest("abcdefghijklmnop");
    expect(invoke).toHaveBeenLastCalledWith("accept_request", { account: "abcdefghijklmnop" });
    await tauriBackend.block("abcdefghijklmnop");
    expect(invoke).toHaveBeenLastCalledWith("block", { account: "abcdefghijklmnop" });
    await tauriBackend.unblock("abcdefghijklmnop");
    expect(invoke).toHaveBeenLastCalledWith("unblock", { account: "abcdefghijklmnop" });
    await tauriBackend.relinkLocked();
    expect(invoke).toHaveBeenLastCalledWith("relink_locked", undefined);
    await tauriBackend.keepLockedData();
    expect(invoke).toHaveBeenLastCalledWith("keep_locked_data", undefined);
    await tauriBackend.relinkAfterKeyLoss();
    expect(invoke).toHaveBeenLastCalledWith("relink_after_key_loss", undefined);
  });

  it("rejects with the core's code", async () => {
    invoke.mockRejectedValue({ code: "relay_unreachable", message: "no relay" });
    await expect(tauriBackend.block("abcdefghijklmnop")).rejects.toMatchObject({ code: "relay_unreachable" });
  });
});
