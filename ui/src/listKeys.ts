/**
 * Where ArrowDown, ArrowUp, Home and End move the focus in a list of `count` items from item
 * `at`; null for any other key. `wrap`: past either end to the other (menus); else the ends hold
 * (the chat list).
 */
export function listMove(key: string, at: number, count: number, wrap: boolean): number | null {
  const to = key === "ArrowDown" ? at + 1 : key === "ArrowUp" ? at - 1 : key === "Home" ? 0 : key === "End" ? count - 1 : null;
  if (to === null || count === 0) return null;
  return wrap ? (to + count) % count : Math.max(0, Math.min(count - 1, to));
}
