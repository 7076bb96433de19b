import { describe, expect, it } from "vitest";
import { AppError } from "../src/errors";
import type { ImageView } from "../src/types";
import { imageAlt, thumbSize } from "../src/views/images";
import {
  CHAT_A,
  CHAT_B,
  FULL_IMAGE,
  THUMB,
  byTestId,
  chatSummary,
  chatView,
  fakeBackend,
  flush,
  image,
  message,
  mount,
  openChat,
  queryTestId,
} from "./helpers";

const chats = [chatSummary(CHAT_A), chatSummary(CHAT_B)];

function photoView(img: Partial<ImageView> = {}, chatId = CHAT_A) {
  return chatView(chats, openChat(chatId, [message({ message_id: "p1", body: "", image: image(img) })]));
}

function pressKey(target: EventTarget, key: string): KeyboardEvent {
  const e = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
  target.dispatchEvent(e);
  return e;
}

describe("photos in the conversation", () => {
  it("shows the thumbnail in a button, sized by the image's aspect ratio", () => {
    mount(photoView());
    const open = byTestId<HTMLButtonElement>("message-image-open");
    expect(open.tagName).toBe("BUTTON");
    expect(open.closest('[data-testid="message-row"]')?.getAttribute("data-message-id")).toBe("p1");
    const img = byTestId<HTMLImageElement>("message-image", open);
    expect(img.tagName).toBe("IMG");
    expect(img.getAttribute("src")).toBe(THUMB);
    expect(img.alt).toBe("Photo, 1600×1200");
    expect([img.getAttribute("width"), img.getAttribute("height")]).toEqual(["200", "150"]);
  });

  it("says, as text, why a thumbnail the core refused is not shown", () => {
    const refused = { code: "image_too_large", message: "this image could not be shown <b>(too large)</b>" };
    mount(photoView({ thumbnail_data_url: "", refused }));
    expect(document.querySelector("img")).toBeNull();
    const why = byTestId("message-image-refused");
    expect(why.textContent).toBe("Photo, 1600×1200: this image could not be shown <b>(too large)</b>");
    expect(why.querySelector("b")).toBeNull();
  });

  it("keeps the aspect ratio of tall and small images", () => {
    expect(thumbSize(image({ width: 900, height: 1800 }))).toEqual({ width: 100, height: 200 });
    expect(thumbSize(image({ width: 64, height: 48 }))).toEqual({ width: 64, height: 48 });
    expect(thumbSize(image({ width: 0, height: 0 }))).toEqual({ width: 1, height: 1 });
    expect(imageAlt(image({ width: 640, height: 480 }))).toBe("Photo, 640×480");
  });

  it.each(["https://example.test/x.jpg", "javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", ""])(
    "shows no <img> for a thumbnail URL that is not data:image/ (%s)",
    (url) => {
      mount(photoView({ thumbnail_data_url: url }));
      expect(document.querySelector("img")).toBeNull();
      expect(byTestId("message-image-open").textContent).toBe("Photo, 1600×1200");
    },
  );

  it("opens a held image with getMedia in a modal viewer; Close gives focus back to the thumbnail", async () => {
    const backend = fakeBackend();
    mount(photoView(), backend);
    const open = byTestId<HTMLButtonElement>("message-image-open");
    open.focus();
    open.click();
    await flush();
    expect(backend.getMedia).toHaveBeenCalledWith("media-1");
    expect(backend.fetchMedia).not.toHaveBeenCalled();
    const viewer = byTestId("image-viewer");
    expect(viewer.getAttribute("role")).toBe("dialog");
    expect(viewer.getAttribute("aria-modal")).toBe("true");
    const full = byTestId<HTMLImageElement>("image-viewer-img", viewer);
    expect(full.getAttribute("src")).toBe(FULL_IMAGE);
    expect(full.alt).toBe("Photo, 1600×1200");
    expect(document.activeElement).toBe(byTestId("image-viewer-close"));
    // The rest of the screen is inert meanwhile.
    expect(byTestId("conversation").closest("[inert]")).not.toBeNull();
    expect(viewer.closest("[inert]")).toBeNull();

    byTestId("image-viewer-close").click();
    expect(queryTestId("image-viewer")).toBeNull();
    expect(document.querySelector("[inert]")).toBeNull();
    expect(document.activeElement).toBe(byTestId("message-image-open"));
  });

  it("closes the viewer with Esc, and keeps it open (focus too) across a new View", async () => {
    const { app } = mount(photoView());
    byTestId("message-image-open").click();
    await flush();
    app.render({ ...photoView(), relay_url: "wss://other.example.test" });
    expect(queryTestId("image-viewer")).not.toBeNull();
    expect(document.activeElement).toBe(byTestId("image-viewer-close"));
    // Tab stays in the dialog.
    expect(pressKey(byTestId("image-viewer-close"), "Tab").defaultPrevented).toBe(true);
    const e = pressKey(byTestId("image-viewer-close"), "Escape");
    expect(e.defaultPrevented).toBe(true);
    expect(queryTestId("image-viewer")).toBeNull();
    expect(document.activeElement).toBe(byTestId("message-image-open"));
  });

  it("Esc anywhere closes the viewer (document-level shortcut)", async () => {
    mount(photoView());
    byTestId("message-image-open").click();
    await flush();
    (document.activeElement as HTMLElement).blur();
    pressKey(document.body, "Escape");
    expect(queryTestId("image-viewer")).toBeNull();
  });

  it("gives focus back to the right thumbnail when the chat has several", async () => {
    const view = chatView(
      chats,
      openChat(CHAT_A, [
        message({ message_id: "p1", image: image({ media_id: "a" }) }),
        message({ message_id: "p2", image: image({ media_id: "b" }) }),
      ]),
    );
    const backend = fakeBackend();
    mount(view, backend);
    const second = document.querySelectorAll<HTMLButtonElement>('[data-testid="message-image-open"]')[1]!;
    second.click();
    await flush();
    expect(backend.getMedia).toHaveBeenCalledWith("b");
    byTestId("image-viewer-close").click();
    expect(document.activeElement).toBe(document.querySelectorAll('[data-testid="message-image-open"]')[1]);
  });

  it("asks for an image that is not here, says so, and opens it once a View has it", async () => {
    const backend = fakeBackend();
    const { app } = mount(photoView({ held: false }), backend);
    byTestId("message-image-open").click();
    await flush();
    expect(backend.fetchMedia).toHaveBeenCalledWith("media-1");
    expect(backend.getMedia).not.toHaveBeenCalled();
    expect(byTestId("image-loading").textContent).toBe("Getting the full image from your phone…");
    expect(byTestId("image-loading").closest("[aria-live]")).not.toBeNull();

    // Still not here: keeps waiting across Views.
    app.render({ ...photoView({ held: false }), relay_url: "wss://x.test" });
    expect(queryTestId("image-loading")).not.toBeNull();
    app.render(photoView({ held: true }));
    await flush();
    expect(backend.getMedia).toHaveBeenCalledWith("media-1");
    expect(byTestId<HTMLImageElement>("image-viewer-img").getAttribute("src")).toBe(FULL_IMAGE);
    expect(queryTestId("image-loading")).toBeNull();
    expect(document.activeElement).toBe(byTestId("image-viewer-close"));
  });

  it("opens the image when it arrives even if the user scrolled its message out of the list's window", async () => {
    const backend = fakeBackend();
    const { app } = mount(photoView({ held: false }), backend);
    byTestId("message-image-open").click();
    await flush();
    // Scrolled far away: the window of messages no longer holds the photo's message.
    const away = () => chatView(chats, openChat(CHAT_A, [message({ message_id: "m9", body: "much later" })]));
    backend.getMedia.mockRejectedValueOnce(new AppError("not_found", "Not here yet."));
    app.render(away());
    await flush();
    expect(backend.getMedia).toHaveBeenCalledWith("media-1");
    expect(queryTestId("image-viewer")).toBeNull();
    // The next View: the file is here now.
    app.render({ ...away(), relay_url: "wss://x.test" });
    await flush();
    expect(backend.getMedia).toHaveBeenCalledTimes(2);
    expect(byTestId<HTMLImageElement>("image-viewer-img").getAttribute("src")).toBe(FULL_IMAGE);
    expect(byTestId("image-viewer").getAttribute("aria-label")).toBe(imageAlt(image()));
    // Opened once: later Views do not ask again.
    app.render(away());
    await flush();
    expect(backend.getMedia).toHaveBeenCalledTimes(2);
  });

  it("does not open the image if the user left the chat before it arrived", async () => {
    const backend = fakeBackend();
    const { app } = mount(photoView({ held: false }), backend);
    byTestId("message-image-open").click();
    await flush();
    app.render(chatView(chats, openChat(CHAT_B)));
    app.render(photoView({ held: true }));
    await flush();
    expect(backend.getMedia).not.toHaveBeenCalled();
    expect(queryTestId("image-viewer")).toBeNull();
    expect(queryTestId("image-loading")).toBeNull();
  });

  it("shows a failed fetchMedia inline", async () => {
    const backend = fakeBackend();
    backend.fetchMedia.mockRejectedValueOnce(new AppError("no_other_device", "No device."));
    const { app } = mount(photoView({ held: false }), backend);
    byTestId("message-image-open").click();
    await flush();
    const error = byTestId("image-error");
    expect(error.textContent).toBe("No other device of this account is linked: the full image stays on the phone.");
    expect(error.closest("[aria-live]")).not.toBeNull();
    expect(queryTestId("image-loading")).toBeNull();
    app.render({ ...photoView({ held: false }), relay_url: "wss://x.test" });
    expect(byTestId("image-error").textContent).toContain("No other device");
  });

  it("shows a failed getMedia inline", async () => {
    const backend = fakeBackend();
    backend.getMedia.mockRejectedValueOnce(new AppError("internal", "Disk on fire."));
    mount(photoView(), backend);
    byTestId("message-image-open").click();
    await flush();
    expect(byTestId("image-error").textContent).toBe("Couldn't open the image: Disk on fire.");
    expect(queryTestId("image-viewer")).toBeNull();
  });

  it("refuses to show a full image that is not a data:image/ URL", async () => {
    const backend = fakeBackend();
    backend.getMedia.mockResolvedValueOnce("https://example.test/x.png");
    mount(photoView(), backend);
    byTestId("message-image-open").click();
    await flush();
    expect(queryTestId("image-viewer")).toBeNull();
    expect(byTestId("image-error").textContent).toBe("Couldn't open the image: it is not a picture.");
  });

  it("asks the other devices when getMedia finds nothing (not_found), then waits for the file", async () => {
    const backend = fakeBackend();
    backend.getMedia.mockRejectedValueOnce(new AppError("not_found", "Not here yet."));
    const { app } = mount(photoView({ held: true }), backend);
    byTestId("message-image-open").click();
    await flush();
    expect(backend.fetchMedia).toHaveBeenCalledWith("media-1");
    expect(queryTestId("image-loading")).not.toBeNull();
    expect(queryTestId("image-error")).toBeNull();
    // A View still saying held does not retry at once; one after the file arrived does.
    app.render({ ...photoView({ held: true }), relay_url: "wss://x.test" });
    await flush();
    expect(backend.getMedia).toHaveBeenCalledTimes(1);
    app.render(photoView({ held: false }));
    app.render(photoView({ held: true }));
    await flush();
    expect(backend.getMedia).toHaveBeenCalledTimes(2);
    expect(queryTestId("image-viewer")).not.toBeNull();
  });

  it("keeps the body text of a photo with a caption", () => {
    mount(chatView(chats, openChat(CHAT_A, [message({ body: "Look!", image: image() })])));
    expect(byTestId("message-body").textContent).toBe("Look!");
    expect(byTestId("message-row").classList.contains("message-with-image")).toBe(true);
  });

  it("announces a new photo without a caption as a photo", () => {
    const { app } = mount(chatView(chats, openChat(CHAT_A, [message({ message_id: "a" })])));
    app.render(chatView(chats, openChat(CHAT_A, [message({ message_id: "a" }), message({ message_id: "b", body: "", image: image() })])));
    expect(byTestId("announcer").textContent).toBe("New message: Photo");
  });
});
