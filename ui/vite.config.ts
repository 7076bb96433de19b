/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// Loaded by the Tauri webview from `ui/dist` (frontendDist). The CSP is
// `script-src 'self'; style-src 'self'; img-src 'self' data:`, so everything
// (JS and CSS) must be emitted as separate same-origin files: nothing inline,
// nothing from a CDN.
export default defineConfig({
  base: "./",
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: ["es2021", "safari15"],
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
