// The isolation frame's hook (ui/isolation/index.js): what the window may send to the Rust side.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

type Message = { cmd: unknown; callback?: unknown; error?: unknown; payload?: unknown; options?: unknown };
type Hook = (m: Message) => Message;

function loadHook(): Hook {
  const src = readFileSync(join(__dirname, "..", "isolation", "index.js"), "utf8");
  const win: { __TAURI_ISOLATION_HOOK__?: Hook } = {};
  new Function("window", src)(win);
  if (win.__TAURI_ISOLATION_HOOK__ === undefined) throw new Error("the hook is not set");
  return win.__TAURI_ISOLATION_HOOK__;
}

const hook = loadHook();
const call = (cmd: unknown, payload?: unknown, options?: unknown): Message => ({
  cmd,
  callback: 1,
  error: 2,
  payload,
  options,
});

describe("isolation hook", () => {
  it("passes Tandem's own commands with plain arguments through unchanged", () => {
    for (const m of [
      call("get_view", {}),
      call("subscribe_view", { onView: "__CHANNEL__:7" }),
      call("send_image", { chatId: "acct", base64: "A".repeat(7_000_000), caption: "" }),
      call("set_history_range", { days: null }),
      call("show_messages", { chatId: "c", newerHidden: 12 }),
      call("plugin:__TAURI_CHANNEL__|fetch", null, { headers: { "Tauri-Channel-Id": "42" } }),
    ]) {
      expect(hook(m)).toBe(m);
    }
  });

  it("turns anything else into a call that fails at once (the caller's promise rejects)", () => {
    for (const m of [
      call("plugin:shell|execute", { program: "sh" }),
      call("plugin:__TAURI_CHANNEL__|fetch", null, { headers: { "Tauri-Channel-Id": "1; rm", Other: "x" } }),
      call("Get-View", {}),
      call(42, {}),
      call("open_chat", { "chat-id": "x" }),
      call("open_chat", { chatId: { a: { b: { c: { d: 1 } } } } }),
      call("open_chat", { chatId: () => 1 }),
      call("send_image", { base64: "A".repeat(9 * 1024 * 1024) }),
      call("open_chat", [1, 2]),
    ]) {
      const out = hook(m);
      expect(out.cmd, JSON.stringify(m.cmd)).toBe("isolation_refused");
      expect([out.callback, out.error]).toEqual([1, 2]);
      expect(out.payload).toEqual({});
    }
  });
});
