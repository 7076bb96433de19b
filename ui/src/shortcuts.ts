// Document-level keyboard shortcuts. The keys are mapped here; what they do depends on the
// screen: the linked screen sets `ui.shortcuts` on every render, other screens leave it null.

export interface ShortcutHandlers {
  /** Focuses the search box. */
  focusSearch(): void;
  /** Focuses the new-chat input. */
  focusNewChat(): void;
  /** Opens the next (1) or previous (-1) chat in the chat list's order. */
  moveChat(step: 1 | -1): void;
  /**
   * Closes the link confirmation, the image viewer, the chat info panel or the Settings panel,
   * else clears the search; false if nothing was.
   */
  escape(): boolean;
}

export type Shortcut = "search" | "new_chat" | "next_chat" | "previous_chat" | "escape";

/** Shown in Settings, "Keyboard shortcuts". */
export const SHORTCUT_HELP: readonly (readonly [keys: string, action: string])[] = [
  ["Ctrl+K or Ctrl+F", "Search messages"],
  ["Ctrl+N", "Start a new chat"],
  ["Alt+↓ or Ctrl+Tab", "Open the next chat"],
  ["Alt+↑ or Ctrl+Shift+Tab", "Open the previous chat"],
  ["Esc", "Close the image viewer, a dialog, Chat info or Settings, or clear the search"],
  ["Enter / Shift+Enter", "Send the message / new line"],
];

/** The shortcut a keydown means, or null (also while an input method is composing text). */
export function shortcutFor(e: KeyboardEvent): Shortcut | null {
  // keyCode 229: the keydown that ends a composition in some webviews.
  if (e.isComposing || e.keyCode === 229) return null;
  const { key, ctrlKey, altKey, shiftKey, metaKey } = e;
  if (key === "Escape") return ctrlKey || altKey || metaKey || shiftKey ? null : "escape";
  // Ctrl (or ⌘ on macOS), but not both, and not AltGr (Ctrl+Alt).
  const mod = ctrlKey !== metaKey && !altKey;
  if (mod && !shiftKey) {
    switch (key.toLowerCase()) {
      case "k":
      case "f":
        return "search";
      case "n":
        return "new_chat";
    }
  }
  if (key === "Tab" && ctrlKey && !altKey && !metaKey) return shiftKey ? "previous_chat" : "next_chat";
  if (altKey && !ctrlKey && !metaKey && !shiftKey) {
    if (key === "ArrowDown") return "next_chat";
    if (key === "ArrowUp") return "previous_chat";
  }
  return null;
}

/**
 * Listens for the shortcuts on `doc`; `handlers` gives what they do now (null: nothing). A key
 * something else already handled (defaultPrevented) is left alone. Returns the remover.
 */
export function installShortcuts(doc: Document, handlers: () => ShortcutHandlers | null): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.defaultPrevented) return;
    const shortcut = shortcutFor(e);
    const h = shortcut === null ? null : handlers();
    if (shortcut === null || h === null) return;
    switch (shortcut) {
      case "escape":
        if (h.escape()) e.preventDefault();
        return;
      case "search":
        e.preventDefault();
        h.focusSearch();
        return;
      case "new_chat":
        e.preventDefault();
        h.focusNewChat();
        return;
      case "next_chat":
      case "previous_chat":
        e.preventDefault();
        h.moveChat(shortcut === "next_chat" ? 1 : -1);
        return;
    }
  };
  doc.addEventListener("keydown", onKeyDown);
  return () => doc.removeEventListener("keydown", onKeyDown);
}
