import { describe, expect, it } from "vitest";
import { listMove } from "../src/listKeys";

describe("listMove", () => {
  it("wraps in menus and holds at the ends of lists", () => {
    expect(listMove("ArrowDown", 2, 3, true)).toBe(0);
    expect(listMove("ArrowUp", 0, 3, true)).toBe(2);
    expect(listMove("ArrowDown", 2, 3, false)).toBe(2);
    expect(listMove("ArrowUp", 0, 3, false)).toBe(0);
    expect(listMove("Home", 2, 3, false)).toBe(0);
    expect(listMove("End", 0, 3, true)).toBe(2);
  });

  it("ignores other keys and empty lists", () => {
    expect(listMove("a", 1, 3, true)).toBeNull();
    expect(listMove("ArrowDown", 0, 0, true)).toBeNull();
  });
});
