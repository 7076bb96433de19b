// The relay said this desktop was logged out, without proof signed by the phone: nothing was
// deleted, and the user chooses to link again (messages kept) or to keep reading the data
// offline for now (a slim bar over the chat list keeps offering to link again).
import type { RenderContext } from "../context";
import { button, el } from "../dom";
import { toAppError } from "../errors";
import type { View } from "../types";
import type { Section } from "./chatList";

export const LOCKED_TITLE = "This device is locked";

/** Inline text for a failed relinkLocked or keepLockedData, chosen by code. */
export function lockedErrorText(code: string, message: string): string {
  switch (code) {
    case "not_locked":
      return "This computer is no longer locked.";
    case "not_linked":
      return "This computer is not linked to an account any more.";
    default:
      return `Couldn't do that: ${message}`;
  }
}

type Choice = "relink" | "keep";

/** Runs the user's choice; the core pushes the next screen. Failures stay in UiState. */
async function choose(ctx: RenderContext, choice: Choice): Promise<void> {
  const st = ctx.ui.locked;
  if (st.busy) return;
  st.busy = true;
  st.error = "";
  ctx.ui.refresh();
  try {
    await (choice === "relink" ? ctx.backend.relinkLocked() : ctx.backend.keepLockedData());
  } catch (e) {
    const err = toAppError(e);
    st.error = lockedErrorText(err.code, err.message);
  } finally {
    st.busy = false;
    ctx.ui.refresh();
  }
}

/** The padlock over the title (decorative: drawn in CSS). */
function padlock(): HTMLElement {
  return el("div", { class: "padlock", attrs: { "aria-hidden": "true" } }, el("span", { class: "padlock-body" }));
}

/** The Locked screen: what happened (the core's words, as text) and the two ways on. */
export function renderLocked(view: View, ctx: RenderContext): HTMLElement {
  const st = ctx.ui.locked;
  const relink = button("Link again", { class: "primary", testid: "locked-relink" }, () => choose(ctx, "relink"));
  const keep = button("Keep my data for now", { testid: "locked-keep" }, () => choose(ctx, "keep"));
  const error = el("p", { class: "inline-error", testid: "locked-error", attrs: { "aria-live": "polite" } });
  const apply = () => {
    relink.disabled = st.busy;
    keep.disabled = st.busy;
    error.textContent = st.error;
  };
  apply();
  ctx.ui.refresh = apply;
  return el(
    "main",
    { class: "screen screen-locked", testid: "screen-locked", attrs: { "aria-labelledby": "locked-title" } },
    el(
      "div",
      { class: "locked-card" },
      padlock(),
      el("h1", { testid: "locked-title", attrs: { id: "locked-title" } }, LOCKED_TITLE),
      el("p", { class: "locked-message", testid: "locked-message" }, view.locked ?? ""),
      el("div", { class: "row locked-buttons" }, relink, keep),
      error,
      el(
        "ul",
        { class: "locked-choices muted" },
        el("li", {}, el("strong", {}, "Link again"), " shows a code to scan with your phone. Your messages stay on this computer."),
        el("li", {}, el("strong", {}, "Keep my data for now"), " lets you read your chats here, offline. You can link again at any time."),
      ),
    ),
  );
}

/** Over the chat list while the user reads the data they kept on a locked desktop. */
export function renderLockedBar(ctx: RenderContext): Section {
  const relink = button("Link again", { class: "link-button", testid: "locked-bar-relink" }, () => choose(ctx, "relink"));
  const error = el("p", { class: "inline-error", testid: "locked-bar-error", attrs: { "aria-live": "polite" } });
  const apply = () => {
    relink.disabled = ctx.ui.locked.busy;
    error.textContent = ctx.ui.locked.error;
  };
  apply();
  const node = el(
    "div",
    { class: "locked-bar", testid: "locked-bar", attrs: { role: "status" } },
    el("p", {}, el("span", { class: "locked-dot", attrs: { "aria-hidden": "true" } }), "Locked: not connected. ", relink),
    error,
  );
  return { node, apply };
}
