// The account's linked devices (from the signed device list), as a page of the left pane that
// the main menu opens, as WhatsApp Desktop's "Linked devices": a card per device with its kind,
// when it was linked and when it was last active, and a Refresh. Back (or Esc) returns to the
// chats.
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Backend } from "../backend";
import { toAppError } from "../errors";
import { formatDateTime, kindLabel, lastActive } from "../format";
import type { Device, Linked } from "../types";
import { useTicking } from "./connection";

const KIND_ICON: Record<Device["kind"], string> = { primary: "📱", desktop: "💻", headless: "⌨" };

function DeviceRow({ d, now }: { d: Device; now: () => number }) {
  const at = d.last_active_ms;
  return (
    <li class={d.this_device ? "device-card this-device" : "device-card"} data-testid="device-row" data-device-id={String(d.device_id)}>
      <span class="device-icon" aria-hidden="true">
        {KIND_ICON[d.kind]}
      </span>
      <span class="device-main">
        <span class="device-title">
          <span class="device-name" data-testid="device-name">
            {d.name}
          </span>
          {d.this_device && (
            <span class="tag" data-testid="this-device">
              This device
            </span>
          )}
        </span>
        <span class="muted">
          <span data-testid="device-kind">{kindLabel(d.kind)}</span>
          {" · linked "}
          <time data-testid="device-linked-at" dateTime={new Date(d.linked_at_ms).toISOString()}>
            {formatDateTime(d.linked_at_ms)}
          </time>
        </span>
        <span class="muted">
          {"Last active: "}
          <span data-testid="device-last-active" title={at === null ? undefined : formatDateTime(at)}>
            {lastActive(at, now())}
          </span>
        </span>
        {d.relay_says_logged_out && (
          <span class="muted" data-testid="device-relay-logged-out">
            The relay says it was logged out (not confirmed by your phone)
          </span>
        )}
      </span>
    </li>
  );
}

type Refresh = { state: "idle" } | { state: "busy" } | { state: "failed"; message: string };

export interface DevicesPageProps {
  linked: Linked;
  backend: Backend;
  now: () => number;
  /** Back to the chats (the back button and Esc). */
  onBack(): void;
}

export function DevicesPage({ linked, backend, now, onBack }: DevicesPageProps) {
  const [refresh, setRefresh] = useState<Refresh>({ state: "idle" });
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from the menu: focus goes to the page's heading, so a screen reader starts there.
  useLayoutEffect(() => heading.current?.focus(), []);
  // "5 min ago" moves on by itself.
  useTicking(30_000, linked.devices.some((d) => d.last_active_ms !== null));
  const onRefresh = async () => {
    setRefresh({ state: "busy" });
    try {
      await backend.refreshDevices();
      setRefresh({ state: "idle" });
    } catch (e) {
      setRefresh({ state: "failed", message: toAppError(e).message });
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || e.isComposing) return;
    e.preventDefault();
    e.stopPropagation();
    onBack();
  };
  return (
    <section class="sidebar-page devices-page" data-testid="devices-section" aria-labelledby="devices-heading" onKeyDown={onKey}>
      <header class="sidebar-page-head">
        <button type="button" class="icon-button" data-testid="devices-back" aria-label="Back to chats" title="Back to chats" onClick={onBack}>
          ←
        </button>
        <h2 id="devices-heading" ref={heading} tabIndex={-1}>
          Linked devices
        </h2>
      </header>
      <p class="muted devices-note">Your phone links new devices and removes them. Messages reach every device on this list.</p>
      <ul class="device-cards" data-testid="device-list" data-version={String(linked.device_list_version)} aria-label="Linked devices">
        {linked.devices.map((d) => (
          <DeviceRow key={d.device_id} d={d} now={now} />
        ))}
      </ul>
      <div class="row">
        <button type="button" data-testid="refresh-devices" disabled={refresh.state === "busy"} onClick={onRefresh}>
          Refresh
        </button>
        <p class={refresh.state === "failed" ? "refresh-status inline-error" : "refresh-status"} data-testid="refresh-status" aria-live="polite">
          {refresh.state === "busy" ? "Refreshing…" : refresh.state === "failed" ? `Couldn't refresh the device list: ${refresh.message}` : ""}
        </p>
      </div>
    </section>
  );
}
