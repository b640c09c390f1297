/**
 * The LES bot's chat widget. Embed with one tag:
 *
 *   <script src="https://BOT-SERVER/widget/les-widget.js" data-title="..." defer></script>
 *
 * This module wires the parts together: options (options.js), the stored
 * conversation (storage.js), the socket (connection.js) and the DOM (view.js),
 * inside a shadow root so the host page's CSS and the widget's cannot clash.
 */

import css from "./styles.css";
import { Connection } from "./connection.js";
import { safeHref } from "./format.js";
import { readOptions, textColorOn } from "./options.js";
import { Store, freshState } from "./storage.js";
import { ChatView } from "./view.js";

// Read while the script runs: document.currentScript is null in any later callback.
const SCRIPT = document.currentScript || document.querySelector("script[src*='les-widget']");
const REPLY_TIMEOUT_MS = 30000;

/** A bot_uttered payload as stored and drawn: text, buttons, image; null if nothing to show. */
function normalize(raw) {
  if (!raw || typeof raw !== "object") return null;
  const text = typeof raw.text === "string" ? raw.text : "";
  const buttons = (Array.isArray(raw.buttons) ? raw.buttons : Array.isArray(raw.quick_replies) ? raw.quick_replies : [])
    .filter((b) => b && typeof b.title === "string" && (typeof b.payload === "string" || safeHref(b.url)))
    .map((b) => (typeof b.payload === "string" ? { title: b.title, payload: b.payload } : { title: b.title, url: safeHref(b.url) }));
  const src = raw.attachment && raw.attachment.type === "image" && raw.attachment.payload && raw.attachment.payload.src;
  const image = src && /^https?:/.test(safeHref(src) || "") ? src : null;
  if (!text && !buttons.length && !image) return null;
  return { from: "bot", text, buttons, image };
}

function styleRoot(root, host, color) {
  if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet.prototype.replaceSync === "function") {
    // A constructed sheet is not inline style, so a host page's strict CSP allows it.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement("style");
    style.textContent = css;
    root.append(style);
  }
  host.style.setProperty("--les-accent", color);
  host.style.setProperty("--les-on-accent", textColorOn(color));
}

function mount() {
  if (window.LesWidget) return; // the tag was included twice
  const options = readOptions(SCRIPT);
  const store = new Store(options.serverUrl, options.keepHours);
  let state = store.load();
  let unread = 0;
  let replyTimer = null;

  const host = document.createElement("div");
  host.setAttribute("data-les-widget", "");
  const root = host.attachShadow({ mode: "open" });
  styleRoot(root, host, options.color);

  const save = (touched = true) => {
    if (touched) state.updatedAt = Date.now();
    store.save(state);
  };

  const stopTyping = () => {
    clearTimeout(replyTimer);
    view.setTyping(false);
  };

  const startTyping = () => {
    view.setTyping(true);
    clearTimeout(replyTimer);
    replyTimer = setTimeout(() => {
      view.setTyping(false);
      view.note("No answer yet. Please try again in a moment.");
    }, REPLY_TIMEOUT_MS);
  };

  const maybeGreet = () => {
    if (!state.open || state.greeted || state.messages.length || !options.initialMessage) return;
    if (connection.send(options.initialMessage)) {
      state.greeted = true;
      save();
      startTyping();
    }
  };

  const connection = new Connection(options, {
    status(status) {
      view.setStatus(status);
      if (status === "online") maybeGreet();
      else stopTyping();
    },
    message(raw) {
      const message = normalize(raw);
      if (!message) return;
      stopTyping();
      state.messages.push(message);
      save();
      view.addMessage(message);
      if (!state.open) view.setUnread(++unread);
    },
    rejected() {
      // The stored token is not one the server accepts: begin a new conversation.
      state = { ...freshState(), open: state.open };
      save();
      view.renderAll(state.messages);
      connection.restart(state.token);
    },
  });

  /** Shows `shown` as the user's message and sends `sent` (a button's payload, or the text). */
  const say = (shown, sent) => {
    if (!connection.send(sent)) return false;
    for (const message of state.messages) if (message.buttons && message.buttons.length) message.answered = true;
    view.removeQuickReplies();
    const message = { from: "user", text: shown };
    state.messages.push(message);
    save();
    view.addMessage(message);
    startTyping();
    return true;
  };

  const setOpen = (open, moveFocus = true) => {
    state.open = open;
    save(false);
    view.setOpen(open, moveFocus);
    if (open) {
      unread = 0;
      connection.start(state.token);
      maybeGreet();
    }
  };

  const startOver = () => {
    stopTyping();
    state = { ...freshState(), open: true };
    save();
    view.renderAll(state.messages);
    connection.restart(state.token);
    view.focusInput();
  };

  const view = new ChatView(root, options, {
    toggle: () => setOpen(!state.open),
    close: () => setOpen(false),
    send: (text) => {
      const trimmed = text.trim();
      return trimmed ? say(trimmed, trimmed) : false;
    },
    quickReply: (_message, button) => {
      if (say(button.title, button.payload)) view.focusInput();
    },
    startOver,
  });

  document.body.append(host);
  view.renderAll(state.messages);
  view.setStatus("idle");
  setOpen(state.open === null ? options.startOpen : state.open, false);

  // Any element with data-les-widget-open opens the chat (a "Chat with us" button).
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-les-widget-open]")) setOpen(true);
  });
  window.LesWidget = Object.freeze({ open: () => setOpen(true), close: () => setOpen(false), startOver });
}

if (document.body) mount();
else document.addEventListener("DOMContentLoaded", mount);
