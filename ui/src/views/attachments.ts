// Photos to send: picking, pasting or dropping a file, checking it, reading it into a data: URL
// (the CSP allows no blob: URLs), and the preview above the composer.
import type { RenderContext } from "../context";
import { el } from "../dom";
import type { Attachment, ComposerState } from "../uiState";
import { isImageDataUrl } from "./images";

/** The largest photo the core sends (5 MiB). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const IMAGE_TYPES = ["image/png", "image/jpeg"];
export const REFUSED_TEXT = "Only PNG and JPEG photos up to 5 MB can be sent.";
export const DROP_HINT_TEXT = "Drop the photo to attach it";

/** "812 bytes", "245 KB", "4.2 MB". */
export function fileSizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Why `file` cannot be sent, with what to do; null if it can. */
export function refusal(file: { name: string; type: string; size: number }): string | null {
  if (!IMAGE_TYPES.includes(file.type)) return `${REFUSED_TEXT} “${file.name}” is not one: pick a PNG or JPEG photo.`;
  if (file.size > MAX_IMAGE_BYTES) {
    return `${REFUSED_TEXT} “${file.name}” is ${fileSizeText(file.size)}: pick a smaller photo or make this one smaller.`;
  }
  return null;
}

/** The standard base64 of the file's bytes: the data: URL without its "data:…;base64," prefix. */
export function base64Of(dataUrl: string): string {
  return dataUrl.slice(dataUrl.indexOf(",") + 1);
}

/** Whether the bytes start like a PNG or JPEG file (what the name and type claim is not enough). */
function looksLikeImage(dataUrl: string): boolean {
  const b64 = base64Of(dataUrl);
  return (
    (dataUrl.startsWith("data:image/png;base64,") && b64.startsWith("iVBORw0KGgo")) ||
    (dataUrl.startsWith("data:image/jpeg;base64,") && b64.startsWith("/9j/"))
  );
}

/**
 * Checks `file` and reads it into the composer's attachment (replacing an earlier one). A refused
 * file leaves the earlier attachment and shows why. Ignored while a send is in flight.
 */
export function attachFile(file: File, st: ComposerState, ctx: RenderContext): void {
  if (st.sending) return;
  const seq = ++st.readSeq;
  const refused = refusal(file);
  if (refused !== null) {
    st.attachError = refused;
    ctx.ui.refresh();
    return;
  }
  const reader = new FileReader();
  reader.addEventListener("load", () => {
    if (seq !== st.readSeq || st.sending) return;
    const url = typeof reader.result === "string" ? reader.result : "";
    if (looksLikeImage(url)) {
      st.attachment = { name: file.name, size: file.size, dataUrl: url };
      st.attachError = "";
      // Ready for a caption.
      ctx.ui.refresh({ focusComposer: true });
      return;
    }
    st.attachError = `${REFUSED_TEXT} “${file.name}” is not a PNG or JPEG file inside: pick another photo.`;
    ctx.ui.refresh();
  });
  reader.addEventListener("error", () => {
    if (seq !== st.readSeq) return;
    st.attachError = `Couldn't read “${file.name}”. Try again, or pick another photo.`;
    ctx.ui.refresh();
  });
  reader.readAsDataURL(file);
}

/** The first file of a paste or drop, preferring images; null if there is none. */
export function firstFile(data: DataTransfer | null | undefined): File | null {
  if (!data) return null;
  const files = [...(data.files ?? [])];
  if (files.length === 0) {
    for (const item of [...(data.items ?? [])]) {
      const f = item.kind === "file" ? item.getAsFile() : null;
      if (f) files.push(f);
    }
  }
  return files.find((f) => f.type.startsWith("image/")) ?? files[0] ?? null;
}

/** Whether a drag carries files (not text or a link from the page). */
function carriesFiles(e: DragEvent): boolean {
  return [...(e.dataTransfer?.types ?? [])].includes("Files");
}

/**
 * Lets files be dropped onto `zone`: `hint` is shown while a file is dragged over it, `onFile`
 * gets the dropped file.
 */
export function acceptDrops(zone: HTMLElement, hint: HTMLElement, onFile: (f: File) => void): void {
  let depth = 0;
  const show = (on: boolean) => {
    hint.hidden = !on;
    zone.classList.toggle("dragging", on);
  };
  zone.addEventListener("dragenter", (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    depth++;
    show(true);
  });
  zone.addEventListener("dragover", (e) => {
    if (!carriesFiles(e)) return;
    // Allows the drop.
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
    show(true);
  });
  zone.addEventListener("dragleave", (e) => {
    if (!carriesFiles(e)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) show(false);
  });
  zone.addEventListener("drop", (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    depth = 0;
    show(false);
    const file = firstFile(e.dataTransfer);
    if (file) onFile(file);
  });
}

/** The overlay saying a dropped photo is attached; hidden until a file is dragged over. */
export function dropHint(): HTMLElement {
  const hint = el("div", { class: "drop-hint", testid: "drop-hint", attrs: { "aria-hidden": "true" } }, el("p", {}, DROP_HINT_TEXT));
  hint.hidden = true;
  return hint;
}

/** The photo to send, with its name (text), size and a Remove button. */
export function attachmentPreview(att: Attachment, sending: boolean, onRemove: () => void): HTMLElement {
  const remove = el(
    "button",
    { class: "attachment-remove", testid: "attachment-remove", attrs: { type: "button", "aria-label": `Remove photo ${att.name}` } },
    "Remove",
  );
  remove.disabled = sending;
  remove.addEventListener("click", onRemove);
  return el(
    "div",
    { class: "attachment-preview", testid: "attachment-preview", attrs: { role: "group", "aria-label": "Photo to send" } },
    isImageDataUrl(att.dataUrl) &&
      el("img", { class: "attachment-preview-img", testid: "attachment-preview-img", attrs: { src: att.dataUrl, alt: "" } }),
    el(
      "div",
      { class: "attachment-info" },
      el("span", { class: "attachment-name", testid: "attachment-name" }, att.name),
      el("span", { class: "attachment-size muted", testid: "attachment-size" }, fileSizeText(att.size)),
    ),
    remove,
  );
}
