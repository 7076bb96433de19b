import { describe, expect, it, vi } from "vitest";
import { AppError } from "../src/errors";
import { MAX_IMAGE_BYTES, fileSizeText, refusal } from "../src/views/attachments";
import {
  CHAT_A,
  CHAT_B,
  byTestId,
  chatSummary,
  chatView,
  composer,
  fakeBackend,
  flush,
  mount,
  openChat,
  pressEnter,
  queryTestId,
  typeText,
} from "./helpers";

const chats = [chatSummary(CHAT_A), chatSummary(CHAT_B)];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function open(chatId = CHAT_A) {
  return chatView(chats, openChat(chatId));
}

/** A file starting with the PNG signature, `size` bytes long. */
function pngFile(name = "cat.png", size = 2048, type = "image/png"): File {
  const bytes = new Uint8Array(size);
  bytes.set(PNG_SIGNATURE);
  return new File([bytes], name, { type });
}

function base64(file: File): Promise<string> {
  return file.arrayBuffer().then((b) => Buffer.from(b).toString("base64"));
}

/** Picks `file` in the hidden file input, as the file dialog would. */
function pick(file: File): void {
  const input = byTestId<HTMLInputElement>("attach-input");
  Object.defineProperty(input, "files", { value: [file], configurable: true });
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

/** An event carrying `data` as its clipboardData or dataTransfer. */
function dataEvent(type: string, key: "clipboardData" | "dataTransfer", data: object): Event {
  const e = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(e, key, { value: data });
  return e;
}

async function preview(): Promise<HTMLElement> {
  return vi.waitFor(() => byTestId("attachment-preview"));
}

describe("attaching a photo", () => {
  it("has a labelled Attach photo button that opens a hidden PNG/JPEG file input", () => {
    mount(open());
    const button = byTestId<HTMLButtonElement>("attach-image");
    expect(button.getAttribute("aria-label")).toBe("Attach photo");
    const input = byTestId<HTMLInputElement>("attach-input");
    expect(input.type).toBe("file");
    expect(input.accept).toBe("image/png,image/jpeg");
    expect(input.hidden).toBe(true);
    const clicked = vi.fn();
    input.addEventListener("click", clicked);
    button.click();
    expect(clicked).toHaveBeenCalledTimes(1);
  });

  it("shows a preview with the image, the name as text and the size; Send calls sendImage and clears it", async () => {
    const backend = fakeBackend();
    mount(open(), backend);
    const file = pngFile("<b>holiday</b>.png", 250 * 1024);
    pick(file);
    const box = await preview();
    const img = byTestId<HTMLImageElement>("attachment-preview-img", box);
    expect(img.getAttribute("src")).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(byTestId("attachment-name", box).textContent).toBe("<b>holiday</b>.png");
    expect(box.querySelector("b")).toBeNull();
    expect(byTestId("attachment-size", box).textContent).toBe("250 KB");
    // Ready for a caption.
    expect(document.activeElement).toBe(composer());

    typeText("  At the beach  ");
    byTestId<HTMLButtonElement>("composer-send").click();
    await flush();
    expect(backend.sendImage).toHaveBeenCalledTimes(1);
    expect(backend.sendImage).toHaveBeenCalledWith(CHAT_A, await base64(file), "At the beach");
    expect(backend.sendMessage).not.toHaveBeenCalled();
    expect(queryTestId("attachment-preview")).toBeNull();
    expect(composer().value).toBe("");
  });

  it("sends a photo without a caption with Enter (Send is enabled by the photo alone)", async () => {
    const backend = fakeBackend();
    mount(open(CHAT_B), backend);
    expect(byTestId<HTMLButtonElement>("composer-send").disabled).toBe(true);
    const file = pngFile();
    pick(file);
    await preview();
    expect(byTestId<HTMLButtonElement>("composer-send").disabled).toBe(false);
    expect(pressEnter().defaultPrevented).toBe(true);
    await flush();
    expect(backend.sendImage).toHaveBeenCalledWith(CHAT_B, await base64(file), "");
  });

  it("keeps Shift+Enter as a new line while a photo is attached", async () => {
    const backend = fakeBackend();
    mount(open(), backend);
    pick(pngFile());
    await preview();
    typeText("line one");
    expect(pressEnter(true).defaultPrevented).toBe(false);
    await flush();
    expect(backend.sendImage).not.toHaveBeenCalled();
  });

  it("Remove drops the photo; Send then sends text again", async () => {
    const backend = fakeBackend();
    mount(open(), backend);
    pick(pngFile());
    const box = await preview();
    const remove = byTestId<HTMLButtonElement>("attachment-remove", box);
    expect(remove.getAttribute("aria-label")).toBe("Remove photo cat.png");
    remove.click();
    expect(queryTestId("attachment-preview")).toBeNull();
    expect(document.activeElement).toBe(composer());
    typeText("just text");
    pressEnter();
    await flush();
    expect(backend.sendMessage).toHaveBeenCalledWith(CHAT_A, "just text");
    expect(backend.sendImage).not.toHaveBeenCalled();
  });

  it("keeps the photo across a re-render and in its own chat only", async () => {
    const { app } = mount(open());
    pick(pngFile());
    await preview();
    app.render({ ...open(), relay_url: "wss://other.example.test" });
    expect(byTestId("attachment-name").textContent).toBe("cat.png");
    app.render(open(CHAT_B));
    expect(queryTestId("attachment-preview")).toBeNull();
    app.render(open(CHAT_A));
    expect(queryTestId("attachment-preview")).not.toBeNull();
  });

  it.each([
    ["a GIF", new File([new Uint8Array(10)], "anim.gif", { type: "image/gif" })],
    ["a PDF", new File([new Uint8Array(10)], "doc.pdf", { type: "application/pdf" })],
    ["a photo over 5 MB", pngFile("huge.png", MAX_IMAGE_BYTES + 1)],
    ["a .png that is not a PNG inside", new File([new Uint8Array(64)], "fake.png", { type: "image/png" })],
  ])("refuses %s with a message saying what can be sent", async (_what, file) => {
    const backend = fakeBackend();
    mount(open(), backend);
    pick(file);
    const error = await vi.waitFor(() => {
      const e = byTestId("attachment-error");
      expect(e.textContent).not.toBe("");
      return e;
    });
    expect(error.textContent).toContain("Only PNG and JPEG photos up to 5 MB can be sent");
    expect(error.textContent).toContain(file.name);
    expect(queryTestId("attachment-preview")).toBeNull();
    pressEnter();
    await flush();
    expect(backend.sendImage).not.toHaveBeenCalled();
  });

  it("accepts a photo of exactly 5 MiB and a JPEG", async () => {
    expect(refusal({ name: "a.png", type: "image/png", size: MAX_IMAGE_BYTES })).toBeNull();
    expect(refusal({ name: "a.jpg", type: "image/jpeg", size: 10 })).toBeNull();
    expect(refusal({ name: "a.webp", type: "image/webp", size: 10 })).toContain("pick a PNG or JPEG");
    expect(fileSizeText(812)).toBe("812 bytes");
    expect(fileSizeText(4.25 * 1024 * 1024)).toBe("4.3 MB");

    mount(open());
    const jpeg = new Uint8Array(100);
    jpeg.set([0xff, 0xd8, 0xff, 0xe0]);
    pick(new File([jpeg], "me.jpg", { type: "image/jpeg" }));
    const box = await preview();
    expect(byTestId("attachment-preview-img", box).getAttribute("src")).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    expect(byTestId("attachment-error").textContent).toBe("");
  });

  it("attaches an image pasted into the composer (files or items); pasted text is left alone", async () => {
    mount(open());
    const text = dataEvent("paste", "clipboardData", { files: [], items: [], types: ["text/plain"] });
    composer().dispatchEvent(text);
    expect(text.defaultPrevented).toBe(false);

    const viaFiles = dataEvent("paste", "clipboardData", { files: [pngFile("pasted.png")], items: [] });
    composer().dispatchEvent(viaFiles);
    expect(viaFiles.defaultPrevented).toBe(true);
    expect(byTestId("attachment-name", await preview()).textContent).toBe("pasted.png");

    // Text copied from an office app comes with a picture of it: the text wins.
    const both = dataEvent("paste", "clipboardData", { files: [pngFile("text.png")], items: [], types: ["text/plain", "Files"] });
    composer().dispatchEvent(both);
    expect(both.defaultPrevented).toBe(false);

    const file = pngFile("from-items.png");
    const item = { kind: "file", type: "image/png", getAsFile: () => file };
    composer().dispatchEvent(dataEvent("paste", "clipboardData", { files: [], items: [item] }));
    await vi.waitFor(() => expect(byTestId("attachment-name").textContent).toBe("from-items.png"));
  });

  it("shows a drop hint while a file is dragged over the conversation and attaches the dropped photo", async () => {
    mount(open());
    const conversation = byTestId("conversation");
    const hint = byTestId("drop-hint");
    expect(hint.hidden).toBe(true);
    const file = pngFile("dropped.png");
    const transfer = { types: ["Files"], files: [file], items: [], dropEffect: "none" };
    const enter = dataEvent("dragenter", "dataTransfer", transfer);
    conversation.dispatchEvent(enter);
    expect(enter.defaultPrevented).toBe(true);
    expect(hint.hidden).toBe(false);
    const over = dataEvent("dragover", "dataTransfer", transfer);
    byTestId("message-list").dispatchEvent(over);
    expect(over.defaultPrevented).toBe(true);
    expect(transfer.dropEffect).toBe("copy");
    conversation.dispatchEvent(dataEvent("dragleave", "dataTransfer", transfer));
    expect(hint.hidden).toBe(true);

    conversation.dispatchEvent(dataEvent("dragenter", "dataTransfer", transfer));
    const drop = dataEvent("drop", "dataTransfer", transfer);
    byTestId("composer").dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    expect(hint.hidden).toBe(true);
    expect(byTestId("attachment-name", await preview()).textContent).toBe("dropped.png");
  });

  it("ignores drags of text (no hint, the drop is not taken)", () => {
    mount(open());
    const transfer = { types: ["text/plain"], files: [], items: [] };
    const enter = dataEvent("dragenter", "dataTransfer", transfer);
    byTestId("conversation").dispatchEvent(enter);
    expect(enter.defaultPrevented).toBe(false);
    expect(byTestId("drop-hint").hidden).toBe(true);
  });

  it.each([
    ["relay_unreachable", "the relay can't be reached"],
    ["invalid_data", "not a PNG or JPEG"],
    ["internal", "Disk full."],
  ])("shows a failed sendImage (%s) under the composer and keeps the photo and caption", async (code, shown) => {
    const backend = fakeBackend();
    backend.sendImage.mockRejectedValue(new AppError(code, "Disk full."));
    mount(open(), backend);
    pick(pngFile());
    await preview();
    typeText("caption");
    pressEnter();
    await flush();
    expect(byTestId("composer-error").textContent).toContain("Couldn't send the photo");
    expect(byTestId("composer-error").textContent).toContain(shown);
    expect(queryTestId("attachment-preview")).not.toBeNull();
    expect(composer().value).toBe("caption");
    expect(document.activeElement).toBe(composer());
  });

  it("locks the photo while it is being sent", async () => {
    const backend = fakeBackend();
    let done = () => {};
    backend.sendImage.mockImplementation(() => new Promise<void>((resolve) => (done = resolve)));
    mount(open(), backend);
    pick(pngFile());
    await preview();
    pressEnter();
    expect(byTestId<HTMLButtonElement>("attachment-remove").disabled).toBe(true);
    pressEnter();
    done();
    await flush();
    expect(backend.sendImage).toHaveBeenCalledTimes(1);
    expect(queryTestId("attachment-preview")).toBeNull();
  });
});
