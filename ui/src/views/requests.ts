// Message requests and blocking, as in Signal and WhatsApp: a stranger's chat shows a request
// bar instead of the composer (Accept, Block), a blocked account's chat says so (Unblock), and
// Settings lists the blocked accounts.
import type { RenderContext } from "../context";
import { button, el } from "../dom";
import { toAppError } from "../errors";
import type { Linked } from "../types";
import type { Section } from "./chatList";

/** The request bar of one chat (Accept, Block). */
export interface RequestState {
  /** "Block …?" is showing. */
  confirmingBlock: boolean;
  /** An acceptRequest or block call is in flight. */
  busy: boolean;
  error: string;
}

export type RequestAction = "accept" | "block" | "unblock";

const DOING: Record<RequestAction, string> = {
  accept: "Couldn't accept the request",
  block: "Couldn't block",
  unblock: "Couldn't unblock",
};

/** Inline text for a failed acceptRequest, block or unblock, chosen by code. */
export function requestErrorText(action: RequestAction, code: string, message: string): string {
  switch (code) {
    case "relay_unreachable":
      return `${DOING[action]}: the relay can't be reached. Check your connection and try again.`;
    case "no_app_state_key":
      return `${DOING[action]}: your phone hasn't sent the key for synced settings yet. Keep it online and try again.`;
    case "profile_locked":
    case "not_linked":
      return `${DOING[action]}: this computer is not connected to your account.`;
    case "invalid_data":
      return `${DOING[action]}: that is not an account id.`;
    default:
      return `${DOING[action]}: ${message}`;
  }
}

/** The chat's account as the bars show it: its id, in monospace. */
function accountId(chatId: string, testid: string): HTMLElement {
  return el("code", { class: "account-id", testid }, chatId);
}

/**
 * Under the messages of a message request, in place of the composer: who this is, and Accept or
 * Block (which asks first). The state lives in UiState, so a View arriving meanwhile keeps it.
 */
export function renderRequestBar(chatId: string, ctx: RenderContext): Section & { focus(): void } {
  const st = ctx.ui.request(chatId);
  const error = el("p", { class: "inline-error", testid: "request-error", attrs: { "aria-live": "polite" } });
  const buttons = el("div", { class: "request-buttons" });
  const text = el("p", { class: "request-text", testid: "request-text" });

  const run = async (action: "accept" | "block") => {
    st.busy = true;
    st.error = "";
    apply();
    try {
      if (action === "accept") {
        await ctx.backend.acceptRequest(chatId);
        // The composer replaces the bar (now, or with the next View): the keyboard goes there.
        ctx.ui.focusComposerFor = chatId;
      } else {
        await ctx.backend.block(chatId);
      }
      st.confirmingBlock = false;
    } catch (e) {
      const err = toAppError(e);
      st.error = requestErrorText(action, err.code, err.message);
    } finally {
      st.busy = false;
      ctx.ui.refresh(action === "accept" && st.error === "" ? { focusComposer: true } : undefined);
    }
  };

  const accept = button("Accept", { class: "primary", testid: "request-accept" }, () => run("accept"));
  const block = button("Block", { class: "danger", testid: "request-block" }, () => {
    st.confirmingBlock = true;
    st.error = "";
    apply();
    confirm.focus();
  });
  const confirm = button("Block", { class: "danger-solid", testid: "request-block-confirm" }, () => run("block"));
  const cancel = button("Cancel", { testid: "request-block-cancel" }, () => {
    st.confirmingBlock = false;
    apply();
    block.focus();
  });

  const apply = () => {
    if (st.confirmingBlock) {
      text.replaceChildren(
        el("strong", {}, "Block ", accountId(chatId, "request-account"), "?"),
        " They won't be able to message you on any of your devices. You can unblock them in Settings.",
      );
      buttons.replaceChildren(cancel, confirm);
    } else {
      text.replaceChildren(
        accountId(chatId, "request-account"),
        " is not in your contacts. They won't know you've seen their messages until you accept.",
      );
      buttons.replaceChildren(block, accept);
    }
    for (const b of [accept, block, confirm, cancel]) b.disabled = st.busy;
    error.textContent = st.error;
  };
  apply();
  const node = el(
    "div",
    {
      class: "request-bar",
      testid: "request-bar",
      attrs: { role: "region", "aria-label": "Message request" },
    },
    el("div", { class: "request-body" }, text, buttons),
    error,
  );
  const focus = () => (st.confirmingBlock ? confirm : accept).focus();
  return { node, apply, focus };
}

/** In place of the composer in a blocked account's chat. */
export function renderBlockedBar(chatId: string, ctx: RenderContext): Section {
  const status = el("p", { class: "inline-error", testid: "blocked-error", attrs: { "aria-live": "polite" } });
  const unblock = unblockButton(chatId, ctx, "blocked-unblock");
  const apply = () => {
    unblock.disabled = ctx.ui.unblocking.has(chatId);
    status.textContent = ctx.ui.unblockError;
  };
  apply();
  const node = el(
    "div",
    { class: "request-bar request-bar-blocked", testid: "blocked-bar", attrs: { role: "region", "aria-label": "Blocked" } },
    el(
      "div",
      { class: "request-body" },
      el("p", { class: "request-text" }, "You blocked ", accountId(chatId, "blocked-account"), ". You won't get their messages."),
      el("div", { class: "request-buttons" }, unblock),
    ),
    status,
  );
  return { node, apply };
}

function unblockButton(account: string, ctx: RenderContext, testid: string): HTMLButtonElement {
  return button("Unblock", { testid, attrs: { "data-account": account } }, async () => {
    ctx.ui.unblocking.add(account);
    ctx.ui.unblockError = "";
    ctx.ui.refresh();
    try {
      await ctx.backend.unblock(account);
    } catch (e) {
      const err = toAppError(e);
      ctx.ui.unblockError = requestErrorText("unblock", err.code, err.message);
    } finally {
      ctx.ui.unblocking.delete(account);
      ctx.ui.refresh();
    }
  });
}

/** Settings → Blocked: every blocked account, with Unblock. */
export function renderBlockedSettings(linked: Linked, ctx: RenderContext): Section {
  const status = el("p", { class: "inline-error", testid: "settings-blocked-error", attrs: { "aria-live": "polite" } });
  const rows = linked.blocked.map((account) => {
    const unblock = unblockButton(account, ctx, "settings-unblock");
    const row = el(
      "li",
      { class: "blocked-row", testid: "settings-blocked-row", attrs: { "data-account": account } },
      accountId(account, "settings-blocked-account"),
      unblock,
    );
    return { account, unblock, row };
  });
  const body =
    rows.length === 0
      ? el("p", { class: "muted", testid: "settings-blocked-empty" }, "No one is blocked")
      : el("ul", { class: "blocked-list", testid: "settings-blocked-list" }, ...rows.map((r) => r.row));
  const apply = () => {
    for (const r of rows) r.unblock.disabled = ctx.ui.unblocking.has(r.account);
    status.textContent = ctx.ui.unblockError;
  };
  apply();
  const node = el(
    "section",
    { class: "settings-section", testid: "settings-blocked", attrs: { "aria-labelledby": "settings-blocked-heading" } },
    el("h3", { attrs: { id: "settings-blocked-heading" } }, "Blocked"),
    body,
    el("p", { class: "muted" }, "Blocked accounts can't message you on any of your devices."),
    status,
  );
  return { node, apply };
}
