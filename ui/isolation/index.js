// Tauri's isolation hook (see index.html). Each message the window sends to the Rust side is
// checked here: Tandem's own commands (snake_case names) with plain arguments, and Tauri's
// channel fetch (how a large View reaches the window). Anything else is turned into a call to a
// command that does not exist, so the caller's promise fails at once instead of hanging.
// Kept in plain JavaScript: Tauri inlines this file as it is (no build step).
"use strict";

(function () {
  const OWN_COMMAND = /^[a-z][a-z0-9_]{0,63}$/;
  const ARG_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
  const CHANNEL_FETCH = "plugin:__TAURI_CHANNEL__|fetch";
  const REFUSED = "isolation_refused";
  /** A photo as base64 (5 MiB) and its caption fit; nothing the window sends is larger. */
  const MAX_STRING = 8 * 1024 * 1024;
  const MAX_ITEMS = 1000;
  const MAX_DEPTH = 3;

  function isPlainObject(value) {
    if (typeof value !== "object" || value === null) return false;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  }

  /** Strings, finite numbers, booleans and null, in arrays or plain objects a few levels deep. */
  function isPlainValue(value, depth) {
    switch (typeof value) {
      case "string":
        return value.length <= MAX_STRING;
      case "number":
        return Number.isFinite(value);
      case "boolean":
        return true;
      case "undefined":
        return true;
      case "object":
        if (value === null) return true;
        if (depth >= MAX_DEPTH) return false;
        if (Array.isArray(value)) {
          return value.length <= MAX_ITEMS && value.every((v) => isPlainValue(v, depth + 1));
        }
        return isPlainArgs(value, depth + 1);
      default:
        return false;
    }
  }

  function isPlainArgs(args, depth) {
    if (!isPlainObject(args)) return false;
    const keys = Object.keys(args);
    return keys.length <= 32 && keys.every((k) => ARG_NAME.test(k) && isPlainValue(args[k], depth));
  }

  /** Tauri's channel fetch: no arguments, one numeric header naming the data to fetch. */
  function isChannelFetch(message) {
    if (message.payload !== null && message.payload !== undefined) return false;
    const options = message.options;
    if (!isPlainObject(options) || !isPlainObject(options.headers)) return false;
    const names = Object.keys(options.headers);
    return (
      names.length === 1 &&
      names[0] === "Tauri-Channel-Id" &&
      /^[0-9]{1,20}$/.test(String(options.headers["Tauri-Channel-Id"]))
    );
  }

  /** Whether a message from the window may go on to the Rust side. */
  function allowed(message) {
    if (!isPlainObject(message) || typeof message.cmd !== "string") return false;
    if (message.cmd === CHANNEL_FETCH) return isChannelFetch(message);
    if (!OWN_COMMAND.test(message.cmd)) return false;
    if (message.options !== undefined && message.options !== null && !isPlainObject(message.options)) return false;
    return message.payload === undefined || isPlainArgs(message.payload, 0);
  }

  function check(message) {
    if (allowed(message)) return message;
    const refused = Object.create(null);
    refused.cmd = REFUSED;
    refused.callback = message && message.callback;
    refused.error = message && message.error;
    refused.payload = {};
    refused.options = undefined;
    return refused;
  }

  window.__TAURI_ISOLATION_HOOK__ = check;
})();
