import { describe, expect, it } from "vitest";
import { AppError } from "../src/errors";
import { announcement } from "../src/app";
import type { View } from "../src/types";
import { baseView, byTestId, chatSummary, chatView, CHAT_A, fakeBackend, flush, mount, queryTestId } from "./helpers";

const WHY = "The relay says this device was logged out (unlinked), but it gave no proof signed by your phone, so nothing was deleted. <b>x</b>";

function lockedView(): View {
  return { ...chatView([chatSummary(CHAT_A)]), screen: "locked", locked: WHY };
}

function keptView(): View {
  return { ...chatView([chatSummary(CHAT_A)]), locked: WHY };
}

const offline = { state: "offline", retry_at_ms: 0, message: "locked: not connected" };

describe("the Locked screen", () => {
  it("says what happened, as text, and offers the two ways on", () => {
    mount(lockedView());
    expect(byTestId("locked-title").textContent).toBe("This device is locked");
    expect(byTestId("locked-message").textContent).toBe(WHY);
    expect(document.querySelector("b")).toBeNull();
    expect(byTestId("locked-relink").textContent).toBe("Link again");
    expect(byTestId("locked-keep").textContent).toBe("Keep my data for now");
    expect(queryTestId("screen-linked")).toBeNull();
    expect(announcement(lockedView())).toBe("This device is locked");
  });

  it("shows no 'offline, retrying' banner: being offline is the point", () => {
    mount({ ...lockedView(), connection: offline });
    expect(queryTestId("connection")).toBeNull();
  });

  it("Link again calls relink_locked; Keep my data calls keep_locked_data", async () => {
    const backend = fakeBackend();
    mount(lockedView(), backend);
    byTestId("locked-relink").click();
    await flush();
    expect(backend.relinkLocked).toHaveBeenCalledTimes(1);
    byTestId("locked-keep").click();
    await flush();
    expect(backend.keepLockedData).toHaveBeenCalledTimes(1);
  });

  it("disables both buttons while a choice runs, and says why it failed by code", async () => {
    const backend = fakeBackend();
    let fail: (e: unknown) => void = () => {};
    backend.relinkLocked.mockImplementationOnce(() => new Promise((_, reject) => (fail = reject)));
    mount(lockedView(), backend);
    byTestId("locked-relink").click();
    await flush();
    expect(byTestId<HTMLButtonElement>("locked-relink").disabled).toBe(true);
    expect(byTestId<HTMLButtonElement>("locked-keep").disabled).toBe(true);
    fail(new AppError("not_locked", "raw core words"));
    await flush();
    expect(byTestId("locked-error").textContent).toBe("This computer is no longer locked.");
    expect(byTestId<HTMLButtonElement>("locked-relink").disabled).toBe(false);
  });
});

describe("data kept on a locked desktop", () => {
  it("shows a slim bar over the chat list with Link again, and the chats", async () => {
    const backend = fakeBackend();
    mount({ ...keptView(), connection: offline }, backend);
    expect(byTestId("screen-linked")).toBeTruthy();
    const bar = byTestId("locked-bar");
    expect(bar.textContent).toContain("Locked: not connected.");
    expect(bar.compareDocumentPosition(byTestId("chat-list")) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(queryTestId("connection")).toBeNull();
    byTestId("locked-bar-relink").click();
    await flush();
    expect(backend.relinkLocked).toHaveBeenCalledTimes(1);
  });

  it("shows no bar when the desktop is not locked", () => {
    mount(chatView([chatSummary(CHAT_A)]));
    expect(queryTestId("locked-bar")).toBeNull();
  });

  it("a failure of Link again from the bar is shown by code", async () => {
    const backend = fakeBackend();
    backend.relinkLocked.mockRejectedValueOnce(new AppError("not_linked", "raw"));
    mount(keptView(), backend);
    byTestId("locked-bar-relink").click();
    await flush();
    expect(byTestId("locked-bar-error").textContent).toBe("This computer is not linked to an account any more.");
  });

  it("the connection banner comes back once the desktop is no longer locked", () => {
    const backend = fakeBackend();
    const { app } = mount({ ...lockedView(), connection: offline }, backend);
    expect(queryTestId("connection")).toBeNull();
    app.render(baseView({ screen: "starting", connection: offline }));
    expect(queryTestId("connection")).not.toBeNull();
  });
});
