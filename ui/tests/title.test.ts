import { describe, expect, it } from "vitest";
import { CHAT_A, chatSummary, chatView, linkingView, mount } from "./helpers";

// The title (and its unread count) comes from the core: crates/client/src/desktop/view.rs
// window_title, tested there; the shell puts the same title on the native window.
describe("the window title", () => {
  it("is the core's, on document.title, and follows it", () => {
    const { app } = mount({ ...chatView([chatSummary(CHAT_A, null, { unread: 6 })]), title: "(6) Tandem" });
    expect(document.title).toBe("(6) Tandem");
    app.render({ ...chatView([chatSummary(CHAT_A, null, { unread: 1 })]), title: "(1) Tandem" });
    expect(document.title).toBe("(1) Tandem");
    app.render(linkingView());
    expect(document.title).toBe("Tandem — Link your phone");
  });

  it("is plain Tandem on the error screen", () => {
    const { app } = mount({ ...chatView([chatSummary(CHAT_A, null, { unread: 6 })]), title: "(6) Tandem" });
    app.renderError({ code: "internal", message: "Boom" });
    expect(document.title).toBe("Tandem");
  });
});
