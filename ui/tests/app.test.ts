import { describe, expect, it, vi } from "vitest";
import { createApp, start } from "../src/app";
import { AppError } from "../src/errors";
import { baseView, byTestId, fakeBackend, flush, linkedView, linkingView, queryTestId } from "./helpers";

function freshRoot(): HTMLElement {
  document.body.replaceChildren();
  const root = document.createElement("div");
  document.body.append(root);
  return root;
}

describe("app wiring", () => {
  it("shows the starting screen before any View", () => {
    const root = freshRoot();
    createApp(root, fakeBackend());
    expect(byTestId("screen-starting").textContent).toBe("Starting Tandem…");
    expect(document.title).toBe("Tandem");
  });

  it("renders the View from getView, then every pushed View", async () => {
    const backend = fakeBackend(linkingView());
    const root = freshRoot();
    await start(createApp(root, backend), backend);
    expect(queryTestId("screen-linking")).not.toBeNull();
    backend.push(linkedView([]));
    expect(queryTestId("screen-linking")).toBeNull();
    expect(queryTestId("screen-linked")).not.toBeNull();
    expect(byTestId("footer").textContent).toContain("Work laptop");
  });

  it("shows the app version in About, and About stays open across views", async () => {
    const backend = fakeBackend(linkingView());
    await start(createApp(freshRoot(), backend), backend);
    expect(byTestId("app-version").textContent).toBe("1.2.3");
    const about = byTestId("about") as HTMLDetailsElement;
    about.open = true;
    backend.push(linkedView([]));
    expect((byTestId("about") as HTMLDetailsElement).open).toBe(true);
    expect(byTestId("about-body").textContent).toContain("Apache-2.0");
  });

  it("prefers a View pushed during start over the getView snapshot", async () => {
    const backend = fakeBackend(linkingView());
    const subscribe = backend.subscribe.bind(backend);
    backend.subscribe = async (onView) => {
      await subscribe(onView);
      onView(linkedView([]));
    };
    await start(createApp(freshRoot(), backend), backend);
    expect(queryTestId("screen-linked")).not.toBeNull();
  });

  it("shows the fatal screen with the code when subscribing fails", async () => {
    const backend = fakeBackend();
    backend.subscribe = vi.fn(async () => {
      throw new AppError("internal", "subscribe_view failed");
    });
    await start(createApp(freshRoot(), backend), backend);
    expect(byTestId("screen-fatal").getAttribute("data-error-code")).toBe("internal");
    expect(byTestId("error-message").textContent).toBe("subscribe_view failed");
  });

  it("shows the fatal screen when getView fails before any push", async () => {
    const backend = fakeBackend();
    backend.getView.mockRejectedValue({ code: "keychain_unavailable", message: "No keyring" });
    await start(createApp(freshRoot(), backend), backend);
    await flush();
    expect(byTestId("screen-fatal").getAttribute("data-error-code")).toBe("keychain_unavailable");
    expect(byTestId("error-hint").textContent).toContain("keychain");
  });

  it("ignores an identical View (keeps transient state such as inline errors)", () => {
    const root = freshRoot();
    const app = createApp(root, fakeBackend());
    const v = baseView({ screen: "link_failed", error: { code: "link_used", message: "m" } });
    app.render(v);
    const screen = byTestId("screen-link-failed");
    app.render(structuredClone(v));
    expect(byTestId("screen-link-failed")).toBe(screen);
  });
});
