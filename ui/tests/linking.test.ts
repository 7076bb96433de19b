import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "../src/errors";
import { QR_ALT } from "../src/views/linking";
import { NOW, QR, byTestId, fakeBackend, flush, linkingView, mount, queryTestId } from "./helpers";

function setClipboard(value: unknown): void {
  Object.defineProperty(navigator, "clipboard", { value, configurable: true });
}

describe("linking screen", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
    setClipboard(undefined);
  });

  it("renders title, QR image, code, code number and link text", () => {
    mount(linkingView());
    expect(byTestId("screen-linking").querySelector("h1")?.textContent).toBe("Link Tandem to your phone");
    const img = byTestId<HTMLImageElement>("link-qr");
    expect(img.tagName).toBe("IMG");
    expect(img.getAttribute("src")).toBe(QR);
    expect(img.alt).toBe(QR_ALT);
    expect(img.classList.contains("qr")).toBe(true);
    expect(byTestId("link-code").textContent).toBe("123 456");
    expect(byTestId("screen-linking").textContent).toContain("Your phone will show the same code");
    expect(byTestId("link-code-number").textContent).toBe("Code 2 of 6");
    expect(byTestId<HTMLTextAreaElement>("link-text").value).toBe("tandem://link?v=1&k=abc");
    expect(byTestId<HTMLTextAreaElement>("link-text").readOnly).toBe(true);
    expect(byTestId("screen-linking").textContent).toContain("tandem-cli link");
    expect(document.title).toBe("Tandem — Link your phone");
  });

  it("does not load a QR source that is not a data: image", () => {
    const v = linkingView({ qr_data_url: "https://evil.test/x.png" });
    mount(v);
    expect(byTestId<HTMLImageElement>("link-qr").hasAttribute("src")).toBe(false);
  });

  it("counts down every second", () => {
    mount(linkingView());
    const countdown = byTestId("link-countdown");
    expect(countdown.textContent).toBe("New code in 42 s");
    vi.advanceTimersByTime(1000);
    expect(countdown.textContent).toBe("New code in 41 s");
    vi.advanceTimersByTime(40_000);
    expect(countdown.textContent).toBe("New code in 1 s");
    vi.advanceTimersByTime(5_000);
    expect(countdown.textContent).toBe("Getting a new code…");
  });

  it("says the last code expires instead of promising a new one", () => {
    mount(linkingView({ code_number: 6 }));
    expect(byTestId("link-countdown").textContent).toBe("Code expires in 42 s");
    expect(byTestId("link-code-number").textContent).toBe("Code 6 of 6");
  });

  it("clears the countdown interval on re-render", () => {
    const { app } = mount(linkingView());
    expect(vi.getTimerCount()).toBe(1);
    app.render(linkingView({ code: "654 321", code_number: 3, expires_at_ms: NOW + 60_000 }));
    expect(vi.getTimerCount()).toBe(1);
    expect(byTestId("link-countdown").textContent).toBe("New code in 60 s");
    app.render(linkingView({ phase: "waiting_for_approval" }));
    expect(vi.getTimerCount()).toBe(0);
  });

  it("copies the link text and confirms in a live region", async () => {
    const writeText = vi.fn(async () => {});
    setClipboard({ writeText });
    mount(linkingView());
    const status = byTestId("copy-status");
    expect(status.getAttribute("aria-live")).toBe("polite");
    expect(status.textContent).toBe("");
    byTestId<HTMLButtonElement>("copy-link").click();
    await flush();
    expect(writeText).toHaveBeenCalledWith("tandem://link?v=1&k=abc");
    expect(status.textContent).toBe("Link text copied");
  });

  it("falls back to selecting the link text when the clipboard fails", async () => {
    setClipboard({ writeText: vi.fn(async () => Promise.reject(new Error("denied"))) });
    mount(linkingView());
    byTestId<HTMLButtonElement>("copy-link").click();
    await flush();
    const text = byTestId<HTMLTextAreaElement>("link-text");
    expect(document.activeElement).toBe(text);
    expect(text.selectionStart).toBe(0);
    expect(text.selectionEnd).toBe(text.value.length);
    expect(byTestId("copy-status").textContent).toMatch(/Link text (copied|selected)/);
  });

  it("falls back when there is no clipboard API at all", async () => {
    setClipboard(undefined);
    mount(linkingView());
    byTestId<HTMLButtonElement>("copy-link").click();
    await flush();
    expect(document.activeElement).toBe(byTestId("link-text"));
  });

  it("replaces the countdown with the phase text after the scan", () => {
    const { app } = mount(linkingView());
    app.render(linkingView({ phase: "waiting_for_approval" }));
    expect(queryTestId("link-countdown")).toBeNull();
    const phase = byTestId("link-phase");
    expect(phase.textContent).toBe("Scanned — approve on your phone");
    expect(phase.getAttribute("aria-live")).toBe("polite");
    expect(byTestId("announcer").textContent).toBe("Scanned — approve on your phone");

    app.render(linkingView({ phase: "finishing" }));
    expect(byTestId("link-phase").textContent).toBe("Linking…");
  });

  it("keeps focus on the copy button across a re-render", () => {
    const { app } = mount(linkingView());
    byTestId("copy-link").focus();
    app.render(linkingView({ code_number: 3 }));
    expect(document.activeElement).toBe(byTestId("copy-link"));
  });
});

