// The composer of the open chat: multi-line text, an emoji picker, and a photo (picked, pasted or
// dropped) sent with the text as its caption.
import type { RenderContext } from "../context";
import { el } from "../dom";
import { toAppError } from "../errors";
import type { Attachment } from "../uiState";
import type { Section } from "./chatList";
import { attachFile, attachmentPreview, base64Of, firstFile, IMAGE_TYPES } from "./attachments";
import { renderEmojiPicker } from "./emojiPicker";

/** Inline text for a failed sendImage, chosen by code. */
export function photoErrorText(code: string, message: string): string {
  switch (code) {
    case "invalid_data":
      return "Couldn't send the photo: it is not a PNG or JPEG, is damaged, or is larger than 5 MB. Pick another photo.";
    case "too_large":
      return "Couldn't send the photo: it is too large. Pick a smaller photo.";
    case "relay_unreachable":
      return "Couldn't send the photo: the relay can't be reached. Check your connection, then press Send again.";
    default:
      return `Couldn't send the photo: ${message}`;
  }
}

export interface Composer extends Section {
  input: HTMLTextAreaElement;
  /** Checks a file (e.g. one dropped onto the conversation) and attaches it. */
  acceptFile(file: File): void;
}

export function renderComposer(chatId: string, ctx: RenderContext): Composer {
  const st = ctx.ui.composer(chatId);
  const input = el("textarea", {
    class: "composer-input",
    testid: "composer-input",
    attrs: { "aria-label": "Message", rows: "2", dir: "auto", "aria-describedby": "composer-hint composer-error attachment-error" },
  });
  const send = el("button", { class: "primary", testid: "composer-send", attrs: { type: "submit" } }, "Send");
  const error = el("p", {
    class: "inline-error",
    testid: "composer-error",
    attrs: { id: "composer-error", "aria-live": "polite" },
  });
  const attachError = el("p", {
    class: "inline-error",
    testid: "attachment-error",
    attrs: { id: "attachment-error", "aria-live": "polite" },
  });
  const fileInput = el("input", {
    testid: "attach-input",
    attrs: { type: "file", accept: IMAGE_TYPES.join(","), tabindex: "-1", "aria-hidden": "true" },
  });
  fileInput.hidden = true;
  const attach = el(
    "button",
    { class: "composer-tool", testid: "attach-image", attrs: { type: "button", "aria-label": "Attach photo", title: "Attach a photo (PNG or JPEG, up to 5 MB)" } },
    "📎",
  );
  const previewSlot = el("div", { class: "attachment-slot" });
  const canSend = () => !st.sending && (st.draft.trim() !== "" || st.attachment !== null);
  const emoji = renderEmojiPicker(st, input, () => {
    send.disabled = !canSend();
  });

  let shown: { att: Attachment | null; sending: boolean } | null = null;
  const apply = () => {
    if (input.value !== st.draft) input.value = st.draft;
    // Read-only rather than disabled: keyboard focus stays in the composer.
    input.readOnly = st.sending;
    send.disabled = !canSend();
    error.textContent = st.error;
    attachError.textContent = st.attachError;
    if (shown === null || shown.att !== st.attachment || shown.sending !== st.sending) {
      shown = { att: st.attachment, sending: st.sending };
      previewSlot.replaceChildren(...(st.attachment === null ? [] : [attachmentPreview(st.attachment, st.sending, remove)]));
    }
  };

  function remove(): void {
    if (st.sending) return;
    st.attachment = null;
    st.attachError = "";
    apply();
    input.focus();
  }

  const acceptFile = (file: File) => attachFile(file, st, ctx);

  const submit = () => {
    const text = st.draft.trim();
    const att = st.attachment;
    if (st.sending || (text === "" && att === null)) return;
    const sent = st.draft;
    st.sending = true;
    st.error = "";
    st.attachError = "";
    apply();
    const call = att === null ? ctx.backend.sendMessage(chatId, text) : ctx.backend.sendImage(chatId, base64Of(att.dataUrl), text);
    call.then(
      () => {
        st.sending = false;
        if (st.draft === sent) st.draft = "";
        if (st.attachment === att) st.attachment = null;
        ctx.ui.refresh({ focusComposer: true });
      },
      (e: unknown) => {
        const err = toAppError(e);
        st.sending = false;
        st.error = att === null ? `Couldn't send the message: ${err.message}` : photoErrorText(err.code, err.message);
        ctx.ui.refresh({ focusComposer: true });
      },
    );
  };

  input.addEventListener("input", () => {
    st.draft = input.value;
    send.disabled = !canSend();
  });
  input.addEventListener("keydown", (e) => {
    // Shift+Enter (and Enter while an IME is composing) inserts a newline.
    if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    submit();
  });
  // A pasted image (or file) becomes the attachment; pasted text goes into the text as usual,
  // even when the clipboard also holds a picture of it (office apps put one there).
  input.addEventListener("paste", (e) => {
    const file = firstFile(e.clipboardData);
    if (file === null || (e.clipboardData?.types ?? []).includes("text/plain")) return;
    e.preventDefault();
    acceptFile(file);
  });
  attach.addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    // Cleared, so picking the same file again is a change too.
    fileInput.value = "";
    if (file) acceptFile(file);
  });

  const form = el(
    "form",
    { class: "composer", testid: "composer", attrs: { "aria-label": "Send a message" } },
    previewSlot,
    attachError,
    el("div", { class: "composer-row" }, attach, emoji.button, input, send),
    emoji.popover,
    fileInput,
    el("p", { class: "composer-hint muted", attrs: { id: "composer-hint" } }, "Enter to send, Shift+Enter for a new line"),
    error,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  apply();
  return { node: form, apply, input, acceptFile };
}
