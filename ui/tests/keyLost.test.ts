import { describe, expect, it } from "vitest";
import axe from "axe-core";
import { AppError } from "../src/errors";
import { baseView, byTestId, fakeBackend, flush, mount, queryTestId } from "./helpers";

const lost = () =>
  baseView({
    screen: "fatal",
    error: { code: "key_missing", message: "this profile's database key is missing from the system keychain." },
  });

describe("the database key lost from the keychain", () => {
  it("says what happened, shows no connecting banner, and offers to link again", async () => {
    const { root } = mount(lost());
    const screen = byTestId("screen-key-lost");
    expect(screen.querySelector("h1")?.textContent).toBe("This computer's Tandem data can't be opened");
    expect(byTestId("key-lost-explain").textContent).toContain("no longer there");
    expect(queryTestId("screen-fatal")).toBeNull();
    expect(queryTestId("connection")).toBeNull();
    expect(byTestId("announcer").textContent).toBe("This computer's Tandem data can't be opened");
    expect(byTestId("key-lost-relink").textContent).toBe("Link this computer again…");
    const found = await axe.run(root, { rules: { "color-contrast": { enabled: false } } });
    expect(found.violations.map((v) => v.id)).toEqual([]);
  });

  it("deletes nothing until the user confirms; Cancel goes back", async () => {
    const backend = fakeBackend();
    mount(lost(), backend);
    byTestId("key-lost-relink").click();
    await flush();
    expect(backend.relinkAfterKeyLoss).not.toHaveBeenCalled();
    expect(byTestId("key-lost-confirm").textContent).toBe("Delete it and link again");
    byTestId("key-lost-cancel").click();
    await flush();
    expect(queryTestId("key-lost-confirm")).toBeNull();

    byTestId("key-lost-relink").click();
    await flush();
    byTestId("key-lost-confirm").click();
    await flush();
    expect(backend.relinkAfterKeyLoss).toHaveBeenCalledTimes(1);
  });

  it("says so when the core refuses", async () => {
    const backend = fakeBackend();
    backend.relinkAfterKeyLoss.mockRejectedValueOnce(new AppError("not_applicable", "raw"));
    mount(lost(), backend);
    byTestId("key-lost-relink").click();
    await flush();
    byTestId("key-lost-confirm").click();
    await flush();
    expect(byTestId("key-lost-error").textContent).toBe("Couldn't start again: The data can be opened again: restart Tandem.");
  });
});
