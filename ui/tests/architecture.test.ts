import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ui = join(__dirname, "..");
const src = join(ui, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|js|mts|tsx)$/.test(e.name) ? [p] : [];
  });
}

const files = sourceFiles(src).map((p) => ({ name: relative(src, p), text: readFileSync(p, "utf8") }));

describe("architecture", () => {
  it("finds the sources", () => {
    expect(files.map((f) => f.name)).toContain("backend.ts");
    expect(files.length).toBeGreaterThan(5);
  });

  it("only backend.ts imports @tauri-apps/api", () => {
    const importers = files.filter((f) => f.text.includes("@tauri-apps/api")).map((f) => f.name);
    expect(importers).toEqual(["backend.ts"]);
  });

  it("never parses HTML from strings", () => {
    for (const f of files) {
      expect(f.text, f.name).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser/);
    }
  });

  it("index.html has no inline script or style (CSP: script-src/style-src 'self')", () => {
    const html = readFileSync(join(ui, "index.html"), "utf8");
    expect(html).not.toMatch(/style=/i);
    expect(html).not.toMatch(/<style/i);
    const scripts = html.match(/<script\b[^>]*>[\s\S]*?<\/script>/gi) ?? [];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toMatch(/<script type="module" src="[^"]+"><\/script>/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("keeps source files small", () => {
    for (const f of files) {
      expect(f.text.split("\n").length, f.name).toBeLessThan(300);
    }
  });
});
