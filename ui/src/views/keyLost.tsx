// The database key of this computer's Tandem data is gone from the system keychain (the keychain
// was reset, or the folder came from another computer): nothing can read that data again. The
// screen says so plainly and offers the one way forward, linking this computer to the phone
// again, which deletes the unreadable data only once the user confirms.
import { useState } from "preact/hooks";
import type { Backend } from "../backend";
import { toAppError } from "../errors";
import type { View } from "../types";

export const KEY_LOST_HEADING = "This computer's Tandem data can't be opened";

type Step = { kind: "ask" } | { kind: "confirm" } | { kind: "busy" } | { kind: "failed"; message: string };

export function KeyLostScreen({ view, backend }: { view: View; backend: Backend }) {
  const [step, setStep] = useState<Step>({ kind: "ask" });
  const relink = async () => {
    setStep({ kind: "busy" });
    try {
      await backend.relinkAfterKeyLoss();
    } catch (e) {
      const err = toAppError(e);
      setStep({ kind: "failed", message: err.code === "not_applicable" ? "The data can be opened again: restart Tandem." : err.message });
    }
  };
  return (
    <main class="screen screen-fatal screen-key-lost" data-testid="screen-key-lost" data-error-code="key_missing">
      <h1>{KEY_LOST_HEADING}</h1>
      <p data-testid="key-lost-explain">
        Its key was kept in your system keychain, and it is no longer there: the keychain may have been reset, or this
        folder came from another computer. Without the key nobody can read this data again, and Tandem has not changed it.
      </p>
      <p>Link this computer to your phone again to go on: your phone sends your chats again.</p>
      <p class="muted error-message" data-testid="error-message">
        {view.error?.message ?? ""}
      </p>
      {step.kind === "confirm" || step.kind === "busy" ? (
        <div class="row" role="group" aria-label="Confirm">
          <p>This deletes the unreadable data on this computer.</p>
          <button type="button" class="primary" data-testid="key-lost-confirm" disabled={step.kind === "busy"} onClick={relink}>
            Delete it and link again
          </button>
          <button type="button" data-testid="key-lost-cancel" disabled={step.kind === "busy"} onClick={() => setStep({ kind: "ask" })}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" class="primary" data-testid="key-lost-relink" onClick={() => setStep({ kind: "confirm" })}>
          Link this computer again…
        </button>
      )}
      <p class="inline-error" data-testid="key-lost-error" aria-live="polite">
        {step.kind === "failed" ? `Couldn't start again: ${step.message}` : ""}
      </p>
    </main>
  );
}
