// Photos in the conversation: the thumbnail that comes with the message, and the full image on
// demand (from this computer, or asked for from the account's other devices).
import type { RenderContext } from "../context";
import { el } from "../dom";
import { toAppError } from "../errors";
import type { ImageView, OpenChat } from "../types";
import type { ImageState } from "../uiState";
import type { Section } from "./chatList";

export const IMAGE_LOADING_TEXT = "Getting the full image from your phone…";

/** The longest side of a thumbnail on screen (CSS pixels). */
const THUMB_SIDE = 200;

/** Only data: URLs of images are shown (the CSP allows nothing else, and nothing else is wanted). */
export function isImageDataUrl(url: string): boolean {
  return url.startsWith("data:image/");
}

/** "Photo, 1600×1200". */
export function imageAlt(img: ImageView): string {
  return `Photo, ${img.width}×${img.height}`;
}

/** The thumbnail's size on screen: the full image's aspect ratio, at most THUMB_SIDE a side. */
export function thumbSize(img: ImageView): { width: number; height: number } {
  const w = Number.isFinite(img.width) && img.width > 0 ? img.width : 1;
  const h = Number.isFinite(img.height) && img.height > 0 ? img.height : 1;
  const scale = Math.min(1, THUMB_SIDE / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

/** Inline text for a failed fetchMedia, chosen by code. */
export function fetchErrorText(code: string, message: string): string {
  switch (code) {
    case "no_other_device":
      return "No other device of this account is linked: the full image stays on the phone.";
    default:
      return `Couldn't get the full image: ${message}`;
  }
}

interface Target {
  chatId: string;
  messageId: string;
  img: ImageView;
}

/** Asks the account's other devices for the full file; the image opens once a View says it is here. */
function fetchFull(t: Target, st: ImageState, ctx: RenderContext): void {
  st.waiting = true;
  st.mediaId = t.img.media_id;
  st.alt = imageAlt(t.img);
  st.busy = true;
  st.error = "";
  ctx.ui.refresh();
  ctx.backend.fetchMedia(t.img.media_id).then(
    () => {
      st.busy = false;
      ctx.ui.refresh();
    },
    (e: unknown) => {
      const err = toAppError(e);
      st.busy = false;
      st.waiting = false;
      st.error = fetchErrorText(err.code, err.message);
      ctx.ui.refresh();
    },
  );
}

/** Opens the image viewer on `url`, only while the user is still in that chat. */
function showViewer(ctx: RenderContext, chatId: string, messageId: string, url: string, alt: string): void {
  if (ctx.ui.openChatId !== chatId) return;
  ctx.ui.viewer = { chatId, messageId, url, alt };
  ctx.ui.refresh({ focusViewer: true });
}

/** Reads the full image from this computer and shows it in the image viewer. */
function openFull(t: Target, st: ImageState, ctx: RenderContext): void {
  st.busy = true;
  st.error = "";
  ctx.backend.getMedia(t.img.media_id).then(
    (url) => {
      st.busy = false;
      if (!isImageDataUrl(url)) {
        st.error = "Couldn't open the image: it is not a picture.";
        ctx.ui.refresh();
      } else {
        showViewer(ctx, t.chatId, t.messageId, url, imageAlt(t.img));
      }
    },
    (e: unknown) => {
      const err = toAppError(e);
      st.busy = false;
      if (err.code === "not_found") {
        // The View said it is here, but it is not: ask for it, and wait for a View that says so.
        st.needsUpdate = true;
        fetchFull(t, st, ctx);
        return;
      }
      st.error = `Couldn't open the image: ${err.message}`;
      ctx.ui.refresh();
    },
  );
}

/**
 * A photo asked for whose message has since left the list's window (the user scrolled far away)
 * opens when it arrives all the same: for each View, those still waiting are looked for here.
 */
export function openWaitingOffScreen(chat: OpenChat, ctx: RenderContext): void {
  const shown = new Set(chat.messages.map((m) => m.message_id));
  for (const [messageId, st] of ctx.ui.waitingImages(chat.chat_id)) {
    if (shown.has(messageId) || st.busy || st.needsUpdate || st.mediaId === "") continue;
    st.busy = true;
    ctx.backend.getMedia(st.mediaId).then(
      (url) => {
        st.busy = false;
        if (!st.waiting || !isImageDataUrl(url) || ctx.ui.openChatId !== chat.chat_id) return;
        st.waiting = false;
        showViewer(ctx, chat.chat_id, messageId, url, st.alt);
      },
      () => {
        st.busy = false; // not here yet: the next View looks again
      },
    );
  }
}

/**
 * The thumbnail of a message's photo, as a button that opens the full image. Re-rendered for
 * every View: a View saying the full file arrived opens the image the user asked for.
 */
export function renderImage(chatId: string, messageId: string, img: ImageView, ctx: RenderContext): Section {
  const st = ctx.ui.image(chatId, messageId);
  const t: Target = { chatId, messageId, img };
  if (!img.held) st.needsUpdate = false;
  if (st.waiting && img.held && !st.needsUpdate) {
    st.waiting = false;
    ctx.afterMount(() => openFull(t, st, ctx));
  }

  const alt = imageAlt(img);
  const statusId = `image-status-${messageId}`;
  const open = el("button", {
    class: "message-image-open",
    testid: "message-image-open",
    attrs: {
      type: "button",
      "data-message-id": messageId,
      "data-held": String(img.held),
      "aria-describedby": statusId,
      title: "Open the full image",
    },
  });
  if (isImageDataUrl(img.thumbnail_data_url)) {
    const size = thumbSize(img);
    open.append(
      el("img", {
        class: "message-image",
        testid: "message-image",
        attrs: { src: img.thumbnail_data_url, alt, width: String(size.width), height: String(size.height) },
      }),
    );
  } else {
    // Refused by the core (over the decoding limits, or unreadable): say so, as text.
    const why = img.refused ? `${alt}: ${img.refused.message}` : alt;
    open.append(el("span", { class: "message-image-missing", testid: "message-image-refused" }, why));
  }
  open.addEventListener("click", () => {
    if (st.busy) return;
    if (img.held) openFull(t, st, ctx);
    else fetchFull(t, st, ctx);
  });

  // Not role=alert: the list is rebuilt for every View and a kept status must not be re-announced.
  const status = el("div", { class: "image-status", attrs: { id: statusId, "aria-live": "polite" } });
  const apply = () => {
    status.replaceChildren();
    if (st.error !== "") status.append(el("p", { class: "inline-error", testid: "image-error" }, st.error));
    else if (st.waiting) status.append(el("p", { class: "muted", testid: "image-loading" }, IMAGE_LOADING_TEXT));
  };
  apply();
  return { node: el("div", { class: "message-image-block" }, open, status), apply };
}

/** The full image over the screen; Close, Esc or a click beside the image closes it. */
function viewerDialog(ctx: RenderContext): HTMLElement {
  const v = ctx.ui.viewer;
  if (v === null) return el("div");
  const close = el("button", { class: "image-viewer-close", testid: "image-viewer-close", attrs: { type: "button" } }, "Close");
  const dialog = el(
    "div",
    {
      class: "image-viewer",
      testid: "image-viewer",
      attrs: { role: "dialog", "aria-modal": "true", "aria-label": v.alt },
    },
    el(
      "div",
      { class: "image-viewer-box" },
      el("img", { class: "image-viewer-img", testid: "image-viewer-img", attrs: { src: v.url, alt: v.alt } }),
      close,
    ),
  );
  const done = () => closeViewer(ctx);
  close.addEventListener("click", done);
  dialog.addEventListener("click", (e) => {
    if (e.target === dialog) done();
  });
  dialog.addEventListener("keydown", (e) => {
    if (e.isComposing) return;
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      done();
    } else if (e.key === "Tab") {
      // Modal: keyboard focus stays on the only control.
      e.preventDefault();
      close.focus();
    }
  });
  return dialog;
}

/** Closes the image viewer; keyboard focus goes back to the thumbnail it was opened from. */
export function closeViewer(ctx: RenderContext): void {
  const v = ctx.ui.viewer;
  if (v === null) return;
  ctx.ui.viewer = null;
  ctx.ui.refresh({ focusImage: v.messageId });
}

/** Where the image viewer goes: empty while it is closed. */
export function renderImageViewer(ctx: RenderContext): Section & { focus(): void } {
  const slot = el("div", { class: "image-viewer-slot" });
  let shown: unknown = undefined;
  const apply = () => {
    if (ctx.ui.viewer === shown) return;
    shown = ctx.ui.viewer;
    slot.replaceChildren(...(ctx.ui.viewer === null ? [] : [viewerDialog(ctx)]));
  };
  apply();
  const focus = () => slot.querySelector<HTMLElement>('[data-testid="image-viewer-close"]')?.focus();
  return { node: slot, apply, focus };
}
