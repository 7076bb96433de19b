import "./styles.css";
import { createApp, start } from "./app";
import { tauriBackend } from "./backend";

// A file or link dropped outside the composer's drop area must not load in the window (the
// shell refuses navigation too): only the conversation takes drops.
for (const type of ["dragover", "drop"]) {
  window.addEventListener(type, (e) => e.preventDefault());
}

const root = document.getElementById("app");
if (root) void start(createApp(root, tauriBackend), tauriBackend);
