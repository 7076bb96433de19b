import type { Backend } from "./backend";

/** What a view gets besides the View itself. */
export interface RenderContext {
  backend: Backend;
  /** Current time (epoch ms). */
  now(): number;
  /** setInterval that is cleared automatically when the view is replaced. */
  every(ms: number, fn: () => void): void;
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
