// Tiny DOM builder. Text is always set through text nodes / textContent, never
// parsed as HTML: device names and messages are untrusted.

export type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  testid?: string;
  /** Other attributes (names are ours; values may be data, set verbatim). */
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.testid) node.dataset["testid"] = props.testid;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    node.setAttribute(name, value);
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** A button that is disabled while `action` runs. */
export function button(
  label: string,
  props: Props,
  action: (btn: HTMLButtonElement) => void | Promise<void>,
): HTMLButtonElement {
  const btn = el("button", props, label);
  btn.type = "button";
  btn.addEventListener("click", () => {
    void action(btn);
  });
  return btn;
}
