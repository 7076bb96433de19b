import { describe, expect, it } from "vitest";
import { AppError } from "../src/errors";
import { httpUrl, splitLinks, trimUrl } from "../src/views/links";
import { CHAT_A, byTestId, chatSummary, chatView, fakeBackend, flush, message, mount, openChat, queryTestId } from "./helpers";

function withBody(body: string, id = "m1") {
  return chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [message({ message_id: id, body })]));
}

function links(): HTMLAnchorElement[] {
  return [...document.querySelectorAll<HTMLAnchorElement>('[data-testid="message-link"]')];
}

function press(target: EventTarget, key: string): KeyboardEvent {
  const e = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
  target.dispatchEvent(e);
  return e;
}

function click(target: HTMLElement): MouseEvent {
  const e = new MouseEvent("click", { bubbles: true, cancelable: true });
  target.dispatchEvent(e);
  return e;
}

describe("finding links", () => {
  it.each([
    ["see https://example.com.", "https://example.com"],
    ["(https://example.com/a)", "https://example.com/a"],
    ["https://example.com/x?y=1, and", "https://example.com/x?y=1"],
    ["wow https://example.com/!?", "https://example.com/"],
    ["https://en.wikipedia.org/wiki/Tea_(drink)!", "https://en.wikipedia.org/wiki/Tea_(drink)"],
    ["go to http://example.org:8080/p#frag", "http://example.org:8080/p#frag"],
  ])("in %j links %s", (body, link) => {
    expect(splitLinks(body).filter((p) => p.url !== null).map((p) => p.text)).toEqual([link]);
    expect(splitLinks(body).map((p) => p.text).join("")).toBe(body);
  });

  it.each([
    "javascript:alert(1)",
    "ftp://example.com/file",
    "mailto:a@example.com",
    "file:///etc/passwd",
    "data:text/html,<b>x</b>",
    "xhttps://example.com",
    "https://",
    "www.example.com",
  ])("does not link %s", (body) => {
    expect(splitLinks(body)).toEqual([{ text: body, url: null }]);
  });

  it("normalizes the URL: look-alike hosts become punycode, odd characters are escaped", () => {
    expect(httpUrl("https://exаmple.com/")).toBe("https://xn--exmple-4nf.com/");
    expect(httpUrl("https://example.com/\u202Egpj.exe")).toBe("https://example.com/%E2%80%AEgpj.exe");
    expect(httpUrl("HTTPS://EXAMPLE.COM")).toBe("https://example.com/");
    expect(httpUrl("javascript:alert(1)")).toBeNull();
    expect(trimUrl("https://a.b/c).")).toBe("https://a.b/c");
  });
});

