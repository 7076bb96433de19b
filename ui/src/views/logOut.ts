import type { RenderContext } from "../context";
import { button, el } from "../dom";
import { toAppError } from "../errors";

/** "Log out of this desktop…", then a confirmation: logging out deletes this desktop's data. */
export function renderLogOut(ctx: RenderContext): HTMLElement {
  const logOutStatus = el(
    "p",
    { class: "refresh-status inline-error", testid: "log-out-status", attrs: { "aria-live": "polite" } },
    ctx.ui.logOutError,
  );
  const logOutRow = el("div", { class: "row" });
  const ask = button("Log out of this desktop…", { testid: "log-out" }, () => {
    ctx.ui.confirmingLogOut = true;
    ctx.ui.logOutError = "";
    showLogOut();
  });
  const confirm = button("Log out and delete this desktop's data", { testid: "log-out-confirm", class: "danger" }, async (btn) => {
    btn.disabled = true;
    try {
      await ctx.backend.logOut();
      ctx.ui.confirmingLogOut = false;
    } catch (e) {
      ctx.ui.logOutError = `Couldn't log out: ${toAppError(e).message}`;
      logOutStatus.textContent = ctx.ui.logOutError;
      btn.disabled = false;
    }
  });
  const cancel = button("Cancel", { testid: "log-out-cancel" }, () => {
    ctx.ui.confirmingLogOut = false;
    showLogOut();
  });
  const question = el(
    "p",
    { testid: "log-out-question" },
    "Its messages and keys on this computer are deleted. Your phone and other devices keep theirs.",
  );
  const showLogOut = () => {
    logOutRow.replaceChildren(...(ctx.ui.confirmingLogOut ? [question, confirm, cancel] : [ask]), logOutStatus);
  };
  showLogOut();
  return logOutRow;
}
