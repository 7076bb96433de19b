// A menu button with a role=menu list, as the desktop messengers have them (⋮): Enter, Space or
// a click opens it on its first item; ArrowDown / ArrowUp on the button open it on the first /
// last item; in the list the arrow keys, Home and End move, Esc closes it and gives focus back to
// the button, Tab closes it and moves on, and a click elsewhere closes it.
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { listMove } from "../listKeys";

export interface MenuItem {
  label: string;
  testid: string;
  run(): void;
}

export interface MenuButtonProps {
  /** The list's element id (the button's aria-controls). */
  id: string;
  /** The button's accessible name and tooltip. */
  label: string;
  testid: string;
  items: MenuItem[];
  /** What the button shows; "⋮" unless told. */
  icon?: string;
}

export function MenuButton({ id, label, testid, items, icon = "⋮" }: MenuButtonProps) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const entries = () => [...(list.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
  // Which item takes focus once the opened list is on screen.
  const focusAt = useRef<"first" | "last" | null>(null);
  useLayoutEffect(() => {
    const at = focusAt.current;
    if (!open || at === null) return;
    focusAt.current = null;
    const all = entries();
    (at === "first" ? all[0] : all[all.length - 1])?.focus();
  }, [open]);
  const show = (at: "first" | "last") => {
    focusAt.current = at;
    setOpen(true);
  };
  const close = (focusButton: boolean) => {
    setOpen(false);
    if (focusButton) button.current?.focus();
  };
  const onButtonKey = (e: KeyboardEvent) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    show(e.key === "ArrowDown" ? "first" : "last");
  };
  const onListKey = (e: KeyboardEvent) => {
    const all = entries();
    const to = listMove(e.key, all.indexOf(document.activeElement as HTMLButtonElement), all.length, true);
    if (to !== null) all[to]?.focus();
    else if (e.key === "Escape") {
      e.stopPropagation();
      close(true);
    } else {
      if (e.key === "Tab") setOpen(false);
      return;
    }
    e.preventDefault();
  };
  const onFocusOut = (e: FocusEvent) => {
    const to = e.relatedTarget;
    if (to instanceof Node && (list.current?.contains(to) || to === button.current)) return;
    if (to !== null) setOpen(false);
  };
  return (
    <div class="menu-wrap">
      <button
        ref={button}
        type="button"
        class="icon-button"
        data-testid={testid}
        aria-haspopup="menu"
        aria-controls={id}
        aria-expanded={open}
        aria-label={label}
        title={label}
        onClick={() => (open ? close(false) : show("first"))}
        onKeyDown={onButtonKey}
      >
        {icon}
      </button>
      <ul ref={list} id={id} class="menu" role="menu" aria-label={label} hidden={!open} onKeyDown={onListKey} onFocusOut={onFocusOut}>
        {items.map((item) => (
          <li role="none" key={item.testid}>
            <button
              type="button"
              class="menu-item"
              role="menuitem"
              tabIndex={-1}
              data-testid={item.testid}
              onClick={() => {
                close(false);
                item.run();
              }}
            >
              {item.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
