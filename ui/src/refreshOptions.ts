/** What a refresh of the screen should also do with keyboard focus (UiState.refresh). */
export interface RefreshOptions {
  /** Move keyboard focus to the composer of the open chat, if there is one. */
  focusComposer?: boolean;
  /** Move keyboard focus to this chat's row in the chat list. */
  focusChatRow?: string;
  /** Move keyboard focus into the image viewer (its Close button). */
  focusViewer?: boolean;
  /** Move keyboard focus to the thumbnail button of this message in the open chat. */
  focusImage?: string;
  /** Move keyboard focus to the search box. */
  focusSearch?: boolean;
  /** Move keyboard focus into the link confirmation (its Cancel button). */
  focusLinkConfirm?: boolean;
  /** Move keyboard focus to this link (the message and the link's index in it). */
  focusLink?: { messageId: string; index: number };
}
