import type { RenderContext } from "../context";
import { el } from "../dom";
import { secondsUntil } from "../format";
import type { Connection } from "../types";

function headline(c: Connection, now: number): string {
  if (c.state === "connecting") return "Connecting to relay…";
  if (c.retry_at_ms === null) return "Offline";
  const s = secondsUntil(c.retry_at_ms, now);
  return s > 0 ? `Offline — retrying in ${s} s` : "Offline — retrying now…";
}

/**
 * The banner shown on every screen while not online; null when online.
 * It is placed inside a persistent polite live region by the app.
 */
export function renderConnection(c: Connection, ctx: Pick<RenderContext, "now" | "every">): HTMLElement | null {
  if (c.state === "online") return null;
  // The countdown changes every second: keep it out of the announcements.
  const text = el("span", { class: "banner-headline", attrs: { "aria-live": "off" } }, headline(c, ctx.now()));
  if (c.state === "offline" && c.retry_at_ms !== null) {
    ctx.every(1000, () => {
      text.textContent = headline(c, ctx.now());
    });
  }
  return el(
    "div",
    {
      class: `banner banner-${c.state}`,
      testid: "connection",
      attrs: { role: "status", "data-state": c.state },
    },
    text,
    c.message ? el("span", { class: "banner-message", testid: "connection-message" }, c.message) : null,
  );
}
