import type { RenderContext } from "../context";
import { el } from "../dom";
import { toAppError } from "../errors";
import type { OpenChat } from "../types";
import type { Section } from "./chatList";
import { olderHidden } from "./messageWindow";

export const OLDER_LOADING_TEXT = "Asking your phone and other devices for older messages…";
export const HISTORY_START_TEXT = "Start of the chat history";

/** Inline text for a failed loadOlder, chosen by code. */
export function loadOlderErrorText(code: string, message: string): string {
  switch (code) {
    case "no_other_device":
      return "No other device of this account is linked: older messages stay on the phone.";
    default:
      return `Couldn't load older messages: ${message}`;
  }
}

/** Above the messages: whether older ones exist, and a button to fetch them. */
export function renderHistoryBar(chat: OpenChat, ctx: RenderContext): Section {
  const st = ctx.ui.older(chat.chat_id);
  const bar = el("div", { class: "history-bar", testid: "history-bar", attrs: { "data-history": chat.history } });

  // Earlier messages are on this computer: the list scrolls to them; the phone comes after.
  if (olderHidden(chat) > 0) return { node: bar, apply: () => {} };

  if (chat.history === "loading" || chat.history === "complete") {
    const status =
      chat.history === "loading"
        ? el("p", { class: "muted", testid: "older-loading", attrs: { role: "status", tabindex: "-1" } }, OLDER_LOADING_TEXT)
        : el("p", { class: "muted", testid: "history-start", attrs: { tabindex: "-1" } }, HISTORY_START_TEXT);
    st.error = "";
    if (st.refocus) {
      // The clicked button is gone: keep keyboard focus near where it was, unless it moved on.
      st.refocus = false;
      ctx.afterMount(() => {
        if (document.activeElement === null || document.activeElement === document.body) status.focus();
      });
    }
    bar.append(status);
    return { node: bar, apply: () => {} };
  }

  if (!st.busy) st.refocus = false;
  // A chat that began on this computer and holds nothing yet: there is nothing older to load.
  if (chat.history === "live" && chat.total_messages === 0) return { node: bar, apply: () => {} };
  // more_on_phone, live (the phone may still hold messages from before linking), or unknown.
  const load = el("button", { testid: "load-older", attrs: { type: "button", "aria-describedby": "load-older-error" } }, "Load older messages");
  // Not role=alert: the screen is rebuilt for every View and a kept error must not be re-announced.
  const error = el("p", { class: "inline-error", testid: "load-older-error", attrs: { id: "load-older-error", "aria-live": "polite" } });
  const apply = () => {
    load.disabled = st.busy;
    error.textContent = st.error;
  };
  load.addEventListener("click", () => {
    if (st.busy) return;
    st.busy = true;
    st.error = "";
    st.refocus = document.activeElement === load;
    apply();
    ctx.backend.loadOlder(chat.chat_id).then(
      () => {
        st.busy = false;
        ctx.ui.refresh();
      },
      (e: unknown) => {
        const err = toAppError(e);
        st.busy = false;
        st.refocus = false;
        st.error = loadOlderErrorText(err.code, err.message);
        ctx.ui.refresh();
      },
    );
  });
  bar.append(load, error);
  apply();
  return { node: bar, apply };
}
