import assert from "node:assert/strict";
import { test } from "node:test";

import { Connection, memoryStorage } from "../../static/js/connection.js";
import { fakeSocketClass } from "./fake_socket.mjs";

const FakeSocket = fakeSocketClass(1);

function setup(stored = {}) {
  FakeSocket.made = [];
  const storage = new Map(Object.entries(stored));
  const store = { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => storage.set(k, v) };
  const seen = { messages: [], statuses: [], timers: [] };
  const connection = new Connection(
    "ws://host/ws",
    store,
    {
      message: (m) => seen.messages.push(m.type),
      status: (s, reason) => seen.statuses.push(reason ? `${s}: ${reason}` : s),
    },
    { WebSocketImpl: FakeSocket, setTimer: (fn, ms) => seen.timers.push([fn, ms]) },
  );
  connection.open();
  return { connection, storage, seen, socket: () => FakeSocket.made.at(-1) };
}

test("a first visit connects without a token and keeps the one it is given", async () => {
  const { storage, seen, socket } = setup();
  assert.equal(socket().url, "ws://host/ws");
  await socket().serverSays({ type: "welcome", token: "T1", resumed: false });
  assert.equal(storage.get("lernmi.token"), "T1");
  assert.deepEqual(seen.statuses, ["connecting", "live"]);
  assert.deepEqual(socket().sent, []);
});

test("a socket URL with a query keeps it and adds the token", () => {
  FakeSocket.made = [];
  const store = { getItem: () => "T1", setItem() {} };
  new Connection("ws://host/ws?maps=local", store, { message() {}, status() {} }, { WebSocketImpl: FakeSocket }).open();
  assert.equal(FakeSocket.made[0].url, "ws://host/ws?maps=local&token=T1");
});

test("a return visit resumes with its token", () => {
  const { socket } = setup({ "lernmi.token": "T 1" });
  assert.equal(socket().url, "ws://host/ws?token=T%201");
});

test("when the server no longer knows the token, the last snapshot is restored", async () => {
  const snapshot = { format: 1, network: { epoch: 12 } };
  const { storage, socket } = setup({ "lernmi.token": "old", "lernmi.snapshot": JSON.stringify(snapshot) });
  await socket().serverSays({ type: "welcome", token: "new", resumed: false });
  assert.deepEqual(socket().sent, [{ type: "restore", snapshot }]);
  assert.equal(storage.get("lernmi.token"), "new");
});

const MINE = { format: 1, network: { epoch: 12 } };
const BLANK = { format: 1, network: { epoch: 0 } };

/** A page whose session a new server does not know: welcomed, then sent its blank session. */
async function restoringOnANewServer() {
  const page = setup({ "lernmi.token": "old", "lernmi.snapshot": JSON.stringify(MINE) });
  await page.socket().serverSays({ type: "welcome", token: "new", resumed: false });
  assert.equal(page.connection.restoring, "blank");
  await page.socket().serverSays({ type: "snapshot", snapshot: BLANK });
  return page;
}

test("a new server's blank session never replaces the snapshot being restored", async () => {
  const { connection, storage, socket } = await restoringOnANewServer();
  assert.equal(connection.welcomes, 1);
  assert.deepEqual(JSON.parse(storage.get("lernmi.snapshot")), MINE);
  assert.equal(connection.restoring, "reply");
  await socket().serverSays({ type: "snapshot", snapshot: { ...MINE, restored: true } });
  assert.deepEqual(JSON.parse(storage.get("lernmi.snapshot")), { ...MINE, restored: true });
  assert.equal(connection.restoring, null);
});

test("a refused restore keeps the snapshot for the next try", async () => {
  const { connection, storage, socket } = await restoringOnANewServer();
  await socket().serverSays({ type: "error", field: "snapshot", message: "too big" });
  assert.equal(connection.restoring, null);
  assert.deepEqual(JSON.parse(storage.get("lernmi.snapshot")), MINE);
});

test("a resumed session needs no restore", async () => {
  const { socket } = setup({ "lernmi.token": "T", "lernmi.snapshot": "{}" });
  await socket().serverSays({ type: "welcome", token: "T", resumed: true });
  assert.deepEqual(socket().sent, []);
});

test("every snapshot is kept for later", async () => {
  const { storage, socket } = setup();
  await socket().serverSays({ type: "snapshot", snapshot: { format: 1, epoch: 3 } });
  assert.deepEqual(JSON.parse(storage.get("lernmi.snapshot")), { format: 1, epoch: 3 });
});

test("a drop reconnects after a growing wait, with the token", async () => {
  const { seen, socket } = setup();
  await socket().serverSays({ type: "welcome", token: "T", resumed: false });
  socket().onclose({ code: 1006, reason: "" });
  assert.equal(seen.statuses.at(-1), "reconnecting");
  assert.equal(seen.timers[0][1], 500);
  seen.timers[0][0]();
  assert.equal(socket().url, "ws://host/ws?token=T");
  socket().onclose({ code: 1006, reason: "" });
  assert.equal(seen.timers[1][1], 1000);
});

test("a busy server is shown with its reason and tried again", () => {
  const { seen, socket } = setup();
  socket().onclose({ code: 1013, reason: "server busy: 200 sessions open, try again later" });
  assert.equal(seen.statuses.at(-1), "busy: server busy: 200 sessions open, try again later");
  assert.equal(seen.timers.length, 1);
});

test("a refused connection is not retried", () => {
  const { seen, socket } = setup();
  socket().onclose({ code: 1008, reason: "origin not allowed" });
  assert.equal(seen.statuses.at(-1), "refused: origin not allowed");
  assert.equal(seen.timers.length, 0);
});

test("acks name the frame drawn; nothing is sent on a closed socket", () => {
  const { connection, socket } = setup();
  assert.equal(connection.ack(4), true);
  assert.deepEqual(socket().sent, [{ type: "ack", frame: 4 }]);
  socket().readyState = 3;
  assert.equal(connection.ack(5), false);
});

test("what the person does while the socket is down is sent once the session is back", async () => {
  const { connection, socket } = setup({ "lernmi.token": "T" });
  await socket().serverSays({ type: "welcome", token: "T", resumed: true });
  socket().readyState = 3;
  socket().onclose({ code: 1006, reason: "" });
  assert.equal(connection.send({ type: "step" }), false);
  assert.equal(connection.ack(7), false); // an ack never waits: frames are numbered anew
  connection.open();
  assert.deepEqual(socket().sent, []);
  await socket().serverSays({ type: "welcome", token: "T", resumed: true });
  assert.deepEqual(socket().sent, [{ type: "step" }]);
});

test("memory storage keeps items for the page's life only", () => {
  const storage = memoryStorage();
  assert.equal(storage.getItem("lernmi.token"), null);
  storage.setItem("lernmi.token", "abc");
  assert.equal(storage.getItem("lernmi.token"), "abc");
  assert.equal(memoryStorage().getItem("lernmi.token"), null);
});
