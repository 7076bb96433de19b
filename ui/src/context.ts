import type { Backend } from "./backend";
import type { BuildScope } from "./bridge";
import { namesOf } from "./format";
import type { View } from "./types";
import type { UiState } from "./uiState";

/** What every part of the screen shares. */
export interface BaseContext {
  backend: Backend;
  /** Current time (epoch ms). */
  now(): number;
  /** App-level state that survives re-renders (drafts, pending commands). */
  ui: UiState;
  /** Draws the screen again from the current View and UiState. */
  redraw(): void;
}

/** The context of a part built by the bridge (bridge.tsx): its own intervals and after-mount work. */
export function contextOf(base: BaseContext, view: View, scope: BuildScope): RenderContext {
  return { backend: base.backend, now: base.now, ui: base.ui, names: namesOf(view), every: scope.every, afterMount: scope.afterMount };
}

/** What a view gets besides the View itself. */
export interface RenderContext {
  backend: Backend;
  /** Current time (epoch ms). */
  now(): number;
  /** setInterval that is cleared automatically when the view is replaced. */
  every(ms: number, fn: () => void): void;
  /** App-level state that survives re-renders (drafts, pending commands). */
  ui: UiState;
  /** Contacts' names by account id (format.ts nameOf): names, not ids, wherever the user reads. */
  names: ReadonlyMap<string, string>;
  /** Runs `fn` once the rendered screen is in the document (for layout: scrolling). */
  afterMount(fn: () => void): void;
}

/** A set of intervals that are cleared together. */
export class TimerScope {
  private ids: ReturnType<typeof setInterval>[] = [];

  every(ms: number, fn: () => void): void {
    this.ids.push(setInterval(fn, ms));
  }

  clear(): void {
    for (const id of this.ids) clearInterval(id);
    this.ids = [];
  }
}
