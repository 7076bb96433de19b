import { useState } from "preact/hooks";
import type { Backend } from "../backend";
import { toAppError } from "../errors";
import { formatDateTime, kindLabel, lastActive } from "../format";
import type { Device, Linked } from "../types";
import type { UiState } from "../uiState";
import { useTicking } from "./connection";

function DeviceRow({ d, now }: { d: Device; now: () => number }) {
  const at = d.last_active_ms;
  return (
    <tr class={d.this_device ? "this-device" : ""} data-testid="device-row" data-device-id={String(d.device_id)}>
      <td>
        <span class="device-name" data-testid="device-name">
          {d.name}
        </span>
        {d.this_device && (
          <span class="muted" data-testid="this-device">
            {" (this device)"}
          </span>
        )}
        {d.relay_says_logged_out && (
          <span class="muted" data-testid="device-relay-logged-out">
            {" · the relay says it was logged out (not confirmed by your phone)"}
          </span>
        )}
      </td>
      <td data-testid="device-kind">{kindLabel(d.kind)}</td>
      <td data-testid="device-linked-at">
        <time dateTime={new Date(d.linked_at_ms).toISOString()}>{formatDateTime(d.linked_at_ms)}</time>
      </td>
      <td data-testid="device-last-active" title={at === null ? undefined : formatDateTime(at)}>
        {lastActive(at, now())}
      </td>
    </tr>
  );
}

type Refresh = { state: "idle" } | { state: "busy" } | { state: "failed"; message: string };

/**
 * The account's devices (from the signed device list) with a refresh, behind a disclosure
 * button; whether the user opened it stays across Views and screens (UiState).
 */
export function DevicesSection({ linked, backend, ui, now }: { linked: Linked; backend: Backend; ui: UiState; now: () => number }) {
  const [refresh, setRefresh] = useState<Refresh>({ state: "idle" });
  const [open, setOpen] = useState(ui.devicesOpen);
  // "5 min ago" moves on by itself.
  useTicking(30_000, open && linked.devices.some((d) => d.last_active_ms !== null));
  const onRefresh = async () => {
    setRefresh({ state: "busy" });
    try {
      await backend.refreshDevices();
      setRefresh({ state: "idle" });
    } catch (e) {
      setRefresh({ state: "failed", message: toAppError(e).message });
    }
  };
  const toggle = () => {
    ui.devicesOpen = !open;
    setOpen(!open);
  };
  // A disclosure button, not a <details>: while a closed <details> had content that changed
  // (last active times), WebKitGTK with the accessibility bridge stopped answering WebDriver.
  // Closed, the list is not in the page at all.
  return (
    <section class="devices-section" data-testid="devices-section" data-open={open ? "true" : "false"}>
      <button
        type="button"
        class="disclosure"
        data-testid="devices-toggle"
        aria-expanded={open}
        aria-controls="devices-panel"
        onClick={toggle}
      >
        Devices on this account
      </button>
      {open && (
        <div id="devices-panel">
          <table
            class="devices"
            data-testid="device-list"
            data-version={String(linked.device_list_version)}
            aria-label="Devices on this account"
          >
            <thead>
              <tr>
                {["Name", "Kind", "Linked", "Last active"].map((h) => (
                  <th scope="col" key={h}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {linked.devices.map((d) => (
                <DeviceRow key={d.device_id} d={d} now={now} />
              ))}
            </tbody>
          </table>
          <div class="row">
            <button type="button" data-testid="refresh-devices" disabled={refresh.state === "busy"} onClick={onRefresh}>
              Refresh
            </button>
            <p
              class={refresh.state === "failed" ? "refresh-status inline-error" : "refresh-status"}
              data-testid="refresh-status"
              aria-live="polite"
            >
              {refresh.state === "busy"
                ? "Refreshing…"
                : refresh.state === "failed"
                  ? `Couldn't refresh the device list: ${refresh.message}`
                  : ""}
            </p>
          </div>
        </div>
      )}
    </section>
  );
}
