import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { View } from "../src/types";
import { NOW, baseView, byTestId, failedView, linkedView, linkingView, mount, queryTestId } from "./helpers";

function withConn(v: View, connection: View["connection"]): View {
  return { ...v, connection };
}

describe("connection banner", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is absent while online", () => {
    mount(linkingView());
    expect(queryTestId("connection")).toBeNull();
  });

  it("says connecting, with the message", () => {
    mount(withConn(baseView(), { state: "connecting", retry_at_ms: null, message: "Handshake in progress" }));
    const banner = byTestId("connection");
    expect(banner.getAttribute("role")).toBe("status");
    expect(banner.textContent).toContain("Connecting to relay…");
    expect(byTestId("connection-message").textContent).toBe("Handshake in progress");
  });

  it("counts down to the next retry while offline", () => {
    mount(withConn(baseView(), { state: "offline", retry_at_ms: NOW + 5_000, message: "Network is unreachable" }));
    const banner = byTestId("connection");
    expect(banner.textContent).toContain("Offline — retrying in 5 s");
    expect(banner.textContent).toContain("Network is unreachable");
    vi.advanceTimersByTime(1000);
    expect(banner.textContent).toContain("Offline — retrying in 4 s");
    vi.advanceTimersByTime(4000);
    expect(banner.textContent).toContain("Offline — retrying now…");
  });

  it.each([
    ["linking", linkingView()],
    ["link_failed", failedView("link_expired")],
    ["linked", linkedView([])],
  ])("is shown on the %s screen", (_name, v) => {
    mount(withConn(v, { state: "offline", retry_at_ms: null, message: null }));
    expect(byTestId("connection").textContent).toBe("Offline");
  });

  it("is not shown on a screen that cannot start (it never connects; it would never go away)", () => {
    mount(withConn(baseView({ screen: "fatal", error: { code: "internal", message: "x" } }), { state: "connecting", retry_at_ms: null, message: null }));
    expect(queryTestId("connection")).toBeNull();
  });

  it("disappears when back online and survives screen changes untouched", () => {
    const offline = { state: "offline", retry_at_ms: NOW + 9_000, message: null } as const;
    const { app } = mount(withConn(linkingView(), offline));
    const banner = byTestId("connection");
    app.render(withConn(linkingView({ phase: "waiting_for_approval" }), offline));
    expect(byTestId("connection")).toBe(banner); // not re-created: no repeated announcement
    app.render(linkingView());
    expect(queryTestId("connection")).toBeNull();
    expect(vi.getTimerCount()).toBe(1); // only the link countdown is left
  });
});
