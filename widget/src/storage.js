/**
 * The conversation as the browser keeps it: the session token and the messages,
 * in localStorage, so a reload or a new tab shows the same conversation.
 *
 * The token is 128 random bits from crypto.getRandomValues (32 hex digits): the
 * server accepts nothing else and files the conversation under a hash of it, so
 * only this browser can rejoin the conversation. History older than `keepHours`
 * since the last message is forgotten, and "Start over" forgets it at once: on a
 * shared computer the next person should not find the last one's questions.
 */

const VERSION = 1;
const MAX_MESSAGES = 200;

/** A new session token: 16 random bytes as 32 lower-case hex digits. */
export function newToken() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function isToken(value) {
  return typeof value === "string" && /^[0-9a-f]{32}$/.test(value);
}

/** A fresh conversation: new token, no messages, greeting not yet asked for. */
export function freshState() {
  return { version: VERSION, token: newToken(), messages: [], greeted: false, open: null, updatedAt: Date.now() };
}

export class Store {
  /** One conversation per bot server, so two bots on one site do not mix. */
  constructor(serverUrl, keepHours) {
    this.key = `les-widget:${serverUrl}`;
    this.keepMs = keepHours * 3600 * 1000;
    this.memory = null; // used when localStorage is unavailable (privacy modes)
  }

  load() {
    let state = this.memory;
    try {
      const raw = localStorage.getItem(this.key);
      if (raw) state = JSON.parse(raw);
    } catch {
      /* storage disabled or corrupt: start fresh */
    }
    const valid = state && state.version === VERSION && isToken(state.token) && Array.isArray(state.messages);
    if (!valid || Date.now() - state.updatedAt > this.keepMs) return freshState();
    return state;
  }

  save(state) {
    state.messages = state.messages.slice(-MAX_MESSAGES);
    this.memory = state;
    try {
      localStorage.setItem(this.key, JSON.stringify(state));
    } catch {
      /* full or disabled: the conversation still works, it just won't survive a reload */
    }
  }
}
