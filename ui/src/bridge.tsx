// A bridge for the screens not yet written as components (the move to Preact goes part by part).
// A legacy section is built by a function returning DOM nodes; the bridge builds it again when
// its stamp changes (a new View, as the whole screen once was) and otherwise re-applies the UI
// state to the nodes it has (the section's `apply`). Its intervals and after-mount work are its
// own: cleared when it is built again or unmounted.
import { useLayoutEffect, useRef } from "preact/hooks";
import { TimerScope } from "./context";

export interface Built {
  nodes: (Node | null | undefined)[];
  /** Re-applies the app-level UiState to these nodes. */
  apply?: () => void;
}

export interface BuildScope {
  every(ms: number, fn: () => void): void;
  afterMount(fn: () => void): void;
}

export interface LegacyProps {
  /** Built again when this changes (compared with ===). */
  stamp: unknown;
  build: (scope: BuildScope) => Built;
  /** The built nodes are inert (a modal dialog is open elsewhere). */
  inert?: boolean;
}

interface Held {
  stamp: unknown;
  built: Built;
  timers: TimerScope;
}

export function Legacy({ stamp, build, inert }: LegacyProps) {
  const host = useRef<HTMLDivElement>(null);
  const held = useRef<Held | null>(null);
  useLayoutEffect(() => {
    const el = host.current;
    if (el === null) return;
    const now = held.current;
    if (now !== null && now.stamp === stamp) {
      now.built.apply?.();
      return;
    }
    now?.timers.clear();
    const timers = new TimerScope();
    const mounted: (() => void)[] = [];
    const built = build({ every: (ms, fn) => timers.every(ms, fn), afterMount: (fn) => mounted.push(fn) });
    el.replaceChildren(...built.nodes.filter((n): n is Node => n !== null && n !== undefined));
    held.current = { stamp, built, timers };
    for (const fn of mounted) fn();
  });
  useLayoutEffect(() => () => held.current?.timers.clear(), []);
  // display: contents (styles.css): the built nodes lay out as children of the bridge's parent.
  return <div ref={host} class="bridge" inert={inert === true ? true : undefined} />;
}