describe("links in messages", () => {
  it("splits the body into text and <a> elements for http(s) URLs only", () => {
    mount(withBody("Menu: https://example.com/menu?day=1, or ftp://x.test and http://b.test!"));
    const body = byTestId("message-body");
    expect(links().map((a) => [a.getAttribute("href"), a.textContent, a.rel])).toEqual([
      ["https://example.com/menu?day=1", "https://example.com/menu?day=1", "noopener noreferrer"],
      ["http://b.test/", "http://b.test", "noopener noreferrer"],
    ]);
    expect(body.textContent).toBe("Menu: https://example.com/menu?day=1, or ftp://x.test and http://b.test!");
    expect([...body.childNodes].map((n) => n.nodeName)).toEqual(["#text", "A", "#text", "A", "#text"]);
  });

  it("never renders a body as markup", () => {
    const body = '<b>x</b> <a href="javascript:alert(1)">click</a> javascript:alert(2) <img src=x onerror=alert(3)>';
    mount(withBody(body));
    const p = byTestId("message-body");
    expect(p.textContent).toBe(body);
    expect(p.querySelector("b, img, script")).toBeNull();
    expect(links()).toEqual([]);
  });

  it("ends a link at a quote or angle bracket: no attribute or element can be smuggled in", () => {
    mount(withBody('https://example.com/"><img src=x onerror=alert(1)>'));
    expect(links().map((a) => a.getAttribute("href"))).toEqual(["https://example.com/"]);
    expect(byTestId("message-body").querySelector("img")).toBeNull();
  });

  it("asks before opening: click shows the confirmation with the full URL, Open calls openLink", async () => {
    const backend = fakeBackend();
    mount(withBody("look https://example.com/a/very/long/path?q=1 now"), backend);
    const link = links()[0]!;
    link.focus();
    expect(click(link).defaultPrevented).toBe(true);
    const dialog = byTestId("link-confirm");
    expect(dialog.getAttribute("role")).toBe("alertdialog");
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(dialog.textContent).toContain("Open this link in your browser?");
    expect(byTestId("link-confirm-url").textContent).toBe("https://example.com/a/very/long/path?q=1");
    expect(document.activeElement).toBe(byTestId("link-confirm-cancel"));
    // Modal: the rest of the screen is inert.
    expect(byTestId("conversation").closest("[inert]")).not.toBeNull();
    expect(backend.openLink).not.toHaveBeenCalled();

    byTestId("link-confirm-open").click();
    await flush();
    expect(backend.openLink).toHaveBeenCalledWith("https://example.com/a/very/long/path?q=1");
    expect(queryTestId("link-confirm")).toBeNull();
    expect(byTestId("conversation").closest("[inert]")).toBeNull();
    expect(document.activeElement).toBe(links()[0]);
  });

  it("Enter on a link asks too; Cancel and Esc close without opening, focus back on the link", () => {
    const backend = fakeBackend();
    mount(withBody("one https://a.example two https://b.example"), backend);
    const second = links()[1]!;
    second.focus();
    expect(press(second, "Enter").defaultPrevented).toBe(true);
    expect(byTestId("link-confirm-url").textContent).toBe("https://b.example/");
    byTestId("link-confirm-cancel").click();
    expect(queryTestId("link-confirm")).toBeNull();
    expect(document.activeElement).toBe(links()[1]);

    click(links()[1]!);
    expect(press(byTestId("link-confirm-cancel"), "Escape").defaultPrevented).toBe(true);
    expect(queryTestId("link-confirm")).toBeNull();
    expect(document.activeElement).toBe(links()[1]);
    expect(backend.openLink).not.toHaveBeenCalled();
  });

  it("keeps Tab inside the confirmation", () => {
    mount(withBody("https://a.example"));
    click(links()[0]!);
    const cancel = byTestId("link-confirm-cancel");
    expect(press(cancel, "Tab").defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(byTestId("link-confirm-open"));
    press(byTestId("link-confirm-open"), "Tab");
    expect(document.activeElement).toBe(cancel);
  });

  it("shows a failed openLink in the confirmation, by code", async () => {
    const backend = fakeBackend();
    backend.openLink.mockRejectedValue(new AppError("open_failed", "xdg-open: not found"));
    mount(withBody("https://a.example"), backend);
    click(links()[0]!);
    byTestId("link-confirm-open").click();
    await flush();
    expect(byTestId("link-confirm-error").textContent).toContain("Couldn't open your browser");
    expect(queryTestId("link-confirm")).not.toBeNull();
  });

  it("survives a re-render while the confirmation is open", () => {
    const { app } = mount(withBody("https://a.example"));
    click(links()[0]!);
    app.render({ ...withBody("https://a.example"), relay_url: "wss://other.example.test" });
    expect(byTestId("link-confirm-url").textContent).toBe("https://a.example/");
  });
});

describe("disguised links", () => {
  it("shows a link with a user name or password in it as text, never as a link", () => {
    expect(httpUrl("https://bank.example@evil.example/login")).toBeNull();
    expect(httpUrl("https://user:pw@example.org/")).toBeNull();
    mount(withBody("log in at https://bank.example@evil.example/login now"));
    expect(links()).toHaveLength(0);
    expect(byTestId("message-body").textContent).toBe("log in at https://bank.example@evil.example/login now");
  });
});
