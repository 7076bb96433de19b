// "Open this link in your browser?": a modal confirmation showing the whole URL (as text) before
// a link from a message goes to the browser.
import type { RenderContext } from "../context";
import { el } from "../dom";
import { toAppError } from "../errors";
import type { Section } from "./chatList";

export const LINK_CONFIRM_TEXT = "Open this link in your browser?";

/** Inline text for a failed openLink, chosen by code. */
export function openLinkErrorText(code: string, message: string): string {
  switch (code) {
    case "invalid_data":
      return "This link can't be opened: only http and https links can.";
    case "open_failed":
      return "Couldn't open your browser. Copy the link and open it yourself.";
    default:
      return `Couldn't open the link: ${message}`;
  }
}

/** Closes the confirmation; keyboard focus goes back to the link it was opened from. */
export function closeLinkConfirm(ctx: RenderContext): void {
  const st = ctx.ui.linkConfirm;
  if (st === null) return;
  ctx.ui.linkConfirm = null;
  ctx.ui.refresh({ focusLink: { messageId: st.messageId, index: st.index } });
}

function confirmDialog(ctx: RenderContext): { node: HTMLElement; update(): void } {
  const st = ctx.ui.linkConfirm;
  if (st === null) return { node: el("div"), update: () => {} };
  const cancel = el("button", { testid: "link-confirm-cancel", attrs: { type: "button" } }, "Cancel");
  const open = el("button", { class: "primary", testid: "link-confirm-open", attrs: { type: "button" } }, "Open");
  const error = el("p", { class: "inline-error", testid: "link-confirm-error", attrs: { "aria-live": "polite" } });
  const dialog = el(
    "div",
    {
      class: "link-confirm",
      testid: "link-confirm",
      attrs: { role: "alertdialog", "aria-modal": "true", "aria-labelledby": "link-confirm-heading", "aria-describedby": "link-confirm-url" },
    },
    el("h3", { attrs: { id: "link-confirm-heading" } }, LINK_CONFIRM_TEXT),
    el("p", { class: "link-confirm-url", testid: "link-confirm-url", attrs: { id: "link-confirm-url" } }, st.url),
    el("p", { class: "muted" }, "Check the address: a link in a message can lead anywhere."),
    error,
    el("div", { class: "row link-confirm-buttons" }, cancel, open),
  );
  const backdrop = el("div", { class: "modal-backdrop" }, dialog);
  cancel.addEventListener("click", () => closeLinkConfirm(ctx));
  open.addEventListener("click", () => {
    if (st.busy) return;
    st.busy = true;
    st.error = "";
    ctx.backend.openLink(st.url).then(
      () => {
        st.busy = false;
        if (ctx.ui.linkConfirm === st) closeLinkConfirm(ctx);
      },
      (e: unknown) => {
        const err = toAppError(e);
        st.busy = false;
        st.error = openLinkErrorText(err.code, err.message);
        ctx.ui.refresh();
      },
    );
  });
  backdrop.addEventListener("click", (e) => {
    if (e.target === backdrop) closeLinkConfirm(ctx);
  });
  dialog.addEventListener("keydown", (e) => {
    if (e.isComposing) return;
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      closeLinkConfirm(ctx);
    } else if (e.key === "Tab") {
      // Modal: keyboard focus stays on its two buttons.
      e.preventDefault();
      (document.activeElement === cancel ? open : cancel).focus();
    }
  });
  return { node: backdrop, update: () => (error.textContent = st.error) };
}

/** Where the link confirmation goes: empty while it is closed. */
export function renderLinkConfirm(ctx: RenderContext): Section & { focus(): void } {
  const slot = el("div", { class: "link-confirm-slot" });
  let shown: unknown = undefined;
  let update = () => {};
  const apply = () => {
    if (ctx.ui.linkConfirm !== shown) {
      shown = ctx.ui.linkConfirm;
      const d = confirmDialog(ctx);
      update = d.update;
      slot.replaceChildren(...(ctx.ui.linkConfirm === null ? [] : [d.node]));
    }
    update();
  };
  apply();
  // Cancel first: the safe choice is the default.
  const focus = () => slot.querySelector<HTMLElement>('[data-testid="link-confirm-cancel"]')?.focus();
  return { node: slot, apply, focus };
}
