import type { RenderContext } from "../context";
import { toAppError } from "../errors";
import type { RefreshOptions } from "../uiState";

/**
 * Opens a chat (the core pushes a View with it open). `now` is applied at once, `after` once the
 * core has answered; a failure is shown under the chat list.
 */
export function openChatFrom(
  ctx: RenderContext,
  chatId: string,
  after?: RefreshOptions,
  now?: RefreshOptions,
  atMessage?: string,
): void {
  ctx.ui.chatListError = "";
  ctx.ui.forgetScroll(chatId);
  ctx.ui.refresh(now);
  const opened = atMessage === undefined ? ctx.backend.openChat(chatId) : ctx.backend.openChatAt(chatId, atMessage);
  opened.then(
    () => {
      if (after) ctx.ui.refresh(after);
    },
    (e: unknown) => {
      ctx.ui.chatListError = `Couldn't open the chat: ${toAppError(e).message}`;
      ctx.ui.refresh();
    },
  );
}
