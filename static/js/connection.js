// The page's one WebSocket to its session (docs/protocol.md): it keeps the session's token and
// last snapshot in storage, reconnects after a drop, and restores from the snapshot when the
// server no longer knows the token, so nothing a person built is lost.

import { decodeFrame } from "./frames.js";

const TOKEN = "lernmi.token";
const SNAPSHOT = "lernmi.snapshot";
const BUSY = 1013; // the server holds its maximum of sessions
const POLICY = 1008; // refused: a foreign page, or too many bad messages
const RETRY_MS = [500, 1000, 2000, 5000, 10000]; // waits between reconnection attempts
const WAITING_LIMIT = 100; // messages kept while the socket is down, sent when it is back

/** Storage that lives as long as the page: for a frame (an embed), whose session should not
 * follow it to the next page that embeds the playground, nor fight the others for one token. */
export function memoryStorage() {
  const items = new Map();
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
  };
}

export class Connection {
  /**
   * url: the WebSocket address; storage: sessionStorage or alike; on.message(msg) gets every JSON
   * message, on.frame(frame) every decoded frame, on.status(status, reason) the state of the
   * connection: "connecting", "live", "busy", "refused" or "reconnecting".
   */
  constructor(url, storage, on, { WebSocketImpl = globalThis.WebSocket, setTimer = setTimeout } = {}) {
    this.url = url;
    this.storage = storage;
    this.on = on;
    this.WebSocketImpl = WebSocketImpl;
    this.setTimer = (callback, ms) => setTimer(callback, ms); // unbound: setTimeout needs it
    this.attempt = 0;
    this.socket = null;
    this.closed = false;
    // While a restore is on its way: "blank" until the new session's own first snapshot has
    // come (it must not replace the one the person built), then "reply" until the restore's
    // answer (a snapshot, or an error that leaves the stored one for the next try).
    this.restoring = null;
    this.welcomes = 0; // sessions joined, the first included
    this.waiting = []; // what the person did while the socket was down
  }

  open() {
    const token = this.storage.getItem(TOKEN);
    const joiner = this.url.includes("?") ? "&" : "?"; // the page's URL asks for maps=local
    const url = token ? `${this.url}${joiner}token=${encodeURIComponent(token)}` : this.url;
    this.status(this.attempt ? "reconnecting" : "connecting");
    const socket = new this.WebSocketImpl(url);
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => this.dropped(event.code, event.reason);
    this.socket = socket;
  }

  /** Send one message (an object); while the socket is down it waits, and goes (after the
   * session is back) when the socket is. Returns whether it went now. */
  send(message) {
    if (this.isOpen()) {
      this.socket.send(JSON.stringify(message));
      return true;
    }
    if (this.waiting.length < WAITING_LIMIT) this.waiting.push(message);
    return false;
  }

  /** Tell the server frame `number` is drawn: only then does the next one come. An ack never
   * waits: the next connection numbers its own frames. */
  ack(number) {
    if (!this.isOpen()) return false;
    this.socket.send(JSON.stringify({ type: "ack", frame: number }));
    return true;
  }

  isOpen() {
    return this.socket !== null && this.socket.readyState === 1;
  }

  close() {
    this.closed = true;
    this.socket?.close();
  }

  async receive(data) {
    if (typeof data !== "string") {
      this.on.frame?.(await decodeFrame(data));
      return;
    }
    const message = JSON.parse(data);
    if (message.type === "welcome") {
      this.attempt = 0;
      this.welcomes += 1;
      this.restoring = null;
      const snapshot = this.storage.getItem(SNAPSHOT);
      if (!message.resumed && snapshot && this.storage.getItem(TOKEN)) {
        // The server forgot us (restarted, or another replica): bring the session back.
        this.restoring = "blank";
        this.send({ type: "restore", snapshot: JSON.parse(snapshot) });
      }
      this.storage.setItem(TOKEN, message.token);
      this.status("live");
    } else if (message.type === "snapshot") {
      if (this.restoring === "blank") this.restoring = "reply";
      else {
        this.restoring = null;
        this.storage.setItem(SNAPSHOT, JSON.stringify(message.snapshot));
      }
    } else if (message.type === "error" && this.restoring === "reply") {
      this.restoring = null;
    }
    this.on.message?.(message);
    if (message.type === "welcome") {
      for (const waiting of this.waiting.splice(0)) this.send(waiting);
    }
  }

  dropped(code, reason) {
    this.socket = null;
    if (this.closed) return;
    if (code === POLICY) {
      this.status("refused", reason);
      return;
    }
    this.status(code === BUSY ? "busy" : "reconnecting", reason);
    const wait = RETRY_MS[Math.min(this.attempt, RETRY_MS.length - 1)];
    this.attempt += 1;
    this.setTimer(() => this.open(), wait);
  }

  status(status, reason = "") {
    this.on.status?.(status, reason);
  }
}
