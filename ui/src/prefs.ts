// Preferences of this desktop only (not synced): kept in localStorage. Storage may be missing or
// refuse writes (private mode, quota): every access falls back to the default.

export type Theme = "light" | "dark" | "system";

export const THEME_KEY = "tandem.theme";
export const NOTIFICATIONS_KEY = "tandem.notifications";

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // Not persisted; the choice still applies until the window closes.
  }
}

export function isTheme(v: unknown): v is Theme {
  return v === "light" || v === "dark" || v === "system";
}

/** The stored theme; "system" when none (or something unknown) is stored. */
export function loadTheme(): Theme {
  const v = read(THEME_KEY);
  return isTheme(v) ? v : "system";
}

/**
 * Sets `data-theme` on <html> ("light" or "dark"); for "system" removes it, so the
 * `prefers-color-scheme` media query decides.
 */
export function applyTheme(theme: Theme, doc: Document = document): void {
  const html = doc.documentElement;
  if (theme === "system") html.removeAttribute("data-theme");
  else html.setAttribute("data-theme", theme);
}

/** Stores `theme` and applies it. */
export function setTheme(theme: Theme): void {
  write(THEME_KEY, theme);
  applyTheme(theme);
}

/** Whether notifications for new messages are wanted (default: yes). */
export function loadNotifications(): boolean {
  return read(NOTIFICATIONS_KEY) !== "false";
}

export function setNotifications(enabled: boolean): void {
  write(NOTIFICATIONS_KEY, String(enabled));
}
