import "./styles.css";
import { createApp, start } from "./app";
import { tauriBackend } from "./backend";

const root = document.getElementById("app");
if (root) void start(createApp(root, tauriBackend), tauriBackend);
