import type { DeviceKind, View } from "./types";

/** An account id shortened for reading ("abcdefgh…"): the full id is in Chat info, for copying. */
export function shortId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 8)}…` : id;
}

/** Contacts' names by account id: the name saved for them (synced), from the chat list. */
export function namesOf(view: View): ReadonlyMap<string, string> {
  const chats = view.linked?.chats ?? [];
  return new Map(chats.filter((c) => !c.group && c.title !== null).map((c) => [c.chat_id, c.title ?? ""]));
}

/** What the user reads for an account: its contact name, else a short id. */
export function nameOf(id: string, names: ReadonlyMap<string, string>): string {
  return names.get(id) ?? shortId(id);
}

/** Whole seconds until `atMs`, rounded up, never negative. */
export function secondsUntil(atMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((atMs - nowMs) / 1000));
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "now" within 60 s, else "5 min ago", "3 h ago", "2 days ago", else a date. */
export function lastActive(atMs: number | null, nowMs: number): string {
  if (atMs === null) return "—";
  const ago = nowMs - atMs;
  if (ago < MINUTE) return "now";
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  const days = Math.floor(ago / DAY);
  if (days < 30) return days === 1 ? "1 day ago" : `${days} days ago`;
  return formatDate(atMs);
}

/** Localized date and time, e.g. "Mar 4, 2025, 2:05 PM". */
export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(ms);
}

export function formatDate(ms: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }).format(ms);
}

export function kindLabel(kind: DeviceKind | string): string {
  switch (kind) {
    case "primary":
      return "Phone";
    case "desktop":
      return "Desktop";
    case "headless":
      return "Headless";
    default:
      return kind;
  }
}

/** Localized hours and minutes, e.g. "14:05" or "02:05 PM". */
export function formatTime(ms: number): string {
  return new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" }).format(ms);
}

/** A calendar day in local time, e.g. "2025-2-4" (months from 0): equal for times on the same day. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** "Mon 3 Nov 2025" (in the user's locale's order, without commas). */
export function formatDay(ms: number, locale?: string): string {
  const parts = new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short", year: "numeric" }).formatToParts(ms);
  return parts
    .map((p) => (p.type === "literal" ? p.value.replace(/,/g, "") : p.value))
    .join("")
    .replace(/\s+/g, " ")
    .trim();
}

/** "Today", "Yesterday" (local calendar days, not 24-hour spans), else a date like "Mon 3 Nov 2025". */
export function dayLabel(ms: number, nowMs: number, locale?: string): string {
  const key = dayKey(ms);
  if (key === dayKey(nowMs)) return "Today";
  const yesterday = new Date(nowMs);
  yesterday.setDate(yesterday.getDate() - 1);
  if (key === dayKey(yesterday.getTime())) return "Yesterday";
  return formatDay(ms, locale);
}
