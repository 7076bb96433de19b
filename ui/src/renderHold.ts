// The screen is drawn afresh for every View. Drawn while the user holds the mouse button down, it
// would take away what they are pressing: a click would land on a removed button and be lost, a
// drag of the message list's scrollbar or a text selection would stop half-way. So a View that
// arrives then waits until the button is released (or for at most MAX_HOLD_MS).

/** Longest a View waits for the button to be released (a release the window never saw). */
export const MAX_HOLD_MS = 5000;

export interface RenderHold {
  /** True if `draw` must wait: it then runs once the button is released. */
  defer(draw: () => void): boolean;
  dispose(): void;
}

export function holdRendersWhilePressed(area: HTMLElement, doc: Document = document): RenderHold {
  let pressed = false;
  let waiting: (() => void) | null = null;
  let failsafe: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    if (failsafe !== null) clearTimeout(failsafe);
    failsafe = null;
    const draw = waiting;
    waiting = null;
    draw?.();
  };
  const press = (e: Event) => {
    const primary = !(e instanceof MouseEvent) || e.button === 0;
    if (primary && e.target instanceof Node && area.contains(e.target)) pressed = true;
  };
  const release = () => {
    if (!pressed) return;
    pressed = false;
    // After this input task: the click that follows the release still finds its button.
    setTimeout(() => {
      if (!pressed) flush();
    }, 0);
  };

  doc.addEventListener("pointerdown", press, true);
  doc.addEventListener("pointerup", release, true);
  doc.addEventListener("pointercancel", release, true);
  doc.defaultView?.addEventListener("blur", release);

  return {
    defer(draw) {
      if (!pressed) return false;
      waiting = draw;
      if (failsafe === null) {
        failsafe = setTimeout(() => {
          pressed = false;
          flush();
        }, MAX_HOLD_MS);
      }
      return true;
    },
    dispose() {
      if (failsafe !== null) clearTimeout(failsafe);
      doc.removeEventListener("pointerdown", press, true);
      doc.removeEventListener("pointerup", release, true);
      doc.removeEventListener("pointercancel", release, true);
      doc.defaultView?.removeEventListener("blur", release);
    },
  };
}
