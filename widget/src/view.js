/**
 * The widget's DOM: launcher, panel, message log, quick replies, typing indicator,
 * connection banner and composer. It only draws and reports clicks; what happens
 * (sending, storing, reconnecting) is decided in index.js. Every node is built
 * with createElement/textContent: no message text ever goes through innerHTML.
 */

import { isEmergency, renderText, safeHref } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const ICONS = {
  chat: "M4 5h16v11H8l-4 4z",
  close: "M6 6l12 12M18 6L6 18",
  send: "M4 12l16-8-6 16-2-7z",
};

/** createElement with attributes, listeners ("onclick") and children. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

export class ChatView {
  /**
   * @param {ShadowRoot} root
   * @param {{title: string}} options
   * @param {{toggle, close, send, quickReply, startOver}} actions  what the user asked for
   */
  constructor(root, options, actions) {
    this.actions = actions;
    this.title = options.title;
    this.turnStart = null;

    this.heading = el("h2", { id: "les-title", class: "title", text: options.title });
    this.startOverButton = el("button", { type: "button", class: "text-button", text: "Start over",
      title: "Forget this conversation and start a new one", onclick: () => actions.startOver() });
    this.closeButton = el("button", { type: "button", class: "icon-button", "aria-label": "Close chat",
      onclick: () => actions.close() }, icon("close"));
    const header = el("div", { class: "header" },
      el("div", { class: "heading" }, this.heading,
        el("p", { class: "subtitle", text: "Automated answers from a patient article · not a doctor" })),
      this.startOverButton, this.closeButton);

    this.status = el("div", { class: "status", role: "status" });
    this.hint = el("p", { class: "hint", text: "Ask a question about Lambert-Eaton syndrome (LES)." });
    this.log = el("div", { class: "log", role: "log", "aria-label": "Conversation", tabindex: "0" });
    this.typing = el("div", { class: "typing", hidden: "" },
      el("span", { class: "dot" }), el("span", { class: "dot" }), el("span", { class: "dot" }));
    this.typingStatus = el("div", { class: "sr-only", role: "status" });

    this.input = el("input", { id: "les-input", class: "input", type: "text", maxlength: "4000",
      autocomplete: "off", placeholder: "Type your question…" });
    this.sendButton = el("button", { type: "submit", class: "send", "aria-label": "Send", disabled: "" },
      icon("send"));
    const composer = el("form", { class: "composer", onsubmit: (event) => this._submit(event) },
      el("label", { class: "sr-only", for: "les-input", text: "Your message" }), this.input, this.sendButton);
    const fineprint = el("p", { class: "fineprint" },
      renderText("General information, not medical advice. In an emergency call 911."));

    this.panel = el("section", { id: "les-panel", class: "panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "les-title", hidden: "", onkeydown: (event) => this._key(event) },
    header, this.status, el("div", { class: "scroller" }, this.hint, this.log, this.typing),
    this.typingStatus, composer, fineprint);

    this.badge = el("span", { class: "badge", hidden: "", "aria-hidden": "true" });
    this.launcherIcon = icon("chat");
    this.launcher = el("button", { type: "button", class: "launcher", "aria-controls": "les-panel",
      "aria-expanded": "false", "aria-label": `Open chat: ${options.title}`,
      onclick: () => actions.toggle() }, this.launcherIcon, this.badge);
    root.append(this.panel, this.launcher);
  }

  _submit(event) {
    event.preventDefault();
    if (this.actions.send(this.input.value)) this.input.value = "";
    this.input.focus();
  }

  _key(event) {
    if (event.key === "Escape") {
      event.stopPropagation();
      this.actions.close();
    }
  }

  /** Opens or closes the panel; keyboard focus follows (input when opened, launcher when closed). */
  setOpen(open, moveFocus) {
    this.panel.hidden = !open;
    this.launcher.setAttribute("aria-expanded", String(open));
    this.launcher.setAttribute("aria-label", open ? "Minimize chat" : `Open chat: ${this.title}`);
    this.launcherIcon.replaceWith((this.launcherIcon = icon(open ? "close" : "chat")));
    if (open) this.setUnread(0);
    if (!moveFocus) return;
    if (open) {
      this.input.focus();
      this._scroll();
    } else {
      this.launcher.focus();
    }
  }

  setUnread(count) {
    this.badge.hidden = count === 0;
    this.badge.textContent = count ? String(count) : "";
    if (count && this.panel.hidden) {
      this.launcher.setAttribute("aria-label", `Open chat: ${this.title} (${count} new)`);
    }
  }

  /** "connecting", "online" or "offline": the banner, and whether Send works. */
  setStatus(status) {
    this.status.replaceChildren();
    this.panel.dataset.status = status;
    this.sendButton.disabled = status !== "online";
    for (const button of this.log.querySelectorAll(".quick-replies button")) button.disabled = status !== "online";
    if (status === "connecting") {
      this.status.append(el("p", { class: "connecting", text: "Connecting…" }));
    } else if (status === "offline") {
      const alert = el("div", { class: "offline", role: "alert" });
      alert.append(el("strong", { text: "Can't reach the chat server." }), " We keep trying to reconnect. ",
        renderText("If this is an emergency, call 911 now."));
      this.status.append(alert);
    }
  }

  setTyping(on) {
    this.typing.hidden = !on;
    this.typingStatus.textContent = on ? "The bot is typing…" : "";
    if (on) this._scroll();
  }

  /** Draws a whole conversation (page load, start over) without announcing it. */
  renderAll(messages) {
    this.log.replaceChildren();
    this.turnStart = null;
    messages.forEach((message) => this.addMessage(message, false));
    this._scroll(true);
  }

  /** Adds one message; `live` messages are new in this page (announced, scrolled to). */
  addMessage(message, live = true) {
    const emergency = message.from === "bot" && isEmergency(message.text);
    const item = el("div", { class: `msg ${message.from}${emergency ? " emergency" : ""}` });
    const who = message.from === "user" ? "You said:" : emergency ? "Emergency message from the bot:" : "Bot said:";
    const bubble = el("div", { class: "bubble" }, el("span", { class: "sr-only", text: `${who} ` }));
    if (message.text) {
      bubble.append(el("span", { class: "text" }, renderText(message.text, { rich: message.from !== "user" })));
    }
    if (message.image) bubble.append(el("img", { class: "image", src: message.image, alt: "" }));
    item.append(bubble);
    if (emergency) {
      if (live) item.setAttribute("role", "alert");
      const calls = el("div", { class: "calls" }, el("a", { class: "call", href: "tel:911", text: "Call 911" }));
      if (message.text.includes("988")) calls.append(el("a", { class: "call", href: "tel:988", text: "Call 988" }));
      item.append(calls);
    }
    if (message.buttons && message.buttons.length && !message.answered) item.append(this._quickReplies(message));
    this.log.append(item);
    this.hint.hidden = true;
    // Replies scroll into view, but never push the question they answer out of sight.
    if (live && message.from === "user") this.turnStart = item;
    if (live) this._scroll();
  }

  _quickReplies(message) {
    const group = el("div", { class: "quick-replies", role: "group", "aria-label": "Suggested replies" });
    for (const button of message.buttons) {
      if (button.url !== undefined) {
        const href = safeHref(button.url); // checked again: stored history is input too
        if (href) {
          group.append(el("a", { class: "reply", href, target: "_blank", rel: "noopener noreferrer",
            text: button.title }));
        }
      } else {
        group.append(el("button", { type: "button", class: "reply", text: button.title,
          onclick: () => this.actions.quickReply(message, button) }));
      }
    }
    return group;
  }

  removeQuickReplies() {
    for (const group of this.log.querySelectorAll(".quick-replies")) group.remove();
  }

  /** A local note in the log (not sent by the bot, not stored). */
  note(text) {
    this.log.append(el("p", { class: "note", text }));
    this._scroll();
  }

  focusInput() {
    this.input.focus();
  }

  /** Bottom of the log, but never past the user's latest question. */
  _scroll(toEnd = false) {
    const scroller = this.log.parentElement;
    const bottom = scroller.scrollHeight;
    // .scroller is position: relative, so offsetTop is measured from its top.
    const turnTop = this.turnStart && !toEnd ? this.turnStart.offsetTop - 12 : bottom;
    scroller.scrollTop = Math.min(bottom, turnTop);
  }
}
