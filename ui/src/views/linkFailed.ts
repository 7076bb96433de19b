import type { RenderContext } from "../context";
import { button, el } from "../dom";
import { toAppError } from "../errors";
import type { View } from "../types";

/** Heading for a link_failed error code (never derived from the message). */
export function linkFailedHeading(code: string | undefined): string {
  switch (code) {
    case "link_expired":
      return "The code expired";
    case "link_used":
      return "This code was already used";
    case "link_declined":
      return "Linking was declined on the phone";
    case "companion_limit":
      return "Too many linked devices";
    case "wrong_hmac":
    case "bad_signature":
    case "tampered_link":
      return "This phone's reply could not be verified";
    case "relay_unreachable":
      return "Can't reach the relay";
    default:
      return "Linking failed";
  }
}

export function renderLinkFailed(view: View, ctx: RenderContext): HTMLElement {
  const error = view.error;
  const inlineError = el("p", {
    class: "inline-error",
    testid: "try-again-error",
    attrs: { role: "alert" },
  });
  inlineError.hidden = true;

  const retry = button("Try again", { class: "primary", testid: "try-again" }, async (btn) => {
    btn.disabled = true;
    inlineError.hidden = true;
    inlineError.textContent = "";
    try {
      await ctx.backend.restartLinking();
    } catch (e) {
      inlineError.textContent = `Couldn't start linking again: ${toAppError(e).message}`;
      inlineError.hidden = false;
    } finally {
      btn.disabled = false;
    }
  });

  return el(
    "main",
    {
      class: "screen screen-link-failed",
      testid: "screen-link-failed",
      attrs: { "data-error-code": error?.code ?? "" },
    },
    el("h1", { testid: "error-heading" }, linkFailedHeading(error?.code)),
    el("p", { class: "error-message", testid: "error-message" }, error?.message ?? ""),
    el("div", { class: "row" }, retry),
    inlineError,
  );
}
