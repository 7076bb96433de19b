import { beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../src/errors";
import type { Linked } from "../src/types";
import { rangeText } from "../src/views/settings";
import {
  CHAT_A,
  byTestId,
  chatSummary,
  chatView,
  device,
  fakeBackend,
  flush,
  linkedView,
  message,
  mount,
  openChat,
  queryTestId,
  type FakeBackend,
} from "./helpers";

const devices = [
  device({ device_id: 1, name: "Pixel 8", kind: "primary" }),
  device({ device_id: 2, name: "Work laptop", kind: "desktop", this_device: true }),
];

function panel(): HTMLElement {
  return byTestId("settings");
}

function pressEscape(target: Element): void {
  target.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
}

function typeInto(field: HTMLInputElement, text: string): void {
  field.value = text;
  field.dispatchEvent(new Event("input", { bubbles: true }));
}

function submit(): void {
  byTestId<HTMLButtonElement>("profile-name-save").click();
}

function mountSettings(over: Partial<Linked> = {}, backend: FakeBackend = fakeBackend()) {
  const view = linkedView(devices, over);
  const mounted = mount(view, backend);
  byTestId("open-settings").click();
  return { ...mounted, backend, view };
}

describe("settings panel", () => {
  beforeEach(() => {
    localStorage.clear();
  });

  it("is closed at first; the main menu's Settings opens it and moves focus into it", () => {
    mount(linkedView(devices));
    const menu = byTestId<HTMLButtonElement>("main-menu");
    const open = byTestId<HTMLButtonElement>("open-settings");
    expect(open.textContent).toBe("Settings");
    expect(open.getAttribute("role")).toBe("menuitem");
    expect(open.closest('[role="menu"]')?.id).toBe(menu.getAttribute("aria-controls"));
    expect(panel().hidden).toBe(true);

    menu.click();
    open.click();
    expect(panel().hidden).toBe(false);
    expect(menu.getAttribute("aria-expanded")).toBe("false");
    expect(panel().contains(document.activeElement)).toBe(true);
    expect(document.activeElement).toBe(byTestId("settings-heading"));
  });

  it("closes with Escape from anywhere inside and gives focus back to the main menu's button", () => {
    mountSettings();
    const box = byTestId<HTMLInputElement>("notifications-enabled");
    box.focus();
    pressEscape(box);
    expect(panel().hidden).toBe(true);
    expect(document.activeElement).toBe(byTestId("main-menu"));
  });

  it("closes with the Close button; Settings again opens it again", () => {
    mountSettings();
    byTestId("close-settings").click();
    expect(panel().hidden).toBe(true);
    expect(document.activeElement).toBe(byTestId("main-menu"));
    byTestId("open-settings").click();
    expect(panel().hidden).toBe(false);
  });

  it("stays open, with focus kept, across a new View", () => {
    const { app, view } = mountSettings();
    expect(document.activeElement).toBe(byTestId("settings-heading"));
    app.render({ ...view, relay_url: "wss://other.example.test" });
    expect(panel().hidden).toBe(false);
    expect(document.activeElement).toBe(byTestId("settings-heading"));
    expect(byTestId("settings-relay-url").textContent).toBe("wss://other.example.test");
  });

  it("takes the left pane in place of the chats, sums the devices up, and Back brings the chats again", () => {
    mount(linkedView(devices));
    byTestId("open-settings").click();
    expect(panel().hidden).toBe(false);
    expect(panel().closest(".chat-sidebar")).not.toBeNull();
    expect(queryTestId("chat-list")).toBeNull();
    expect(queryTestId("sidebar-head")).toBeNull();
    const summary = [...panel().querySelectorAll('[data-testid="settings-device"]')].map((e) => e.textContent);
    expect(summary).toEqual(["Pixel 8 — Phone", "Work laptop — Desktop (this device)"]);
    expect(byTestId("close-settings").getAttribute("aria-label")).toBe("Back to chats");
    byTestId("close-settings").click();
    expect(queryTestId("chat-list")).not.toBeNull();
    expect(document.activeElement).toBe(byTestId("main-menu"));
  });

  it("shows the app version and relay in About", () => {
    mountSettings();
    const about = byTestId("settings-about");
    expect(byTestId("settings-app-version", about).textContent).toBe("1.2.3");
    expect(byTestId("settings-relay-url", about).textContent).toBe("wss://relay.example.test");
  });

  it("holds the log-out control", () => {
    mountSettings();
    expect(queryTestId("log-out", byTestId("settings-log-out"))).not.toBeNull();
  });
});

describe("profile name", () => {
  it("says Not set when there is none", () => {
    mountSettings();
    expect(byTestId("profile-name").textContent).toBe("Not set");
    expect(byTestId<HTMLInputElement>("profile-name-input").value).toBe("");
    expect(byTestId<HTMLButtonElement>("profile-name-save").disabled).toBe(true);
  });

  it("shows a hostile name as text", () => {
    const evil = "<img src=x onerror=alert(1)>";
    mountSettings({ profile_name: evil });
    expect(byTestId("profile-name").textContent).toBe(evil);
    expect(byTestId<HTMLInputElement>("profile-name-input").value).toBe(evil);
    expect(document.querySelector("img")).toBeNull();
  });

  it("saves the trimmed name, then shows it from the next View", async () => {
    const { app, backend, view } = mountSettings({ profile_name: "Alice" });
    const input = byTestId<HTMLInputElement>("profile-name-input");
    typeInto(input, "  Alice Liddell \n");
    submit();
    expect(input.readOnly).toBe(true);
    expect(backend.setProfileName).toHaveBeenCalledWith("Alice Liddell");
    await flush();
    expect(byTestId("profile-name-status").textContent).toBe("Saved on all your devices.");
    expect(byTestId("profile-name-error").textContent).toBe("");
    app.render(linkedView(devices, { ...view.linked, profile_name: "Alice Liddell" }));
    expect(byTestId("profile-name").textContent).toBe("Alice Liddell");
    expect(byTestId<HTMLInputElement>("profile-name-input").value).toBe("Alice Liddell");
    expect(byTestId<HTMLInputElement>("profile-name-input").readOnly).toBe(false);
  });

  it("does not send a blank name", () => {
    const { backend } = mountSettings();
    typeInto(byTestId<HTMLInputElement>("profile-name-input"), "   ");
    expect(byTestId<HTMLButtonElement>("profile-name-save").disabled).toBe(true);
    byTestId<HTMLFormElement>("profile-form").requestSubmit();
    expect(backend.setProfileName).not.toHaveBeenCalled();
  });

  it.each([
    ["invalid_data", "Use 1 to 64 characters, without control characters."],
    ["no_app_state_key", "Your phone hasn't sent the key for synced settings yet. Keep it online and try again."],
    ["relay_unreachable", "Can't reach the relay. Try again when you're online."],
    ["internal", "Couldn't save the profile name: Disk full."],
  ])("explains a %s failure inline and keeps what was typed", async (code, text) => {
    const backend = fakeBackend();
    backend.setProfileName.mockRejectedValueOnce(new AppError(code, "Disk full."));
    const { app, view } = mountSettings({}, backend);
    typeInto(byTestId<HTMLInputElement>("profile-name-input"), "Alice");
    submit();
    await flush();
    const error = byTestId("profile-name-error");
    expect(error.textContent).toBe(text);
    expect(error.getAttribute("aria-live")).toBe("polite");
    expect(byTestId("profile-name-status").textContent).toBe("");
    app.render({ ...view, relay_url: "wss://other.example.test" });
    expect(byTestId("profile-name-error").textContent).toBe(text);
    expect(byTestId<HTMLInputElement>("profile-name-input").value).toBe("Alice");
    expect(byTestId<HTMLButtonElement>("profile-name-save").disabled).toBe(false);
  });

  it("is disabled, with a hint, until the settings key has arrived", () => {
    const { backend } = mountSettings({ settings_ready: false });
    const input = byTestId<HTMLInputElement>("profile-name-input");
    expect(input.disabled).toBe(true);
    expect(byTestId<HTMLButtonElement>("profile-name-save").disabled).toBe(true);
    expect(byTestId("profile-name-hint").textContent).toContain("hasn't sent the key");
    expect(input.getAttribute("aria-describedby")).toContain("profile-name-hint");
    byTestId<HTMLFormElement>("profile-form").requestSubmit();
    expect(backend.setProfileName).not.toHaveBeenCalled();
  });

  it("has no hint once settings are ready", () => {
    mountSettings({ settings_ready: true });
    expect(queryTestId("profile-name-hint")).toBeNull();
    expect(byTestId<HTMLInputElement>("profile-name-input").disabled).toBe(false);
  });
});

describe("settings: history", () => {
  it("says what history this desktop asked for and where older messages are", () => {
    mount(linkedView([device({ this_device: true })], { history_days: 90 }));
    byTestId("open-settings").click();
    expect(byTestId("settings-history-range").textContent).toBe(
      "When it was linked, this computer asked your phone for the last 3 months of history.",
    );
    mount(linkedView([device({ this_device: true })], { history_days: 0 }));
    expect(byTestId("settings-history-range").textContent).toContain("asked your phone for all of history");
    expect(rangeText(365)).toBe("the last year");
    expect(rangeText(30)).toBe("the last 30 days");
  });
});

describe("right-to-left and emoji text", () => {
  it("lets each message and the composer take the direction of its own text", () => {
    const body = "مرحبا بالعالم 👋🏽";
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [message({ body })])));
    const shown = byTestId("message-body");
    expect(shown.getAttribute("dir")).toBe("auto");
    expect(shown.textContent).toBe(body);
    expect(byTestId("composer-input").getAttribute("dir")).toBe("auto");
  });
});
