import { describe, expect, it } from "vitest";
import { AppError } from "../src/errors";
import { byTestId, device, fakeBackend, flush, linkedView, linkingView, mount, queryTestId } from "./helpers";

describe("logging out", () => {
  it("asks before logging out, and cancel keeps everything", async () => {
    const backend = fakeBackend();
    mount(linkedView([device({ this_device: true })]), backend);
    byTestId("log-out").click();
    expect(byTestId("log-out-question").textContent).toContain("deleted");
    byTestId("log-out-cancel").click();
    expect(queryTestId("log-out-question")).toBeNull();
    expect(backend.logOut).not.toHaveBeenCalled();
    byTestId("log-out").click();
    byTestId("log-out-confirm").click();
    await flush();
    expect(backend.logOut).toHaveBeenCalledTimes(1);
  });

  it("says why logging out failed, and lets the user try again", async () => {
    const backend = fakeBackend();
    backend.logOut.mockRejectedValueOnce(new AppError("relay_unreachable", "cannot reach the relay"));
    mount(linkedView([device({ this_device: true })]), backend);
    byTestId("log-out").click();
    const confirm = byTestId<HTMLButtonElement>("log-out-confirm");
    confirm.click();
    await flush();
    expect(byTestId("log-out-status").textContent).toContain("cannot reach the relay");
    expect(confirm.disabled).toBe(false);
  });

  it("shows on the linking screen why this desktop was logged out, as text", () => {
    const why = "This device was logged out from the phone. <b>x</b>";
    mount({ ...linkingView(), logged_out: why });
    expect(byTestId("logged-out-notice").textContent).toBe(why);
    expect(document.querySelector("b")).toBeNull();
  });

  it("warns while the phone has been offline for days", () => {
    mount(linkedView([device()], { inactivity_warning: "This device will be logged out in 3 day(s)" }));
    expect(byTestId("inactivity-warning").textContent).toContain("3 day(s)");
    expect(byTestId("inactivity-warning").getAttribute("role")).toBe("alert");
  });

  it("shows no warning or notice when there is nothing to say", () => {
    mount(linkedView([device()]));
    expect(queryTestId("inactivity-warning")).toBeNull();
    mount(linkingView());
    expect(queryTestId("logged-out-notice")).toBeNull();
  });
});

describe("history sync", () => {
  const base = {
    chunks_total: 4,
    chunks_announced: 4,
    chunks_imported: 1,
    chunks_failed: 0,
    messages_total: 8000,
    messages_imported: 2000,
    failures: [] as string[],
    partial_chats: [] as string[],
  };

  it("shows progress while the phone's history arrives", () => {
    mount(linkedView([device()], { history: { ...base, state: "syncing" } }));
    expect(byTestId("history-label").textContent).toContain("2000 of 8000");
    const bar = byTestId<HTMLProgressElement>("history-progress");
    expect(bar.getAttribute("value")).toBe("2000");
    expect(bar.getAttribute("max")).toBe("8000");
  });

  it("says when it is complete, which chats have more on the phone, and what was refused", () => {
    mount(
      linkedView([device()], {
        history: { ...base, state: "failed", messages_imported: 6000, failures: ["chunk 2: <b>tampered</b>"], partial_chats: ["x"] },
      }),
    );
    expect(byTestId("history-failure").textContent).toBe("Not imported: chunk 2: <b>tampered</b>");
    expect(byTestId("history-partial").textContent).toContain("1 chat(s)");
    mount(linkedView([device()], { history: { ...base, state: "complete", messages_imported: 8000 } }));
    expect(byTestId("history-label").textContent).toBe("History synced: 8000 messages");
    expect(queryTestId("history-progress")).toBeNull();
  });
});
