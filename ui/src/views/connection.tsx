import { useLayoutEffect, useState } from "preact/hooks";
import { secondsUntil } from "../format";
import type { Connection } from "../types";

function headline(c: Connection, now: number): string {
  if (c.state === "connecting") return "Connecting to relay…";
  if (c.retry_at_ms === null) return "Offline";
  const s = secondsUntil(c.retry_at_ms, now);
  return s > 0 ? `Offline — retrying in ${s} s` : "Offline — retrying now…";
}

/** Draws its component again every `ms` while `on` (a countdown, a "5 min ago"). */
export function useTicking(ms: number, on: boolean): void {
  const [, setTick] = useState(0);
  useLayoutEffect(() => {
    if (!on) return;
    const id = setInterval(() => setTick((n) => n + 1), ms);
    return () => clearInterval(id);
  }, [ms, on]);
}

/**
 * The banner shown on every screen while not online (the app leaves it out while online).
 * It is placed inside a persistent polite live region by the app.
 */
export function ConnectionBanner({ connection: c, now }: { connection: Connection; now: () => number }) {
  useTicking(1000, c.state === "offline" && c.retry_at_ms !== null);
  if (c.state === "online") return null;
  return (
    <div class={`banner banner-${c.state}`} data-testid="connection" role="status" data-state={c.state}>
      {/* The countdown changes every second: keep it out of the announcements. */}
      <span class="banner-headline" aria-live="off">
        {headline(c, now())}
      </span>
      {c.message ? (
        <span class="banner-message" data-testid="connection-message">
          {c.message}
        </span>
      ) : null}
    </div>
  );
}
