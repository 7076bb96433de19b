import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { NOTIFICATIONS_KEY, THEME_KEY, applyTheme, loadNotifications, loadTheme } from "../src/prefs";
import { byTestId, device, linkedView, mount } from "./helpers";

function html(): HTMLElement {
  return document.documentElement;
}

function openSettings(): void {
  mount(linkedView([device({ this_device: true })]));
  byTestId("open-settings").click();
}

describe("theme", () => {
  beforeEach(() => {
    localStorage.clear();
    html().removeAttribute("data-theme");
  });

  it("defaults to System: no data-theme, so prefers-color-scheme decides", () => {
    expect(loadTheme()).toBe("system");
    openSettings();
    expect(html().hasAttribute("data-theme")).toBe(false);
    expect(byTestId<HTMLInputElement>("theme-system").checked).toBe(true);
    expect(byTestId<HTMLInputElement>("theme-light").checked).toBe(false);
  });

  it("applies the chosen theme to <html> and stores it", () => {
    openSettings();
    byTestId<HTMLInputElement>("theme-dark").click();
    expect(html().getAttribute("data-theme")).toBe("dark");
    expect(localStorage.getItem(THEME_KEY)).toBe("dark");

    byTestId<HTMLInputElement>("theme-light").click();
    expect(html().getAttribute("data-theme")).toBe("light");
    expect(localStorage.getItem(THEME_KEY)).toBe("light");

    byTestId<HTMLInputElement>("theme-system").click();
    expect(html().hasAttribute("data-theme")).toBe(false);
    expect(localStorage.getItem(THEME_KEY)).toBe("system");
  });

  it("applies the stored theme when the app starts, and shows it checked", () => {
    localStorage.setItem(THEME_KEY, "dark");
    openSettings();
    expect(html().getAttribute("data-theme")).toBe("dark");
    expect(byTestId<HTMLInputElement>("theme-dark").checked).toBe(true);
  });

  it("keeps the choice across a re-render", () => {
    const { app } = mount(linkedView([device()]));
    byTestId("open-settings").click();
    byTestId<HTMLInputElement>("theme-light").click();
    app.render({ ...linkedView([device()]), relay_url: "wss://other.example.test" });
    expect(byTestId<HTMLInputElement>("theme-light").checked).toBe(true);
  });

  it("ignores an unknown stored value", () => {
    localStorage.setItem(THEME_KEY, "sepia");
    expect(loadTheme()).toBe("system");
    applyTheme("dark");
    applyTheme(loadTheme());
    expect(html().hasAttribute("data-theme")).toBe(false);
  });
});

describe("notifications preference", () => {
  beforeEach(() => {
    localStorage.clear();
  });

  it("is on by default, and the checkbox stores the choice", () => {
    expect(loadNotifications()).toBe(true);
    openSettings();
    const box = byTestId<HTMLInputElement>("notifications-enabled");
    expect(box.type).toBe("checkbox");
    expect(box.checked).toBe(true);
    expect(box.labels?.[0]?.textContent).toBe("Show notifications for new messages");

    box.click();
    expect(localStorage.getItem(NOTIFICATIONS_KEY)).toBe("false");
    expect(loadNotifications()).toBe(false);
    openSettings();
    expect(byTestId<HTMLInputElement>("notifications-enabled").checked).toBe(false);

    byTestId<HTMLInputElement>("notifications-enabled").click();
    expect(loadNotifications()).toBe(true);
  });
});

// The palettes in styles.css: light in :root, dark twice (explicit and System), which must match.
const css = readFileSync(join(__dirname, "..", "src", "styles.css"), "utf8");

function palette(selector: string): Record<string, string> {
  const at = css.indexOf(`${selector} {`);
  expect(at, selector).toBeGreaterThanOrEqual(0);
  const block = css.slice(at, css.indexOf("}", at));
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})/g)].map((m) => [m[1], m[2]]));
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const light = palette(":root");
const dark = palette(':root[data-theme="dark"]');

describe("palettes", () => {
  it("has the same dark palette for Dark and for System on a dark computer", () => {
    expect(Object.keys(dark).length).toBeGreaterThan(10);
    expect(palette(":root:not([data-theme])")).toEqual(dark);
    expect(Object.keys(dark).sort()).toEqual(Object.keys(light).sort());
  });

  // Text colour on background: every pair the stylesheet uses for text.
  const textPairs = [
    ["text", "bg"],
    ["text", "surface"],
    ["muted", "bg"],
    ["muted", "surface"],
    ["muted", "info-bg"],
    ["accent", "bg"],
    ["accent", "surface"],
    ["accent-text", "accent"],
    ["error", "bg"],
    ["error", "surface"],
    ["warn-text", "warn-bg"],
    ["info-text", "info-bg"],
    ["text", "info-bg"],
    ["text", "notice-bg"],
    ["text", "warning-bg"],
  ] as const;

  it.each([
    ["light", light],
    ["dark", dark],
  ])("meets WCAG AA (4.5:1) for text in the %s theme", (_name, p) => {
    for (const [fg, bg] of textPairs) {
      expect(contrast(p[fg]!, p[bg]!), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    }
    // Non-text (the unread dot, focus rings): 3:1.
    expect(contrast(p["accent"]!, p["surface"]!)).toBeGreaterThanOrEqual(3);
    expect(contrast(p["focus"]!, p["bg"]!)).toBeGreaterThanOrEqual(3);
  });
});
