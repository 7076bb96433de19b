import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "../src/errors";
import { lastActive } from "../src/format";
import { NOW, byTestId, device, fakeBackend, flush, linkedView, mount, queryTestId } from "./helpers";

const devices = [
  device({ device_id: 1, name: "Pixel 8", kind: "primary", last_active_ms: NOW - 5 * 60_000 }),
  device({ device_id: 2, name: "Work laptop", kind: "desktop", this_device: true, last_active_ms: NOW - 1000 }),
  device({ device_id: 7, name: "Build bot", kind: "headless", last_active_ms: null }),
];

function row(id: number): HTMLElement {
  return byTestId("device-list").querySelector<HTMLElement>(`[data-device-id="${id}"]`)!;
}

/** Mounts the screen with the linked devices opened from the main menu, as the user would. */
function mountOpen(...args: Parameters<typeof mount>): ReturnType<typeof mount> {
  const mounted = mount(...args);
  byTestId("main-menu").click();
  byTestId("menu-devices").click();
  return mounted;
}

describe("linked screen", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows the user's name and this device's name at the top of the left pane, the full id in Settings", () => {
    mount(linkedView(devices));
    const head = byTestId("sidebar-head");
    expect(byTestId("me-name", head).textContent).toBe("You");
    expect(byTestId("linked-device-name", head).textContent).toBe("Work laptop");
    expect(head.textContent).not.toContain("acct_7f3a");
    expect(queryTestId("linked-title")).toBeNull();
    const account = byTestId("linked-account", byTestId("settings"));
    expect(account.tagName).toBe("CODE");
    expect(account.textContent).toBe("acct_7f3a");
    expect(document.title).toBe("Tandem");
  });

  it("shows the profile name when one is set", () => {
    mount(linkedView(devices, { profile_name: "Ada Lovelace" }));
    expect(byTestId("me-name").textContent).toBe("Ada Lovelace");
    expect(byTestId("avatar", byTestId("sidebar-head")).textContent).toBe("AL");
  });

  it("opens the linked devices as a page of the left pane; Back and Esc return to the chats", () => {
    mount(linkedView(devices));
    expect(queryTestId("device-list")).toBeNull();
    byTestId("main-menu").click();
    byTestId("menu-devices").click();
    expect(queryTestId("chat-list")).toBeNull();
    expect(queryTestId("sidebar-head")).toBeNull();
    expect(document.activeElement).toBe(document.getElementById("devices-heading"));
    byTestId("devices-back").click();
    expect(queryTestId("device-list")).toBeNull();
    expect(document.activeElement).toBe(byTestId("main-menu"));

    byTestId("main-menu").click();
    byTestId("menu-devices").click();
    byTestId("device-list").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(queryTestId("device-list")).toBeNull();
    expect(queryTestId("sidebar-head")).not.toBeNull();
  });

  it("renders one row per device with its id, kind, and last activity", () => {
    mountOpen(linkedView(devices));
    const rows = byTestId("device-list").querySelectorAll('[data-testid="device-row"]');
    expect(rows).toHaveLength(3);
    expect([...rows].map((r) => r.getAttribute("data-device-id"))).toEqual(["1", "2", "7"]);

    expect(byTestId("device-kind", row(1)).textContent).toBe("Phone");
    expect(byTestId("device-kind", row(2)).textContent).toBe("Desktop");
    expect(byTestId("device-kind", row(7)).textContent).toBe("Headless");

    expect(byTestId("device-last-active", row(1)).textContent).toBe("5 min ago");
    expect(byTestId("device-last-active", row(2)).textContent).toBe("now");
    expect(byTestId("device-last-active", row(7)).textContent).toBe("—");

    expect(byTestId("this-device", row(2)).textContent).toBe("This device");
    expect(queryTestId("this-device", row(1))).toBeNull();

    const time = row(1).querySelector("time");
    expect(time?.getAttribute("datetime")).toBe(new Date(NOW - 86_400_000).toISOString());
    expect(time?.textContent).not.toBe("");
  });

  it("marks a device the relay says was logged out as unconfirmed, and no other", () => {
    const claimed = device({ device_id: 3, name: "Old laptop", kind: "desktop", relay_says_logged_out: true });
    mountOpen(linkedView([...devices, claimed]));
    expect(byTestId("device-relay-logged-out", row(3)).textContent).toContain("not confirmed by your phone");
    expect(queryTestId("device-relay-logged-out", row(1))).toBeNull();
  });

  it("updates relative times while shown", () => {
    mountOpen(linkedView(devices));
    vi.advanceTimersByTime(60_000);
    expect(byTestId("device-last-active", row(1)).textContent).toBe("6 min ago");
    expect(byTestId("device-last-active", row(2)).textContent).toBe("1 min ago");
  });

  it("renders a hostile device name as text", () => {
    const evil = "<img src=x onerror=alert(1)>";
    mountOpen(linkedView([device({ device_id: 9, name: evil })]));
    const list = byTestId("device-list");
    expect(list.querySelector("img")).toBeNull();
    expect(document.querySelector("img")).toBeNull();
    expect(byTestId("device-name", row(9)).textContent).toBe(evil);
  });

  it("Refresh calls refreshDevices and reports failure inline", async () => {
    const backend = fakeBackend();
    mountOpen(linkedView(devices), backend);
    const btn = byTestId<HTMLButtonElement>("refresh-devices");
    btn.click();
    expect(btn.disabled).toBe(true);
    await flush();
    expect(backend.refreshDevices).toHaveBeenCalledTimes(1);
    expect(btn.disabled).toBe(false);
    expect(byTestId("refresh-status").textContent).toBe("");

    backend.refreshDevices.mockImplementation(async () => {
      throw new AppError("relay_unreachable", "Could not reach the relay.");
    });
    btn.click();
    await flush();
    expect(byTestId("refresh-status").textContent).toContain("Could not reach the relay.");
    expect(btn.disabled).toBe(false);
  });
});

describe("lastActive", () => {
  it("formats relative times", () => {
    expect(lastActive(null, NOW)).toBe("—");
    expect(lastActive(NOW - 59_999, NOW)).toBe("now");
    expect(lastActive(NOW + 5000, NOW)).toBe("now");
    expect(lastActive(NOW - 60_000, NOW)).toBe("1 min ago");
    expect(lastActive(NOW - 3 * 3_600_000, NOW)).toBe("3 h ago");
    expect(lastActive(NOW - 86_400_000, NOW)).toBe("1 day ago");
    expect(lastActive(NOW - 4 * 86_400_000, NOW)).toBe("4 days ago");
  });
});