describe("history range", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const radio = (days: number) => byTestId<HTMLInputElement>(`history-range-${days}`);
  const checked = () => [90, 365, 0].filter((d) => radio(d).checked);

  it("offers three labelled radios in a fieldset, the code's range checked", () => {
    mount(linkingView());
    const fieldset = byTestId<HTMLFieldSetElement>("history-range");
    expect(fieldset.tagName).toBe("FIELDSET");
    expect(fieldset.querySelector("legend")?.textContent).toBe("History to bring over");
    expect([90, 365, 0].map((d) => radio(d).type)).toEqual(["radio", "radio", "radio"]);
    expect([90, 365, 0].map((d) => radio(d).labels?.[0]?.textContent)).toEqual(["3 months", "1 year", "Everything"]);
    expect(new Set([90, 365, 0].map((d) => radio(d).name)).size).toBe(1);
    expect(checked()).toEqual([365]);
    expect(byTestId("history-range-hint").textContent).toBe("Older messages stay on your phone; you can load them in any chat.");
    expect(byTestId("history-range-hint").classList.contains("muted")).toBe(true);
    expect(byTestId("history-range-error").textContent).toBe("");
    expect(byTestId("history-range-error").getAttribute("aria-live")).toBe("polite");

    mount(linkingView({ history_days: 90 }));
    expect(checked()).toEqual([90]);
    mount(linkingView({ history_days: 0 }));
    expect(checked()).toEqual([0]);
  });

  it("is enabled only while the code waits for a scan", () => {
    const { app } = mount(linkingView());
    expect([90, 365, 0].map((d) => radio(d).disabled)).toEqual([false, false, false]);
    expect(byTestId<HTMLFieldSetElement>("history-range").disabled).toBe(false);
    for (const phase of ["waiting_for_approval", "finishing"] as const) {
      app.render(linkingView({ phase }));
      expect([90, 365, 0].map((d) => radio(d).disabled)).toEqual([true, true, true]);
      expect(byTestId<HTMLFieldSetElement>("history-range").disabled).toBe(true);
      expect(checked()).toEqual([365]);
    }
  });

  it("asks the core for the chosen range and keeps it checked until the new code arrives", async () => {
    const backend = fakeBackend();
    const { app } = mount(linkingView(), backend);
    radio(90).click();
    await flush();
    expect(backend.setHistoryRange).toHaveBeenCalledTimes(1);
    expect(backend.setHistoryRange).toHaveBeenCalledWith(90);
    expect(checked()).toEqual([90]);

    // A View from before the change (say, the connection changed) does not undo the choice.
    app.render({ ...linkingView(), relay_url: "wss://other.example.test" });
    expect(checked()).toEqual([90]);
    app.render(linkingView({ history_days: 90, uri: "tandem://link?v=1&k=new", code_number: 3 }));
    expect(checked()).toEqual([90]);
    // Once the core shows the choice, its View decides again.
    app.render(linkingView({ history_days: 365, uri: "tandem://link?v=1&k=newer", code_number: 4 }));
    expect(checked()).toEqual([365]);

    radio(0).click();
    await flush();
    expect(backend.setHistoryRange).toHaveBeenLastCalledWith(0);
  });

  it.each([
    ["not_applicable", "too late", "The phone has already scanned this code: the history range can no longer change."],
    ["internal", "boom", "Couldn't change the history range: boom"],
  ])("shows a %s failure inline and checks the code's range again", async (code, msg, shown) => {
    const backend = fakeBackend();
    backend.setHistoryRange.mockRejectedValueOnce(new AppError(code, msg));
    const { app } = mount(linkingView(), backend);
    radio(0).click();
    await flush();
    expect(byTestId("history-range-error").textContent).toBe(shown);
    expect(checked()).toEqual([365]);

    // Kept while the same code shows; a new code clears it.
    app.render(linkingView({ phase: "waiting_for_approval" }));
    expect(byTestId("history-range-error").textContent).toBe(shown);
    app.render(linkingView({ uri: "tandem://link?v=1&k=new", code_number: 3 }));
    expect(byTestId("history-range-error").textContent).toBe("");
  });

  it("shows a failure that arrives after a re-render on the screen now shown", async () => {
    const backend = fakeBackend();
    let fail = (_e: unknown) => {};
    backend.setHistoryRange.mockImplementation(() => new Promise<void>((_ok, no) => (fail = no)));
    const { app } = mount(linkingView(), backend);
    radio(90).click();
    app.render({ ...linkingView(), relay_url: "wss://other.example.test" });
    expect(checked()).toEqual([90]);
    fail(new AppError("internal", "lost"));
    await flush();
    expect(byTestId("history-range-error").textContent).toBe("Couldn't change the history range: lost");
    expect(checked()).toEqual([365]);
  });

  it("keeps focus on the chosen radio when the new code arrives", () => {
    const { app } = mount(linkingView());
    radio(90).focus();
    radio(90).click();
    app.render(linkingView({ history_days: 90, uri: "tandem://link?v=1&k=new", code_number: 3 }));
    expect(document.activeElement).toBe(radio(90));
  });
});
