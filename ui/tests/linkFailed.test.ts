import { describe, expect, it, vi } from "vitest";
import { AppError } from "../src/errors";
import { byTestId, failedView, fakeBackend, flush, mount } from "./helpers";

describe("link_failed screen", () => {
  it.each([
    ["link_expired", "The code expired"],
    ["link_used", "This code was already used"],
    ["link_declined", "Linking was declined on the phone"],
    ["companion_limit", "Too many linked devices"],
    ["wrong_hmac", "This phone's reply could not be verified"],
    ["bad_signature", "This phone's reply could not be verified"],
    ["tampered_link", "This phone's reply could not be verified"],
    ["relay_unreachable", "Can't reach the relay"],
    ["something_new", "Linking failed"],
  ])("code %s → heading %j, plus the core's message", (code, heading) => {
    mount(failedView(code, `Message for ${code}.`));
    const screen = byTestId("screen-link-failed");
    expect(screen.querySelector("h1")?.textContent).toBe(heading);
    expect(byTestId("error-message").textContent).toBe(`Message for ${code}.`);
    expect(byTestId("announcer").textContent).toBe(heading);
    expect(document.title).toBe("Tandem");
  });

  it("switches on the code, never on the message", () => {
    mount(failedView("internal", "The code expired"));
    expect(byTestId("screen-link-failed").querySelector("h1")?.textContent).toBe("Linking failed");
  });

  it("Try again calls restartLinking", async () => {
    const backend = fakeBackend();
    mount(failedView("link_expired"), backend);
    const btn = byTestId<HTMLButtonElement>("try-again");
    expect(btn.tagName).toBe("BUTTON");
    btn.click();
    expect(btn.disabled).toBe(true);
    await flush();
    expect(backend.restartLinking).toHaveBeenCalledTimes(1);
    expect(btn.disabled).toBe(false);
    expect(byTestId("try-again-error").hidden).toBe(true);
  });

  it("shows a failing restartLinking inline", async () => {
    const backend = fakeBackend();
    backend.restartLinking = vi.fn(async () => {
      throw new AppError("relay_unreachable", "The relay did not answer. Check your connection.");
    });
    mount(failedView("link_expired"), backend);
    byTestId<HTMLButtonElement>("try-again").click();
    await flush();
    const err = byTestId("try-again-error");
    expect(err.hidden).toBe(false);
    expect(err.getAttribute("role")).toBe("alert");
    expect(err.textContent).toContain("The relay did not answer. Check your connection.");
    expect(byTestId<HTMLButtonElement>("try-again").disabled).toBe(false);
  });
});
