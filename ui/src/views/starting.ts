import { el } from "../dom";

export function renderStarting(): HTMLElement {
  return el(
    "main",
    { class: "screen screen-starting", testid: "screen-starting" },
    el("p", { class: "starting" }, "Starting Tandem…"),
  );
}
