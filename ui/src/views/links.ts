// Links in message bodies: http(s) URLs become <a> elements (built as nodes, the rest stays text
// nodes). Following one asks first (see linkConfirm.ts); nothing else in a body is ever markup.
import type { RenderContext } from "../context";
import { el, type Child } from "../dom";

/** A piece of a message body: text, or a link with the URL it opens. */
export interface Piece {
  text: string;
  /** The normalized http(s) URL; null for plain text. */
  url: string | null;
}

// Starts at a word boundary ("xhttp://" is not a link); ends at whitespace or <>"` characters.
const URL_RE = /\bhttps?:\/\/[^\s<>"`]+/gi;
const TRAILING = ".,)!?;:'\"]}*";

function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}

/** Drops punctuation that ends the sentence rather than the URL; ")" stays if it closes a "(". */
export function trimUrl(raw: string): string {
  let url = raw;
  for (;;) {
    const last = url[url.length - 1] ?? "";
    if (last === "" || !TRAILING.includes(last)) return url;
    if (last === ")" && count(url, "(") >= count(url, ")")) return url;
    url = url.slice(0, -1);
  }
}

/** The normalized URL if `text` is an http or https URL with a host, else null. */
export function httpUrl(text: string): string | null {
  try {
    const u = new URL(text);
    if ((u.protocol !== "http:" && u.protocol !== "https:") || u.hostname === "") return null;
    // A user name or password in a link is a classic disguise (https://bank.example@evil.example):
    // shown as text, never opened (the core refuses it too).
    if (u.username !== "" || u.password !== "") return null;
    // Normalized: an internationalized host shows as punycode (no look-alike letters).
    return u.href;
  } catch {
    return null;
  }
}

/** Splits a body into text and http(s) links, in order; joined, the pieces' text is the body. */
export function splitLinks(body: string): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  for (const m of body.matchAll(URL_RE)) {
    const start = m.index ?? 0;
    const text = trimUrl(m[0]);
    const url = httpUrl(text);
    if (url === null) continue;
    if (start > last) out.push({ text: body.slice(last, start), url: null });
    out.push({ text, url });
    last = start + text.length;
  }
  if (last < body.length) out.push({ text: body.slice(last), url: null });
  return out;
}

/** Shows "Open this link in your browser?" for the link `index` of message `messageId`. */
export function askToOpen(ctx: RenderContext, url: string, messageId: string, index: number): void {
  ctx.ui.linkConfirm = { url, messageId, index, busy: false, error: "" };
  ctx.ui.refresh({ focusLinkConfirm: true });
}

/** A message body as text nodes and links; a link asks before anything opens. */
export function bodyWithLinks(body: string, messageId: string, ctx: RenderContext): Child[] {
  let index = 0;
  return splitLinks(body).map((p): Child => {
    const url = p.url;
    if (url === null) return p.text;
    const i = index++;
    const a = el(
      "a",
      { class: "message-link", testid: "message-link", attrs: { href: url, rel: "noopener noreferrer", "data-message-id": messageId, title: url } },
      p.text,
    );
    const ask = (e: Event) => {
      e.preventDefault();
      askToOpen(ctx, url, messageId, i);
    };
    a.addEventListener("click", ask);
    a.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.isComposing) ask(e);
    });
    // Middle click would open it without asking.
    a.addEventListener("auxclick", (e) => e.preventDefault());
    a.addEventListener("dragstart", (e) => e.preventDefault());
    return a;
  });
}
