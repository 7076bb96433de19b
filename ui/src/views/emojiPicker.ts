// The composer's emoji picker: a button and a small popover of common emoji. Choosing one inserts
// it at the caret (replacing the selection); arrow keys move between options, Esc closes it.
import { el } from "../dom";
import type { ComposerState } from "../uiState";
import { EMOJI_CATEGORIES, EMOJI_COLUMNS } from "./emoji";

export interface EmojiPicker {
  button: HTMLButtonElement;
  popover: HTMLElement;
}

/** The option focus moves to from `at` for `key`; null if the key does not move. */
export function optionAfter(key: string, at: number, count: number): number | null {
  const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: EMOJI_COLUMNS, ArrowUp: -EMOJI_COLUMNS };
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  const d = step[key];
  return d === undefined ? null : Math.min(count - 1, Math.max(0, at + d));
}

/**
 * The picker for `input`. `onChange` runs after an emoji went into the text (`st.draft` is
 * updated already). Whether it is open lives in `st`, so it stays open across re-renders.
 */
export function renderEmojiPicker(st: ComposerState, input: HTMLTextAreaElement, onChange: () => void): EmojiPicker {
  const btn = el(
    "button",
    {
      class: "composer-tool",
      testid: "emoji-button",
      attrs: { type: "button", "aria-label": "Insert emoji", "aria-haspopup": "dialog", "aria-controls": "emoji-picker", title: "Insert emoji" },
    },
    "😊",
  );
  const options: HTMLButtonElement[] = [];
  let current = 0;
  const groups = EMOJI_CATEGORIES.map((cat, i) => {
    const headingId = `emoji-category-${i}`;
    const buttons = cat.emoji.map((e) => {
      const option = el(
        "button",
        { class: "emoji-option", testid: "emoji-option", attrs: { type: "button", "aria-label": e.name, title: e.name, tabindex: "-1" } },
        e.char,
      );
      option.addEventListener("click", () => insert(e.char));
      options.push(option);
      return option;
    });
    return el(
      "div",
      { class: "emoji-group", attrs: { role: "group", "aria-labelledby": headingId } },
      el("p", { class: "emoji-category", attrs: { id: headingId } }, cat.name),
      el("div", { class: "emoji-grid" }, ...buttons),
    );
  });
  const popover = el(
    "div",
    { class: "emoji-picker", testid: "emoji-picker", attrs: { id: "emoji-picker", role: "dialog", "aria-label": "Emoji" } },
    ...groups,
  );

  const move = (to: number) => {
    options[current]?.setAttribute("tabindex", "-1");
    current = to;
    options[current]?.setAttribute("tabindex", "0");
    options[current]?.focus();
  };
  const show = () => {
    popover.hidden = !st.emojiOpen;
    btn.setAttribute("aria-expanded", String(st.emojiOpen));
  };
  const close = (focusButton: boolean) => {
    st.emojiOpen = false;
    show();
    if (focusButton) btn.focus();
  };
  function insert(char: string): void {
    if (!st.sending) {
      input.setRangeText(char, input.selectionStart, input.selectionEnd, "end");
      st.draft = input.value;
      onChange();
    }
    close(false);
    input.focus();
  }

  btn.addEventListener("click", () => {
    if (st.emojiOpen) return close(true);
    st.emojiOpen = true;
    show();
    move(0);
  });
  // Clicks on the picker and its button keep focus where it is (WebKit does not focus clicked
  // buttons), so focus leaving the picker below really means the user went elsewhere.
  btn.addEventListener("mousedown", (e) => {
    if (st.emojiOpen) e.preventDefault();
  });
  popover.addEventListener("mousedown", (e) => e.preventDefault());
  popover.addEventListener("focusout", () => {
    queueMicrotask(() => {
      const now = document.activeElement;
      if (!st.emojiOpen || !popover.isConnected || popover.contains(now) || now === btn) return;
      close(false);
    });
  });
  popover.addEventListener("keydown", (e) => {
    if (e.isComposing) return;
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close(true);
      return;
    }
    const to = optionAfter(e.key, current, options.length);
    if (to === null) return;
    e.preventDefault();
    move(to);
  });
  options[0]?.setAttribute("tabindex", "0");
  show();
  return { button: btn, popover };
}
