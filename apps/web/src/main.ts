// Entry: creates this tab's chat store, exposes the message hook, mounts the app.
import { mount } from "svelte";
import App from "./App.svelte";
import { ChatStore } from "./lib/chat.svelte.js";
import type { MessageHandler } from "./lib/message-hook.js";
import { registerOfflineShell } from "./lib/offline-shell.js";
import "./app.css";

declare global {
  interface Window {
    /** The public message hook: `cim.onMessage(handler)` is called for every message this tab receives. */
    cim: {
      onMessage: (handler: MessageHandler) => () => void;
      /** Counters of anomalies the SDK saw in this tab (duplicates dropped), for support and tests. */
      stats: () => { duplicatesDropped: number };
    };
  }
}

const chat = new ChatStore();
window.cim = { onMessage: (handler) => chat.onMessage(handler), stats: () => ({ duplicatesDropped: chat.duplicatesDropped }) };

mount(App, { target: document.getElementById("app")!, props: { chat } });
registerOfflineShell();
