import { el } from "../dom";
import type { ErrorInfo } from "../types";

export const FATAL_HEADING = "Tandem can't start";

/** Extra explanation per code, shown under the core's message. */
export function fatalHint(code: string | undefined): string | null {
  switch (code) {
    case "keychain_unavailable":
      return (
        "Tandem keeps its database key in your system keychain (Secret Service: " +
        "GNOME Keyring or KWallet). Start and unlock it, then restart Tandem."
      );
    case "database_unreadable":
      return (
        "Tandem's encrypted database on this computer could not be opened. The file " +
        "may be damaged, or the key in your system keychain no longer matches it " +
        "(for example after the keychain was reset, or the data was copied from " +
        "another computer)."
      );
    case "relay_unreachable":
      return "Check your internet connection and the relay address, then restart Tandem.";
    case "internal":
      return "This is a bug in Tandem. Restarting Tandem may help; if it keeps happening, report the message above.";
    default:
      return null;
  }
}

export function renderFatal(error: ErrorInfo | null): HTMLElement {
  const hint = fatalHint(error?.code);
  return el(
    "main",
    {
      class: "screen screen-fatal",
      testid: "screen-fatal",
      attrs: { "data-error-code": error?.code ?? "" },
    },
    el("h1", {}, FATAL_HEADING),
    el("p", { class: "error-message", testid: "error-message" }, error?.message ?? ""),
    hint !== null && el("p", { class: "hint", testid: "error-hint" }, hint),
  );
}
