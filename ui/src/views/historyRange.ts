import type { RenderContext } from "../context";
import { el } from "../dom";
import { toAppError } from "../errors";
import type { HistoryDays, Linking } from "../types";

/** The ranges offered, in the order shown. */
export const HISTORY_CHOICES: readonly { days: HistoryDays; label: string }[] = [
  { days: 90, label: "3 months" },
  { days: 365, label: "1 year" },
  { days: 0, label: "Everything" },
];

export const HISTORY_HINT = "Older messages stay on your phone; you can load them in any chat.";

/** Inline text for a failed setHistoryRange, chosen by code. */
export function historyRangeErrorText(code: string, message: string): string {
  switch (code) {
    case "not_applicable":
      return "The phone has already scanned this code: the history range can no longer change.";
    default:
      return `Couldn't change the history range: ${message}`;
  }
}

/** "History to bring over": which range the QR code asks the phone for. */
export function renderHistoryRange(l: Linking, ctx: RenderContext): HTMLElement {
  const st = ctx.ui.historyRange;
  const scanning = l.phase === "waiting_for_scan";
  if (st.uri !== l.uri) {
    // A new code: an error about the previous one no longer applies.
    st.uri = l.uri;
    st.error = "";
  }
  if (st.pending !== null && (st.pending === l.history_days || !scanning)) st.pending = null;

  // Not role=alert: the screen is rebuilt for every View and a kept error must not be re-announced.
  const error = el("p", {
    class: "inline-error",
    testid: "history-range-error",
    attrs: { id: "history-range-error", "aria-live": "polite" },
  });

  const inputs = HISTORY_CHOICES.map(({ days, label }) => {
    const id = `history-range-${days}`;
    const input = el("input", {
      testid: id,
      attrs: { id, type: "radio", name: "history-range", value: String(days) },
    });
    input.disabled = !scanning;
    input.addEventListener("change", () => {
      if (!input.checked) return;
      st.pending = days;
      st.error = "";
      apply();
      ctx.backend.setHistoryRange(days).then(
        // The pending choice stays checked until the View with the new code asks for it.
        () => {},
        (e: unknown) => {
          const err = toAppError(e);
          if (st.pending === days) st.pending = null;
          st.error = historyRangeErrorText(err.code, err.message);
          ctx.ui.refresh();
        },
      );
    });
    return { days, input, node: el("div", { class: "radio-row" }, input, el("label", { attrs: { for: id } }, label)) };
  });

  const apply = () => {
    const chosen = st.pending ?? l.history_days;
    for (const { days, input } of inputs) input.checked = days === chosen;
    error.textContent = st.error;
  };
  // The linking screen has no other state to re-apply: a late failure updates the live elements.
  ctx.ui.refresh = apply;
  apply();

  const fieldset = el(
    "fieldset",
    {
      class: "history-range",
      testid: "history-range",
      attrs: { "aria-describedby": "history-range-hint history-range-error" },
    },
    el("legend", { class: "label" }, "History to bring over"),
    ...inputs.map((i) => i.node),
    el("p", { class: "muted", testid: "history-range-hint", attrs: { id: "history-range-hint" } }, HISTORY_HINT),
    error,
  );
  fieldset.disabled = !scanning;
  return fieldset;
}
