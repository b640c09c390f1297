/**
 * The socket.io connection to the bot (Rasa's socketio channel, see
 * bot/server/channels/widget_socket.py). It opens the conversation with the browser's
 * session token on every (re)connect, so a network drop or a server restart is
 * repaired without the page doing anything, and reports one of three states:
 * "connecting", "online" (session confirmed: messages can be sent) and "offline".
 */

import { io } from "socket.io-client";

export class Connection {
  /**
   * @param {{serverUrl: string, socketPath: string}} options
   * @param {{status: Function, message: Function, rejected: Function}} on  callbacks
   */
  constructor(options, on) {
    this.options = options;
    this.on = on;
    this.socket = null;
    this.token = null;
    this.status = "idle";
  }

  _set(status) {
    if (status !== this.status) {
      this.status = status;
      this.on.status(status);
    }
  }

  /** Connects (once) and opens the conversation for `token`. */
  start(token) {
    this.token = token;
    if (this.socket) return;
    this._set("connecting");
    const socket = io(this.options.serverUrl, {
      path: this.options.socketPath,
      // WebSocket first (no CORS round trips); long polling if a proxy blocks it.
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      timeout: 10000,
    });
    socket.on("connect", () => socket.emit("session_request", { session_id: this.token }));
    socket.on("session_confirm", (token) => {
      if (token === this.token) this._set("online");
    });
    socket.on("session_rejected", () => this.on.rejected());
    socket.on("bot_uttered", (message) => this.on.message(message));
    socket.on("connect_error", () => this._set("offline"));
    socket.on("disconnect", (reason) => {
      this._set("offline");
      // The server closed the socket on purpose (e.g. restart): socket.io does not retry then.
      if (reason === "io server disconnect") setTimeout(() => socket.connect(), 1000);
    });
    this.socket = socket;
  }

  /** Switches this socket to another conversation ("Start over"). */
  restart(token) {
    this.token = token;
    if (this.socket && this.socket.connected) {
      this._set("connecting");
      this.socket.emit("session_request", { session_id: token });
    }
  }

  /** Sends a user message; false when offline (the caller keeps the text). */
  send(text) {
    if (this.status !== "online") return false;
    this.socket.emit("user_uttered", { message: text, session_id: this.token });
    return true;
  }
}
