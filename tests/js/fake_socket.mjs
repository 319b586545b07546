// A WebSocket stand-in for the page's connection tests: it records what the page sends, and
// serverSays(message) delivers a message as the server would.

/** A socket class whose sockets start in `readyState` (0 connecting, 1 open); `made` lists them. */
export function fakeSocketClass(readyState) {
  return class FakeSocket {
    static made = [];
    constructor(url) {
      this.url = url;
      this.readyState = readyState;
      this.sent = [];
      FakeSocket.made.push(this);
    }
    send(text) {
      this.sent.push(JSON.parse(text));
    }
    close() {}
    serverSays(message) {
      return this.onmessage({ data: JSON.stringify(message) });
    }
  };
}
