import type { RenderContext } from "../context";
import { button, el } from "../dom";
import { secondsUntil } from "../format";
import type { Linking, View } from "../types";
import { renderHistoryRange } from "./historyRange";

export const LINKING_TITLE = "Link Tandem to your phone";

export const QR_ALT =
  "QR code for linking Tandem. Scan it with Tandem on your phone, or copy the link text below.";

/** Text for phases after the scan; null while waiting for the scan. */
export function phaseText(phase: Linking["phase"]): string | null {
  switch (phase) {
    case "waiting_for_approval":
      return "Scanned — approve on your phone";
    case "finishing":
      return "Linking…";
    default:
      return null;
  }
}

function countdownText(l: Linking, now: number): string {
  const s = secondsUntil(l.expires_at_ms, now);
  const last = l.code_number >= l.max_codes;
  if (s > 0) return last ? `Code expires in ${s} s` : `New code in ${s} s`;
  return last ? "Code expired" : "Getting a new code…";
}

function qrPanel(l: Linking, ctx: RenderContext): HTMLElement {
  const img = el("img", {
    class: l.phase === "waiting_for_scan" ? "qr" : "qr qr-scanned",
    testid: "link-qr",
    attrs: { alt: QR_ALT, width: "264", height: "264" },
  });
  // Only ever a data: image from the core (the CSP allows nothing else anyway).
  if (l.qr_data_url.startsWith("data:image/")) img.src = l.qr_data_url;

  const phase = phaseText(l.phase);
  let status: HTMLElement;
  if (phase !== null) {
    status = el(
      "p",
      { class: "link-status link-phase", testid: "link-phase", attrs: { "aria-live": "polite" } },
      phase,
    );
  } else {
    // Deliberately not a live region: it changes every second.
    status = el("p", { class: "link-status", testid: "link-countdown" });
    const tick = () => {
      status.textContent = countdownText(l, ctx.now());
    };
    tick();
    ctx.every(1000, tick);
  }

  return el(
    "div",
    { class: "qr-panel" },
    img,
    status,
    el(
      "p",
      { class: "muted", testid: "link-code-number" },
      `Code ${l.code_number} of ${l.max_codes}`,
    ),
  );
}

function copyBlock(uri: string): HTMLElement {
  const text = el("textarea", {
    class: "link-text",
    testid: "link-text",
    attrs: { id: "link-text", readonly: "", rows: "3", spellcheck: "false" },
  });
  text.value = uri;
  const confirm = el("p", {
    class: "copy-status",
    testid: "copy-status",
    attrs: { "aria-live": "polite" },
  });

  const selectText = () => {
    text.focus();
    text.select();
    text.setSelectionRange(0, text.value.length);
  };

  const copy = button("Copy link text", { testid: "copy-link" }, async () => {
    confirm.textContent = "";
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(uri);
      confirm.textContent = "Link text copied";
    } catch {
      selectText();
      let copied = false;
      try {
        copied = typeof document.execCommand === "function" && document.execCommand("copy");
      } catch {
        copied = false;
      }
      confirm.textContent = copied
        ? "Link text copied"
        : "Link text selected — press Ctrl+C to copy it";
    }
  });

  return el(
    "div",
    { class: "copy-block" },
    el("label", { class: "label", attrs: { for: "link-text" } }, "Link text"),
    text,
    el("div", { class: "row" }, copy, confirm),
  );
}

export function renderLinking(view: View, ctx: RenderContext): HTMLElement {
  const l = view.linking;
  const root = el("main", { class: "screen screen-linking", testid: "screen-linking" });
  root.append(el("h1", {}, LINKING_TITLE));
  if (view.logged_out !== null) {
    // Why this desktop was logged out (its data on this computer was deleted).
    root.append(el("p", { class: "notice", testid: "logged-out-notice", attrs: { role: "status" } }, view.logged_out));
  }
  if (l === null) {
    root.append(el("p", { class: "muted" }, "Preparing a code…"));
    return root;
  }

  const steps = el(
    "ol",
    { class: "steps" },
    el("li", {}, "On your phone, open Tandem."),
    el("li", {}, "Go to Linked devices → Link a device."),
    el("li", {}, "Scan this code."),
  );

  const verify = el(
    "div",
    { class: "verify" },
    el("p", { class: "label" }, "Verification code"),
    el("p", { class: "code", testid: "link-code" }, l.code),
    el("p", { class: "muted" }, "Your phone will show the same code. Approve only if they match."),
  );

  const demo = el(
    "div",
    { class: "demo" },
    el("h2", {}, "Using the demo phone?"),
    el(
      "p",
      {},
      "Run ",
      el("code", {}, "tandem-cli link"),
      " and paste the link text when it asks for it.",
    ),
    copyBlock(l.uri),
  );

  root.append(
    el("div", { class: "link-layout" }, qrPanel(l, ctx), el("div", { class: "link-info" }, steps, verify, renderHistoryRange(l, ctx), demo)),
  );
  return root;
}
