import { describe, expect, it } from "vitest";
import { baseView, byTestId, mount, queryTestId } from "./helpers";

describe("fatal screen", () => {
  it("shows the heading, the message and the keychain hint", () => {
    const msg = "No Secret Service is running.";
    mount(baseView({ screen: "fatal", error: { code: "keychain_unavailable", message: msg } }));
    const screen = byTestId("screen-fatal");
    expect(screen.querySelector("h1")?.textContent).toBe("Tandem can't start");
    expect(byTestId("error-message").textContent).toBe(msg);
    const hint = byTestId("error-hint").textContent ?? "";
    expect(hint).toContain("Secret Service: GNOME Keyring or KWallet");
    expect(hint).toContain("Start and unlock it, then restart Tandem.");
    expect(byTestId("announcer").textContent).toBe("Tandem can't start");
  });

  it("explains database_unreadable", () => {
    mount(baseView({ screen: "fatal", error: { code: "database_unreadable", message: "m" } }));
    expect(byTestId("error-hint").textContent).toContain("database");
  });

  it("shows no hint for unknown codes but still the message", () => {
    mount(baseView({ screen: "fatal", error: { code: "brand_new", message: "Do X." } }));
    expect(byTestId("error-message").textContent).toBe("Do X.");
    expect(queryTestId("error-hint")).toBeNull();
  });
});
